/** The closed vocabularies every record, plan and finding shares. */
export const RECORD_KINDS = ['terminal', 'settlement', 'bank'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const RECORD_TYPES = [
  'sale',
  'void',
  'reversal',
  'refund',
  'preauth-complete',
  'deduction',
  // Money the provider gives back outside a sale (手续费返还, 押金退还, 激活返现): a credit to the merchant, never
  // priced or matched, added to the payout and set against the loss.
  'rebate',
  'payout',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * `voided` and `reversed`: a sale that went through and was later voided (已撤销) or reversed (已冲正) on the
 * terminal, as a journal marks it in its status column rather than with a line of its own.
 */
export const RECORD_STATUSES = ['success', 'failed', 'pending', 'voided', 'reversed'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Payment channels as fee plans price them; `unknown` is for files that do not say. */
export const CHANNELS = [
  'card',
  'nfc',
  'unionpay-qr',
  'wechat',
  'alipay',
  'ecny',
  'other',
  'unknown',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const CARD_TYPES = ['debit', 'credit', 'prepaid', 'unknown'] as const;
export type CardType = (typeof CARD_TYPES)[number];

export const CHANNEL_NAMES_ZH: Record<Channel, string> = {
  card: '刷卡',
  nfc: '闪付',
  'unionpay-qr': '银联二维码',
  wechat: '微信',
  alipay: '支付宝',
  ecny: '数字人民币',
  other: '其他',
  unknown: '未知渠道',
};

export const CARD_NAMES_ZH: Record<CardType, string> = {
  debit: '借记卡',
  credit: '贷记卡',
  prepaid: '预付卡',
  unknown: '未知卡种',
};

export const CHANNEL_NAMES_EN: Record<Channel, string> = {
  card: 'card',
  nfc: 'NFC',
  'unionpay-qr': 'UnionPay QR',
  wechat: 'WeChat',
  alipay: 'Alipay',
  ecny: 'e-CNY',
  other: 'other channel',
  unknown: 'unknown channel',
};

export const CARD_NAMES_EN: Record<CardType, string> = {
  debit: 'debit card',
  credit: 'credit card',
  prepaid: 'prepaid card',
  unknown: 'unknown card',
};

/**
 * What a transaction's channel and card are called: `刷卡贷记卡` / `credit card`, `闪付贷记卡` / `NFC (credit card)`,
 * `微信` / `WeChat` — a card type nobody stated (a wallet payment has none) is left out rather than named 未知卡种.
 * Codes the vocabularies do not know are shown as they are.
 */
export function channelCardWords(channel: string, card: string): { zh: string; en: string } {
  const channelZh = CHANNEL_NAMES_ZH[channel as Channel] ?? channel;
  const channelEn = CHANNEL_NAMES_EN[channel as Channel] ?? channel;
  const cardZh = CARD_NAMES_ZH[card as CardType] ?? card;
  const cardEn = CARD_NAMES_EN[card as CardType] ?? card;
  if (card === 'unknown') return { zh: channelZh, en: channelEn };
  if (channel === 'unknown') return { zh: cardZh, en: cardEn };
  return { zh: `${channelZh}${cardZh}`, en: channel === 'card' ? cardEn : `${channelEn} (${cardEn})` };
}

export const TYPE_NAMES_ZH: Record<RecordType, string> = {
  sale: '消费',
  void: '撤销',
  reversal: '冲正',
  refund: '退货',
  'preauth-complete': '预授权完成',
  deduction: '扣费',
  rebate: '返还',
  payout: '结算划款',
};
