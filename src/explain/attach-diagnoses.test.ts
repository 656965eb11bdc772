import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport, Finding, FindingKind, RateChange } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import type { PosRecord } from '../records/index.js';
import { diagnose } from './attach-diagnoses.js';
import { auditReport, finding as findingOf, rateChange } from '../../test/explain/explain-fixtures.js';

const M = '822000000000009';

/** A report of these findings of M and these rate changes (diagnose reads only findings and rate changes). */
const reportOf = (findings: Finding[], rateChanges: RateChange[] = []): AuditReport =>
  auditReport(findings, rateChanges, { merchantId: M });

/** A finding of M: a credit card sale at terminal 10000001 on 2026-10-14 unless `extra` says otherwise. */
const finding = (kind: FindingKind, extra: Partial<Finding>): Finding =>
  findingOf(kind, {
    merchantId: M,
    terminalId: '10000001',
    time: '2026-10-14T15:00:00+08:00',
    channel: 'card',
    card: 'credit',
    ...extra,
  });

/** Every evidence line and step of the diagnoses, zh and en. */
const texts = (ds: ReturnType<typeof diagnose>) =>
  ds.flatMap((d) => [d.title, d.titleEn, ...d.evidence, ...d.evidenceEn, ...d.steps, ...d.stepsEn]);

// “参考号” or “ref no(s)” with nothing after it: the label of a list that came out empty.
const EMPTY_REF = /参考号\s*(?:[，；。、,;]|$)|ref nos?\s*(?:[,;.]|$)/;

describe('naming the transactions in evidence', () => {
  // ¥300.00 at 0.60% = ¥1.80 fee: ¥298.20 due; ¥58.00 at 0.38% = ¥0.22 fee: ¥57.78 due. ¥355.98 in all.
  // The 凭证号/流水号 the audit takes from the journal line (transactionFields), when asked to.
  const missing = (vouchers = false) => [
    finding('missing_settlement', {
      ...(vouchers ? { voucherNo: '000112' } : {}),
      amountFen: 30000,
      lossFen: 29820,
      source: [{ file: 'terminal.csv', row: 14 }],
    }),
    finding('missing_settlement', {
      time: '2026-10-15T09:00:00+08:00',
      channel: 'wechat',
      card: 'unknown',
      ...(vouchers ? { voucherNo: '000114' } : {}),
      amountFen: 5800,
      lossFen: 5778,
      source: [{ file: 'terminal.csv', row: 16 }],
    }),
  ];
  it('names sales of a cashier export without 参考号 by their 凭证号/流水号', () => {
    const [d] = diagnose(reportOf(missing(true)));
    expect(d?.cause).toBe('provider_backend_error');
    expect(d?.lossFen).toBe(35598);
    expect(d?.evidence[0]).toBe(
      '2 笔成功交易在对账单覆盖期内没有结算，应结未结 ¥355.98，2026-10-14 至 2026-10-15，凭证号/流水号 000112、000114',
    );
    expect(d?.evidenceEn[0]).toBe(
      '2 successful sales were never settled although the statements cover their dates, ¥355.98 unpaid, 2026-10-14 to 2026-10-15, voucher nos 000112, 000114',
    );
  });

  it('falls back to the 订单号, then to the file and row, and never prints an empty 参考号', () => {
    const [byRow] = diagnose(reportOf(missing()));
    expect(byRow?.evidence[0]).toBe(
      '2 笔成功交易在对账单覆盖期内没有结算，应结未结 ¥355.98，2026-10-14 至 2026-10-15，terminal.csv 第 14、16 行',
    );
    expect(byRow?.evidenceEn[0]).toMatch(/2026-10-14 to 2026-10-15, terminal\.csv rows 14, 16$/);

    const [mixed] = diagnose(
      reportOf([
        finding('missing_settlement', {
          refNo: '628500000101',
          lossFen: 100,
          source: [{ file: 's.csv', row: 2 }],
        }),
        finding('missing_settlement', {
          orderNo: 'WX20261014001',
          lossFen: 100,
          source: [{ file: 't.csv', row: 3 }],
        }),
        finding('missing_settlement', { lossFen: 100, source: [{ file: 't.csv', row: 9 }] }),
      ]),
    );
    expect(mixed?.evidence[0]).toMatch(/，参考号 628500000101；订单号 WX20261014001；t\.csv 第 9 行$/);
    expect(mixed?.evidenceEn[0]).toMatch(/, ref no 628500000101; order no WX20261014001; t\.csv row 9$/);
  });

  it('says how many more there are beyond the five named', () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      finding('missing_settlement', { refNo: `62850000010${i}`, lossFen: 100 }),
    );
    const [d] = diagnose(reportOf(many));
    expect(d?.evidence[0]).toMatch(
      /参考号 628500000100、628500000101、628500000102、628500000103、628500000104 等 7 笔$/,
    );
    expect(d?.evidenceEn[0]).toMatch(/628500000104 \(7 in all\)$/);
  });

  it('leaves no empty reference list in any diagnosis of findings without 参考号', () => {
    const at = (row: number) => [{ file: 'terminal.csv', row }];
    const findings = [
      finding('void_settled', { lossFen: 300, chargedFeeFen: 300, source: at(2) }),
      finding('amount_mismatch', { terminalId: 'A', lossFen: 100, source: at(3) }),
      finding('amount_mismatch', { terminalId: 'B', lossFen: 100, source: at(4) }),
      finding('duplicate_settlement', { source: at(5) }),
      finding('late_settlement', { source: at(6) }),
      finding('unexpected_settlement', { source: [{ file: 'settlement.csv', row: 7 }] }),
      finding('suspected_duplicate_charge', { messageEn: 'only 30 s after', source: at(8) }),
      finding('void_settled', { messageEn: 'x was reversed on the terminal', lossFen: 200, source: at(9) }),
      finding('refund_fee_mismatch', { lossFen: 240, overchargeFen: 240, source: at(10) }),
      finding('amount_mismatch', { terminalId: 'C', lossFen: 50, source: at(11) }),
      finding('amount_mismatch', { terminalId: 'C', lossFen: 50, source: at(12) }),
      finding('unplanned_deduction', { lossFen: 9900, amountFen: 100000, source: at(13) }),
    ];
    const ds = diagnose(reportOf(findings));
    expect(ds.map((d) => d.cause).sort()).toEqual([
      'device_fault',
      'network_resubmission',
      'provider_backend_error',
      'provider_backend_error',
      'provider_backend_error',
      'provider_backend_error',
      'provider_backend_error',
      'unagreed_charge',
      'unagreed_charge',
    ]);
    for (const text of texts(ds)) expect(text).not.toMatch(EMPTY_REF);
    const all = texts(ds).join('\n');
    for (const row of [2, 5, 6, 8, 9, 10, 11, 13]) expect(all).toContain(`terminal.csv 第 ${row}`);
    expect(all).toContain('settlement.csv 第 7 行');
    expect(all).toContain('terminal.csv 第 13 行 的结算款少付 ¥99.00');
  });
});

describe('a fee kept on a voided or reversed sale', () => {
  // merchant-audit's cancelledFeeDraft: ¥500.00 sale charged ¥3.00, its void returned ¥0.00: ¥3.00 kept, none due.
  const kept = (refNo: string, reversed = false) => {
    const what = reversed ? '冲正' : '撤销';
    return finding('fee_overcharge', {
      refNo,
      time: '2026-10-12T10:05:00+08:00',
      amountFen: 50000,
      expectedFeeFen: 0,
      chargedFeeFen: 300,
      overchargeFen: 300,
      lossFen: 300,
      basis: 'plan',
      cancelledBy: reversed ? 'reversal' : 'void',
      message: `2026-10-12 10:05:00 参考号 ${refNo} 终端 10000001 刷卡贷记卡 ¥500.00 已${what}（v.csv 第 4 行），${what}的交易不收手续费：应收 ¥0.00，实收 ¥3.00 − ${what}退回 ¥0.00 = ¥3.00，多扣 ¥3.00`,
      source: [
        { file: 'v.csv', row: 3 },
        { file: 'v.csv', row: 4 },
      ],
    });
  };
  // A provider rate change on the same channel and card before the sale: step 1 would have taken the finding.
  const change = rateChange({
    merchantId: M,
    channel: 'card',
    card: 'credit',
    date: '2026-10-01',
    beforeRate: '0.60%',
    afterRate: '0.63%',
    transactions: 3,
    noticeHonoured: false,
  });
  const raised = finding('fee_overcharge', {
    refNo: '628500000201',
    time: '2026-10-12T11:00:00+08:00',
    amountFen: 100000,
    expectedFeeFen: 600,
    chargedFeeFen: 630,
    overchargeFen: 30,
    lossFen: 30,
    message: '应收 ¥6.00（0.60%），实收 ¥6.30，多扣 ¥0.30',
  });

  it('is its own cause with a step to get the fee refunded, citing the sale and void lines — never a rate change', () => {
    const ds = diagnose(reportOf([kept('628500000102'), raised], [change]));
    expect(ds.map((d) => [d.cause, d.findingIds.length, d.overchargeFen])).toEqual([
      ['cancelled_fee_kept', 1, 300],
      ['provider_rate_change', 1, 30],
    ]);
    const d = ds[0];
    expect(d?.title).toBe('撤销后手续费未退回');
    expect(d?.titleEn).toBe('Fee kept on voided sales');
    expect(d?.confidence).toBe('high');
    expect(d?.evidence).toEqual([
      '1 笔交易已撤销，对账单中原交易与撤销行相抵，但手续费仍收取 ¥3.00，2026-10-12 至 2026-10-12，终端 10000001',
      '参考号 628500000102（v.csv 第 3、4 行）未退手续费 ¥3.00',
      '撤销的交易不收手续费（撤销免费，冲正整笔相抵），收取的手续费应全部退回；与费率高低无关，不是调价',
    ]);
    expect(d?.remedies).toEqual(['contact_service', 'reconcile_regularly']);
    expect(d?.steps[0]).toBe(
      '联系收单机构，要求退还撤销交易的手续费 ¥3.00：出示原交易与撤销行（参考号 628500000102（v.csv 第 3、4 行）），撤销的交易不应收取手续费',
    );
    expect(d?.stepsEn[0]).toBe(
      'Ask the provider to refund the ¥3.00 fee of the voided sale, citing the sale and its void line (ref no 628500000102 (v.csv rows 3, 4)): a voided sale costs no fee',
    );
    for (const text of texts(ds.slice(0, 1))) expect(text).not.toMatch(/调价：|rate change:/);
  });

  it('says 冲正 for reversals, and 撤销/冲正 for both', () => {
    const [reversed] = diagnose(reportOf([kept('R1', true)]));
    expect(reversed?.title).toBe('冲正后手续费未退回');
    expect(reversed?.evidenceEn[0]).toContain('nets each sale with its reversal line');
    const [both] = diagnose(reportOf([kept('R1', true), kept('R2')]));
    expect(both?.title).toBe('撤销/冲正后手续费未退回');
    expect(both?.overchargeFen).toBe(600);
  });
});

describe('posguard audit diagnoses (end to end)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-diagnose-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const PLAN = [
    `merchantId: "${M}"`,
    'settlement: T1',
    'periods:',
    '  - from: 2026-09-01',
    '    rates:',
    '      - { channel: [wechat, alipay], rate: 0.38% }',
    '      - { card: credit, rate: 0.60% }',
    '',
  ].join('\n');

  it('names the cashier export’s unsettled sale by its 流水号, in memory and through the spool', async () => {
    // 2026-10-13 (Tue) and 10-14 (Wed) settle T1 the next day; the statement covers 10-13 to 10-15.
    const dir = folder({
      'settlement.csv': [
        '交易时间,结算日期,商户号,终端号,凭证号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
        `2026-10-12 09:05:00,2026-10-13,${M},10000001,000101,628500000101,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
        `2026-10-14 11:00:00,2026-10-15,${M},10000001,000103,628500000103,贷记卡,刷卡,消费,1234.56,7.41,1227.15`,
      ].join('\n'),
      'terminal.csv': [
        '交易时间,终端号,流水号,卡类型,支付方式,交易类型,交易金额',
        '2026/10/12 9:05,10000001,000101,贷记卡,刷卡,消费,1000.00',
        '2026/10/14 11:00,10000001,000103,贷记卡,刷卡,消费,1234.56',
        '2026/10/14 15:00,10000001,000112,贷记卡,刷卡,消费,300.00',
      ].join('\n'),
      'plan.yaml': PLAN,
    });
    const args = [
      'audit',
      '--settlement',
      'settlement.csv',
      '--terminal',
      'terminal.csv',
      '--plan',
      'plan.yaml',
    ];
    for (const env of [process.env, { ...process.env, POSGUARD_SPOOL_RECORDS: '1' }]) {
      const run = await runCli([...args, '--format', 'json'], { cwd: dir, env });
      const report = JSON.parse(run.stdout) as AuditReport;
      const missing = report.findings.filter((f) => f.kind === 'missing_settlement');
      expect(missing.map((f) => [f.refNo, f.lossFen])).toEqual([[undefined, 29820]]);
      const d = report.diagnoses?.find((x) => x.findingIds.includes(missing[0]?.id ?? ''));
      expect(d?.evidence[0]).toBe(
        '1 笔成功交易在对账单覆盖期内没有结算，应结未结 ¥298.20，2026-10-14 至 2026-10-14，凭证号/流水号 000112',
      );
      expect(d?.evidenceEn[0]).toMatch(/, voucher no 000112$/);
    }
  });

  it('groups a fee kept on a voided sale under its own cause', async () => {
    const dir = folder({
      'v.csv': [
        '交易时间,结算日期,商户号,终端号,凭证号,参考号,原参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
        `2026-10-12 09:05:00,2026-10-13,${M},10000001,000101,628500000101,,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
        `2026-10-12 10:05:00,2026-10-13,${M},10000001,000102,628500000102,,贷记卡,刷卡,消费,500.00,3.00,497.00`,
        `2026-10-12 10:15:00,2026-10-13,${M},10000001,000103,628500000103,628500000102,贷记卡,刷卡,消费撤销,-500.00,0.00,-500.00`,
      ].join('\n'),
      'plan.yaml': PLAN,
    });
    const run = await runCli(['audit', '--settlement', 'v.csv', '--plan', 'plan.yaml', '--format', 'json'], {
      cwd: dir,
    });
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.findings.map((f) => [f.kind, f.refNo, f.expectedFeeFen, f.overchargeFen])).toEqual([
      ['fee_overcharge', '628500000102', 0, 300],
    ]);
    expect(report.diagnoses?.map((d) => [d.cause, d.title, d.overchargeFen])).toEqual([
      ['cancelled_fee_kept', '撤销后手续费未退回', 300],
    ]);
    expect(report.diagnoses?.[0]?.steps[0]).toContain('参考号 628500000102（v.csv 第 3、4 行）');
  });
});

describe('overcharges without a single change date', () => {
  // ¥1,000.00 credit sales charged ¥7.80 (0.78%) where ¥6.00 (0.60%) was due: ¥1.80 over each, on two terminals.
  const overcharges = (basis: 'plan' | 'inferred') =>
    ['10000001', '10000002'].map((terminalId, i) =>
      finding('fee_overcharge', {
        terminalId,
        time: `2026-10-1${4 + i}T15:00:00+08:00`,
        amountFen: 100000,
        expectedFeeFen: 600,
        chargedFeeFen: 780,
        overchargeFen: 180,
        lossFen: 180,
        basis,
      }),
    );

  it('measures an inferred group against what the provider charged before, not a contract', () => {
    const [d] = diagnose(reportOf(overcharges('inferred')));
    expect(d?.lossFen).toBe(360);
    expect(d?.title).toBe('手续费高于此前实收（未检测到单一变价日期）');
    expect(d?.titleEn).toBe('Fees above what the provider charged before (no single date of change found)');
    expect(d?.evidence[0]).toBe('2 笔交易手续费高于此前实收，多扣 ¥3.60，2026-10-14 至 2026-10-15');
    expect(d?.evidenceEn[0]).toBe(
      '2 transactions were charged above what the provider charged before, ¥3.60 overcharged, 2026-10-14 to 2026-10-15',
    );
    for (const line of [d?.title ?? '', d?.titleEn ?? '', ...(d?.evidence ?? []), ...(d?.evidenceEn ?? [])])
      expect(line).not.toMatch(/合同|contract/);
  });

  it('keeps the contract wording when the fees were priced by a plan', () => {
    const [d] = diagnose(reportOf(overcharges('plan')));
    expect(d?.title).toBe('手续费高于合同（未检测到单一变价日期）');
    expect(d?.titleEn).toBe('Fees above the contract (no single change date detected)');
    expect(d?.evidence[0]).toBe('2 笔交易手续费高于合同，多扣 ¥3.60，2026-10-14 至 2026-10-15');
  });
});

describe('one terminal against the others (a terminal with no such sales shows nothing)', () => {
  // From 2026-10-20 credit card sales carry a ¥3.00 add-on: one sale of ¥500.00 on terminal 10000001, charged
  // ¥6.00 (0.60% = ¥3.00, + ¥3.00) where ¥3.00 was due: ¥3.00 over.
  const change = rateChange({
    merchantId: M,
    channel: 'card',
    card: 'credit',
    date: '2026-10-20',
    beforeRate: '0.60%',
    afterRate: '0.60%',
    afterFixedFen: 300,
    transactions: 1,
    noticeHonoured: false,
  });
  const over = finding('fee_overcharge', {
    time: '2026-10-20T10:00:00+08:00',
    amountFen: 50000,
    expectedFeeFen: 300,
    chargedFeeFen: 600,
    overchargeFen: 300,
    lossFen: 300,
  });
  const sale = (terminalId: string, time: string, card: PosRecord['card'], amountFen = 80000) =>
    ({
      merchantId: M,
      terminalId,
      status: 'success',
      type: 'sale',
      channel: 'card',
      card,
      time,
      amountFen,
    }) as PosRecord;
  const own = sale('10000001', '2026-10-20T10:00:00+08:00', 'credit', 50000);

  it('does not call the terminal’s setting wrong when the other made no credit sale that day (only debit ones)', () => {
    // 10000002: a credit sale the day before the change and a debit sale on its day — nothing on credit cards then.
    const terminal = [
      own,
      sale('10000002', '2026-10-19T16:00:00+08:00', 'credit'),
      sale('10000002', '2026-10-20T11:00:00+08:00', 'debit'),
    ];
    const [d] = diagnose(reportOf([over], [change]), { terminal });
    expect([d?.cause, d?.confidence, d?.overchargeFen]).toEqual(['provider_rate_change', 'medium', 300]);
    expect(d?.evidence.at(-1)).toBe(
      '只有终端 10000001 有按新费率收费的贷记卡交易；其余终端（10000002）同期没有这类交易按合同收费，无从比较，不能据此判断是这台终端的设置被改',
    );
    expect(d?.evidenceEn.at(-1)).toBe(
      "Only terminal 10000001 has credit card sales charged the new formula; the other terminal (10000002) made no such sales charged the contract then, so there is nothing to compare and no sign that this terminal's setting alone was changed",
    );
    for (const line of texts([d as NonNullable<typeof d>]))
      expect(line).not.toMatch(/仍按合同|still charged/);
  });

  it('a credit sale of the other terminal that has a finding of its own (never settled) is no evidence either', () => {
    const unsettled = finding('missing_settlement', {
      terminalId: '10000002',
      time: '2026-10-20T11:00:00+08:00',
      amountFen: 80000,
    });
    const terminal = [own, sale('10000002', '2026-10-20T11:00:00+08:00', 'credit')];
    const ds = diagnose(reportOf([over, unsettled], [change]), { terminal });
    expect(ds.find((d) => d.findingIds.includes(over.id))?.cause).toBe('provider_rate_change');
  });

  it('calls it the terminal’s setting when another terminal’s credit sales that day were charged the contract', () => {
    const terminal = [
      own,
      sale('10000002', '2026-10-20T11:00:00+08:00', 'credit'),
      sale('10000003', '2026-10-20T12:00:00+08:00', 'debit'),
    ];
    const [d] = diagnose(reportOf([over], [change]), { terminal });
    expect([d?.cause, d?.title]).toEqual([
      'terminal_setting_error',
      '终端 10000001 自 2026-10-20 起费率设置错误',
    ]);
    expect(d?.evidence.at(-1)).toBe(
      '只有终端 10000001 按新费率收费，终端 10000002 同期的贷记卡交易仍按合同收费：是这台终端的参数被改了（终端 10000003 同期没有这类交易，无从比较）',
    );
    expect(d?.evidenceEn.at(-1)).toBe(
      "Only terminal 10000001 charges the new formula; terminal 10000002 still charged credit card sales the contract in the same days: that terminal's parameters were changed (terminal 10000003 made no such sales then, so shows nothing)",
    );
  });

  it('the same for overcharges without a change date: no credit sale elsewhere then, no terminal conclusion', () => {
    const terminal = [own, sale('10000002', '2026-10-20T11:00:00+08:00', 'debit')];
    const [d] = diagnose(reportOf([over]), { terminal });
    expect([d?.cause, d?.confidence]).toEqual(['provider_rate_change', 'low']);
    expect(d?.evidence[1]).toBe(
      '只有终端 10000001 有多扣；其余终端（10000002）同期没有这类交易按合同收费，无从比较，不能据此判断是这台终端的设置被改',
    );
    const [wrong] = diagnose(reportOf([over]), {
      terminal: [own, sale('10000002', '2026-10-20T11:00:00+08:00', 'credit')],
    });
    expect([wrong?.cause, wrong?.evidence[1]]).toEqual([
      'terminal_setting_error',
      '只有终端 10000001 受影响，终端 10000002 同期的这类交易按合同收费：是这台终端的费率参数设置错误',
    ]);
  });
});

describe('a bank credit above the statement’s net', () => {
  // The statement nets ¥4,934.58 on 2026-11-26 and the bank credited ¥12,205.48: ¥7,270.90 more, no loss. Another
  // day's net of ¥1,000.00 never arrived: ¥1,000.00 short.
  const payout = (settleDate: string, amountFen: number, lossFen: number) =>
    findingOf('payout_mismatch', {
      merchantId: M,
      settleDate,
      amountFen,
      lossFen,
    });

  it('is no shortfall: its own wording, never 短少 ¥0.00; a short day keeps the back-end wording', () => {
    const over = payout('2026-11-26', 493458, 0);
    const short = payout('2026-11-27', 100000, 100000);
    const ds = diagnose(reportOf([over, short]));
    const mine = ds.find((d) => d.findingIds.includes(over.id));
    expect([mine?.title, mine?.titleEn, mine?.lossFen, mine?.findingIds]).toEqual([
      '到账金额多于对账单净额',
      'More credited at the bank than the statement’s net',
      0,
      [over.id],
    ]);
    expect(mine?.evidence).toEqual([
      '1 个结算日银行实际到账多于对账单结算净额（2026-11-26），不是短少',
      '可能是对账单不完整或漏下载，或他日款项合并到账：请补齐该日对账单后重新核对',
    ]);
    for (const line of texts([mine as NonNullable<typeof mine>]))
      expect(line).not.toMatch(/短少 ¥|未到账|退还|refund|¥[\d,.]+ short/);
    const other = ds.find((d) => d.findingIds.includes(short.id));
    expect([other?.title, other?.lossFen, other?.evidence[0]]).toEqual([
      '收单机构后台差错：结算款未到账或短少',
      100000,
      '1 个结算日的结算款在银行流水中未到账或金额不符，短少 ¥1,000.00，2026-11-27',
    ]);
  });
});
