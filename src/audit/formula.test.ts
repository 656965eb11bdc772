import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentageFee } from '../money/rate.js';
import { ROUNDING_MODES } from '../money/round.js';
import { detectFormulaChanges } from './detect-formula-changes.js';
import { FormulaSet, rateInterval } from './formula.js';

/** A line of `amountFen` charged `ratePpm` (half-up) plus `extraFen` on `date`. */
const at = (amountFen: number, ratePpm: number, date: string, extraFen = 0) => ({
  amountFen,
  feeFen: percentageFee(amountFen, ratePpm, 'half-up') + extraFen,
  date,
});

describe('rateInterval', () => {
  it('is exactly the set of rates that round to the fee, for every rounding mode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.constantFrom(...ROUNDING_MODES),
        (amount, rate, mode) => {
          const fee = percentageFee(amount, rate, mode);
          const [lo, hi] = rateInterval(amount, fee, mode);
          expect(lo).toBeLessThanOrEqual(rate);
          expect(hi).toBeGreaterThanOrEqual(rate);
          expect(percentageFee(amount, lo, mode)).toBe(fee);
          expect(percentageFee(amount, hi, mode)).toBe(fee);
          if (lo > 0) expect(percentageFee(amount, lo - 1, mode)).not.toBe(fee);
          if (hi < 1_000_000) expect(percentageFee(amount, hi + 1, mode)).not.toBe(fee);
        },
      ),
    );
  });

  it('gives 1,234.56 charged 7.41 the half-up rates 0.5998% to 0.6006%', () => {
    // 741 − 0.5 ≤ 123456 × r ÷ 10⁶ < 741 + 0.5 → r ∈ [5998.2, 6006.3) → 5999 … 6006.
    expect(rateInterval(123456, 741, 'half-up')).toEqual([5999, 6006]);
  });
});

describe('FormulaSet', () => {
  it('infers 2.99% + 3.00 from the 红星 kind of lines', () => {
    const lines = [3058000, 1000000, 250000].map((a) => ({
      amountFen: a,
      feeFen: percentageFee(a, 29900, 'half-up') + 300,
    }));
    const best = FormulaSet.fromLines(lines).best();
    expect(best?.describe()).toEqual({ rate: '2.99%', fixedFen: 300 });
  });

  it('finds a cap as a constant fee on large amounts', () => {
    const set = FormulaSet.fromLines([
      { amountFen: 100000, feeFen: 550 },
      { amountFen: 30000, feeFen: 165 },
    ]);
    expect(set.add({ amountFen: 800000, feeFen: 2000 })).toBe(true);
    expect(set.best()?.describe()).toEqual({ rate: '0.55%', fixedFen: 0, capFen: 2000 });
  });

  it('reads debit lines at the cap that come first as the cap, not as the rate', () => {
    // 0.55% capped at 20.00: 4,000.00, 5,000.00 and 6,800.00 are all charged 20.00 (read as rates: 0.50%, 0.40%,
    // 0.29%); 300.00 → 1.65 and 123.45 → 0.678975 → 0.68 below the cap.
    const set = FormulaSet.fromLines([
      { amountFen: 400000, feeFen: 2000 },
      { amountFen: 500000, feeFen: 2000 },
      { amountFen: 680000, feeFen: 2000 },
      { amountFen: 30000, feeFen: 165 },
      { amountFen: 12345, feeFen: 68 },
    ]);
    expect(set.best()?.describe()).toEqual({ rate: '0.55%', fixedFen: 0, capFen: 2000 });
    expect(set.best()?.fee(888800)).toBe(2000);
    expect(set.best()?.fee(88800)).toBe(488);
  });

  it('quotes the least rate that reaches the cap when every line is at it', () => {
    // 5,000.00 and 4,000.00 both charged 20.00: any rate from 0.50% on (4,000.00 × 0.50% = 20.00) charges both.
    const set = FormulaSet.fromLines([
      { amountFen: 500000, feeFen: 2000 },
      { amountFen: 400000, feeFen: 2000 },
    ]);
    expect(set.best()?.describe()).toEqual({ rate: '0.50%', fixedFen: 0, capFen: 2000 });
  });

  it('takes two 红星 lines for 2.99% + 3.00, not for 3.02% capped at an odd 917.34', () => {
    // 30,580.00 → 914.34 + 3.00 = 917.34 and 10,000.00 → 299.00 + 3.00 = 302.00; 10,000.00 × 3.02% is 302.00 too,
    // and 30,580.00 × 3.02% = 923.52 would be over a cap of 917.34.
    const set = FormulaSet.fromLines([
      { amountFen: 3058000, feeFen: 91734 },
      { amountFen: 1000000, feeFen: 30200 },
    ]);
    expect(set.best()?.describe()).toEqual({ rate: '2.99%', fixedFen: 300 });
  });

  it('reads any debit sales under a capped rate, in any order, as that formula (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(5000, 5500, 6000),
        fc.constantFrom(1800, 2000, 2500, 3500),
        fc.constantFrom(...ROUNDING_MODES),
        fc.array(fc.integer({ min: 1, max: 3_000_000 }), { minLength: 1, maxLength: 40 }),
        (rate, cap, mode, amounts) => {
          const lines = amounts.map((amountFen, k) => ({
            amountFen,
            feeFen: Math.min(percentageFee(amountFen, rate, mode), cap),
            date: `2026-11-${String(1 + (k % 30)).padStart(2, '0')}`,
          }));
          const segments = detectFormulaChanges(lines);
          expect(segments).toHaveLength(1);
          const formula = segments[0]?.set.best();
          expect(formula?.fixedFen).toBe(0);
          for (const line of lines) expect(formula?.fee(line.amountFen)).toBe(line.feeFen);
        },
      ),
    );
  });
});

describe('detectFormulaChanges', () => {
  const before = [
    at(100000, 6000, '2026-08-01'),
    at(50000, 6000, '2026-08-02'),
    at(23456, 6000, '2026-08-03'),
    at(77777, 6000, '2026-08-04'),
    at(150000, 6000, '2026-08-05'),
  ];

  it('starts a change at the first of three lines the old formula cannot produce', () => {
    const lines = [
      ...before,
      at(100000, 6800, '2026-08-10'),
      at(50000, 6800, '2026-08-11'),
      at(200000, 6800, '2026-08-12'),
    ];
    const segments = detectFormulaChanges(lines);
    expect(segments.map((s) => [s.date, s.set.best()?.describe().rate])).toEqual([
      ['2026-08-01', '0.60%'],
      ['2026-08-10', '0.68%'],
    ]);
  });

  it('takes two stray lines for strays, not a change', () => {
    const lines = [
      ...before.slice(0, 2),
      at(100000, 9000, '2026-08-03'),
      ...before.slice(2, 4),
      at(60000, 9000, '2026-08-04'),
      ...before.slice(4),
    ];
    expect(detectFormulaChanges(lines)).toHaveLength(1);
  });

  it('needs the third deviating line: two at the end are not yet a change', () => {
    const lines = [...before, at(100000, 6800, '2026-08-10'), at(50000, 6800, '2026-08-11')];
    expect(detectFormulaChanges(lines)).toHaveLength(1);
  });
});

describe('detectFormulaChanges on noisy starts', () => {
  it('does not take a stray first line for the formula and report a change after it', () => {
    const lines = [
      at(100000, 6000, '2026-08-01', 50),
      at(50000, 6000, '2026-08-01'),
      at(23456, 6000, '2026-08-02'),
      at(77777, 6000, '2026-08-03'),
      at(150000, 6000, '2026-08-04'),
    ];
    const segments = detectFormulaChanges(lines);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.set.best()?.describe()).toEqual({ rate: '0.60%', fixedFen: 0 });
  });

  it('keeps one capped formula when capped and uncapped debit lines interleave', () => {
    const capped = (amountFen: number, date: string) => ({ amountFen, feeFen: 2000, date });
    const lines = [
      at(30000, 5500, '2026-08-01'),
      capped(800000, '2026-08-01'),
      at(100000, 5500, '2026-08-02'),
      capped(650000, '2026-08-02'),
      at(12345, 5500, '2026-08-03'),
      capped(1200000, '2026-08-04'),
    ];
    const segments = detectFormulaChanges(lines);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.set.best()?.describe()).toEqual({ rate: '0.55%', fixedFen: 0, capFen: 2000 });
  });

  it('keeps two lines at 0.60% as the first formula though 0.63% after them could take the larger for its cap', () => {
    // 2,860.00 → 17.16 and 450.00 → 2.70 at 0.60%; from 11-16 at 0.63%: 1,000.00 → 6.30, 500.00 → 3.15,
    // 2,000.00 → 12.60. 0.63% of 2,860.00 is 18.02: 17.16 only fits it as a cap, larger than any fee it charged.
    const lines = [
      at(286000, 6000, '2026-11-03'),
      at(45000, 6000, '2026-11-10'),
      at(100000, 6300, '2026-11-16'),
      at(50000, 6300, '2026-11-18'),
      at(200000, 6300, '2026-11-21'),
    ];
    const segments = detectFormulaChanges(lines);
    expect(segments.map((s) => [s.start, s.date, s.set.best()?.describe()])).toEqual([
      [0, '2026-11-03', { rate: '0.60%', fixedFen: 0 }],
      [2, '2026-11-16', { rate: '0.63%', fixedFen: 0 }],
    ]);
  });
});

describe('detectFormulaChanges after a short first regime', () => {
  /** `count` amounts at least `gap` apart from `from` on, each moved by its jitter (less than the gap). */
  const spaced = (from: number, gap: number, jitters: readonly number[]) =>
    jitters.map((jitter, k) => from + k * gap + jitter);
  const day = (k: number) => `2026-10-${String(k + 1).padStart(2, '0')}`;

  it('takes two lines at 0.38% followed by three at 0.60% for a change on the first 0.60% line', () => {
    // 200.00 → 0.76 and 35.00 → 0.13 at 0.38%; 200.00 → 1.20, 66.67 → 0.40, 150.00 → 0.90 at 0.60%.
    const lines = [
      at(20000, 3800, '2026-10-12'),
      at(3500, 3800, '2026-10-14'),
      at(20000, 6000, '2026-10-15'),
      at(6667, 6000, '2026-10-18'),
      at(15000, 6000, '2026-10-18'),
    ];
    const segments = detectFormulaChanges(lines);
    expect(segments.map((s) => [s.start, s.date, s.set.best()?.describe().rate])).toEqual([
      [0, '2026-10-12', '0.38%'],
      [2, '2026-10-15', '0.60%'],
    ]);
  });

  it('still takes a stray first line, and a line its formula took in under a cap, for strays', () => {
    // 200.00 charged 2.20 (0.60% + 1.00), then 600.00 at 0.60% = 3.60, which 2.20's formula reads as capped at
    // 3.60; the new formula, 0.60%, explains 3.60, so only one line is its own.
    const lines = [
      at(20000, 6000, '2026-10-01', 100),
      at(60000, 6000, '2026-10-01'),
      at(36000, 6000, '2026-10-02'),
      at(52000, 6000, '2026-10-03'),
      at(28000, 6000, '2026-10-04'),
    ];
    const segments = detectFormulaChanges(lines);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.set.best()?.describe()).toEqual({ rate: '0.60%', fixedFen: 0 });
  });

  const RATES = [2500, 3800, 5500, 6000, 6300, 6800, 7800, 12500];

  it('finds a change after any first regime of two or more lines (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RATES),
        fc.constantFrom(...RATES),
        fc.array(fc.integer({ min: 0, max: 5_999 }), { minLength: 2, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 9_999 }), { minLength: 3, maxLength: 6 }),
        (before, after, jittersBefore, jittersAfter) => {
          fc.pre(before !== after);
          // The dearer regime on the larger amounts, the amounts of each spread out: no line of one regime then
          // reads as the other's formula under a cap or a fixed part, which would be a real ambiguity.
          const low = (jitters: readonly number[]) => spaced(20_000, 16_000, jitters);
          const high = (jitters: readonly number[]) => spaced(100_001, 30_000, jitters);
          const amountsBefore = before < after ? low(jittersBefore) : high(jittersBefore);
          const amountsAfter = before < after ? high(jittersAfter) : low(jittersAfter);
          const lines = [
            ...amountsBefore.map((a, k) => at(a, before, day(k))),
            ...amountsAfter.map((a, k) => at(a, after, day(10 + k))),
          ];
          const segments = detectFormulaChanges(lines);
          expect(segments.map((s) => [s.start, s.date])).toEqual([
            [0, day(0)],
            [amountsBefore.length, day(10)],
          ]);
          expect(segments[0]?.set.best()?.allowsRate(before)).toBe(true);
          expect(segments[1]?.set.best()?.allowsRate(after)).toBe(true);
        },
      ),
    );
  });

  it('never takes one odd line anywhere in a regime for a change (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RATES),
        fc.array(fc.integer({ min: 0, max: 5_999 }), { minLength: 3, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 50, max: 2_000 }),
        fc.integer({ min: 20_000, max: 200_000 }),
        (rate, jitters, where, extraFen, strayAmount) => {
          const lines = spaced(20_000, 16_000, jitters).map((a, k) => at(a, rate, day(k)));
          const position = where % (lines.length + 1);
          lines.splice(position, 0, at(strayAmount, rate, day(position), extraFen));
          const segments = detectFormulaChanges(lines);
          expect(segments).toHaveLength(1);
          // A stray first line may stay the formula when too few lines follow to replace it: only a regime
          // line's seed is sure to give the regime's rate.
          if (position > 0) expect(segments[0]?.set.best()?.allowsRate(rate)).toBe(true);
        },
      ),
    );
  });
});
