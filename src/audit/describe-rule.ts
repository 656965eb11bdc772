import { formatFen } from '../money/fen.js';
import { formatRate } from '../money/rate.js';
import type { FeeRule, PlanPeriod } from '../plans/plan-types.js';
import { CARD_NAMES_ZH, CHANNEL_NAMES_ZH } from '../records/vocabulary.js';

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
