import { describe, expect, it } from 'vitest';
import { auditReport, finding, planOf } from '../../test/explain/explain-fixtures.js';
import type { Finding } from '../audit/report-types.js';
import type { FeePlan } from '../plans/plan-types.js';
import { diagnose } from './attach-diagnoses.js';
import type { Diagnosis } from './diagnosis-types.js';

const M = '822000000000009';

/** Credit cards 0.60 %, refunds returning the fee in proportion. */
const PLAN = planOf(`merchant: 测试小店
merchantId: "${M}"
rounding: half-up
tolerance: 0
settlement: T1
refundFee: proportional
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`);

/**
 * A ¥400.00 refund of a ¥1,000.00 sale charged ¥6.00: 6.00 × 400 ÷ 1,000 = ¥2.40 due back, ¥1.00 came back, ¥1.40
 * lost.
 */
const shortRefund = (basis: 'plan' | 'inferred'): Finding =>
  finding('refund_fee_mismatch', {
    merchantId: M,
    refNo: '100000000002',
    time: '2026-10-13T12:00:00+08:00',
    channel: 'card',
    card: 'credit',
    amountFen: -40_000,
    expectedFeeFen: -240,
    chargedFeeFen: -100,
    overchargeFen: 140,
    lossFen: 140,
    basis,
  });

/** A ¥400.00 refund charged a ¥2.40 fee on top of the ¥2.40 not returned: ¥4.80 lost. */
const chargedRefund = (basis: 'plan' | 'inferred'): Finding =>
  finding('refund_fee_mismatch', {
    merchantId: M,
    refNo: '100000000003',
    time: '2026-10-14T12:00:00+08:00',
    channel: 'card',
    card: 'credit',
    amountFen: -40_000,
    expectedFeeFen: -240,
    chargedFeeFen: 240,
    overchargeFen: 480,
    lossFen: 480,
    basis,
  });

/** The one diagnosis of these refund findings of M. */
const refundDiagnosis = (findings: Finding[], plans: FeePlan[] = []): Diagnosis => {
  const ds = diagnose(auditReport(findings, [], { merchantId: M }), { plans });
  expect(ds.map((d) => d.findingIds.length)).toEqual([findings.length]);
  const [d] = ds;
  if (d === undefined) throw new Error('no refund-fee diagnosis');
  return d;
};

const allText = (d: Diagnosis): string[] => [
  d.title,
  d.titleEn,
  ...d.evidence,
  ...d.evidenceEn,
  d.tag?.zh ?? '',
  d.tag?.en ?? '',
  ...d.steps,
  ...d.stepsEn,
];

describe('the refund-fee diagnosis without a plan (findings priced on the inferred basis)', () => {
  it('cites no contract, and says the fee due back is the sale’s charged fee in proportion', () => {
    const d = refundDiagnosis([shortRefund('inferred')]);
    expect(d.lossFen).toBe(140);
    expect(d.title).toBe('退货少退手续费');
    expect(d.titleEn).toBe('Refunds returned too little fee');
    expect(d.evidence.slice(1)).toEqual([
      '未提供费率方案：应退的手续费按原交易实收的手续费、依退货金额所占比例计算，实退少于此数',
    ]);
    expect(d.evidenceEn.slice(1)).toEqual([
      "No plan was given: the fee due back is the sale's charged fee in proportion to the amount refunded, and less than that came back",
    ]);
    for (const line of allText(d)) expect(line).not.toMatch(/合同|contract|agreed/);
  });

  it('says a refund costs no fee when one was charged, still citing no contract', () => {
    const d = refundDiagnosis([shortRefund('inferred'), chargedRefund('inferred')]);
    expect(d.lossFen).toBe(140 + 480);
    expect(d.title).toBe('退货少退或另收手续费');
    expect(d.evidence.slice(2)).toEqual([
      '未提供费率方案：应退的手续费按原交易实收的手续费、依退货金额所占比例计算，实退少于此数',
      '未提供费率方案：退货本身不应再收手续费',
    ]);
    for (const line of allText(d)) expect(line).not.toMatch(/合同|contract|agreed/);
  });
});

describe('the refund-fee diagnosis of findings priced by a plan', () => {
  it('spells out the refund terms of the plan given', () => {
    const d = refundDiagnosis([shortRefund('plan')], [PLAN]);
    expect(d.title).toBe('退货未按合同退还手续费');
    expect(d.evidence.at(-1)).toBe('合同约定退货手续费：按比例退还');
    expect(d.evidenceEn.at(-1)).toBe("The contract's refund fee policy: proportional");
  });

  it('does not invent the terms of a plan the audit used but explain was not given', () => {
    const d = refundDiagnosis([shortRefund('plan')]);
    expect(d.title).toBe('退货未按合同退还手续费');
    expect(d.evidence.at(-1)).toBe('应退的手续费按核对所用费率方案的退货约定计算（见各笔明细）');
    expect(d.evidence.join('\n')).not.toContain('合同约定退货退还手续费');
    expect(d.evidenceEn.join('\n')).not.toContain('The contract returns the fee on refunds');
  });
});
