import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';
import { importFiles } from './import.js';

// A statement without a 支付方式 column that writes the channel in 交易类型 (闪付消费, 微信消费, 云闪付).
const MERCHANT = '822841054119608';
const bytes = (lines: readonly string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const HEADER = '交易时间,结算日期,商户号,卡号,卡类型,交易类型,交易金额,手续费,结算金额';
const row = (time: string, cardNo: string, card: string, type: string, money: string) =>
  `2026-10-13 ${time},2026-10-14,${MERCHANT},${cardNo},${card},${type},${money}`;
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'rounding: half-up',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: nfc, maxAmount: 1000, rate: 0.38% }',
  '      - { channel: unionpay-qr, maxAmount: 1000, rate: 0.38% }',
  '      - { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }',
  '      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }',
  '      - { channel: [wechat, alipay], rate: 0.38% }',
  '',
].join('\n');

const audit = statementAuditor('posguard-type-channel-');

describe('a 交易类型 that names the channel', () => {
  it('gives the channel when the file has no payment-method column', async () => {
    const statement = bytes([
      HEADER,
      row('09:00:00', '622848******0001', '贷记卡', '刷卡消费', '1000.00,6.00,994.00'),
      row('09:01:00', '', '', '微信消费', '1000.00,3.80,996.20'),
      row('09:02:00', '', '', '支付宝消费', '1000.00,3.80,996.20'),
      row('09:03:00', '622848******0001', '贷记卡', '闪付消费', '500.00,1.90,498.10'),
      row('09:04:00', '', '', '银联二维码消费', '500.00,1.90,498.10'),
      row('09:05:00', '', '借记卡', '云闪付', '500.00,1.90,498.10'),
      row('09:06:00', '622848******0002', '借记卡', '借记卡消费', '100.00,0.55,99.45'),
      row('09:07:00', '', '', '微信', '-100.00,-0.38,-99.62'),
    ]);
    const result = await importFiles([{ name: 's.csv', bytes: statement }]);
    expect(result.records.map((r) => [r.type, r.channel, r.card])).toEqual([
      ['sale', 'card', 'credit'],
      ['sale', 'wechat', 'unknown'],
      ['sale', 'alipay', 'unknown'],
      ['sale', 'nfc', 'credit'],
      ['sale', 'unionpay-qr', 'unknown'],
      ['sale', 'unionpay-qr', 'debit'],
      // 借记卡消费 says the card, not whether it was tapped: inferred as card, and the warning says so.
      ['sale', 'card', 'debit'],
      // A type that is only the channel's name: the sign says it was money given back.
      ['refund', 'wechat', 'unknown'],
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
    const inferred = result.warnings.filter((w) => w.code === 'channel.inferred');
    expect(inferred.map((w) => w.message)).toEqual([
      '文件没有支付方式列：1 行按卡号或卡类型推定为刷卡（card）。闪付、银联二维码无法与刷卡区分；若费率方案对它们另有费率，请导出含支付方式的文件或用 --mapping 指定该列',
    ]);
  });

  it('leaves a filled payment-method column its say, and fills an empty cell from the type', async () => {
    const statement = bytes([
      '交易时间,结算日期,商户号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
      `2026-10-13 09:00:00,2026-10-14,${MERCHANT},622848******0001,贷记卡,刷卡,闪付消费,500.00,3.00,497.00`,
      `2026-10-13 09:01:00,2026-10-14,${MERCHANT},,,,微信消费,1000.00,3.80,996.20`,
    ]);
    const result = await importFiles([{ name: 's.csv', bytes: statement }]);
    expect(result.records.map((r) => r.channel)).toEqual(['card', 'wechat']);
  });

  it('prices 闪付 and 微信 lines by their own rates: ¥1.10 and ¥2.20 overcharged', async () => {
    // ¥500.00 闪付 × 0.38% = ¥1.90 due, ¥3.00 taken; ¥1,000.00 微信 × 0.38% = ¥3.80 due, ¥6.00 taken. Read as a
    // credit card swipe (0.60%, ¥3.00) and as an unknown channel (no rule), neither would be found.
    const statement = bytes([
      HEADER,
      row('09:03:00', '622848******0001', '贷记卡', '闪付消费', '500.00,3.00,497.00'),
      row('09:04:00', '', '', '微信消费', '1000.00,6.00,994.00'),
    ]);
    const { report } = await audit(statement, PLAN);
    expect(report.findings.map((f) => [f.kind, f.amountFen, f.expectedFeeFen, f.chargedFeeFen])).toEqual([
      ['fee_overcharge', 50000, 190, 300],
      ['fee_overcharge', 100000, 380, 600],
    ]);
    expect(report.summary.overchargeFen).toBe(330);
    expect(report.summary.findingsByKind.no_rule).toBe(0);
  });
});
