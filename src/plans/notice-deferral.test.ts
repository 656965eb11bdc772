import { describe, expect, it } from 'vitest';
import type { RoundingMode } from '../money/round.js';
import type { CardType } from '../records/vocabulary.js';
import { bindingFrom, quoteFee } from './expected-fee.js';
import { parsePlan } from './parse-plan.js';
import type { FeePlan } from './plan-types.js';

/**
 * A raise announced with less than the contract's notice binds only once `noticed + notice` days have passed
 * (DOMAIN.md §4.3); until then the earlier terms price the sale. Fees by hand, half-up unless said:
 *   1,244.56 × 0.60% = 7.46736 → 7.47; × 0.63% = 7.840728 → 7.84; × 0.68% = 8.462008 → 8.46
 *   886.43 × 0.60% = 5.31858 → 5.32 (down: 5.31); × 0.63% = 5.584509 → 5.58 (down: 5.58)
 *   1,000.00 × 0.55% = 5.50; × 0.50% = 5.00; × 0.38% = 3.80
 */
const planOf = (yaml: string): FeePlan => {
  const result = parsePlan(yaml, 'plan.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
};

/** The QA plan: 0.60% credit until 11-15, 0.63% from 11-16 told on 11-01 (15 days of the 30 required). */
const raiseYaml = (noticed: string | undefined, rounding: RoundingMode = 'half-up') =>
  [
    `rounding: ${rounding}`,
    'notice: 30',
    'periods:',
    '  - from: 2026-10-01',
    '    until: 2026-11-15',
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.60% }',
    '      - { channel: card, card: debit, rate: 0.55% }',
    '  - from: 2026-11-16',
    ...(noticed === undefined ? [] : [`    noticed: ${noticed}`]),
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.63% }',
    '      - { channel: card, card: debit, rate: 0.50% }',
    '      - { channel: wechat, rate: 0.38% }',
    '',
  ].join('\n');

const quote = (plan: FeePlan, amountFen: number, date: string, card: CardType = 'credit') => {
  const q = quoteFee(plan, { amountFen, channel: 'card', card, date });
  if (!q.ok) throw new Error(q.reason);
  return q;
};

describe('quoteFee with a raise given short notice', () => {
  const plan = planOf(raiseYaml('2026-11-01'));

  it('binds the raise from noticed + 30 days: 2026-11-01 + 30 = 2026-12-01', () => {
    expect(plan.periods[1] && bindingFrom(plan, plan.periods[1])).toBe('2026-12-01');
    expect(plan.periods[0] && bindingFrom(plan, plan.periods[0])).toBeUndefined();
  });

  it('prices a credit sale on the raise’s first day at the old 0.60%, saying what was deferred and until when', () => {
    const q = quote(plan, 124456, '2026-11-16');
    expect(q.feeFen).toBe(747);
    expect(q.period.from).toBe('2026-10-01');
    expect(q.rule.ratePpm).toBe(6000);
    expect(q.deferred).toMatchObject({
      feeFen: 784,
      noticed: '2026-11-01',
      effective: '2026-12-01',
      noticeDays: 30,
      period: { from: '2026-11-16' },
      rule: { ratePpm: 6300 },
    });
  });

  it('keeps the old rate through 2026-11-30 and applies 0.63% from 2026-12-01', () => {
    expect(quote(plan, 124456, '2026-11-30').feeFen).toBe(747);
    const binding = quote(plan, 124456, '2026-12-01');
    expect(binding.feeFen).toBe(784);
    expect(binding.period.from).toBe('2026-11-16');
    expect(binding.deferred).toBeUndefined();
  });

  it('applies a cut in the same period at once: debit 0.55% → 0.50% on 2026-11-16', () => {
    const q = quote(plan, 100000, '2026-11-16', 'debit');
    expect(q.feeFen).toBe(500);
    expect(q.deferred).toBeUndefined();
    expect(quote(plan, 100000, '2026-11-15', 'debit').feeFen).toBe(550);
  });

  it('leaves a rule the earlier terms did not have as written: WeChat 0.38% on 2026-11-16', () => {
    const q = quoteFee(plan, { amountFen: 100000, channel: 'wechat', card: 'unknown', date: '2026-11-16' });
    expect(q).toMatchObject({ ok: true, feeFen: 380 });
    expect(q.ok && q.deferred).toBeUndefined();
  });

  it('uses the plan’s rounding for both fees: down gives 5.31 against 5.58 on 886.43', () => {
    const q = quote(planOf(raiseYaml('2026-11-01', 'down')), 88643, '2026-11-20');
    expect(q.feeFen).toBe(531);
    expect(q.deferred?.feeFen).toBe(558);
  });
});

describe('quoteFee where notice does not defer', () => {
  it('applies a raise told 32 days ahead from its own date', () => {
    const q = quote(planOf(raiseYaml('2026-10-15')), 124456, '2026-11-16');
    expect(q.feeFen).toBe(784);
    expect(q.deferred).toBeUndefined();
  });

  it('applies a raise told exactly 30 days ahead (2026-10-17) from its own date', () => {
    expect(quote(planOf(raiseYaml('2026-10-17')), 124456, '2026-11-16').feeFen).toBe(784);
    expect(quote(planOf(raiseYaml('2026-10-18')), 124456, '2026-11-16').feeFen).toBe(747);
  });

  it('applies a raise whose notice date the plan does not give, as before: unknown is not late', () => {
    const q = quote(planOf(raiseYaml(undefined)), 124456, '2026-11-16');
    expect(q.feeFen).toBe(784);
    expect(q.deferred).toBeUndefined();
  });

  it('never defers a plan’s first period, however late it was told: there are no earlier terms', () => {
    const plan = planOf(
      [
        'periods:',
        '  - from: 2026-10-01',
        '    noticed: 2026-10-01',
        '    rates: [{ channel: card, card: credit, rate: 0.63% }]',
        '',
      ].join('\n'),
    );
    expect(quote(plan, 124456, '2026-10-02').feeFen).toBe(784);
  });
});

describe('quoteFee with two late raises in a row', () => {
  // An open 0.60%, then 0.63% from 11-16 told 11-01 (binds 12-01), then 0.68% from 11-20 told 11-05 (binds 12-05).
  const plan = planOf(
    [
      'notice: 30',
      'periods:',
      '  - from: 2026-10-01',
      '    rates: [{ channel: card, card: credit, rate: 0.60% }]',
      '  - from: 2026-11-16',
      '    noticed: 2026-11-01',
      '    rates: [{ channel: card, card: credit, rate: 0.63% }]',
      '  - from: 2026-11-20',
      '    noticed: 2026-11-05',
      '    rates: [{ channel: card, card: credit, rate: 0.68% }]',
      '',
    ].join('\n'),
  );

  it('does not let the second bind through the first: 0.60% on 11-22, naming the 0.68% deferred', () => {
    const q = quote(plan, 124456, '2026-11-22');
    expect(q.feeFen).toBe(747);
    expect(q.deferred).toMatchObject({
      feeFen: 846,
      effective: '2026-12-05',
      period: { from: '2026-11-20' },
    });
  });

  it('takes the first raise once it binds and the second once it does: 0.63% on 12-02, 0.68% on 12-05', () => {
    const q = quote(plan, 124456, '2026-12-02');
    expect(q.feeFen).toBe(784);
    expect(q.deferred?.effective).toBe('2026-12-05');
    expect(quote(plan, 124456, '2026-12-05').feeFen).toBe(846);
  });
});

describe('quoteFee when an open base period runs under a late raise that ends', () => {
  // Base 0.60% open; a 0.38% promo 10-01..10-31 told well ahead; then 0.63% from 11-16 until 11-30 told 11-10.
  const plan = planOf(
    [
      'notice: 30',
      'periods:',
      '  - from: 2026-01-01',
      '    rates: [{ channel: card, card: credit, rate: 0.60% }]',
      '  - from: 2026-10-01',
      '    until: 2026-10-31',
      '    noticed: 2026-08-01',
      '    rates: [{ channel: card, card: credit, rate: 0.38% }]',
      '  - from: 2026-11-16',
      '    until: 2026-11-30',
      '    noticed: 2026-11-10',
      '    rates: [{ channel: card, card: credit, rate: 0.63% }]',
      '',
    ].join('\n'),
  );

  it('prices the late raise’s days by the open base period still in force under it, not by the ended promo', () => {
    expect(quote(plan, 100000, '2026-10-15').feeFen).toBe(380);
    expect(quote(plan, 100000, '2026-11-20').feeFen).toBe(600);
    expect(quote(plan, 100000, '2026-12-01').feeFen).toBe(600);
  });
});
