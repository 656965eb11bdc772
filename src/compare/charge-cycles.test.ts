import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, cyclesDue } from './charge-cycles.js';

const DAY_MS = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const ms = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const lastDayOf = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The oracle, day by day: a day is a billing day when it lies a multiple of `months` calendar months after the
 * anchor's month and is the anchor's day of the month (or the month's last day, when the month is shorter).
 */
function billingDays(anchor: string, last: string, months: number): number {
  const [ay, am, ad] = anchor.split('-').map(Number) as [number, number, number];
  let n = 0;
  for (let t = ms(anchor); t <= ms(last); t += DAY_MS) {
    const [y, m, d] = iso(t).split('-').map(Number) as [number, number, number];
    const k = y * 12 + m - (ay * 12 + am);
    if (k % months === 0 && d === Math.min(ad, lastDayOf(y, m))) n++;
  }
  return n;
}

const date = fc
  .integer({ min: ms('2024-01-01') / DAY_MS, max: ms('2030-12-31') / DAY_MS })
  .map((day) => iso(day * DAY_MS));
const cycle = fc.constantFrom(1, 3, 12);

describe('charge cycles over the first year', () => {
  it('counts the cycles of a charge starting inside the year (from 2027-07-01 in 2027: 6 months, 2 quarters)', () => {
    // Year 2027-01-01 … 2027-12-31; cycles begin 07-01, 08-01 … 12-01 (6) and 07-01, 10-01 (2); the next ones,
    // 2028-01-01, are outside. 6 × ¥10 + 2 × ¥30 = 6,000 + 6,000 = 12,000 fen.
    expect(cyclesDue('2027-07-01', '2027-12-31', 1)).toBe(6);
    expect(cyclesDue('2027-07-01', '2027-12-31', 3)).toBe(2);
    expect(cyclesDue('2027-07-01', '2027-12-31', 12)).toBe(1);
    expect(cyclesDue('2028-01-01', '2027-12-31', 1)).toBe(0);
  });

  it('bills a contract signed on the 31st on the last day of shorter months, without drifting', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2027-01-31', 2)).toBe('2027-03-31');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-11-15', 3)).toBe('2028-02-15');
  });

  it('agrees with the day-by-day count for any anchor, end and cycle', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 0, max: 400 }), cycle, (anchor, length, months) => {
        const last = iso(ms(anchor) + length * DAY_MS);
        expect(cyclesDue(anchor, last, months)).toBe(billingDays(anchor, last, months));
      }),
    );
  });

  it('gives a charge in force from the start of a 365-day year exactly 12 months, 4 quarters, 1 year', () => {
    fc.assert(
      fc.property(date, cycle, (start, months) => {
        const last = iso(ms(start) + 364 * DAY_MS);
        expect(cyclesDue(start, last, months)).toBe(12 / months);
      }),
    );
  });

  it('never counts more cycles for a charge that starts later in the year', () => {
    fc.assert(
      fc.property(
        date,
        fc.integer({ min: 0, max: 364 }),
        fc.integer({ min: 0, max: 364 }),
        cycle,
        (start, a, b, months) => {
          const last = iso(ms(start) + 364 * DAY_MS);
          const early = iso(ms(start) + Math.min(a, b) * DAY_MS);
          const late = iso(ms(start) + Math.max(a, b) * DAY_MS);
          expect(cyclesDue(late, last, months)).toBeLessThanOrEqual(cyclesDue(early, last, months));
          expect(cyclesDue(early, last, months)).toBeLessThanOrEqual(12 / months);
        },
      ),
    );
  });
});
