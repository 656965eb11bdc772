import { describe, expect, it } from 'vitest';
import type { FeePlan, FeeRule } from './plan-types.js';
import { quoteFee } from './expected-fee.js';

const rule = (r: Partial<FeeRule> & { ratePpm: number }, index = 0): FeeRule => ({
  fixedFen: 0,
  line: 0,
  index,
  ...r,
});

const plan = (rates: FeeRule[], rounding: FeePlan['rounding'] = 'half-up'): FeePlan => ({
  rounding,
  toleranceFen: 1,
  settlement: { basis: 'T', days: 1 },
  refundFee: 'none',
  noticeDays: 30,
  periods: [{ from: '2026-01-01', rates, line: 0, index: 0 }],
  charges: [],
});

const fee = (
  p: FeePlan,
  amountFen: number,
  card: 'debit' | 'credit' = 'credit',
  channel: 'card' | 'nfc' = 'card',
) => {
  const quote = quoteFee(p, { amountFen, card, channel, date: '2026-10-01' });
  if (!quote.ok) throw new Error(quote.reason);
  return quote.feeFen;
};

describe('quoteFee', () => {
  it('takes 0.60% of 1,234.56 as 7.41', () => {
    expect(fee(plan([rule({ ratePpm: 6000 })]), 123456)).toBe(741);
  });

  it('caps a debit card at 20.00 on an 8,000.00 sale', () => {
    expect(fee(plan([rule({ ratePpm: 5500, capFen: 2000, cards: ['debit'] })]), 800000, 'debit')).toBe(2000);
  });

  it('adds a fixed 3.00 after rounding the percentage: 2.99% + 3 on 30,580.00 = 917.34', () => {
    expect(fee(plan([rule({ ratePpm: 29900, fixedFen: 300 })]), 3058000)).toBe(91734);
  });

  it('rounds 0.38% of 5.00 to 0.02 half-up and 0.01 down', () => {
    expect(fee(plan([rule({ ratePpm: 3800 })], 'half-up'), 500)).toBe(2);
    expect(fee(plan([rule({ ratePpm: 3800 })], 'down'), 500)).toBe(1);
  });

  it('applies the first matching rule in file order and honours amount bands', () => {
    const p = plan([
      rule({ ratePpm: 3800, channels: ['nfc'], maxAmountFen: 100000 }, 0),
      rule({ ratePpm: 6000 }, 1),
    ]);
    expect(fee(p, 100000, 'credit', 'nfc')).toBe(380);
    expect(fee(p, 100001, 'credit', 'nfc')).toBe(600);
  });

  it('raises a fee to the minimum', () => {
    expect(fee(plan([rule({ ratePpm: 3800, minFen: 10 })]), 500)).toBe(10);
  });

  it('says which is missing: a period or a rule', () => {
    const p = plan([rule({ ratePpm: 6000, cards: ['debit'] })]);
    expect(quoteFee(p, { amountFen: 100, card: 'credit', channel: 'card', date: '2026-10-01' })).toEqual({
      ok: false,
      reason: 'no_rule',
    });
    expect(quoteFee(p, { amountFen: 100, card: 'debit', channel: 'card', date: '2025-12-31' })).toEqual({
      ok: false,
      reason: 'no_period',
    });
  });
});
