import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';
import { importFiles } from './import.js';

// The statements of /tmp/qa-r1/defects/1 and /4, as a provider's portal saves them: GBK, CRLF.
const gbk = (lines: readonly string[]) => iconv.encode(lines.join('\r\n'), 'gbk');

const CHARGES_MERCHANT = '822000000000001';
const CHARGES = gbk([
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注',
  `2026-10-12 10:00:00,2026-10-13,${CHARGES_MERCHANT},10000001,000000190001,贷记卡,刷卡,消费,1000.00,6.00,994.00,`,
  `2026-10-13 00:10:00,2026-10-13,${CHARGES_MERCHANT},,,,,通道使用费,-3.00,0.00,-3.00,`,
  `2026-10-13 00:11:00,2026-10-13,${CHARGES_MERCHANT},,,,,秒到费,-3.00,0.00,-3.00,`,
  `2026-10-13 00:12:00,2026-10-13,${CHARGES_MERCHANT},,,,,提现手续费,-3.00,0.00,-3.00,`,
  `2026-10-13 00:13:00,2026-10-13,${CHARGES_MERCHANT},,,,,特约商户费,-193.00,0.00,-193.00,`,
  `2026-10-13 00:14:00,2026-10-13,${CHARGES_MERCHANT},,,,,畅享升级费,-49.00,0.00,-49.00,`,
]);
const CHARGES_PLAN = [
  `merchantId: "${CHARGES_MERCHANT}"`,
  'rounding: half-up',
  'tolerance: 0.01',
  'settlement: T1',
  'refundFee: none',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: debit, rate: 0.55%, cap: 20 }',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '      - { channel: [wechat, alipay], rate: 0.38% }',
  '',
].join('\n');

const CARDS_MERCHANT = '822000000000008';
const cardSale = (minute: number, way: string, type: string, card = '贷记卡') =>
  `2026-10-12 10:0${minute}:00,2026-10-13,${CARDS_MERCHANT},10000008,80000000000${minute + 1},` +
  `622588******000${minute + 1},${card},${way},${type},500.00,3.00,497.00`;
const CARDS = gbk([
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  cardSale(0, '银联刷卡', '消费'),
  cardSale(1, '银联卡', '消费'),
  cardSale(2, '银行卡刷卡', '消费'),
  cardSale(3, 'POS刷卡', 'POS消费'),
  cardSale(4, 'IC卡插卡', '银行卡消费'),
  `2026-10-12 10:05:00,2026-10-13,${CARDS_MERCHANT},10000008,800000000006,,,微信扫码,扫码支付,500.00,1.90,498.10`,
  cardSale(6, '银联IC卡', '刷卡消费'),
  cardSale(7, '刷卡', '消费', '借贷合一卡'),
]);
const CARDS_PLAN = [
  `merchantId: "${CARDS_MERCHANT}"`,
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

const audit = statementAuditor('posguard-charge-words-');

describe('a GBK statement whose 交易类型 names the extra charges netted from the payout', () => {
  it('reads each charge as a deduction labelled by its name, the sale as a sale, with no warning', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: CHARGES }]);
    expect(result.files[0]?.encoding).toBe('gbk');
    expect(result.records.map((r) => [r.type, r.channel, r.amountFen, r.settledFen, r.label])).toEqual([
      ['sale', 'card', 100000, 99400, undefined],
      ['deduction', 'unknown', -300, -300, '通道使用费'],
      ['deduction', 'unknown', -300, -300, '秒到费'],
      ['deduction', 'unknown', -300, -300, '提现手续费'],
      ['deduction', 'unknown', -19300, -19300, '特约商户费'],
      ['deduction', 'unknown', -4900, -4900, '畅享升级费'],
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
  });

  it('reports each as an unplanned deduction: 3 + 3 + 3 + 193 + 49 = ¥251.00 lost, exit 1', async () => {
    const { exitCode, report } = await audit(CHARGES, CHARGES_PLAN);
    expect(exitCode).toBe(1);
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.amountFen, f.lossFen])).toEqual([
      ['unplanned_deduction', '2026-10-13', -300, 300],
      ['unplanned_deduction', '2026-10-13', -300, 300],
      ['unplanned_deduction', '2026-10-13', -300, 300],
      ['unplanned_deduction', '2026-10-13', -19300, 19300],
      ['unplanned_deduction', '2026-10-13', -4900, 4900],
    ]);
    expect(report.findings.reduce((sum, f) => sum + f.lossFen, 0)).toBe(25100);
    expect(report.findings.map((f) => f.message.match(/扣除“(.+?)”/)?.[1])).toEqual([
      '通道使用费',
      '秒到费',
      '提现手续费',
      '特约商户费',
      '畅享升级费',
    ]);
  });
});

describe('a GBK statement whose 支付方式 words a card payment many ways', () => {
  it('reads UnionPay cards and bank-card swipes as card, the WeChat scan as wechat, every type as a sale', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: CARDS }]);
    expect(result.records.map((r) => [r.refNo, r.type, r.channel, r.card])).toEqual([
      ['800000000001', 'sale', 'card', 'credit'],
      ['800000000002', 'sale', 'card', 'credit'],
      ['800000000003', 'sale', 'card', 'credit'],
      ['800000000004', 'sale', 'card', 'credit'],
      ['800000000005', 'sale', 'card', 'credit'],
      ['800000000006', 'sale', 'wechat', 'unknown'],
      ['800000000007', 'sale', 'card', 'credit'],
      // 借贷合一卡 is both: which account paid is not said, so it is not priced as either.
      ['800000000008', 'sale', 'card', 'unknown'],
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown').map((w) => w.message)).toEqual([
      '“卡类型”列有未识别的值“借贷合一卡”（1 行），已按未知卡种处理（不按借记卡或贷记卡费率核对）',
    ]);
  });

  it('prices the credit-card sales at 0.60% (¥3.00 each, as charged): no fee_overcharge; the 借贷合一卡 sale is not priced', async () => {
    const { report } = await audit(CARDS, CARDS_PLAN);
    expect(report.findings.filter((f) => f.kind === 'fee_overcharge')).toEqual([]);
    expect(report.findings.filter((f) => f.kind === 'no_rule').map((f) => f.refNo)).toEqual(['800000000008']);
  });
});
