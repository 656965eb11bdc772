// A bank export as the merchant downloads it, imported and audited: a payout taken back (红字冲正 in the credit
// column, or a 冲正 debit) pays nothing, a debit line at the end still counts as the days the export covers, and a
// credit whose memo names its settlement days pays those days, late or together.
import { describe, expect, it } from 'vitest';
import { importFiles } from '../statements/import.js';
import { auditRecords, skippedDebitDatesOf } from './audit.js';
import { plan, rec, rule } from './test-records.js';

const contract = plan([rule({ ratePpm: 6000 })]);

/** Monday 08-03 to Wednesday 08-05's sales at 0.60%, settled T1: 08-04 nets ¥994.00, 08-05 ¥497.00, 08-06 ¥198.80. */
const settlement = [
  ['2026-08-03 10:00:00', '2026-08-04', 100000, 600],
  ['2026-08-04 10:00:00', '2026-08-05', 50000, 300],
  ['2026-08-05 10:00:00', '2026-08-06', 20000, 120],
].map(([time, settleDate, amountFen, feeFen], i) =>
  rec(
    'settlement',
    {
      merchantId: 'M1',
      refNo: `R${i + 1}`,
      time: time as string,
      settleDate: settleDate as string,
      amountFen: amountFen as number,
      feeFen: feeFen as number,
      settledFen: (amountFen as number) - (feeFen as number),
    },
    i + 2,
    'settlement.csv',
  ),
);

/** 工商银行 企业网银 历史明细: title lines, 借/贷 flag, thousands commas. */
const icbcCorp = (rows: string[]) =>
  [
    '中国工商银行账户历史明细',
    '账号：1202020409900123456',
    '凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额,个性化信息',
    ...rows,
  ].join('\r\n');
const row = (
  time: string,
  side: '借' | '贷',
  debit: string,
  credit: string,
  memo: string,
  cp = '汇通支付有限公司',
) =>
  `10000,1202020409900123456,4100****1003,${time},${side},${debit},${credit},102100099996,${memo},,${cp},"50,000.00",`;
// The export starts on Monday 08-03 (a transfer from a person, no payout), before every payout day.
const PAID = [
  row('2026-08-03 12:47:52', '贷', '', '"1,383.00"', '转账', '个人转账'),
  row('2026-08-05 07:19:23', '贷', '', '994.00', '汇通支付T1结算款2026-08-04'),
  row('2026-08-06 08:22:24', '贷', '', '497.00', '汇通支付T1结算款2026-08-05'),
  row('2026-08-07 09:25:25', '贷', '', '198.80', '汇通支付T1结算款2026-08-06'),
];

async function audit(rows: string[], withDebitDates = true) {
  const imported = await importFiles([{ name: 'bank.csv', bytes: Buffer.from(icbcCorp(rows)) }], {
    kind: 'bank',
  });
  return auditRecords({
    settlement,
    terminal: [],
    bank: imported.records,
    plans: [contract],
    ...(withDebitDates ? { bankDebitDates: skippedDebitDatesOf(imported.files) } : {}),
  });
}

describe('a payout taken back by the bank', () => {
  it('reports the day of a credit reversed in red ink (贷方发生额 -994.00) as unpaid, and names the pair', async () => {
    const report = await audit([
      ...PAID,
      row('2026-08-05 16:30:00', '贷', '', '-994.00', '冲正 汇通支付T1结算款2026-08-04'),
    ]);
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.lossFen])).toEqual([
      ['payout_mismatch', '2026-08-04', 99400],
    ]);
    expect(report.summary.lossFen).toBe(99400);
    expect(report.warnings.join('\n')).toContain(
      '1 笔银行入账已被冲正（红字或借方冲正），不计为到账：bank.csv 第 5 行 ¥994.00（2026-08-05）由 bank.csv 第 8 行（2026-08-05）冲正',
    );
    // The reversal line is no 入账: four credits.
    expect(report.summary.bankRecords).toBe(4);
  });

  it('reports the day of a credit reversed by a 冲正 debit as unpaid', async () => {
    const report = await audit([
      ...PAID,
      row('2026-08-05 16:30:00', '借', '994.00', '', '冲正 汇通支付T1结算款2026-08-04'),
      row('2026-08-06 16:00:29', '借', '194.00', '', '房租', '供货商李某'),
    ]);
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.amountFen, f.lossFen])).toEqual([
      ['payout_mismatch', '2026-08-04', 99400, 99400],
    ]);
    expect(report.summary.bankRecords).toBe(4);
  });

  it('ignores, with a warning, a reversal that takes back no credit it could be for', async () => {
    const report = await audit([
      ...PAID,
      row('2026-08-06 10:11:12', '借', '"1,762.55"', '', '汇通支付结算款退回'),
    ]);
    expect(report.findings).toEqual([]);
    expect(report.warnings.join('\n')).toContain(
      '1 笔来自收单机构的冲正或退回（负数入账、借方冲正）在当日及此前找不到同金额的入账，已忽略，不计为到账：bank.csv 第 8 行 -¥1,762.55（2026-08-06）',
    );
  });
});

describe('the days a bank export covers', () => {
  it('counts a debit on the last line as covered: the payout due by then is missing', async () => {
    // 08-06's ¥198.80 is due by Monday 08-10 (2 working days); the export's last line is a debit on 08-10.
    const rows = [...PAID.slice(0, 3), row('2026-08-10 16:00:29', '借', '194.00', '', '房租', '供货商李某')];
    const report = await audit(rows);
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.lossFen])).toEqual([
      ['payout_mismatch', '2026-08-06', 19880],
    ]);
    expect(report.findings[0]?.message).toContain(
      '到 2026-08-10 银行流水中没有来自收单机构的对应入账，短少 ¥198.80',
    );
    // Without the debit's date the export seems to end on 08-06: nothing proves the payout did not come.
    expect((await audit(rows, false)).findings).toEqual([]);
  });
});

describe('a credit whose memo names the days it pays', () => {
  it('counts a payout three working days late as paid, and says when it came', async () => {
    // 08-04's ¥994.00 is due by Thursday 08-06 and arrives on Monday 08-10, its memo naming 2026-08-04.
    const report = await audit([
      PAID[0] as string,
      PAID[2] as string,
      PAID[3] as string,
      row('2026-08-10 07:19:23', '贷', '', '994.00', '汇通支付T1结算款2026-08-04'),
    ]);
    expect(report.findings).toEqual([]);
    expect(report.warnings.join('\n')).toContain(
      '1 笔结算款晚于到账期限（结算日后 2 个工作日）到账，已按摘要中的结算日计为到账：商户 M1 2026-08-04 的结算款 ¥994.00 于 2026-08-10 到账（bank.csv 第 7 行），最迟应于 2026-08-06 到账',
    );
  });

  it('reports two days paid together by one credit ¥3.00 short as one shortfall of ¥3.00', async () => {
    const report = await audit([
      PAID[0] as string,
      row('2026-08-06 08:22:24', '贷', '', '"1,488.00"', '汇通支付T1结算款2026-08-04至2026-08-05'),
      PAID[3] as string,
    ]);
    // 994.00 + 497.00 = 1,491.00 due, 1,488.00 credited.
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.amountFen, f.lossFen])).toEqual([
      ['payout_mismatch', '2026-08-04', 149100, 300],
    ]);
    expect(report.findings[0]?.message).toContain(
      '2026-08-04、2026-08-05 共 2 个结算日结算净额合计 ¥1,491.00',
    );
  });
});
