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
