import { FileSink, yuanText } from './file-sink.js';
import type { MerchantHeader, SettlementWriter } from './generic-writers.js';
import type { SimLine } from './sim-types.js';

export const LESHUA_FIELDS = [
  '编号',
  '交易时间',
  '订单号',
  '商户号',
  '费率(万分之一)',
  '交易金额(分)',
  '手续费(分)',
  '结算金额(分)',
  '资金流向',
  '交易类型',
  '支付方式',
  '卡类型',
  '商户优惠类型',
  '参考号',
  '凭证号',
  '终端号',
  '第三方订单号',
  '第三方退款号',
  '支付时间',
  '上游订单号(网、银联)',
  '上游订单号(微信、支付宝)',
  '付款银行',
  '消费者标识',
  '扫码支付交易类型',
] as const;

/**
 * settlement.txt (`leshua`, DOMAIN.md §2.1): the agent trade file — a `BT` title row, `BV` data rows, money in
 * fen as magnitudes with 资金流向 giving the direction, 费率 in 万分之一, `*` for not applicable. It lists trades
 * by trade date and carries no settlement date, so payout and lateness checks cannot use it.
 */
export class LeshuaSettlementWriter implements SettlementWriter {
  readonly hasSettleDates = false;
  private readonly sink: FileSink;
  private seq = 0;

  constructor(path: string, _header: MerchantHeader) {
    this.sink = new FileSink(path, 'utf-8');
    this.sink.line(['BT', ...LESHUA_FIELDS].join(','));
  }

  get rows(): number {
    return this.sink.rows;
  }

  write(line: SimLine, merchantId: string): void {
    const t = line.txn;
    if (!t) return;
    this.seq += 1;
    const refund = line.type === 'refund';
    const qr = t.channel === 'wechat' || t.channel === 'alipay';
    const method = t.channel === 'wechat' ? '微信' : t.channel === 'alipay' ? '支付宝' : '刷卡';
    const card = t.card === 'credit' ? '信用卡' : t.card === 'debit' ? '借记卡' : '未知';
    const star = (v: string) => (v === '' ? '*' : v);
    this.sink.row(
      [
        'BV',
        String(this.seq),
        line.wall,
        t.orderNo || `LS${t.date.replace(/-/g, '')}${t.refNo}`,
        merchantId,
        String(line.ratePpm / 100),
        String(Math.abs(line.amountFen)),
        String(Math.abs(line.feeFen)),
        String(Math.abs(line.settledFen)),
        refund ? '退款' : '进账',
        refund ? '退货成功' : '消费',
        method,
        card,
        '标准类',
        star(t.refNo),
        star(t.voucherNo),
        t.terminalId,
        qr ? `42${t.refNo}${t.voucherNo}` : '*',
        refund && qr ? `50${t.refNo}${t.voucherNo}` : '*',
        line.wall,
        qr ? '*' : star(t.refNo),
        qr ? `42${t.refNo}${t.voucherNo}` : '*',
        '*',
        qr ? t.payerId : t.cardNo,
        qr ? 'MICROPAY' : '*',
      ].join(','),
    );
  }

  close(): void {
    this.sink.close();
  }
}

export const WECHAT_FIELDS = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
] as const;

export const WECHAT_SUMMARY_FIELDS = [
  '总交易单数',
  '应结订单总金额',
  '退款总金额',
  '充值券退款总金额',
  '手续费总金额',
  '订单总金额',
  '申请退款总金额',
] as const;

/**
 * settlement.csv (`wechat`, DOMAIN.md §2.6): the WeChat Pay trade bill (ALL) — UTF-8, every field prefixed with
 * a backtick, amounts in 元, fees with five decimals, refunds as extra REFUND rows, and the summary header and
 * totals as the last two lines. It has no settlement date (coverage = the days it lists).
 */
export class WechatSettlementWriter implements SettlementWriter {
  readonly hasSettleDates = false;
  private readonly sink: FileSink;
  private sales = 0;
  private settledTotal = 0;
  private refundTotal = 0;
  private feeTotal = 0;

  constructor(path: string, _header: MerchantHeader) {
    this.sink = new FileSink(path, 'utf-8');
    this.sink.line(WECHAT_FIELDS.join(','));
  }

  get rows(): number {
    return this.sink.rows;
  }

  write(line: SimLine, merchantId: string): void {
    const t = line.txn;
    if (!t) return;
    const refund = line.type === 'refund';
    const original = refund ? (t.original ?? t) : t;
    const fee = `${yuanText(line.feeFen)}000`;
    this.feeTotal += line.feeFen;
    if (refund) this.refundTotal += -line.amountFen;
    else {
      this.sales += 1;
      this.settledTotal += line.amountFen;
    }
    const cells = [
      line.wall,
      'wx2f8a0c9b3e5d7a1c',
      merchantId,
      '0',
      t.terminalId,
      `42000${original.orderNo.replace(/\D/g, '')}`,
      original.orderNo,
      t.payerId,
      'MICROPAY',
      refund ? 'REFUND' : 'SUCCESS',
      'OTHERS',
      'CNY',
      refund ? '0.00' : yuanText(line.amountFen),
      '0.00',
      refund ? `50300${t.orderNo.replace(/\D/g, '')}` : '0',
      refund ? t.orderNo : '0',
      refund ? yuanText(-line.amountFen) : '0.00',
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? 'SUCCESS' : '',
      '商品',
      '',
      fee,
      rateText(line.ratePpm),
      refund ? '0.00' : yuanText(line.amountFen),
      refund ? yuanText(-line.amountFen) : '0.00',
      '',
    ];
    this.sink.row(cells.map((c) => `\`${c}`).join(','));
  }

  close(): void {
    this.sink.line(WECHAT_SUMMARY_FIELDS.join(','));
    this.sink.line(
      [
        String(this.sink.rows),
        yuanText(this.settledTotal),
        yuanText(this.refundTotal),
        '0.00',
        `${yuanText(this.feeTotal)}000`,
        yuanText(this.settledTotal),
        yuanText(this.refundTotal),
      ]
        .map((c) => `\`${c}`)
        .join(','),
    );
    this.sink.close();
  }
}

function rateText(ppm: number): string {
  const whole = Math.floor(ppm / 10_000);
  let fraction = String(ppm % 10_000).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${whole}.${fraction}%`;
}
