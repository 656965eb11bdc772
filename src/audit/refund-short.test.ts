import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';

// A refund line that takes back more than the refund (交易金额 −100.00, 手续费 0.00, 结算金额 −103.00): ¥3.00 netted
// out of it, as a sale line settled below amount − fee is. And a fee charged on a refund whose sale is not in the
// statements given: what is due back cannot be worked out, but no refund policy charges a fee on a refund.
const M = '823500000000001';
const HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,原参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const PLAN = [
  `merchantId: "${M}"`,
  'provider: XX支付',
  'settlement: T1',
  'refundFee: none',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, rate: 0.60% }',
  '',
].join('\n');
const bytes = (lines: string[]) => new TextEncoder().encode(lines.join('\n'));
const audit = statementAuditor('posguard-refund-short-');

describe('a refund line that takes more than it refunds', () => {
  it('is money netted out of the statement: an unplanned deduction of the difference', async () => {
    const { report } = await audit(
      bytes([
        HEADER,
        // 1000.00 × 0.60 % = 6.00: settled in full.
        `2026-10-12 10:00:00,2026-10-13,${M},35000001,350000000001,,借记卡,刷卡,消费,1000.00,6.00,994.00`,
        // −100.00 refunded with no fee returned (refundFee: none), yet −103.00 taken: 300 fen more.
        `2026-10-13 12:00:00,2026-10-14,${M},35000001,350000000003,350000000001,借记卡,刷卡,退货,-100.00,0.00,-103.00`,
      ]),
      PLAN,
    );
    expect(report.findings.map((f) => [f.kind, f.amountFen, f.lossFen])).toEqual([
      ['unplanned_deduction', -10000, 300],
    ]);
    expect(report.summary.lossFen).toBe(300);
  });

  it('charged a fee with no sale to compare: at least the fee is reported as taken', async () => {
    const { report } = await audit(
      bytes([
        HEADER,
        // Read as a fee of 3.00 charged on the refund: |−103.00| = |−100.00| + 3.00.
        `2026-10-12 12:00:00,2026-10-13,${M},35000001,350000000003,,借记卡,刷卡,退货,-100.00,3.00,-103.00`,
      ]),
      PLAN,
    );
    expect(report.findings.map((f) => [f.kind, f.chargedFeeFen, f.lossFen])).toEqual([
      ['refund_fee_mismatch', 300, 300],
    ]);
    expect(report.findings[0]?.message).toContain('退货时另收手续费 ¥3.00');
  });
});
