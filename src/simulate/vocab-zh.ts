import type { CardType, Channel } from '../records/vocabulary.js';

/** How the generic cashier and settlement layouts spell channels, cards and types. */
export const CHANNEL_ZH: Record<Channel, string> = {
  card: '刷卡',
  nfc: '闪付',
  'unionpay-qr': '银联二维码',
  wechat: '微信',
  alipay: '支付宝',
  ecny: '数字人民币',
  other: '其他',
  unknown: '未知',
};

export const CARD_ZH: Record<CardType, string> = {
  debit: '借记卡',
  credit: '贷记卡',
  prepaid: '预付卡',
  unknown: '',
};

export const TYPE_ZH = {
  sale: '消费',
  void: '消费撤销',
  reversal: '消费冲正',
  refund: '退货',
} as const;
