/** A small fee plan: credit card 0.60%, debit 0.55% capped at ¥20, WeChat 0.38%. */
export const PLAN_YAML = `merchant: 测试小店
merchantId: "898440153991234"
rounding: half-up
tolerance: 0.01
settlement: T1
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: debit, rate: 0.55%, cap: 20 }
      - { channel: card, card: credit, rate: 0.60% }
      - { channel: wechat, rate: 0.38% }
`;

/** One settlement line in the generic Chinese layout. */
export interface Line {
  time: string;
  merchant?: string;
  ref: string;
  card: '借记卡' | '贷记卡';
  amount: string;
  fee: string;
  settled: string;
  settleDate: string;
}

const HEADER =
  '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期';

/** A generic settlement CSV (UTF-8) with the given lines. */
export function settlementCsv(lines: readonly Line[]): string {
  const rows = lines.map((l) =>
    [
      l.time,
      l.merchant ?? '898440153991234',
      '12345678',
      l.ref,
      '622202******0123',
      l.card,
      '刷卡',
      '消费',
      l.amount,
      l.fee,
      l.settled,
      l.settleDate,
    ].join(','),
  );
  return `${[HEADER, ...rows].join('\r\n')}\r\n`;
}

/**
 * Three credit-card sales of ¥1,000.00 charged 0.68% (¥6.80) where the plan says 0.60% (¥6.00): ¥0.80 over
 * each, ¥2.40 in all; and one debit sale of ¥100.00 charged the right ¥0.55.
 */
export const OVERCHARGED: Line[] = [
  {
    time: '2026-10-08 10:00:00',
    ref: '100000000001',
    card: '贷记卡',
    amount: '1000.00',
    fee: '6.80',
    settled: '993.20',
    settleDate: '2026-10-09',
  },
  {
    time: '2026-10-08 11:00:00',
    ref: '100000000002',
    card: '贷记卡',
    amount: '1000.00',
    fee: '6.80',
    settled: '993.20',
    settleDate: '2026-10-09',
  },
  {
    time: '2026-10-08 12:00:00',
    ref: '100000000003',
    card: '贷记卡',
    amount: '1000.00',
    fee: '6.80',
    settled: '993.20',
    settleDate: '2026-10-09',
  },
  {
    time: '2026-10-08 13:00:00',
    ref: '100000000004',
    card: '借记卡',
    amount: '100.00',
    fee: '0.55',
    settled: '99.45',
    settleDate: '2026-10-09',
  },
];
