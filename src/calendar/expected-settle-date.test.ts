import { describe, expect, it } from 'vitest';
import { expectedSettleDate } from './expected-settle-date.js';

const cycle = (basis: 'T' | 'D', days: number) => ({ settlement: { basis, days } });

describe('expectedSettleDate', () => {
  it('settles a T1 sale on 2026-09-30 on 2026-10-08, after the National Day holiday', () => {
    expect(expectedSettleDate(cycle('T', 1), '2026-09-30')).toEqual({ date: '2026-10-08', warnings: [] });
  });

  it('settles T1 on a holiday on the first working day after it', () => {
    expect(expectedSettleDate(cycle('T', 1), '2026-10-03').date).toBe('2026-10-08');
  });

  it('counts natural days for D cycles, holidays included', () => {
    expect(expectedSettleDate(cycle('D', 1), '2026-09-30').date).toBe('2026-10-01');
    expect(expectedSettleDate(cycle('D', 0), '2026-10-03').date).toBe('2026-10-03');
  });

  it('pays T0 the same day on a working day and the next working day on a holiday', () => {
    expect(expectedSettleDate(cycle('T', 0), '2026-09-30').date).toBe('2026-09-30');
    expect(expectedSettleDate(cycle('T', 0), '2026-10-01').date).toBe('2026-10-08');
  });

  it('uses the plan calendar', () => {
    const plan = { ...cycle('T', 1), calendar: { holidays: ['2026-10-08'], workdays: [] } };
    expect(expectedSettleDate(plan, '2026-09-30').date).toBe('2026-10-09');
  });

  it('guesses Mon–Fri for 2027 and returns the warning', () => {
    // 2027-03-05 is a Friday; the next Mon–Fri day is Monday 2027-03-08.
    const result = expectedSettleDate(cycle('T', 1), '2027-03-05');
    expect(result.date).toBe('2027-03-08');
    expect(result.warnings.map((w) => w.year)).toEqual([2027]);
  });
});
