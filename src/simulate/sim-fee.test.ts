import { describe, expect, it } from 'vitest';
import { producibleFees, simFee, simPercentage, simProportionalRefundFee, simRateText } from './sim-fee.js';
import { Prng } from './prng.js';

describe('the simulator’s own fee arithmetic', () => {
  it('charges 0.60 % of 1,234.56 as 7.41', () => {
    // 123456 × 6000 / 1e6 = 740.736 fen → 741 half-up
    expect(simFee(123_456, { ratePpm: 6000, fixedFen: 0 }, 'half-up')).toBe(741);
  });

  it('caps debit 0.55 % on 8,000.00 at 20.00', () => {
    // 800000 × 0.55 % = 4400 fen, above the 2000 fen cap
    expect(simFee(800_000, { ratePpm: 5500, fixedFen: 0, capFen: 2000 }, 'half-up')).toBe(2000);
  });

  it('adds the fixed 3 元 after rounding the percentage: 2.99 % + 3 on 30,580.00 = 917.34', () => {
    // 3058000 × 29900 / 1e6 = 91434.2 → 91434, + 300 = 91734
    expect(simFee(3_058_000, { ratePpm: 29_900, fixedFen: 300 }, 'half-up')).toBe(91_734);
  });

  it('rounds 0.38 % of 5.00 (1.9 fen) to 2 half-up and 1 down', () => {
    expect(simPercentage(500, 3800, 'half-up')).toBe(2);
    expect(simPercentage(500, 3800, 'down')).toBe(1);
    expect(simPercentage(500, 3800, 'up')).toBe(2);
    expect(simPercentage(500, 3800, 'half-even')).toBe(2);
  });

  it('breaks exact halves by mode: 2.5 fen and 3.5 fen', () => {
    // 250 × 10000 / 1e6 = 2.5; 350 × 10000 / 1e6 = 3.5
    expect(simPercentage(250, 10_000, 'half-up')).toBe(3);
    expect(simPercentage(250, 10_000, 'half-even')).toBe(2);
    expect(simPercentage(350, 10_000, 'half-even')).toBe(4);
  });

  it('agrees with BigInt beyond 2^53', () => {
    // 9e15 fen × 0.60 % = 5.4e13 fen exactly
    expect(simPercentage(9_000_000_000_000_000, 6000, 'half-up')).toBe(54_000_000_000_000);
  });

  it('lists the fees a formula can produce under any rounding mode', () => {
    expect([...producibleFees(500, { ratePpm: 3800, fixedFen: 0 })].sort()).toEqual([1, 2]);
    expect([...producibleFees(100_000, { ratePpm: 6000, fixedFen: 0 })]).toEqual([600]);
  });

  it('returns the proportional fee on a partial refund and all of it on a full one', () => {
    // fee 741 on 1234.56; refund 617.28 = half → 370.5 → 371 half-up
    expect(simProportionalRefundFee(741, 123_456, 61_728, 'half-up')).toBe(371);
    expect(simProportionalRefundFee(741, 123_456, 123_456, 'half-up')).toBe(741);
  });

  it('formats rates with at least two decimals', () => {
    expect(simRateText(6000)).toBe('0.60%');
    expect(simRateText(325)).toBe('0.0325%');
    expect(simRateText(29_900)).toBe('2.99%');
  });
});

describe('Prng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const c = new Prng(8);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('keeps ints within bounds', () => {
    const r = new Prng('bounds');
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
  });
});
