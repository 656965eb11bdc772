import { toHalfWidth } from '../money/normalize-text.js';
import type { CardType, Channel } from '../records/vocabulary.js';

/** Folds width, case and spaces so `ＮＦＣ`, `nfc` and ` N F C ` read alike. */
export function foldName(text: string): string {
  return toHalfWidth(text).replace(/\s+/g, '').toLowerCase();
}

// The names merchants and providers write in contracts and statements, folded with foldName.
const CHANNEL_ALIASES: Readonly<Record<string, Channel>> = {
  card: 'card',
  刷卡: 'card',
  插卡: 'card',
  银行卡: 'card',
  nfc: 'nfc',
  闪付: 'nfc',
  挥卡: 'nfc',
  'unionpay-qr': 'unionpay-qr',
  unionpayqr: 'unionpay-qr',
  银联二维码: 'unionpay-qr',
  云闪付: 'unionpay-qr',
  wechat: 'wechat',
  微信: 'wechat',
  alipay: 'alipay',
  支付宝: 'alipay',
  ecny: 'ecny',
  'e-cny': 'ecny',
  数字人民币: 'ecny',
  other: 'other',
  其他: 'other',
  unknown: 'unknown',
  未知: 'unknown',
};

const CARD_ALIASES: Readonly<Record<string, CardType>> = {
  debit: 'debit',
  借记卡: 'debit',
  借记: 'debit',
  储蓄卡: 'debit',
  credit: 'credit',
  贷记卡: 'credit',
  贷记: 'credit',
  信用卡: 'credit',
  准贷记卡: 'credit',
  prepaid: 'prepaid',
  预付卡: 'prepaid',
  unknown: 'unknown',
  未知: 'unknown',
};

/** Reads a channel written in English or Chinese (`刷卡`, `闪付`, `云闪付`, `微信` …); undefined when unknown. */
export function channelFromName(text: string): Channel | undefined {
  return CHANNEL_ALIASES[foldName(text)];
}

/** Reads a card type written in English or Chinese (`借记卡`, `信用卡`, `准贷记卡` …); undefined when unknown. */
export function cardFromName(text: string): CardType | undefined {
  return CARD_ALIASES[foldName(text)];
}

export const CHANNEL_CHOICES = 'card|nfc|unionpay-qr|wechat|alipay|ecny|other';
export const CARD_CHOICES = 'debit|credit|prepaid|unknown';
