import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { auditRecords } from './audit.js';
import { plan, rec, rule } from './test-records.js';

const contract = plan([rule({ ratePpm: 6000 })]);

/** A sale on Monday 2026-08-03 at 0.60%, settled T1 on Tuesday 08-04. */
const sale = (merchantId: string, refNo: string, amountFen: number, feeFen: number, row: number) =>
  rec(
    'settlement',
    {
      merchantId,
      refNo,
      amountFen,
      feeFen,
      settledFen: amountFen - feeFen,
      settleDate: '2026-08-04',
      time: '2026-08-03 10:00:00',
    },
    row,
    'agent-statement.csv',
  );

/** A line of the agent's own bank account: no merchant number, as banks give them. */
const credit = (
  amountFen: number,
  time: string,
  row: number,
  counterparty = '乐刷网络科技有限公司',
): PosRecord =>
  rec('bank', { type: 'payout', amountFen, time, counterparty, label: '结算款' }, row, 'bank.csv');

describe('bank records per merchant in an agent run', () => {
  it('counts each credit for the merchant whose payout it was set against; the rest only in the total', () => {
    const report = auditRecords({
      // M1: 100000 − 600 (0.60%) = 99400 due on 08-04. M2: 50000 − 300 = 49700 due on 08-04.
      settlement: [sale('M1', 'R1', 100000, 600, 2), sale('M2', 'R2', 50000, 300, 3)],
      bank: [
        credit(99400, '2026-08-04 09:00:00', 2), // M1's, to the fen
        credit(49000, '2026-08-04 09:05:00', 3), // M2's, 700 short: still M2's credit
        credit(12300, '2026-07-20 09:00:00', 4), // the provider's, but no day of this run's: total only
        credit(88800, '2026-08-04 11:00:00', 5, '张三'), // not the provider's: ignored, total only
      ],
      terminal: [],
      plans: [contract],
    });
    // 49700 − 49000 = 700 short for M2; M1 paid in full.
    expect(report.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
      ['payout_mismatch', 'M2', 700],
    ]);
    expect(report.merchants.map((m) => [m.merchantId, m.summary.bankRecords])).toEqual([
      ['M1', 1],
      ['M2', 1],
    ]);
    expect(report.summary.bankRecords).toBe(4);
  });

  it('counts a credit that carries a merchant number for that merchant only, claimed or not', () => {
    const report = auditRecords({
      settlement: [sale('M1', 'R1', 100000, 600, 2), sale('M2', 'R2', 50000, 300, 3)],
      bank: [
        { ...credit(99400, '2026-08-04 09:00:00', 2), merchantId: 'M1' },
        // Carries M2's number but pays nothing of M2's days (08-20 is outside 08-04's window).
        { ...credit(49700, '2026-08-20 09:00:00', 3), merchantId: 'M2' },
        credit(49700, '2026-08-04 09:05:00', 4),
      ],
      terminal: [],
      plans: [contract],
    });
    expect(report.findings).toEqual([]);
    // M1: its own credit. M2: its own (unclaimed) one + the anonymous 49700 that paid its 08-04.
    expect(report.merchants.map((m) => [m.merchantId, m.summary.bankRecords])).toEqual([
      ['M1', 1],
      ['M2', 2],
    ]);
    expect(report.summary.bankRecords).toBe(3);
  });

  it('matches payouts to a statement in another numbering (UnionPay 15 digits, Leshua 10) by amount', () => {
    const unionPay = (refNo: string, settleDate: string, row: number) => ({
      ...sale('898440153991234', refNo, 100000, 600, row),
      settleDate,
      // Traded the working day before (T1).
      time: settleDate === '2026-08-04' ? '2026-08-03T10:00:00+08:00' : '2026-08-04T10:00:00+08:00',
    });
    const bill = (amountFen: number, time: string, row: number): PosRecord =>
      rec('bank', { type: 'payout', amountFen, time, merchantId: '8000123456' }, row, 'settlement-order.csv');
    const report = auditRecords({
      // 100000 − 600 = 99400 due on 08-04 and on 08-05; 99400 arrives, then 90000 (9400 short).
      settlement: [unionPay('R1', '2026-08-04', 2), unionPay('R2', '2026-08-05', 3)],
      bank: [bill(99400, '2026-08-04 03:33:36', 2), bill(90000, '2026-08-05 03:33:36', 3)],
      terminal: [],
      plans: [contract],
    });
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.lossFen])).toEqual([
      ['payout_mismatch', '2026-08-05', 9400],
    ]);
  });

  it("does not call every day unpaid when the payouts' merchant numbers are none of the statements'", () => {
    // The merchant's own app export: no 商户号. 100000 − 600 = 99400 due on 08-04, 49700 on 08-05 (T1 of 08-04).
    const own = (refNo: string, amountFen: number, feeFen: number, settleDate: string, row: number) =>
      rec(
        'settlement',
        {
          refNo,
          amountFen,
          feeFen,
          settledFen: amountFen - feeFen,
          settleDate,
          time: `${settleDate === '2026-08-04' ? '2026-08-03' : '2026-08-04'} 10:00:00`,
        },
        row,
        'my-app-export.csv',
      );
    // Its 打款单 names the provider's merchant number; the second payout is 700 short (49000 for 49700).
    const bill = (amountFen: number, time: string, row: number): PosRecord =>
      rec('bank', { type: 'payout', amountFen, time, merchantId: '8000123456' }, row, 'settlement-order.csv');
    const report = auditRecords({
      settlement: [own('R1', 100000, 600, '2026-08-04', 2), own('R2', 50000, 300, '2026-08-05', 3)],
      bank: [bill(99400, '2026-08-04 03:33:36', 2), bill(49000, '2026-08-05 03:33:36', 3)],
      terminal: [],
      plans: [contract],
    });
    // 49700 − 49000 = 700: the one true shortfall, not 99400 + 49700 for two days "unpaid".
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.lossFen])).toEqual([
      ['payout_mismatch', '2026-08-05', 700],
    ]);
    expect(report.summary.bankRecords).toBe(2);
  });

  it("keeps merchant numbers apart when they are the statements' own: an exact credit of one merchant never pays another", () => {
    const report = auditRecords({
      // M1 and M2 each 99400 due on 08-04; only M1's payout arrived.
      settlement: [sale('M1', 'R1', 100000, 600, 2), sale('M2', 'R2', 100000, 600, 3)],
      // The bank file runs to 08-07, past 08-04's window (to 08-06).
      bank: [
        { ...credit(99400, '2026-08-04 09:00:00', 2), merchantId: 'M1' },
        { ...credit(99400, '2026-08-07 09:00:00', 3), merchantId: 'M1' },
      ],
      terminal: [],
      plans: [contract],
    });
    expect(report.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
      ['payout_mismatch', 'M2', 99400],
    ]);
  });
});
