import { describe, expect, it } from 'vitest';
import type { Finding, RateChange } from '../../src/audit/report-types.js';
import { diagnose } from '../../src/explain/attach-diagnoses.js';
import { auditReport, MERCHANT_NO as M, overchargedSale, planOf, rateChange } from './explain-fixtures.js';

// A debit rate raised from 0.55 % to 0.60 % on 2026-10-11, while the contract's 20 元 debit cap was never set.
// A large debit sale after the raise is overcharged mostly because of the missing cap: it belongs to the cap
// diagnosis (the cap was missing before the change as well), not to the rate change.

const PLAN = [
  `merchantId: "${M}"`,
  'periods:',
  '  - from: 2026-01-01',
  '    rates:',
  '      - { channel: card, card: debit, rate: 0.55%, cap: 20 }',
  '      - { rate: 0.60% }',
].join('\n');

const debit = (
  id: string,
  terminalId: string,
  day: string,
  amountFen: number,
  expected: number,
  charged: number,
): Finding =>
  overchargedSale({
    id,
    terminalId,
    refNo: `ref-${id}`,
    time: `${day}T10:00:00+08:00`,
    channel: 'card',
    card: 'debit',
    amountFen,
    expectedFeeFen: expected,
    chargedFeeFen: charged,
  });

/** The debit change of 2026-10-11 from 0.55 %, as the audit read it: `after` is what changed. */
const debitChange = (after: Partial<RateChange>): RateChange =>
  rateChange({
    channel: 'card',
    card: 'debit',
    date: '2026-10-11',
    beforeRate: '0.55%',
    afterRate: '0.55%',
    transactions: 2,
    ...after,
  });

/** The diagnoses of these findings and this change, against the plan with the 20 元 debit cap. */
const diagnoseWithCapPlan = (findings: Finding[], change: RateChange) =>
  diagnose(auditReport(findings, [change]), { plans: [planOf(PLAN)] });

describe('diagnose: a cap never applied is not a rate change', () => {
  it('puts capped sales after the change in the cap diagnosis, small ones in the rate change', () => {
    const findings = [
      // 1,000 元 after the change on two terminals: 0.55 % = 550, charged 0.60 % = 600 → 50 over each.
      debit('small-a', 'T1', '2026-10-12', 100_000, 550, 600),
      debit('small-b', 'T2', '2026-10-13', 100_000, 550, 600),
      // 5,000 元 before the change: the cap gives 20 元 = 2,000; charged 0.55 % = 2,750 → 750 over.
      debit('big-before', 'T1', '2026-10-05', 500_000, 2000, 2750),
      // 5,000 元 after the change: the cap gives 2,000; charged 0.60 % = 3,000 → 1,000 over.
      debit('big-after', 'T2', '2026-10-15', 500_000, 2000, 3000),
    ];
    const ds = diagnoseWithCapPlan(findings, debitChange({ afterRate: '0.60%', transactions: 3 }));
    const cap = ds.find((d) => d.title.includes('封顶'));
    const rate = ds.find((d) => d.cause === 'provider_rate_change');
    expect(cap?.cause).toBe('terminal_setting_error');
    expect(cap?.findingIds.sort()).toEqual(['big-after', 'big-before']);
    // 750 + 1,000.
    expect(cap?.overchargeFen).toBe(1750);
    expect(rate?.findingIds.sort()).toEqual(['small-a', 'small-b']);
    // 50 + 50.
    expect(rate?.overchargeFen).toBe(100);
  });

  it('keeps capped sales with the change when the change is the cap being removed', () => {
    const findings = [
      debit('big-1', 'T1', '2026-10-12', 500_000, 2000, 2750),
      debit('big-2', 'T2', '2026-10-13', 500_000, 2000, 2750),
    ];
    const ds = diagnoseWithCapPlan(findings, debitChange({ beforeCapFen: 2000 }));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.cause).toBe('provider_rate_change');
    expect(ds[0]?.findingIds.sort()).toEqual(['big-1', 'big-2']);
  });
});

describe('diagnose: a fixed add-on on capped sales is the change, not a cap ignored', () => {
  it('keeps a capped sale charged cap + add-on with the add-on change', () => {
    const findings = [
      // 5,000 元 debit: the cap gives 2,000; charged the cap plus a 3 元 add-on = 2,300 → 300 over (the uncapped
      // 0.55 % would be 2,750: the cap was applied).
      debit('big-1', 'T1', '2026-10-12', 500_000, 2000, 2300),
      // 1,000 元 debit: 550 + 300 = 850 → 300 over.
      debit('small-1', 'T2', '2026-10-13', 100_000, 550, 850),
    ];
    const ds = diagnoseWithCapPlan(
      findings,
      debitChange({ afterFixedFen: 300, beforeCapFen: 2000, afterCapFen: 2000 }),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]?.cause).toBe('provider_rate_change');
    expect(ds[0]?.findingIds.sort()).toEqual(['big-1', 'small-1']);
    // 300 + 300.
    expect(ds[0]?.overchargeFen).toBe(600);
  });
});
