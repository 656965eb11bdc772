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
  it('covers a yearly SIM fee once per contract year counted from its from date and flags the others', () => {
    // Contract years from 2027-09-01: 2027-09-01..2028-08-31, then 2028-09-01..2029-08-31. The first three
    // lines share the first year (a calendar year would have let 2028-01-02 through); 2028-09-01 opens the next.
    const result = coverDeductions(
      [SIM],
      [
        { label: 'SIM卡服务费', amountFen: -9900, date: '2027-09-15' },
        { label: '流量费', amountFen: -9900, date: '2027-12-15' },
        { label: '通讯费', amountFen: -9900, date: '2028-01-02' },
        { label: '流量费', amountFen: -9900, date: '2028-08-31' },
        { label: '流量费', amountFen: -9900, date: '2028-09-01' },
      ],
    );
    expect(result.map((r) => [r.coveredFen, r.unplannedFen, r.reason])).toEqual([
      [9900, 0, undefined],
      [0, 9900, 'over_amount'],
      [0, 9900, 'over_amount'],
      [0, 9900, 'over_amount'],
      [9900, 0, undefined],
    ]);
    expect(result[0]?.charge?.name).toBe('流量费');
  });

  it('flags two of three yearly charges inside one contract year that spans a new calendar year', () => {
    // ¥99 a year from 2026-09-01; all three fall in 2026-09-01..2027-08-31: ¥99 covered, ¥198 unplanned.
    const sim = charge({ name: '流量费', amountFen: 9900, every: 'year', from: '2026-09-01' });
    const result = coverDeductions(
      [sim],
      ['2026-11-16', '2027-01-15', '2027-03-15'].map((date) => ({ label: '流量费', amountFen: -9900, date })),
    );
    expect(result.map((r) => r.unplannedFen)).toEqual([0, 9900, 9900]);
  });

  it('counts months from the from day, renewing on the last day of a shorter month', () => {
    // From 2026-01-31: 01-31..02-27, then 02-28 (February has no 31st)..03-30, then 03-31..04-29.
    const monthly = charge({ name: '月费', amountFen: 1000, every: 'month', from: '2026-01-31' });
    const result = coverDeductions(
      [monthly],
      ['2026-02-10', '2026-02-27', '2026-02-28', '2026-03-30', '2026-03-31'].map((date) => ({
        label: '月费',
        amountFen: 1000,
        date,
      })),
    );
    expect(result.map((r) => r.unplannedFen)).toEqual([0, 1000, 0, 1000, 0]);
  });

  it('counts quarters from the from date, across calendar quarters', () => {
    // From 2026-11-15: 2026-11-15..2027-02-14, then 2027-02-15..2027-05-14.
    const quarterly = charge({ name: '服务费', amountFen: 3000, every: 'quarter', from: '2026-11-15' });
    const result = coverDeductions(
      [quarterly],
      ['2026-12-31', '2027-01-05', '2027-02-15'].map((date) => ({ label: '服务费', amountFen: 3000, date })),
    );
    expect(result.map((r) => r.unplannedFen)).toEqual([0, 3000, 0]);
  });

  it('keeps calendar years for a yearly charge without a from date', () => {
    const yearly = charge({ name: '年费', amountFen: 9900, every: 'year' });
    const result = coverDeductions(
      [yearly],
      ['2027-09-15', '2027-12-15', '2028-01-02'].map((date) => ({ label: '年费', amountFen: 9900, date })),
    );
    expect(result.map((r) => r.unplannedFen)).toEqual([0, 9900, 0]);
  });

  it('matches labels ignoring case, full width and spaces', () => {
    const result = coverDeductions(
      [SIM],
      [{ label: ' ｓｉｍ 卡服务费 ', amountFen: 9900, date: '2027-10-01' }],
    );
    expect(result[0]).toMatchObject({ coveredFen: 9900, unplannedFen: 0 });
  });

  // A statement writes the agreed charge with a month before it or a note after it: 10月服务费, 流量费（SIM卡）.
  it('matches a label that contains the name or an alias beside a month prefix or a bracketed note', () => {
    const service = charge({ name: '服务费', amountFen: 3900, every: 'month' });
    const sim = charge({
      name: '流量费',
      aliases: ['SIM卡服务费'],
      amountFen: 9900,
      every: 'year',
      from: '2026-09-01',
    });
    const result = coverDeductions(
      [service, sim],
      [
        { label: '10月服务费', amountFen: -3900, date: '2026-10-08' },
        { label: '流量费（SIM卡）', amountFen: -9900, date: '2026-10-15' },
        { label: '2026年11月服务费', amountFen: -3900, date: '2026-11-08' },
        { label: '扣款【流量费】', amountFen: -9900, date: '2026-11-20' },
      ],
    );
    expect(result.map((r) => [r.charge?.name, r.coveredFen, r.unplannedFen])).toEqual([
      ['服务费', 3900, 0],
      ['流量费', 9900, 0],
      ['服务费', 3900, 0],
      // The second 流量费 of the contract year is still beyond the agreed amount.
      ['流量费', 0, 9900],
    ]);
  });

  it('gives a label naming two charges to the longer name, and never matches on one character', () => {
    const service = charge({ name: '服务费', amountFen: 3900, every: 'month' });
    const sim = charge({ name: '流量费', aliases: ['SIM卡服务费'], amountFen: 9900, every: 'year' });
    const fee = charge({ name: '费', amountFen: 100, every: 'month' });
    const result = coverDeductions(
      [service, sim, fee],
      [
        { label: '10月SIM卡服务费', amountFen: -9900, date: '2026-10-08' },
        { label: '会员费', amountFen: -2900, date: '2026-10-08' },
      ],
    );
    expect(result[0]).toMatchObject({ coveredFen: 9900, unplannedFen: 0, charge: { name: '流量费' } });
    expect(result[1]).toEqual({ coveredFen: 0, unplannedFen: 2900, reason: 'no_charge' });
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
