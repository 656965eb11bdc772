import { formatFen } from '../money/fen.js';
import { formatRate } from '../money/rate.js';
import {
  CARD_NAMES_EN,
  CARD_NAMES_ZH,
  type CardType,
  CHANNEL_NAMES_EN,
  CHANNEL_NAMES_ZH,
  type Channel,
} from '../records/vocabulary.js';
import {
  type ChargeEvery,
  DEFAULT_REFUND_WINDOW_DAYS,
  type FeePlan,
  type FeeRule,
  type PlanCharge,
  type RefundFeePolicy,
} from './plan-types.js';

type Lang = 'zh' | 'en';

const ROUNDING_NAMES: Record<FeePlan['rounding'], [string, string]> = {
  'half-up': ['四舍五入', 'half-up'],
  'half-even': ['四舍六入五成双', 'half-even'],
  up: ['进位', 'up'],
  down: ['舍去', 'down'],
};

const REFUND_NAMES: Record<RefundFeePolicy, [string, string]> = {
  none: ['退货不退手续费', 'a refund returns no fee'],
  proportional: [
    '退货按比例退还手续费（最后一笔退货退还余数）',
    'a refund returns the fee in proportion (the last refund returns the remainder)',
  ],
  full: ['退货全额退还原手续费', 'a refund returns the whole original fee'],
};

const EVERY_NAMES: Record<ChargeEvery, [string, string]> = {
  once: ['一次性', 'once'],
  month: ['每月', 'per month'],
  quarter: ['每季度', 'per quarter'],
  year: ['每年', 'per year'],
  payout: ['每次结算', 'per payout'],
};

const say = (lang: Lang, [zh, en]: [string, string]) => (lang === 'en' ? en : zh);

/** A rounding mode as the user reads it: 四舍五入 / half-up. */
export function roundingName(mode: FeePlan['rounding'], lang: Lang): string {
  return say(lang, ROUNDING_NAMES[mode]);
}

/**
 * What a plan rule prices, in English for people: `card/NFC/UnionPay QR, debit card`, `WeChat/Alipay`; '' for a
 * rule of every channel and card. The plan's own codes (unionpay-qr, nfc) are for files, not for readers.
 */
export function ruleScopeEn(
  channels: readonly Channel[] | undefined,
  cards: readonly CardType[] | undefined,
): string {
  const ch = channels === undefined ? '' : channels.map((c) => CHANNEL_NAMES_EN[c]).join('/');
  const cd = cards === undefined ? '' : cards.map((c) => CARD_NAMES_EN[c]).join('/');
  // A comma between the lists: “UnionPay QR credit card” would read as one name.
  return [ch, cd].filter((x) => x !== '').join(', ');
}

/** A rule's amount band in English, after what it prices: ` (≤ ¥1,000.00)`, ` (> ¥1,000.00)`; '' for every amount. */
export function ruleBandEn(rule: Pick<FeeRule, 'minAmountFen' | 'maxAmountFen'>): string {
  const bounds = [
    rule.minAmountFen === undefined ? '' : `> ${formatFen(rule.minAmountFen)}`,
    rule.maxAmountFen === undefined ? '' : `≤ ${formatFen(rule.maxAmountFen)}`,
  ].filter((x) => x !== '');
  return bounds.length === 0 ? '' : ` (${bounds.join(', ')})`;
}

/**
 * One rule in words: `刷卡/闪付 借记卡 0.55%，封顶 ¥20.00` or `card/NFC, debit card: 0.55%, cap ¥20.00`,
 * `NFC (≤ ¥1,000.00): 0.38%` — English names the channels and cards, never the plan's codes.
 */
export function describeRule(rule: FeeRule, lang: Lang): string {
  const parts: string[] = [];
  if (lang === 'en') {
    const scope = ruleScopeEn(rule.channels, rule.cards);
    parts.push(`${scope === '' ? 'any channel' : scope}${ruleBandEn(rule)}: ${formatRate(rule.ratePpm)}`);
  } else {
    parts.push(
      rule.channels === undefined ? '所有渠道' : rule.channels.map((c) => CHANNEL_NAMES_ZH[c]).join('/'),
    );
    if (rule.cards !== undefined) parts.push(rule.cards.map((c) => CARD_NAMES_ZH[c]).join('/'));
    if (rule.minAmountFen !== undefined) parts.push(`> ${formatFen(rule.minAmountFen)}`);
    if (rule.maxAmountFen !== undefined) parts.push(`≤ ${formatFen(rule.maxAmountFen)}`);
    parts.push(formatRate(rule.ratePpm));
  }
  const comma = lang === 'en' ? ', ' : '，';
  let text = parts.join(' ');
  if (rule.capFen !== undefined)
    text += `${comma}${lang === 'en' ? 'cap' : '封顶'} ${formatFen(rule.capFen)}`;
  if (rule.fixedFen !== 0) {
    text +=
      lang === 'en'
        ? ` + ${formatFen(rule.fixedFen)} per transaction`
        : ` + 每笔 ${formatFen(rule.fixedFen)}`;
  }
  if (rule.minFen !== undefined)
    text += `${comma}${lang === 'en' ? 'minimum' : '最低'} ${formatFen(rule.minFen)}`;
  return text;
}

function describeCharge(charge: PlanCharge, lang: Lang): string {
  const aliases =
    charge.aliases.length === 0
      ? ''
      : lang === 'en'
        ? ` (also: ${charge.aliases.join(', ')})`
        : `（又称：${charge.aliases.join('、')}）`;
  const per = say(lang, EVERY_NAMES[charge.every]);
  const terminal = charge.perTerminal ? (lang === 'en' ? ', per terminal' : '，按终端') : '';
  const from =
    charge.from === undefined ? '' : lang === 'en' ? `, from ${charge.from}` : `，自 ${charge.from} 起`;
  return `${charge.name}${aliases}: ${formatFen(charge.amountFen)} ${per}${terminal}${from}`;
}

/** The multi-line summary `plan check` prints, in Chinese or English. */
export function describePlan(plan: FeePlan, lang: Lang): string {
  const zh = lang !== 'en';
  const lines: string[] = [];
  if (plan.merchant !== undefined || plan.merchantId !== undefined) {
    const id = plan.merchantId ?? '';
    const who =
      plan.merchant === undefined
        ? id
        : id === ''
          ? plan.merchant
          : zh
            ? `${plan.merchant}（${id}）`
            : `${plan.merchant} (${id})`;
    lines.push(`${zh ? '商户' : 'Merchant'}: ${who}`);
  }
  if (plan.provider !== undefined) lines.push(`${zh ? '服务商' : 'Provider'}: ${plan.provider}`);
  const { basis, days } = plan.settlement;
  const cycle = zh
    ? `${basis}${days}（交易后第 ${days} 个${basis === 'T' ? '工作日' : '自然日'}到账）`
    : `${basis}${days} (paid ${days} ${basis === 'T' ? 'working' : 'calendar'} day${days === 1 ? '' : 's'} after the trade)`;
  lines.push(`${zh ? '结算周期' : 'Settlement'}: ${cycle}`);
  lines.push(
    zh
      ? `舍入: ${say(lang, ROUNDING_NAMES[plan.rounding])}；容差: 每笔 ${formatFen(plan.toleranceFen)}`
      : `Rounding: ${plan.rounding}; tolerance: ${formatFen(plan.toleranceFen)} per transaction`,
  );
  lines.push(`${zh ? '退货手续费' : 'Refund fee'}: ${say(lang, REFUND_NAMES[plan.refundFee])}`);
  const refundDays = plan.refundWindowDays ?? DEFAULT_REFUND_WINDOW_DAYS;
  lines.push(
    zh
      ? `退货关联期: 未写原交易的退货，在原交易后 ${refundDays} 天内按金额、终端和卡号关联`
      : `Refund window: a refund naming no original is linked by amount, terminal and card within ${refundDays} days of its sale`,
  );
  lines.push(
    zh ? `调价通知期: 提前 ${plan.noticeDays} 天` : `Rate-change notice: ${plan.noticeDays} days in advance`,
  );
  lines.push(zh ? `费率期间（共 ${plan.periods.length} 个）:` : `Periods (${plan.periods.length}):`);
  for (const period of plan.periods) {
    const until = period.until ?? (zh ? '长期' : 'open-ended');
    const noticed =
      period.noticed === undefined ? '' : zh ? `，通知于 ${period.noticed}` : `, noticed ${period.noticed}`;
    lines.push(
      `  ${period.from} ${zh ? '至' : 'to'} ${until}${noticed}${zh ? '（第 ' : ' (line '}${period.line}${zh ? ' 行）' : ')'}`,
    );
    for (const rule of period.rates) lines.push(`    - ${describeRule(rule, lang)}`);
  }
  if (plan.charges.length > 0) {
    lines.push(zh ? '约定的其他扣费:' : 'Agreed charges:');
    for (const charge of plan.charges) lines.push(`  - ${describeCharge(charge, lang)}`);
  } else {
    lines.push(
      zh ? '约定的其他扣费: 无（任何扣费都算计划外）' : 'Agreed charges: none (any deduction is unplanned)',
    );
  }
  const calendar = plan.calendar;
  if (calendar !== undefined && (calendar.holidays.length > 0 || calendar.workdays.length > 0)) {
    lines.push(
      zh
        ? `日历调整: 节假日 ${calendar.holidays.join('、') || '无'}；调休上班 ${calendar.workdays.join('、') || '无'}`
        : `Calendar overrides: holidays ${calendar.holidays.join(', ') || 'none'}; workdays ${calendar.workdays.join(', ') || 'none'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
