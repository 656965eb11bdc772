import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { tmpDirs } from '../../test/cli/audit-fixtures.js';
import { runCli } from '../cli/program.js';
import { importFiles } from '../statements/import.js';
import type { AuditReport } from './report-types.js';

// A provider raised the credit-card rate (0.63 % charged, 0.60 % agreed) and, after the merchant complained, gave
// part of it back on later statement lines: 手续费返还 written as an amount, 退手续费 written only as a fee given
// back (交易金额 0.00, 手续费 −0.20). GBK, CRLF, as portals save it. The rebates are credits to the merchant: not
// sales to price, not deductions, part of the day's payout, and set against the loss.
const MERCHANT = '822000000000077';
const gbk = (lines: readonly string[]) => iconv.encode(lines.join('\r\n'), 'gbk');
const sale = (n: number) =>
  `2026-10-12 0${n}:00:00,2026-10-13,${MERCHANT},10000077,31000000000${n},622588******000${n},贷记卡,刷卡,消费,1000.00,6.30,993.70`;
const STATEMENT = gbk([
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  sale(1),
  sale(2),
  sale(3),
  `2026-10-20 00:05:00,2026-10-20,${MERCHANT},,,,,,手续费返还,0.60,0.00,0.60`,
  `2026-10-20 00:06:00,2026-10-20,${MERCHANT},,,,,,退手续费,0.00,-0.20,0.20`,
]);
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'provider: 某某支付',
  'rounding: half-up',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');
const BANK = [
  '交易日期,交易时间,收入金额,支出金额,对方户名,摘要',
  // 3 × 993.70 = 2981.10 for 10-13; the two rebates, 0.60 + 0.20 = 0.80, paid on 10-20.
  '2026-10-13,09:10:00,2981.10,,某某支付有限公司,结算款',
  '2026-10-20,09:10:00,0.80,,某某支付有限公司,结算款',
].join('\n');

const tmp = tmpDirs('posguard-rebates-');

async function audit(format: 'json' | 'table', withBank = true): Promise<string> {
  const dir = tmp();
  writeFileSync(join(dir, 's.csv'), STATEMENT);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'bank.csv'), BANK);
  const bank = withBank ? ['--bank', 'bank.csv'] : [];
  const run = await runCli(
    ['audit', '--settlement', 's.csv', ...bank, '--plan', 'plan.yaml', '--format', format],
    { cwd: dir, env: {} },
  );
  expect(run.stderr).toBe('');
  return run.stdout;
}

describe('a statement line giving a charge back (手续费返还, 退手续费)', () => {
  it('is imported as a rebate worth what it gave, named by its type, without an unknown-value warning', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.rejected).toEqual([]);
    expect(
      result.records.filter((r) => r.type !== 'sale').map((r) => [r.type, r.amountFen, r.label, r.channel]),
    ).toEqual([
      ['rebate', 60, '手续费返还', 'unknown'],
      ['rebate', 20, '退手续费', 'unknown'],
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
  });

  it('is neither priced nor a deduction; the loss stays the overcharges and returnedFen says what came back', async () => {
    const report = JSON.parse(await audit('json')) as AuditReport;
    // Each sale: 1000.00 × 0.60 % = 6.00 due, 6.30 taken: 30 fen over, three times.
    expect(report.findings.map((f) => [f.kind, f.overchargeFen, f.lossFen])).toEqual([
      ['fee_overcharge', 30, 30],
      ['fee_overcharge', 30, 30],
      ['fee_overcharge', 30, 30],
    ]);
    expect(report.summary.lossFen).toBe(90);
    expect(report.summary.returnedFen).toBe(60 + 20);
    expect(report.merchants.map((m) => [m.merchantId, m.summary.returnedFen])).toEqual([[MERCHANT, 80]]);
    // Both lines give back fees, and 90 fen of fees were overcharged: all 80 fen make part of it good.
    expect(report.summary.offsetFen).toBe(80);
    // The 10-20 credit of 0.80 pays the rebates: no payout is short or missing.
    expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
    expect(report.summary.findingsByKind.unplanned_deduction).toBe(0);
    expect(report.warnings).toContain(
      `商户 ${MERCHANT} 的对账单有 2 笔返还（2026-10-20 手续费返还 ¥0.60（手续费）；2026-10-20 退手续费 ¥0.20（手续费）），合计 ¥0.80：已计入到账核对；手续费的返还抵扣多扣的手续费，押金、流量费等的返还只抵扣同名扣款，返现和奖励只抵扣扣回的返现 / ` +
        `merchant ${MERCHANT}'s statements give back ¥0.80 in 2 rebate line(s) (2026-10-20 手续费返还 ¥0.60 (fees); 2026-10-20 退手续费 ¥0.20 (fees)): counted in the payouts; a fee rebate is set against overcharged fees, a deposit's or another charge's return only against deductions of that charge, and a cashback or bonus only against a cashback taken back`,
    );
  });

  it('tells the merchant in the table what was given back and what is still owed', async () => {
    const table = await audit('table', false);
    // 90 fen lost, 80 given back: 10 fen still owed.
    expect(table).toContain('合计损失 ¥0.90，问题 3 项；服务商已返还 ¥0.80（返还记录），仍欠 ¥0.10');
  });
});

describe('a charge line worded like money given back (补扣, 撤销交易手续费, 冲正手续费)', () => {
  // QA: these were read as rebates with their sign flipped: "服务商已返还 ¥27.00" and a phantom ¥54.00 到账不符.
  const M = '822500000000001';
  const statement = [
    '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
    `2026-10-14 10:00:00,2026-10-14,${M},50000001,500000000003,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
    `2026-10-14 23:59:00,2026-10-14,${M},,,,,优惠到期补扣手续费,-20.00,0.00,-20.00`,
    `2026-10-14 23:59:00,2026-10-14,${M},,,,,撤销交易手续费,-5.00,0.00,-5.00`,
    `2026-10-14 23:59:00,2026-10-14,${M},,,,,冲正手续费,-2.00,0.00,-2.00`,
  ].join('\n');
  const plan = [
    `merchantId: "${M}"`,
    'provider: 汇通支付',
    'settlement: D0',
    'periods:',
    '  - from: 2026-09-01',
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.60% }',
    '',
  ].join('\n');
  // The day's net: 994.00 − 20.00 − 5.00 − 2.00 = 967.00, paid in full.
  const bank = [
    '交易日期,交易时间,收入金额,支出金额,对方户名,摘要',
    '2026-10-14,23:59:59,967.00,,汇通支付有限公司,D0结算款',
  ].join('\n');

  it('is a deduction the plan does not agree to, and the payout it was taken from is whole', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 's.csv'), statement);
    writeFileSync(join(dir, 'plan.yaml'), plan);
    writeFileSync(join(dir, 'bank.csv'), bank);
    const run = await runCli(
      ['audit', '--settlement', 's.csv', '--bank', 'bank.csv', '--plan', 'plan.yaml', '--format', 'json'],
      { cwd: dir, env: {} },
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(
      report.findings.map((f) => [f.kind, f.lossFen]).sort((a, b) => Number(b[1]) - Number(a[1])),
    ).toEqual([
      ['unplanned_deduction', 2000],
      ['unplanned_deduction', 500],
      ['unplanned_deduction', 200],
    ]);
    expect(report.summary.lossFen).toBe(2000 + 500 + 200);
    expect(report.summary.returnedFen).toBe(0);
    expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
  });
});

describe('the rebates in the reports a merchant sends', () => {
  it('show in the HTML totals and make the complaint letter ask only for what is still owed', async () => {
    const { renderHtml } = await import('./render-html.js');
    const { complaintLetters } = await import('../explain/complaint-letter.js');
    const report = JSON.parse(await audit('json', false)) as AuditReport;
    const html = renderHtml(report, { lang: 'zh', now: '2026-11-01' });
    expect(html).toContain('<div class="value">¥0.80</div><div class="label">服务商已返还</div>');
    expect(html).toContain('<div class="value">¥0.10</div><div class="label">仍欠</div>');
    const [letter] = complaintLetters(report, { date: '2026-11-01', parties: [] });
    // 90 fen lost, 80 given back: the letter asks for the 10 fen still owed, not 90.
    expect(letter?.letter).toContain('其中贵司已在结算中返还 ¥0.80（见结算单中的返还记录），尚欠 ¥0.10。');
    expect(letter?.letter).toContain('前将多扣及少结的款项尚欠部分 ¥0.10 退还至本商户的结算账户');
    expect(letter?.letter).not.toContain('¥0.90 退还');
  });
});

describe('a rebate makes good only a loss of its own kind', () => {
  // One merchant's October: three credit-card sales overcharged 30 fen each (0.63 % for 0.60 %), a 流量费 of 36.00
  // the plan does not agree to, then 机具押金退还 99.00 (the activation deposit coming home), 流量费返还 12.00
  // (part of the flow fee), 交易返现 50.00 (a promotion) and 手续费返还 0.50.
  const M = '822600000000002';
  const sale = (n: number) =>
    `2026-10-12 0${n}:00:00,2026-10-13,${M},10000088,32000000000${n},贷记卡,刷卡,消费,1000.00,6.30,993.70`;
  const statement = gbk([
    '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
    sale(1),
    sale(2),
    sale(3),
    `2026-10-15 00:01:00,2026-10-15,${M},,,,,流量费,-36.00,0.00,-36.00`,
    `2026-10-20 00:01:00,2026-10-20,${M},,,,,机具押金退还,99.00,0.00,99.00`,
    `2026-10-20 00:02:00,2026-10-20,${M},,,,,流量费返还,12.00,0.00,12.00`,
    `2026-10-20 00:03:00,2026-10-20,${M},,,,,交易返现,50.00,0.00,50.00`,
    `2026-10-20 00:04:00,2026-10-20,${M},,,,,手续费返还,0.50,0.00,0.50`,
  ]);
  const plan = PLAN.replace(MERCHANT, M);

  async function run(format: 'json' | 'table'): Promise<string> {
    const dir = tmp();
    writeFileSync(join(dir, 's.csv'), statement);
    writeFileSync(join(dir, 'plan.yaml'), plan);
    const out = await runCli(['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', format], {
      cwd: dir,
      env: {},
    });
    expect(out.stderr).toBe('');
    return out.stdout;
  }

  it('sets the fee rebate against the overcharges and the flow-fee rebate against the flow fee, and no more', async () => {
    const report = JSON.parse(await run('json')) as AuditReport;
    const deduction = report.findings.find((f) => f.kind === 'unplanned_deduction');
    expect(deduction?.lossFen).toBe(3600);
    expect(deduction?.label).toBe('流量费');
    // Loss: 3 × 30 fen of fees + 36.00 flow fee = 36.90.
    expect(report.summary.lossFen).toBe(3 * 30 + 3600);
    // Given back: 99.00 + 12.00 + 50.00 + 0.50 = 161.50, all counted.
    expect(report.summary.returnedFen).toBe(9900 + 1200 + 5000 + 50);
    // Made good: the fee rebate (0.50 of the 0.90 overcharged) and the flow-fee rebate (12.00 of 36.00). The
    // deposit matches no deposit taken in the period and the cashback is a promotion: neither is set against it.
    expect(report.summary.offsetFen).toBe(50 + 1200);
    expect(report.merchants.map((m) => m.summary.offsetFen)).toEqual([1250]);
  });

  it('says in the table how much of what came back makes good the loss, and what is still owed', async () => {
    const table = await run('table');
    // 36.90 lost, 12.50 of the 161.50 given back makes it good: 24.40 still owed.
    expect(table).toContain(
      '合计损失 ¥36.90，问题 4 项；服务商已返还 ¥161.50（返还记录，其中抵扣上述损失 ¥12.50），仍欠 ¥24.40',
    );
  });

  it('asks in the letter and shows in the HTML what is still owed, not loss − everything returned', async () => {
    const { renderHtml } = await import('./render-html.js');
    const { complaintLetters } = await import('../explain/complaint-letter.js');
    const report = JSON.parse(await run('json')) as AuditReport;
    const html = renderHtml(report, { lang: 'zh', now: '2026-11-01' });
    expect(html).toContain('<div class="value">¥161.50</div><div class="label">服务商已返还</div>');
    expect(html).toContain('<div class="value">¥24.40</div><div class="label">仍欠</div>');
    const [letter] = complaintLetters(report, { date: '2026-11-01', parties: [] });
    expect(letter?.letter).toContain('其中贵司已在结算中返还 ¥12.50（见结算单中的返还记录），尚欠 ¥24.40。');
  });
});

describe('a charge taken out of a sale, or a cashback taken back, and its return', () => {
  // QA (simulate's deposit scenario): a sale settled short, its memo saying 含押金300元, then 押金退还 300.00; and a
  // 交易返现 of 50.00 taken back by 交易返现扣回 −50.00. All came back or nets to nothing: nothing is owed.
  const M = '822600000000003';
  const statement = gbk([
    '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注',
    // 1000.00 × 0.60 % = 6.00 due and taken; 994.00 owed, 694.00 paid: 300.00 short.
    `2026-10-12 09:00:00,2026-10-13,${M},10000089,330000000001,贷记卡,刷卡,消费,1000.00,6.00,694.00,含押金300元`,
    // A shortfall whose memo names nothing: no charge to set a return against.
    `2026-10-12 10:00:00,2026-10-13,${M},10000089,330000000002,贷记卡,刷卡,消费,1000.00,6.00,984.00,顾客自提`,
    `2026-10-14 00:01:00,2026-10-14,${M},,,,,交易返现,50.00,0.00,50.00,`,
    `2026-10-20 00:01:00,2026-10-20,${M},,,,,押金退还,300.00,0.00,300.00,`,
    `2026-10-22 00:01:00,2026-10-22,${M},,,,,交易返现扣回,-50.00,0.00,-50.00,`,
  ]);

  it('names the short sale by its memo and sets the deposit return and the cashback against them', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 's.csv'), statement);
    writeFileSync(join(dir, 'plan.yaml'), PLAN.replace(MERCHANT, M));
    const run = await runCli(['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'json'], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(
      report.findings
        .filter((f) => f.kind === 'unplanned_deduction')
        .map((f) => [f.label, f.lossFen])
        .sort((a, b) => Number(b[1]) - Number(a[1])),
    ).toEqual([
      ['含押金300元', 30000],
      ['交易返现扣回', 5000],
      [undefined, 1000],
    ]);
    // Lost: 300.00 + 50.00 + 10.00 = 360.00; given back: 300.00 + 50.00 = 350.00, all of it against its own
    // charge; the 10.00 short with no name is still owed.
    expect(report.summary.lossFen).toBe(30000 + 5000 + 1000);
    expect(report.summary.returnedFen).toBe(30000 + 5000);
    expect(report.summary.offsetFen).toBe(30000 + 5000);
    expect(
      report.merchants.map((m) => [m.summary.offsetFen, m.summary.lossFen - (m.summary.offsetFen ?? 0)]),
    ).toEqual([[35000, 1000]]);
  });
});

describe('chargeKindOf and offsetOfRebates', () => {
  it('sets a cashback or bonus against a cashback taken back, and against nothing else', async () => {
    const { offsetOfRebates } = await import('./rebates.js');
    const deduction = (label: string, lossFen: number) => ({
      id: label,
      kind: 'unplanned_deduction' as const,
      overchargeFen: 0,
      lossFen,
      label,
      message: '',
      messageEn: '',
      source: [],
    });
    const bonus = { fee: 0, charges: {}, bonus: 5000, unnamed: 0 };
    // 交易返现扣回 30.00 + 奖励追收 15.00 = 45.00 made good out of 50.00 given; the 流量费 36.00 stays.
    expect(
      offsetOfRebates(bonus, [
        deduction('交易返现扣回', 3000),
        deduction('扣回活动奖励', 1500),
        deduction('流量费', 3600),
      ]),
    ).toBe(4500);
    expect(offsetOfRebates(bonus, [deduction('交易返现扣回', 8000)])).toBe(5000);
    expect(offsetOfRebates(bonus, [deduction('流量费', 3600), deduction('其他扣款', 100)])).toBe(0);
  });

  it('names a short sale by its memo only when the memo names a charge', async () => {
    const { chargeNamedIn } = await import('./rebates.js');
    expect(
      ['含押金299元', '扣流量费99元', '秒到费', '返现扣回', '顾客自提', '返现', undefined].map(chargeNamedIn),
    ).toEqual(['含押金299元', '扣流量费99元', '秒到费', '返现扣回', undefined, undefined, undefined]);
  });

  it('reads what a line gives back or takes from its words', async () => {
    const { chargeKindOf } = await import('./rebates.js');
    expect(
      [
        '手续费返还',
        '秒到费冲正',
        'D0手续费退还',
        '机具押金退还',
        '激活返现',
        '流量费返还',
        'SIM卡服务费返还',
        '交易返现',
        '活动奖励',
        '费用退回',
      ].map((label) => {
        const k = chargeKindOf(label);
        return k.kind === 'charge' ? k.group : k.kind;
      }),
    ).toEqual(['fee', 'fee', 'fee', '押金', '激活', '流量费', '流量费', 'bonus', 'bonus', 'unnamed']);
  });

  it('never sets more than the loss, nor more than what came back outside cashbacks', async () => {
    const fc = await import('fast-check');
    const { offsetOfRebates } = await import('./rebates.js');
    const labels = ['流量费', '机具押金', '秒到费', '服务费', '其他', '交易返现扣回'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom('fee_overcharge', 'unplanned_deduction', 'missing_settlement' as const),
            lossFen: fc.integer({ min: 0, max: 100_000 }),
            label: fc.constantFrom(...labels),
          }),
          { maxLength: 12 },
        ),
        fc.record({
          fee: fc.integer({ min: 0, max: 100_000 }),
          bonus: fc.integer({ min: 0, max: 100_000 }),
          unnamed: fc.integer({ min: 0, max: 100_000 }),
          charges: fc.dictionary(
            fc.constantFrom('押金', '流量费', '服务费'),
            fc.integer({ min: 0, max: 100_000 }),
          ),
        }),
        (raw, returned) => {
          const findings = raw.map((f, i) => ({
            id: String(i),
            kind: f.kind,
            overchargeFen: 0,
            lossFen: f.lossFen,
            ...(f.kind === 'unplanned_deduction' ? { label: f.label } : {}),
            message: '',
            messageEn: '',
            source: [],
          }));
          const loss = findings.reduce((a, f) => a + f.lossFen, 0);
          const clawedBack = findings
            .filter((f) => f.kind === 'unplanned_deduction' && f.label === '交易返现扣回')
            .reduce((a, f) => a + f.lossFen, 0);
          // A cashback counts only up to the cashbacks taken back.
          const given =
            returned.fee +
            returned.unnamed +
            Math.min(returned.bonus, clawedBack) +
            Object.values(returned.charges).reduce((a, b) => a + b, 0);
          const offset = offsetOfRebates(returned, findings);
          expect(Number.isSafeInteger(offset)).toBe(true);
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThanOrEqual(Math.min(loss, given));
          // What does not say what it gives back covers any loss left.
          if (returned.unnamed >= loss) expect(offset).toBe(loss);
        },
      ),
    );
  });
});
