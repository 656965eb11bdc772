import { formatFen, formatYuan } from '../money/fen.js';
import { formatRate } from '../money/rate.js';
import type { FeeRule, PlanPeriod } from '../plans/plan-types.js';
import { CARD_NAMES_ZH, CHANNEL_NAMES_ZH, type CardType, type Channel } from '../records/vocabulary.js';

/** A fee formula in words: “0.55%，封顶 ¥20.00” / “0.55%, cap ¥20.00”, plus a fixed part when there is one. */
export function describeFormula(
  ratePpm: number,
  fixedFen: number,
  capFen: number | undefined,
  minFen?: number,
): { zh: string; en: string } {
  let zh = formatRate(ratePpm);
  let en = formatRate(ratePpm);
  if (capFen !== undefined) {
    zh += `，封顶 ${formatFen(capFen)}`;
    en += `, cap ${formatFen(capFen)}`;
  }
  if (fixedFen !== 0) {
    zh += ` + ${formatFen(fixedFen)}/笔`;
    en += ` + ${formatFen(fixedFen)} per transaction`;
  }
  if (minFen !== undefined) {
    zh += `，最低 ${formatFen(minFen)}`;
    en += `, minimum ${formatFen(minFen)}`;
  }
  return { zh, en };
}

/** The plan rule as evidence: “2026-09-01 起 刷卡/闪付 借记卡：0.55%，封顶 ¥20.00”, with its line in the plan file. */
export function describeRule(rule: FeeRule, period: PlanPeriod): { text: string; line: number } {
  const parts = [`${period.from} 起`];
  if (rule.channels !== undefined) parts.push(rule.channels.map((c) => CHANNEL_NAMES_ZH[c]).join('/'));
  if (rule.cards !== undefined) parts.push(rule.cards.map((c) => CARD_NAMES_ZH[c]).join('/'));
  if (rule.minAmountFen !== undefined) parts.push(`金额 > ${formatFen(rule.minAmountFen)}`);
  if (rule.maxAmountFen !== undefined) parts.push(`金额 ≤ ${formatFen(rule.maxAmountFen)}`);
  if (parts.length === 1) parts.push('全部交易');
  const formula = describeFormula(rule.ratePpm, rule.fixedFen, rule.capFen, rule.minFen);
  return { text: `${parts.join(' ')}：${formula.zh}`, line: rule.line };
}

/**
 * Amount band a rule prices for a channel and card: “≤1000”, “>1000”, “1000–5000” (元) or “all”. A rule without a
 * lower bound that follows a bounded rule for the same channel and card starts where that one ends, so the
 * general NFC rule after “NFC ≤1000” is the “>1000” band.
 */
export function bandOfRule(rule: FeeRule, period?: PlanPeriod, channel?: Channel, card?: CardType): string {
  let min = rule.minAmountFen;
  const max = rule.maxAmountFen;
  if (min === undefined && period !== undefined && channel !== undefined && card !== undefined) {
    for (const earlier of period.rates) {
      if (earlier === rule) break;
      if (earlier.channels !== undefined && !earlier.channels.includes(channel)) continue;
      if (earlier.cards !== undefined && !earlier.cards.includes(card)) continue;
      if (earlier.maxAmountFen !== undefined && (min === undefined || earlier.maxAmountFen > min))
        min = earlier.maxAmountFen;
    }
  }
  const yuan = (fen: number) => (fen % 100 === 0 ? `${fen / 100}` : formatYuan(fen));
  if (min === undefined && max === undefined) return 'all';
  if (min === undefined && max !== undefined) return `≤${yuan(max)}`;
  if (max === undefined && min !== undefined) return `>${yuan(min)}`;
  return `${yuan(min ?? 0)}–${yuan(max ?? 0)}`;
}
