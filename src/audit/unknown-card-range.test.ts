import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';

// Card sales whose 卡类型 says nothing of which account paid (借贷合一卡, or a blank cell): the plan prices debit at
// 0.55% capped at ¥20 and credit at 0.60%, so a fee within that range cannot be judged, one above the dearest can.
const MERCHANT = '822000000000041';
const line = (ref: string, card: string, amount: string, fee: string, settled: string) =>
  `2026-10-12 10:00:${ref.slice(-2)},2026-10-13,${MERCHANT},10000041,${ref},622588******00${ref.slice(-2)},${card},刷卡,消费,${amount},${fee},${settled}`;
const STATEMENT = iconv.encode(
  [
    '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
    line('410000000001', '借贷合一卡', '500.00', '3.00', '497.00'),
    line('410000000002', '借贷合一卡', '500.00', '3.60', '496.40'),
    line('410000000003', '', '10000.00', '60.00', '9940.00'),
    line('410000000004', '', '10000.00', '72.00', '9928.00'),
  ].join('\r\n'),
  'gbk',
);
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'rounding: half-up',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: debit, rate: 0.55%, cap: 20 }',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');

const auditor = statementAuditor('posguard-unknown-card-');
const audit = async (plan: string) => (await auditor(STATEMENT, plan)).report;

describe('a card sale of unknown card type', () => {
  it('is an overcharge by what its fee exceeds the dearest card rate of the plan', async () => {
    const report = await audit(PLAN);
    const over = report.findings.filter((f) => f.kind === 'fee_overcharge');
    expect(over.map((f) => [f.refNo, f.expectedFeeFen, f.chargedFeeFen, f.lossFen])).toEqual([
      ['410000000002', 300, 360, 60],
      ['410000000004', 6000, 7200, 1200],
    ]);
    expect(over[0]?.message).toContain(
      '卡种未知，按借记卡应收 ¥2.75、按贷记卡应收 ¥3.00，最多应收 ¥3.00，实收 ¥3.60，至少多扣 ¥0.60',
    );
    expect(over[1]?.messageEn).toContain(
      'card type unknown; ¥20.00 due as a debit card, ¥60.00 due as a credit card, at most ¥60.00 was due, charged ¥72.00, overcharged at least ¥12.00',
    );
    expect(report.summary.lossFen).toBe(1260);
  });

  it('within the range is reported as not judged, with what each card type would cost', async () => {
    const report = await audit(PLAN);
    const unjudged = report.findings.filter((f) => f.kind === 'no_rule');
    expect(unjudged.map((f) => [f.refNo, f.lossFen])).toEqual([
      ['410000000001', 0],
      ['410000000003', 0],
    ]);
    expect(unjudged[1]?.message).toContain('实收 ¥60.00；卡种未知，按借记卡应收 ¥20.00、按贷记卡应收 ¥60.00');
  });

  it('is not judged at all when the plan prices only one card type', async () => {
    const creditOnly = PLAN.replace('      - { channel: card, card: debit, rate: 0.55%, cap: 20 }\n', '');
    const report = await audit(creditOnly);
    expect(report.findings.filter((f) => f.kind === 'fee_overcharge')).toEqual([]);
    expect(report.findings.filter((f) => f.kind === 'no_rule').map((f) => f.refNo)).toEqual([
      '410000000001',
      '410000000002',
      '410000000003',
      '410000000004',
    ]);
    expect(report.summary.lossFen).toBe(0);
  });
});
