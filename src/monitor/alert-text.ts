import { channelCardWords } from '../records/index.js';
import type { ChannelLanguage } from '../storage/alerts-repo.js';
import { ALERT_KIND_ZH, type AlertKind } from './alert-kinds.js';

/** An alert's wording in both languages: the same facts and amounts, zh-CN first. */
export interface AlertText {
  zh: string;
  en: string;
}

/** English names of the alert kinds (ALERT_KIND_ZH's), as the dashboard shows them. */
export const ALERT_KIND_EN: Record<AlertKind, string> = {
  large_amount: 'Large amount',
  high_frequency: 'High frequency',
  off_hours: 'Outside business hours',
  split_sales: 'Suspected split sale',
  over_limit: 'Over the limit',
  duplicate_submission: 'Duplicate submission',
  fee_overcharge: 'Fee overcharged',
  unplanned_deduction: 'Unplanned deduction',
  rate_change: 'Rate change (suspected fee jump)',
  missing_statement: 'Statement missing',
};

/**
 * What a formula group's sales are called, as the audit's findings call them (the records vocabulary's
 * channelCardWords): `刷卡贷记卡` / `credit card`, `微信` / `WeChat`, `闪付贷记卡` / `NFC (credit card)`.
 */
export function channelCardText(channel: string, card: string): AlertText {
  return channelCardWords(channel, card);
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

/** A message's subject (an e-mail's) and text (what a robot posts, an e-mail's body) in one language. */
export interface Wording {
  subject: string;
  text: string;
}

/** How every message a channel is sent begins. */
export const MESSAGE_HEAD = { zh: '【POS跳点卫士】', en: '[posguard] ' } as const;

/**
 * A message in a channel's language: the Chinese, the English, or (`both`) the Chinese then the English, so a
 * group with readers of either language reads its own half.
 */
export function wordingFor(language: ChannelLanguage, text: { zh: Wording; en: Wording }): Wording {
  if (language === 'zh') return text.zh;
  if (language === 'en') return text.en;
  return { subject: `${text.zh.subject} / ${text.en.subject}`, text: `${text.zh.text}\n\n${text.en.text}` };
}

/**
 * An alert — or, with `update`, its new total — as a channel in `language` is sent it: the kind, the message and
 * the dashboard link. An alert stored before alerts carried English has none: an `en` channel gets its Chinese
 * message under the English heading, a `both` channel the Chinese once.
 */
export function alertWording(
  language: ChannelLanguage,
  alert: { kind: AlertKind; message: string; messageEn: string | null; link: string; update?: boolean },
): Wording {
  const update = alert.update === true;
  const zhSubject = `${MESSAGE_HEAD.zh}${ALERT_KIND_ZH[alert.kind]}${update ? '（金额更新）' : ''}`;
  const enSubject = `${MESSAGE_HEAD.en}${ALERT_KIND_EN[alert.kind]}${update ? ' (amount updated)' : ''}`;
  const zh = { subject: zhSubject, text: `${zhSubject}\n${alert.message}\n详情：${alert.link}` };
  const messageEn = alertMessageIn('en', alert.message, alert.messageEn);
  if (language === 'both' && messageEn === alert.message) return zh;
  const en = { subject: enSubject, text: `${enSubject}\n${messageEn}\nDetails: ${alert.link}` };
  return wordingFor(language, { zh, en });
}
