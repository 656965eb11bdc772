import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';
import { renderCsv } from './render-csv.js';
import { alignRows, displayWidth, headline, renderTable, terminalText } from './render-table.js';
import type { AuditReport, Finding, RateChange } from './report-types.js';
import { sampleReport } from './sample-report.js';

describe('displayWidth', () => {
  it('counts CJK and full-width characters as two columns and ASCII as one', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('贷记卡')).toBe(6);
    expect(displayWidth('ＡＢ')).toBe(4);
    expect(displayWidth('¥1,234.56')).toBe(9);
    expect(displayWidth('（无）')).toBe(6);
  });
});

describe('alignRows', () => {
  it('pads mixed Chinese and ASCII cells to the same display width', () => {
    const lines = alignRows(
      ['类型', 'count'],
      [
        ['多扣手续费', '12'],
        ['late', '3'],
      ],
      new Set([1]),
    );
    const widths = lines.map(displayWidth);
    expect(new Set(widths).size).toBe(1);
    // '多扣手续费' is 10 columns; the header '类型' (4) gets 6 spaces of padding.
    expect(lines[0]).toBe('  类型        count');
    expect(lines[3]).toBe('  late            3');
  });
});

describe('renderTable', () => {
  it('starts with the total: ¥0.99 + ¥0.40 + ¥0.08 = ¥1.47 over three transactions and the rate change', () => {
    const text = renderTable(sampleReport(), { lang: 'zh' });
    expect(text.split('\n')[0]).toBe(
      // The change accounts for ¥1.39 of ¥1.47 (the other ¥0.08 is no rate change): its share is said.
      '共多扣 ¥1.47，涉及 3 笔交易；其中商户 898440153991234：自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（多扣 ¥1.39，2 笔）',
    );
    // Loss: 0.99 + 0.40 + 5.00 + 0.08 + 198.80 = 205.27.
    expect(text.split('\n')[1]).toBe('合计损失 ¥205.27，问题 5 项');
  });

  it('speaks English with lang en', () => {
    const text = renderTable(sampleReport(), { lang: 'en' });
    expect(text.split('\n')[0]).toBe(
      'Overcharged ¥1.47 in total on 3 transaction(s); of which: for merchant 898440153991234, since 2026-08-03 the credit card rate went from 0.60% to 0.68% (¥1.39 on 2 transaction(s))',
    );
    expect(text).toContain('Findings (5)');
  });

  it('lists merchants, kinds with money, rate changes, findings, skipped checks, rejected rows and warnings', () => {
    const text = renderTable(sampleReport(), { lang: 'zh' });
    const order = [
      '按商户',
      '按类型',
      '费率变化',
      '问题明细（5）',
      '未执行的检查',
      '无法确定配对',
      '被拒绝的行（1）',
      '提示',
    ];
    const positions = order.map((h) => text.indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toMatch(/多扣手续费\s+2\s+¥1\.39\s+¥1\.39/);
    expect(text).toMatch(/未结算\s+1\s+¥0\.00\s+¥198\.80/);
    expect(text).toContain('settlement.csv:8 [交易金额]: “12.3.4” 不是金额 <b>');
    expect(text).toContain('到账不符 (payout_mismatch)');
  });

  it('aligns the findings columns so amounts end in the same display column', () => {
    const lines = renderTable(sampleReport(), { lang: 'zh' }).split('\n');
    const start = lines.findIndex((l) => l.startsWith('问题明细'));
    const rows = lines.slice(start + 3, start + 8);
    expect(rows).toHaveLength(5);
    const ends = rows.map((r) => displayWidth(r.slice(0, r.indexOf('[') - 2)));
    expect(new Set(ends).size).toBe(1);
    expect(rows[0]).toContain('2026-08-03 09:12:00  100112345678');
    expect(rows[0]).toMatch(/¥1,234\.56\s+¥7\.41\s+¥8\.40\s+¥0\.99\s+¥0\.99/);
  });

  it('says nothing was overcharged when nothing was', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 0;
    report.rateChanges = [];
    report.rejected = [];
    expect(headline(report, 'zh')).toBe('未发现多扣手续费');
  });

  it('says fees were not checked, not that none was overcharged, when no statement line showed a fee', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 29820;
    report.summary.skippedChecks = ['fee_overcharge'];
    report.rateChanges = [];
    expect(headline(report, 'zh')).toBe(
      '手续费未核对（对账单中没有手续费或结算金额），但其他问题损失 ¥298.20',
    );
    expect(headline(report, 'en')).toBe(
      'Fees were not checked (the statements show no fee or settled amount), but other findings lost ¥298.20',
    );
  });
});

describe('warnings', () => {
  it('shows each bilingual warning in the reader’s language only', () => {
    const report = sampleReport();
    report.warnings = [
      '跳过 2 笔支出（借方）流水，只导入入账 / skipped 2 outgoing (debit) lines; only credits are imported',
    ];
    expect(renderTable(report, { lang: 'zh' })).toContain('  ! 跳过 2 笔支出（借方）流水，只导入入账\n');
    expect(renderTable(report, { lang: 'en' })).toContain(
      '  ! skipped 2 outgoing (debit) lines; only credits are imported',
    );
    expect(renderTable(report, { lang: 'en' })).not.toContain('跳过');
  });
});

describe('headline', () => {
  const change = (merchantId: string, extra: Partial<RateChange> = {}): RateChange => ({
    merchantId,
    channel: 'card',
    card: 'credit',
    band: 'all',
    date: '2026-08-03',
    beforeRate: '0.60%',
    afterRate: '0.68%',
    beforeFixedFen: 0,
    afterFixedFen: 0,
    transactions: 2,
    inPlan: false,
    noticeHonoured: null,
    ...extra,
  });

  it('tells one change shared by five merchants once, with the merchant count', () => {
    const report = sampleReport();
    report.rateChanges = ['m1', 'm2', 'm3', 'm4', 'm5'].map((m) => change(m));
    expect(headline(report, 'zh')).toBe(
      // The sample's findings are none of m1–m5's: the change accounts for none of the total.
      '共多扣 ¥1.47，涉及 3 笔交易；自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（5 个商户，未计多扣）',
    );
    expect(headline(report, 'en')).toBe(
      'Overcharged ¥1.47 in total on 3 transaction(s); since 2026-08-03 the credit card rate went from 0.60% to 0.68% (5 merchants, no overcharge counted)',
    );
  });

  it('names channels and cards by their display names in English, and bands in words', () => {
    const report = sampleReport();
    report.rateChanges = [
      change('m1', { channel: 'wechat', card: 'unknown', beforeRate: '0.38%', afterRate: '0.68%' }),
      change('m1', { channel: 'unionpay-qr', card: 'credit', band: '≤1000', date: '2026-08-04' }),
      change('m1', { channel: 'nfc', card: 'debit', band: '1000–5000.5', date: '2026-08-05' }),
    ];
    expect(headline(report, 'en')).toBe(
      'Overcharged ¥1.47 in total on 3 transaction(s); for merchant m1, since 2026-08-03 the WeChat rate went from 0.38% to 0.68% (no overcharge counted); ' +
        'for merchant m1, since 2026-08-04 the UnionPay QR · credit card (up to ¥1,000) rate went from 0.60% to 0.68% (no overcharge counted); ' +
        'for merchant m1, since 2026-08-05 the NFC · debit card (over ¥1,000 up to ¥5,000.50) rate went from 0.60% to 0.68% (no overcharge counted)',
    );
    expect(headline(report, 'zh')).toBe(
      '共多扣 ¥1.47，涉及 3 笔交易；商户 m1：自 2026-08-03 起微信费率由 0.38% 变为 0.68%（未计多扣）；' +
        '商户 m1：自 2026-08-04 起银联二维码·贷记卡（金额 ¥1,000 及以下）费率由 0.60% 变为 0.68%（未计多扣）；' +
        '商户 m1：自 2026-08-05 起闪付·借记卡（金额 ¥1,000 以上至 ¥5,000.50）费率由 0.60% 变为 0.68%（未计多扣）',
    );
    // The table's 金额段 column: all amounts in words, never the code “all”.
    const zh = renderTable(sampleReport(), { lang: 'zh' });
    const row =
      zh.split('\n').find((l) => l.trimStart().startsWith('2026-08-03') && l.includes('0.60%→0.68%')) ?? '';
    expect(row).toContain('全部金额');
    expect(row).not.toMatch(/\ball\b/);
    const en = renderTable(sampleReport(), { lang: 'en' });
    expect(
      en.split('\n').find((l) => l.trimStart().startsWith('2026-08-03') && l.includes('0.60%→0.68%')),
    ).toContain('all amounts');
  });

  it('keeps different changes apart and counts the ones beyond three', () => {
    const report = sampleReport();
    report.rateChanges = [
      change('m1'),
      change('m2'),
      change('m1', { card: 'debit' }),
      change('m1', { date: '2026-08-10' }),
      change('m2', { afterRate: '0.70%' }),
    ];
    const line = headline(report, 'zh');
    expect(line).toBe(
      '共多扣 ¥1.47，涉及 3 笔交易；自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（2 个商户：m1、m2，未计多扣）；' +
        '商户 m1：自 2026-08-03 起借记卡费率由 0.60% 变为 0.68%（未计多扣）；商户 m1：自 2026-08-10 起贷记卡费率由 0.60% 变为 0.68%（未计多扣）；另有 1 处费率变化',
    );
  });

  it('states the loss on the first line when other findings lost money but no fee was overcharged', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 9000;
    report.rateChanges = [];
    report.rejected = [];
    expect(headline(report, 'zh')).toBe('未发现多扣手续费，但其他问题损失 ¥90.00');
    expect(headline(report, 'en')).toBe('No fee overcharge found, but other findings lost ¥90.00');
  });

  it('says nothing was checked, not that nothing was overcharged, when every statement line was rejected', () => {
    const report = sampleReport();
    report.summary.overchargeFen = 0;
    report.summary.lossFen = 0;
    report.summary.settlementRecords = 0;
    report.rateChanges = [];
    report.files = [
      { file: 's.csv', sha256: '', preset: 'generic', kind: 'settlement', rows: 0 },
      { file: 't.csv', sha256: '', preset: 'generic', kind: 'terminal', rows: 3 },
    ];
    const reason = '“8.22E+14”是科学计数法';
    report.rejected = [
      { file: 's.csv', row: 2, column: '商户号', reason },
      { file: 's.csv', row: 3, column: '商户号', reason },
      { file: 't.csv', row: 4, column: '参考号', reason },
    ];
    expect(headline(report, 'zh')).toBe('未能核对：对账单的 2 行全部被拒绝（见“被拒绝的行”）');
    expect(headline(report, 'en')).toBe(
      'Nothing was checked: all 2 statement line(s) were rejected (see the rejected rows)',
    );
    // Some lines read: no overcharge among them, and the rest not judged.
    report.summary.settlementRecords = 5;
    expect(headline(report, 'zh')).toBe('已读取的记录中未发现多扣手续费（另有 2 行对账单被拒绝，未核对）');
    expect(headline(report, 'en')).toBe(
      'No fee overcharge found in the lines read (2 statement line(s) rejected, not checked)',
    );
    // A journal's rejected rows leave every fee judged.
    report.rejected = report.rejected.filter((r) => r.file === 't.csv');
    expect(headline(report, 'zh')).toBe('未发现多扣手续费');
  });
});

describe('control characters from the input files', () => {
  const CLEAR_SCREEN = 'T\u001b[2J\u001b]0;pwned\u0007X';

  it('shows them as visible escapes', () => {
    expect(terminalText(CLEAR_SCREEN)).toBe('T\\x1b[2J\\x1b]0;pwned\\x07X');
    expect(terminalText('a\u009bb\u007fc\td\r\n')).toBe('a\\x9bb\\x7fc\\x09d\\x0d\\x0a');
    expect(terminalText('贷记卡 ¥1.00')).toBe('贷记卡 ¥1.00');
  });

  it('never prints one raw, in cells, messages, warnings or rejected rows', () => {
    const report = sampleReport();
    const first = report.findings[0];
    if (first === undefined) throw new Error('sample report without findings');
    first.terminalId = CLEAR_SCREEN;
    first.message = `终端 ${CLEAR_SCREEN}`;
    report.merchants[0] = { ...report.merchants[0]!, merchantId: `M\u0007` };
    report.warnings.push(`提示\u001b[31m`);
    report.rejected.push({ file: 'evil\u001b.csv', row: 2, reason: 'bad\u009b' });
    report.files[0] = { ...report.files[0]!, file: 's\u001b[2J.csv' };
    const text = renderTable(report, { lang: 'zh' });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('T\\x1b[2J\\x1b]0;pwned\\x07X');
    expect(text).toContain('evil\\x1b.csv:2: bad\\x9b');
  });

  it('measures the escaped cell, so the columns stay aligned', () => {
    const report = sampleReport();
    const first = report.findings[0];
    if (first === undefined) throw new Error('sample report without findings');
    first.terminalId = CLEAR_SCREEN;
    const lines = renderTable(report, { lang: 'zh' }).split('\n');
    const start = lines.findIndex((l) => l.startsWith('问题明细'));
    const [header = '', rule = '', ...rows] = lines.slice(start + 1, start + 8);
    // The message column starts where the rule's last run of ─ does, in every row.
    const column = displayWidth(rule.slice(0, rule.lastIndexOf(' ') + 1));
    const startOfLast = (row: string) => {
      let width = 0;
      let i = 0;
      for (const ch of row) {
        if (width >= column) break;
        width += displayWidth(ch);
        i += ch.length;
      }
      return row.slice(i, i + 1);
    };
    expect(rows).toHaveLength(5);
    expect([header, ...rows].map(startOfLast)).toEqual(['说', '[', '[', '[', '[', '[']);
  });
});

// A Leshua 冻结 (frozen) sale: the audit reports the settled money the provider holds as an unplanned deduction
// labelled 资金冻结 (kind and label are the JSON contract). People read it as money frozen, held and not lost: the
// table called it 方案外扣费 and put it under 损失.
describe('money frozen (资金冻结) in the table', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  // One Leshua merchant, credit cards at 0.55% (55 in 万分之一), T1; 2026-11-02 is a Monday, paid on 11-03.
  const M = '1000054321';
  const HEADER =
    'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分),资金流向,交易类型,支付方式,卡类型,商户优惠类型,参考号,凭证号,终端号,第三方订单号,第三方退款号,支付时间,上游订单号(网、银联),上游订单号(微信、支付宝),付款银行,消费者标识,扫码支付交易类型';
  const row = (
    no: number,
    time: string,
    order: string,
    fen: [number, number, number],
    flow: string,
    ref: string,
  ) =>
    `BV,${no},${time},${order},${M},55,${fen[0]},${fen[1]},${fen[2]},${flow},消费,刷卡,贷记卡,标准类,${ref},00000${no},50054321,*,*,${time},UP${order},*,中国银行,*,*`;
  // Sale A: 100000 fen at 0.55% = 550, settled 99450, paid. Sale B: 66600 fen at 0.55% = 366.3 → 366, settled
  // 66600 − 366 = 66234, frozen (冻结): held, so the audit's deduction is 66234 fen.
  const TRADES = [
    HEADER,
    row(1, '2026-11-02 10:00:00', 'LS202611020000001', [100000, 550, 99450], '进账', '628300000001'),
    row(2, '2026-11-02 19:45:20', 'LS202611020000002', [66600, 366, 66234], '冻结', '628300000002'),
    '',
  ].join('\n');
  // The 打款单 pays A's 99450 on 11-03 (B is held).
  const BILLS = [
    'billId,createTime,bankretTime,merchantId,planAmount,suspendAmount,realAmount,state,settType,settDate,bankAccount,remark',
    `B1,2026-11-03 03:33:36.0,2026-11-03 09:02:11.0,${M},99450,0,99450,1,t1,2026-11-03,621226*********4882,客户账T1待结算账本`,
    '',
  ].join('\n');

  async function audit(format: string, lang: 'zh' | 'en' = 'zh'): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-frozen-table-'));
    dirs.push(dir);
    writeFileSync(join(dir, '8000123456_trade_new_20261102.txt'), TRADES);
    writeFileSync(
      join(dir, 'plan.yaml'),
      'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.55% }\n',
    );
    writeFileSync(join(dir, 'merchant-settlement-order.csv'), BILLS);
    const run = await runCli(
      [
        'audit',
        '--settlement',
        '8000123456_trade_new_20261102.txt',
        '--plan',
        'plan.yaml',
        '--bank',
        'merchant-settlement-order.csv',
        '--format',
        format,
        '--lang',
        lang,
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    return run.stdout;
  }

  /** The findings table's header and rows: the lines after “问题明细（n）” / “Findings (n)” up to a blank line. */
  const findingsRows = (text: string, heading: string): string[] => {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith(heading));
    const end = lines.findIndex((l, i) => i > start && l === '');
    return lines.slice(start + 1, end);
  };
  const cellsOf = (line: string) => line.trim().split(/\s{2,}/);

  it('names the freeze 资金冻结 and puts ¥662.34 under 冻结, not 损失; the JSON and the CSV keep their contract', async () => {
    // The contract: kind unplanned_deduction, label 资金冻结, lossFen 66234.
    const report = JSON.parse(await audit('json')) as AuditReport;
    expect(report.findings.map((f) => [f.kind, f.label, f.lossFen])).toEqual([
      ['unplanned_deduction', '资金冻结', 66234],
    ]);

    const zh = await audit('table');
    const [header = '', , frozen = ''] = findingsRows(zh, '问题明细（1）');
    expect(cellsOf(header)).toEqual([
      '时间',
      '参考号',
      '终端',
      '金额',
      '应收',
      '实收',
      '多扣',
      '损失',
      '冻结',
      '说明',
    ]);
    // The row: amount ¥666.00, no fees, ¥0.00 over, no loss, ¥662.34 held, then [资金冻结] and the message.
    const cells = cellsOf(frozen);
    expect(cells.slice(0, 5)).toEqual([
      '2026-11-02 19:45:20',
      '628300000002',
      '50054321',
      '¥666.00',
      '¥0.00',
    ]);
    expect(cells[5]).toBe('¥662.34');
    expect(cells[6]).toMatch(/^\[资金冻结\] /);
    // The loss column of the row is blank: ¥662.34 ends in the 冻结 column, right-aligned under it.
    expect(displayWidth(frozen.slice(0, frozen.indexOf('¥662.34') + '¥662.34'.length))).toBe(
      displayWidth(header.slice(0, header.indexOf('冻结') + '冻结'.length)),
    );
    expect(zh).not.toContain('方案外扣费');
    // By kind: a row of its own, held ¥662.34, lost ¥0.00.
    expect(zh).toMatch(/类型\s+笔数\s+多扣\s+损失\s+冻结\n/);
    expect(zh).toMatch(/资金冻结\s+1\s+¥0\.00\s+¥0\.00\s+¥662\.34\n/);

    const en = await audit('table', 'en');
    const [headerEn = '', , frozenEn = ''] = findingsRows(en, 'Findings (1)');
    expect(cellsOf(headerEn)).toEqual([
      'time',
      'ref',
      'terminal',
      'amount',
      'expected',
      'charged',
      'overcharge',
      'loss',
      'held',
      'message',
    ]);
    expect(cellsOf(frozenEn)[5]).toBe('¥662.34');
    expect(cellsOf(frozenEn)[6]).toMatch(/^\[money frozen\] /);
    expect(en).not.toContain('unplanned deduction');
    expect(en).toMatch(/money frozen\s+1\s+¥0\.00\s+¥0\.00\s+¥662\.34\n/);

    // The CSV: the same 19 columns; only its kind-name column may say 资金冻结, the kind code stays.
    const csv = (await audit('csv')).replace(/^\ufeff/, '').split('\r\n');
    expect(csv[0]?.split(',')).toHaveLength(19);
    expect(csv[0]?.split(',').slice(1, 3)).toEqual(['类型', '类型代码']);
    expect(csv[1]?.split(',').slice(1, 3)).toEqual(['资金冻结', 'unplanned_deduction']);
    expect(csv[1]?.split(',')[14]).toBe('662.34');
  });

  it('keeps a deduction never agreed a 方案外扣费 loss beside a freeze, counted apart by kind', () => {
    // The sample (¥205.27 lost over 5 findings) plus a ¥10.00 流量费 deducted and ¥300.00 frozen.
    const report = sampleReport();
    const deduction = (id: string, label: string, fen: number): Finding => ({
      id,
      kind: 'unplanned_deduction',
      merchantId: '898440153991234',
      settleDate: '2026-08-07',
      amountFen: -fen,
      overchargeFen: 0,
      lossFen: fen,
      label,
      message: `扣款“${label}”`,
      messageEn: `deduction “${label}”`,
      source: [{ file: 'settlement.csv', row: 40 }],
    });
    report.findings.push(deduction('f-0006', '流量费', 1000), deduction('f-0007', '资金冻结', 30000));
    report.summary.findingsByKind.unplanned_deduction = 2;
    report.summary.lossFen += 1000 + 30000;
    const text = renderTable(report, { lang: 'zh' });
    expect(text).toMatch(/方案外扣费\s+1\s+¥0\.00\s+¥10\.00\s+¥0\.00\n/);
    expect(text).toMatch(/资金冻结\s+1\s+¥0\.00\s+¥0\.00\s+¥300\.00\n/);
    // The rows of the other kinds gain a held column of ¥0.00: 多扣手续费 2, ¥1.39 over and lost.
    expect(text).toMatch(/多扣手续费\s+2\s+¥1\.39\s+¥1\.39\s+¥0\.00\n/);
    const rows = findingsRows(text, '问题明细（7）');
    const flow = rows.find((r) => r.includes('流量费')) ?? '';
    const frozen = rows.find((r) => r.includes('资金冻结')) ?? '';
    expect(flow).toContain('[方案外扣费] 扣款“流量费”');
    expect(frozen).toContain('[资金冻结] 扣款“资金冻结”');
    // ¥10.00 lost ends under 损失, ¥300.00 held under 冻结.
    const [header = ''] = rows;
    // The last occurrence: the amount column shows the deduction as −¥10.00 first.
    const endOf = (line: string, text: string) =>
      displayWidth(line.slice(0, line.lastIndexOf(text) + text.length));
    expect(endOf(flow, '¥10.00')).toBe(endOf(header, '损失'));
    expect(endOf(frozen, '¥300.00')).toBe(endOf(header, '冻结'));
    // The CSV's rows stay the contract's: kind code unplanned_deduction, the money in its loss column.
    const csv = renderCsv(report, { lang: 'zh' }).split('\r\n');
    const csvFrozen = csv.find((l) => l.startsWith('f-0007'))?.split(',') ?? [];
    expect(csvFrozen[2]).toBe('unplanned_deduction');
    expect(csvFrozen[14]).toBe('300.00');
  });

  it('adds no held column to a report without money frozen', () => {
    const text = renderTable(sampleReport(), { lang: 'zh' });
    expect(text).not.toContain('冻结');
    expect(text).toMatch(/类型\s+笔数\s+多扣\s+损失\n/);
  });
});

describe('headline of several merchants', () => {
  // The sample: merchant 898440153991234's credit card raise of 2026-08-03 (0.60% → 0.68%) accounts for ¥0.99 +
  // ¥0.40 = ¥1.39 on 2 sales of the ¥1.47 overcharged; the report has two merchants.
  const M1 = '898440153991234';

  it('names the merchant of each change it tells; one merchant’s report names none', () => {
    const report = sampleReport();
    expect(report.merchants.length).toBe(2);
    expect(headline(report, 'zh')).toBe(
      `共多扣 ¥1.47，涉及 3 笔交易；其中商户 ${M1}：自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（多扣 ¥1.39，2 笔）`,
    );
    expect(headline(report, 'en')).toBe(
      `Overcharged ¥1.47 in total on 3 transaction(s); of which: for merchant ${M1}, since 2026-08-03 the credit card rate went from 0.60% to 0.68% (¥1.39 on 2 transaction(s))`,
    );
    const alone = { ...report, merchants: report.merchants.filter((m) => m.merchantId === M1) };
    expect(headline(alone, 'zh')).toBe(
      '共多扣 ¥1.47，涉及 3 笔交易；其中自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（多扣 ¥1.39，2 笔）',
    );
  });

  it('leaves a change back to the contract that counts no overcharge out of the headline, not out of the table', () => {
    const report = sampleReport();
    const [raise] = report.rateChanges;
    if (raise === undefined) throw new Error('the sample has a rate change');
    // 2026-08-20: back from 0.68% to the contract's 0.60%; no sale after it was overcharged.
    report.rateChanges.push({
      ...raise,
      date: '2026-08-20',
      beforeRate: '0.68%',
      afterRate: '0.60%',
      transactions: 4,
    });
    const zh = headline(report, 'zh');
    expect(zh).toBe(
      `共多扣 ¥1.47，涉及 3 笔交易；其中商户 ${M1}：自 2026-08-03 起贷记卡费率由 0.60% 变为 0.68%（多扣 ¥1.39，2 笔）`,
    );
    expect(headline(report, 'en')).not.toMatch(/0\.68% to 0\.60%|no overcharge counted|more rate change/);
    const table = renderTable(report, { lang: 'zh' });
    expect(
      table.split('\n').some((l) => l.trimStart().startsWith('2026-08-20') && l.includes('0.68%→0.60%')),
    ).toBe(true);
    // A raise that counts no overcharge (here within the plan's tolerance or the plan's own) is still told.
    report.rateChanges.push({
      ...raise,
      date: '2026-08-25',
      card: 'debit',
      beforeRate: '0.55%',
      afterRate: '0.60%',
    });
    expect(headline(report, 'zh')).toContain(
      `商户 ${M1}：自 2026-08-25 起借记卡费率由 0.55% 变为 0.60%（未计多扣）`,
    );
  });
});
