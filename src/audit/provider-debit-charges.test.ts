// A provider's direct bank debit against the plan's charges: the same coverDeductions budget as the statement's
// deduction lines (one agreed 流量费 a year, however collected), inferred without a plan, counted once when the
// statement lists the same charge, and carried into the diagnosis and the complaint letter's demanded money.
import { describe, expect, it } from 'vitest';
import { attachDiagnoses } from '../explain/attach-diagnoses.js';
import { complaintLetter } from '../explain/complaint-letter.js';
import type { FeePlan, PlanCharge } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';
import { importFiles } from '../statements/import.js';
import { auditRecords, skippedDebitDatesOf } from './audit.js';
import { plan, rec, rule } from './test-records.js';

const simFee = (amountFen: number): PlanCharge => ({
  name: '流量费',
  aliases: [],
  amountFen,
  every: 'year',
  perTerminal: false,
  line: 20,
});
const contract = (charges: PlanCharge[] = []) =>
  plan([rule({ ratePpm: 6000 })], { provider: '汇通支付', charges });

/** 11-03 ¥100.00 and 11-04 ¥200.00 at 0.60%, settled T1: 11-04 nets ¥99.40, 11-05 ¥198.80. */
const sales = [
  ['2026-11-03 09:00:00', '2026-11-04', 10000, 60],
  ['2026-11-04 09:00:00', '2026-11-05', 20000, 120],
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

/** A statement's deduction line netted from a day's payout. */
const deductionLine = (label: string, settleDate: string, row: number): PosRecord =>
  rec(
    'settlement',
    {
      merchantId: 'M1',
      type: 'deduction',
      label,
      amountFen: -9900,
      settledFen: -9900,
      time: `${settleDate} 02:00:00`,
      settleDate,
    },
    row,
    'settlement.csv',
  );

const HEADER = '交易日期,交易金额,余额,对方户名,摘要';
/** Both days paid in full, and ¥99.00 流量费代扣 debited on `date`. */
const bankWithDebit = (date: string) => [
  HEADER,
  '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
  `${date},-99.00,4901.00,汇通支付有限公司,流量费代扣`,
  '2026-11-05,198.80,5099.80,汇通支付有限公司,T1结算',
];

async function audit(lines: string[], plans: FeePlan[], settlement: PosRecord[] = sales) {
  // Without a plan, only options name the provider whose counterparty the bank lines show.
  const imported = await importFiles([{ name: 'bank.csv', bytes: Buffer.from(lines.join('\r\n')) }], {
    kind: 'bank',
  });
  return auditRecords({
    settlement,
    terminal: [],
    bank: imported.records,
    plans,
    bankDebitDates: skippedDebitDatesOf(imported.files),
    options: { providerNames: ['汇通支付'] },
  });
}

const summaryOf = (r: Awaited<ReturnType<typeof audit>>) => ({
  lossFen: r.summary.lossFen,
  unplanned: r.summary.findingsByKind.unplanned_deduction,
  payout: r.summary.findingsByKind.payout_mismatch,
});

describe("a provider's direct bank debit against the plan's charges", () => {
  it('without a plan is lost in full on the inferred basis', async () => {
    const report = await audit(bankWithDebit('2026-11-05'), []);
    expect(report.findings.map((f) => [f.kind, f.lossFen, f.basis])).toEqual([
      ['unplanned_deduction', 9900, 'inferred'],
    ]);
    expect(report.findings[0]?.message).toContain(
      '收单机构直接从银行账户扣款“流量费代扣” ¥99.00（对方户名 汇通支付有限公司），不在结算单中；¥99.00 未见约定（没有费率方案，无从证明商户同意过此项收费）',
    );
    expect(report.findings[0]?.messageEn).toContain(
      '¥99.00 with nothing to show it was agreed (no plan was given)',
    );
    expect(summaryOf(report)).toEqual({ lossFen: 9900, unplanned: 1, payout: 0 });
  });

  it('is no finding when an agreed charge covers it (流量费 ¥99.00 a year)', async () => {
    const report = await audit(bankWithDebit('2026-11-05'), [contract([simFee(9900)])]);
    expect(report.findings).toEqual([]);
    expect(summaryOf(report)).toEqual({ lossFen: 0, unplanned: 0, payout: 0 });
    expect(report.warnings.join('\n')).not.toContain('流量费代扣');
  });

  it('loses only what the agreed charge does not cover: ¥99.00 − ¥60.00 = ¥39.00', async () => {
    const report = await audit(bankWithDebit('2026-11-05'), [contract([simFee(6000)])]);
    expect(report.findings.map((f) => [f.kind, f.lossFen, f.amountFen])).toEqual([
      ['unplanned_deduction', 3900, -9900],
    ]);
    expect(report.findings[0]?.message).toBe(
      '2026-11-05 收单机构直接从银行账户扣款“流量费代扣” ¥99.00（对方户名 汇通支付有限公司），不在结算单中，其中 ¥60.00 属约定的“流量费”；约定的“流量费”每年最多 ¥60.00，超出 ¥39.00',
    );
    expect(summaryOf(report)).toEqual({ lossFen: 3900, unplanned: 1, payout: 0 });
  });

  it("shares the year's agreed ¥99.00 with the statement's own 流量费 line, which came first", async () => {
    // 11-04: 流量费 ¥99.00 netted (¥99.40 − ¥99.00 = ¥0.40 paid); 11-20: ¥99.00 debited again, 16 days later —
    // a second charge, and the year's ¥99.00 is spent: all of it is lost.
    const report = await audit(
      [
        HEADER,
        '2026-11-04,0.40,5000.00,汇通支付有限公司,T1结算',
        '2026-11-05,198.80,5198.80,汇通支付有限公司,T1结算',
        '2026-11-20,-99.00,5099.80,汇通支付有限公司,流量费代扣',
      ],
      [contract([simFee(9900)])],
      [...sales, deductionLine('流量费', '2026-11-04', 4)],
    );
    expect(report.findings.map((f) => [f.kind, f.lossFen, f.source])).toEqual([
      ['unplanned_deduction', 9900, [{ file: 'bank.csv', row: 4 }]],
    ]);
    expect(report.findings[0]?.message).toContain('约定的“流量费”每年最多 ¥99.00，超出 ¥99.00');
    expect(summaryOf(report)).toEqual({ lossFen: 9900, unplanned: 1, payout: 0 });
  });

  it('is counted once when the statement lists the same charge a day earlier', async () => {
    // 11-05: 流量费 ¥99.00 on the statement (¥198.80 − ¥99.00 = ¥99.80 paid) and 流量费代扣 ¥99.00 on the bank
    // the next day: one charge, the statement's line its finding. Counted twice it would be ¥198.00.
    const report = await audit(
      [
        HEADER,
        '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
        '2026-11-05,99.80,5099.80,汇通支付有限公司,T1结算',
        '2026-11-06,-99.00,5000.80,汇通支付有限公司,流量费代扣',
      ],
      [contract()],
      [...sales, deductionLine('流量费', '2026-11-05', 4)],
    );
    expect(report.findings.map((f) => [f.kind, f.lossFen, f.source])).toEqual([
      ['unplanned_deduction', 9900, [{ file: 'settlement.csv', row: 4 }]],
    ]);
    expect(summaryOf(report)).toEqual({ lossFen: 9900, unplanned: 1, payout: 0 });
    expect(report.warnings.join('\n')).not.toContain('流量费代扣');
  });

  it('is its own charge when the statement line of the same amount and day names another (服务费)', async () => {
    const report = await audit(
      [
        HEADER,
        '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
        '2026-11-05,99.80,5099.80,汇通支付有限公司,T1结算',
        '2026-11-06,-99.00,5000.80,汇通支付有限公司,流量费代扣',
      ],
      [contract()],
      [...sales, deductionLine('服务费', '2026-11-05', 4)],
    );
    expect(report.findings.map((f) => [f.lossFen, f.source[0]?.file])).toEqual([
      [9900, 'settlement.csv'],
      [9900, 'bank.csv'],
    ]);
    expect(summaryOf(report)).toEqual({ lossFen: 19800, unplanned: 2, payout: 0 });
  });

  it('keeps its id across runs, wherever the line sits in the bank file', async () => {
    const first = await audit(bankWithDebit('2026-11-05'), [contract()]);
    const lines = bankWithDebit('2026-11-05');
    const moved = [lines[0], lines[1], lines[3], lines[2]] as string[];
    const second = await audit(moved, [contract()]);
    expect(first.findings[0]?.source).toEqual([{ file: 'bank.csv', row: 3 }]);
    expect(second.findings[0]?.source).toEqual([{ file: 'bank.csv', row: 4 }]);
    expect(second.findings[0]?.id).toBe(first.findings[0]?.id);
  });
});

describe("a provider's direct bank debit in the explanation", () => {
  it('is a charge never agreed, and part of the money the letter demands', async () => {
    const plans = [contract()];
    const report = attachDiagnoses(await audit(bankWithDebit('2026-11-05'), plans), { plans });
    const charge = report.diagnoses?.find((d) => d.cause === 'unagreed_charge');
    expect(charge?.findingIds).toEqual([report.findings[0]?.id]);
    expect(charge?.evidence.join('\n')).toContain('2026-11-05 从银行账户扣除“流量费代扣” ¥99.00');
    const letter = complaintLetter(report, { plans, date: '2026-12-01' });
    expect(letter).toContain('合计损失 ¥99.00');
    expect(letter).toContain('银行扣款日 2026-11-05  扣款“流量费代扣”');
  });

  it('is never read as a per-payout D0 fee, however many days repeat the same amount', async () => {
    const plans = [contract()];
    const report = attachDiagnoses(
      await audit(
        [
          HEADER,
          '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
          '2026-11-05,198.80,5198.80,汇通支付有限公司,T1结算',
          '2026-11-05,-99.00,5099.80,汇通支付有限公司,流量费代扣',
          '2026-11-06,-99.00,5000.80,汇通支付有限公司,流量费代扣',
          '2026-11-07,-99.00,4901.80,汇通支付有限公司,流量费代扣',
        ],
        plans,
      ),
      { plans },
    );
    expect(report.summary.lossFen).toBe(29700);
    expect(report.diagnoses?.map((d) => d.cause)).toEqual(['unagreed_charge']);
  });
});
