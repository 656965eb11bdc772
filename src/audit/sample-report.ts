import {
  type AuditReport,
  type AuditSummary,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
} from './report-types.js';

const M1 = '898440153991234';
/** A merchant id carrying markup, so every renderer's escaping is exercised. */
export const HOSTILE_MERCHANT = '<script>alert(1)</script>';

function summaryOf(findings: readonly Finding[], extra: Partial<AuditSummary>): AuditSummary {
  const findingsByKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  let overchargeFen = 0;
  let lossFen = 0;
  for (const f of findings) {
    findingsByKind[f.kind] += 1;
    overchargeFen += f.overchargeFen;
    lossFen += f.lossFen;
  }
  return {
    terminalRecords: 0,
    settlementRecords: 0,
    bankRecords: 0,
    matched: 0,
    pending: 0,
    withinToleranceFen: 0,
    returnedFen: 0,
    offsetFen: 0,
    skippedChecks: [],
    ...extra,
    overchargeFen,
    lossFen,
    findingsByKind,
  };
}

/**
 * A small hand-made audit report for renderer tests and demos: two merchants, a credit-card rate raised from
 * 0.60% to 0.68% on 2026-08-03, five findings (¥1.47 overcharged on three transactions, ¥205.27 lost), one
 * rejected row. Money worked out by hand in the comments.
 */
export function sampleReport(): AuditReport {
  const findings: Finding[] = [
    {
      // ¥1,234.56 × 0.60% = 7.40736 → ¥7.41 expected; × 0.68% = 8.3950 → ¥8.40 charged; ¥0.99 over.
      id: 'f-0001',
      kind: 'fee_overcharge',
      merchantId: M1,
      refNo: '100112345678',
      terminalId: '12345678',
      time: '2026-08-03T09:12:00+08:00',
      settleDate: '2026-08-04',
      channel: 'card',
      card: 'credit',
      amountFen: 123456,
      expectedFeeFen: 741,
      chargedFeeFen: 840,
      overchargeFen: 99,
      lossFen: 99,
      basis: 'plan',
      rule: { text: '贷记卡 0.60%', textEn: 'from 2026-01-01 credit card: 0.60%', line: 12 },
      message: '应收 ¥7.41（0.60%），实收 ¥8.40，多扣 ¥0.99',
      messageEn: 'expected ¥7.41 (0.60%), charged ¥8.40, overcharged ¥0.99',
      source: [{ file: 'settlement.csv', row: 5 }],
    },
    {
      // ¥500.00 × 0.60% = ¥3.00 expected; × 0.68% = ¥3.40 charged; ¥0.40 over.
      id: 'f-0002',
      kind: 'fee_overcharge',
      merchantId: M1,
      refNo: '100112345679',
      terminalId: '12345678',
      time: '2026-08-04T15:30:05+08:00',
      channel: 'card',
      card: 'credit',
      amountFen: 50000,
      expectedFeeFen: 300,
      chargedFeeFen: 340,
      overchargeFen: 40,
      lossFen: 40,
      basis: 'plan',
      message: '应收 ¥3.00，实收 ¥3.40，多扣 ¥0.40，含逗号, 和"引号"',
      messageEn: 'expected ¥3.00, charged ¥3.40, with a comma, and "quotes"',
      source: [{ file: 'settlement.csv', row: 6 }],
    },
    {
      // The journal says ¥100.00, the statement settled ¥95.00: ¥5.00 lost.
      id: 'f-0003',
      kind: 'amount_mismatch',
      merchantId: M1,
      refNo: '=1+1',
      orderNo: '@SUM(A1:A2)',
      terminalId: '12345678',
      time: '2026-08-05T10:00:00+08:00',
      channel: 'nfc',
      card: 'debit',
      amountFen: 10000,
      overchargeFen: 0,
      lossFen: 500,
      message: '终端流水金额 ¥100.00，结算金额 ¥95.00',
      messageEn: 'journal ¥100.00, settled ¥95.00',
      source: [
        { file: 'terminal.csv', row: 9 },
        { file: 'settlement.csv', row: 7 },
      ],
    },
    {
      // A refund of ¥12.50 on a proportional plan should return ¥0.08 of fee; none returned.
      id: 'f-0004',
      kind: 'refund_fee_mismatch',
      merchantId: HOSTILE_MERCHANT,
      refNo: '200112345678',
      time: '2026-08-06T11:00:00+08:00',
      channel: 'wechat',
      card: 'unknown',
      amountFen: -1250,
      expectedFeeFen: -8,
      chargedFeeFen: 0,
      overchargeFen: 8,
      lossFen: 8,
      basis: 'plan',
      message: '退货应退手续费 ¥0.08，实退 ¥0.00 <img src=x onerror=alert(2)>',
      messageEn: 'refund should return ¥0.08 of fee, returned ¥0.00',
      source: [{ file: 'settlement.csv', row: 20 }],
    },
    {
      // ¥200.00 sale never settled: ¥200.00 − ¥1.20 fee = ¥198.80 lost.
      id: 'f-0005',
      kind: 'missing_settlement',
      merchantId: HOSTILE_MERCHANT,
      refNo: '200112345679',
      terminalId: '87654321',
      time: '2026-08-06T12:00:00+08:00',
      channel: 'card',
      card: 'credit',
      amountFen: 20000,
      expectedFeeFen: 120,
      overchargeFen: 0,
      lossFen: 19880,
      message: '成功消费未见结算',
      messageEn: 'successful sale never settled',
      source: [{ file: 'terminal.csv', row: 30 }],
    },
  ];
  const m1 = findings.filter((f) => f.merchantId === M1);
  const m2 = findings.filter((f) => f.merchantId === HOSTILE_MERCHANT);
  return {
    schemaVersion: 1,
    summary: summaryOf(findings, {
      terminalRecords: 40,
      settlementRecords: 36,
      matched: 35,
      pending: 2,
      withinToleranceFen: 1,
      skippedChecks: ['payout_mismatch'],
    }),
    merchants: [
      { merchantId: M1, summary: summaryOf(m1, { terminalRecords: 30, settlementRecords: 28, matched: 28 }) },
      {
        merchantId: HOSTILE_MERCHANT,
        summary: summaryOf(m2, { terminalRecords: 10, settlementRecords: 8, matched: 7, pending: 2 }),
      },
    ],
    findings,
    rateChanges: [
      {
        merchantId: M1,
        channel: 'card',
        card: 'credit',
        band: 'all',
        date: '2026-08-03',
        beforeRate: '0.60%',
        afterRate: '0.68%',
        beforeFixedFen: 0,
        afterFixedFen: 0,
        transactions: 2,
        inPlan: false,
        noticeHonoured: null,
      },
    ],
    ambiguous: [
      {
        reason: '两笔结算无法区分',
        reasonEn: 'two statement lines cannot be told apart',
        source: [
          { file: 'settlement.csv', row: 11 },
          { file: 'settlement.csv', row: 12 },
        ],
      },
    ],
    rejected: [{ file: 'settlement.csv', row: 8, column: '交易金额', reason: '“12.3.4” 不是金额 <b>' }],
    files: [
      { file: 'settlement.csv', sha256: 'ab'.repeat(32), preset: 'generic', kind: 'settlement', rows: 36 },
      { file: 'terminal.csv', sha256: 'cd'.repeat(32), preset: 'generic', kind: 'terminal', rows: 40 },
    ],
    warnings: ['容差内多收合计 ¥0.01'],
    effectiveRates: [
      { date: '2026-08-01', channel: 'card', card: 'credit', amountFen: 100000, feeFen: 600 },
      { date: '2026-08-01', channel: 'wechat', card: 'unknown', amountFen: 50000, feeFen: 190 },
      { date: '2026-08-02', channel: 'card', card: 'credit', amountFen: 200000, feeFen: 1200 },
      { date: '2026-08-02', channel: 'wechat', card: 'unknown', amountFen: 40000, feeFen: 152 },
      { date: '2026-08-03', channel: 'card', card: 'credit', amountFen: 123456, feeFen: 840 },
      { date: '2026-08-04', channel: 'card', card: 'credit', amountFen: 50000, feeFen: 340 },
      { date: '2026-08-04', channel: 'wechat', card: 'unknown', amountFen: 60000, feeFen: 228 },
    ],
  };
}
