import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUNDING_MODES } from '../money/round.js';
import { refundFeesDue } from './refund-fee.js';

describe('refundFeesDue', () => {
  const sale = { amountFen: 123456, feeFen: 741 };

  it('returns nothing under refundFee: none', () => {
    expect(refundFeesDue('none', 'half-up', sale, [-23456, -100000])).toEqual([0, 0]);
  });

  it('returns the whole fee with the first refund under refundFee: full', () => {
    expect(refundFeesDue('full', 'half-up', sale, [-23456, -100000])).toEqual([741, 0]);
  });

  it('returns the proportional fee and the remainder on the last refund', () => {
    // 741 × 23456 / 123456 = 140.79… → 141; the last refund returns 741 − 141 = 600.
    expect(refundFeesDue('proportional', 'half-up', sale, [-23456, -100000])).toEqual([141, 600]);
    // down: 140, then 601.
    expect(refundFeesDue('proportional', 'down', sale, [-23456, -100000])).toEqual([140, 601]);
  });

  it('returns only the proportional part while the sale is not fully refunded', () => {
    // 741 × 61728 / 123456 = 370.5 → 371 half-up, 370 half-even.
    expect(refundFeesDue('proportional', 'half-up', sale, [61728])).toEqual([371]);
    expect(refundFeesDue('proportional', 'half-even', sale, [61728])).toEqual([370]);
  });

  it('never returns more than the fee when rounding up, and nothing for an over-refund', () => {
    // 2 × 100 / 300 = 0.67 → 1 (up) each; the third gets what is left (0); a fourth refund is beyond the sale.
    expect(refundFeesDue('proportional', 'up', { amountFen: 300, feeFen: 2 }, [100, 100, 100, 50])).toEqual([
      1, 1, 0, 0,
    ]);
  });

  it('returns exactly the original fee over any full set of refunds (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...ROUNDING_MODES),
        fc.constantFrom('proportional' as const, 'full' as const),
        (amountFen, feeFen, weights, rounding, policy) => {
          // Split the amount into refunds proportional to the weights; the last one takes what is left.
          const total = weights.reduce((a, b) => a + b, 0);
          const refunds: number[] = [];
          let left = amountFen;
          for (const [i, w] of weights.entries()) {
            const part =
              i === weights.length - 1 ? left : Math.min(left, Math.floor((amountFen * w) / total));
            refunds.push(-part);
            left -= part;
          }
          const due = refundFeesDue(policy, rounding, { amountFen, feeFen }, refunds);
          expect(due.reduce((a, b) => a + b, 0)).toBe(feeFen);
          for (const d of due) expect(d).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
