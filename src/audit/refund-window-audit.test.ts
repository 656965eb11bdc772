import { describe, expect, it } from 'vitest';
import { parsePlan } from '../plans/parse-plan.js';
import type { PosRecord } from '../records/record.js';
import { auditRecords } from './audit.js';
import { rec } from './test-records.js';

// The plan's refundWindowDays is how far back the audit looks for the sale of a refund that names none. Two
// ¥1,000.00 sales on the same terminal and card, 260 and 100 days before a ¥400.00 refund naming no original:
// within 180 days only the later one fits and the refund is linked to it; within 365 days both fit, and the
// refund is listed as ambiguous, its reason naming the plan's window.

const M = '822100058120021';

const planText = (head: string) => `merchantId: "${M}"
${head}
refundFee: proportional
periods:
  - from: 2025-01-01
    rates:
      - { rate: 0.60% }
`;

function planOf(head: string) {
  const result = parsePlan(planText(head), 'plan.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

const line = (row: number, fields: Partial<PosRecord> & { time: string; amountFen: number }): PosRecord =>
  rec('settlement', { merchantId: M, terminalId: '70010021', cardNo: '622588******4444', ...fields }, row);

// Fees at 0.60%: 6.00 on each sale; the refund returns 2.40 (400.00 × 0.60%), as proportional refunds want.
const settlement: PosRecord[] = [
  line(2, {
    time: '2026-01-02 10:00:00',
    settleDate: '2026-01-03',
    amountFen: 100_000,
    feeFen: 600,
    refNo: '631002100002',
  }),
  line(3, {
    time: '2026-06-01 10:00:00',
    settleDate: '2026-06-02',
    amountFen: 100_000,
    feeFen: 600,
    refNo: '631002100003',
  }),
  line(4, {
    type: 'refund',
    time: '2026-09-09 10:00:00',
    settleDate: '2026-09-10',
    amountFen: -40_000,
    feeFen: -240,
    refNo: '631002100004',
  }),
];

describe('the audit links a refund naming no sale within the plan’s refundWindowDays', () => {
  it('under the default 180 days, links it to the one sale 100 days before', () => {
    const report = auditRecords({ terminal: [], settlement, bank: [], plans: [planOf('')] });
    expect(report.ambiguous).toEqual([]);
    expect(report.summary.lossFen).toBe(0);
  });

  it('with refundWindowDays: 365, finds both sales and lists the refund as ambiguous, naming 365 days', () => {
    const report = auditRecords({
      terminal: [],
      settlement,
      bank: [],
      plans: [planOf('refundWindowDays: 365')],
    });
    expect(report.ambiguous).toHaveLength(1);
    expect(report.ambiguous[0]?.reason).toContain('在退货前 365 天内');
    expect(report.ambiguous[0]?.reasonEn).toContain('within 365 days before');
    expect(report.ambiguous[0]?.source.map((s) => s.row).sort()).toEqual([2, 3, 4]);
  });
});
