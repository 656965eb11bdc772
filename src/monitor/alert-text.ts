import { CARD_NAMES_ZH, CHANNEL_NAMES_ZH, type CardType, type Channel } from '../records/index.js';

/** An alert's wording in both languages: the same facts and amounts, zh-CN first. */
export interface AlertText {
  zh: string;
  en: string;
}

const CHANNEL_NAMES_EN: Record<Channel, string> = {
  card: 'card',
  nfc: 'NFC',
  'unionpay-qr': 'UnionPay QR',
  wechat: 'WeChat',
  alipay: 'Alipay',
  ecny: 'e-CNY',
  other: 'other channel',
  unknown: 'unknown channel',
};

const CARD_NAMES_EN: Record<CardType, string> = {
  debit: 'debit card',
  credit: 'credit card',
  prepaid: 'prepaid card',
  unknown: 'unknown card',
};

/**
 * What a formula group's sales are called: `刷卡贷记卡` / `credit card`, `微信未知卡种` / `WeChat`,
 * `闪付贷记卡` / `NFC (credit card)`. Codes the vocabularies do not know are shown as they are.
 */
export function channelCardText(channel: string, card: string): AlertText {
  const zh = `${CHANNEL_NAMES_ZH[channel as Channel] ?? channel}${CARD_NAMES_ZH[card as CardType] ?? card}`;
  const channelEn = CHANNEL_NAMES_EN[channel as Channel] ?? channel;
  const cardEn = CARD_NAMES_EN[card as CardType] ?? card;
  if (channel === 'card') return { zh, en: cardEn };
  return { zh, en: card === 'unknown' ? channelEn : `${channelEn} (${cardEn})` };
}

/**
 * The message of a stored alert in a language: the English one when asked for and there is one — an alert
 * stored before alerts carried English has none, and falls back to `legacyEn` (the English an unplanned
 * deduction kept in its details) and then to the Chinese.
 */
export function alertMessageIn(lang: 'zh' | 'en', zh: string, en: string | null, legacyEn?: unknown): string {
  if (lang !== 'en') return zh;
  if (en !== null && en !== '') return en;
  return typeof legacyEn === 'string' && legacyEn !== '' ? legacyEn : zh;
}
