import { describe, expect, it } from 'vitest';
import { coverDeductions } from './charges.js';
import type { PlanCharge } from './plan-types.js';

const charge = (c: Partial<PlanCharge> & Pick<PlanCharge, 'name' | 'amountFen' | 'every'>): PlanCharge => ({
  aliases: [],
  perTerminal: false,
  line: 0,
  ...c,
});

const SIM = charge({
  name: '流量费',
  aliases: ['SIM卡服务费', '通讯费'],
  amountFen: 9900,
  every: 'year',
  from: '2027-09-01',
});

describe('coverDeductions', () => {
  it('covers a yearly SIM fee once per calendar year and flags the second one', () => {
    const result = coverDeductions(
      [SIM],
      [
        { label: 'SIM卡服务费', amountFen: -9900, date: '2027-09-15' },
        { label: '流量费', amountFen: -9900, date: '2027-12-15' },
        { label: '通讯费', amountFen: -9900, date: '2028-01-02' },
      ],
    );
    expect(result.map((r) => [r.coveredFen, r.unplannedFen, r.reason])).toEqual([
      [9900, 0, undefined],
      [0, 9900, 'over_amount'],
      [9900, 0, undefined],
    ]);
    expect(result[0]?.charge?.name).toBe('流量费');
  });

  it('matches labels ignoring case, full width and spaces', () => {
    const result = coverDeductions(
      [SIM],
      [{ label: ' ｓｉｍ 卡服务费 ', amountFen: 9900, date: '2027-10-01' }],
    );
    expect(result[0]).toMatchObject({ coveredFen: 9900, unplannedFen: 0 });
  });

  it('covers only up to the agreed amount and reports the excess', () => {
    const result = coverDeductions([SIM], [{ label: '流量费', amountFen: -12000, date: '2027-10-01' }]);
    expect(result[0]).toMatchObject({ coveredFen: 9900, unplannedFen: 2100, reason: 'over_amount' });
  });

  it('does not cover a charge taken before its from date or one the plan does not name', () => {
    const result = coverDeductions(
      [SIM],
      [
        { label: '流量费', amountFen: 9900, date: '2027-08-31' },
        { label: '会员费', amountFen: 2900, date: '2027-10-01' },
      ],
    );
    expect(result[0]).toMatchObject({ coveredFen: 0, unplannedFen: 9900, reason: 'before_from' });
    expect(result[1]).toEqual({ coveredFen: 0, unplannedFen: 2900, reason: 'no_charge' });
  });

  it('reads ISO times in Asia/Shanghai when choosing the window', () => {
    // 2027-09-30T20:00:00Z is 2027-10-01 04:00 in Shanghai: Q4, not Q3.
    const quarterly = charge({ name: '服务费', amountFen: 3000, every: 'quarter' });
    const result = coverDeductions(
      [quarterly],
      [
        { label: '服务费', amountFen: 3000, date: '2027-09-30T20:00:00Z' },
        { label: '服务费', amountFen: 3000, date: '2027-10-15' },
      ],
    );
    expect(result.map((r) => r.unplannedFen)).toEqual([0, 3000]);
  });

  it('keeps separate windows per terminal, per month and per payout', () => {
    const deposit = charge({ name: '押金', amountFen: 29900, every: 'once', perTerminal: true });
    const monthly = charge({ name: '月费', amountFen: 1000, every: 'month' });
    const withdrawal = charge({ name: '提现费', amountFen: 200, every: 'payout' });
    const result = coverDeductions(
      [deposit, monthly, withdrawal],
      [
        { label: '押金', amountFen: 29900, date: '2026-10-01', terminalId: 'T1' },
        { label: '押金', amountFen: 29900, date: '2026-10-02', terminalId: 'T2' },
        { label: '押金', amountFen: 29900, date: '2026-12-01', terminalId: 'T1' },
        { label: '月费', amountFen: 1000, date: '2026-10-31' },
        { label: '月费', amountFen: 1000, date: '2026-11-01' },
        { label: '提现费', amountFen: 200, date: '2026-11-01', payoutId: 'P1' },
        { label: '提现费', amountFen: 200, date: '2026-11-01', payoutId: 'P2' },
        { label: '提现费', amountFen: 200, date: '2026-11-01', payoutId: 'P2' },
      ],
    );
    expect(result.map((r) => r.unplannedFen)).toEqual([0, 0, 29900, 0, 0, 0, 0, 200]);
  });

  it('consumes a window in date order whatever order the lines come in', () => {
    const result = coverDeductions(
      [SIM],
      [
        { label: '流量费', amountFen: 9900, date: '2027-12-01' },
        { label: '流量费', amountFen: 5000, date: '2027-10-01' },
      ],
    );
    expect(result.map((r) => [r.coveredFen, r.unplannedFen])).toEqual([
      [4900, 5000],
      [5000, 0],
    ]);
  });
});
