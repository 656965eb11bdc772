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

/**
 * The plan rule as evidence: “2026-09-01 起 刷卡/闪付 借记卡：0.55%，封顶 ¥20.00” / “from 2026-09-01 card/nfc
 * debit: 0.55%, cap ¥20.00”, with its line in the plan file.
 */
export function describeRule(
  rule: FeeRule,
  period: PlanPeriod,
): { text: string; textEn: string; line: number } {
  const zh = [`${period.from} 起`];
  const en = [`from ${period.from}`];
  if (rule.channels !== undefined) {
    zh.push(rule.channels.map((c) => CHANNEL_NAMES_ZH[c]).join('/'));
    en.push(rule.channels.join('/'));
  }
  if (rule.cards !== undefined) {
    zh.push(rule.cards.map((c) => CARD_NAMES_ZH[c]).join('/'));
    en.push(rule.cards.join('/'));
  }
  if (rule.minAmountFen !== undefined) {
    zh.push(`金额 > ${formatFen(rule.minAmountFen)}`);
    en.push(`amount > ${formatFen(rule.minAmountFen)}`);
  }
  if (rule.maxAmountFen !== undefined) {
    zh.push(`金额 ≤ ${formatFen(rule.maxAmountFen)}`);
    en.push(`amount ≤ ${formatFen(rule.maxAmountFen)}`);
  }
  if (zh.length === 1) {
    zh.push('全部交易');
    en.push('all sales');
  }
  const formula = describeFormula(rule.ratePpm, rule.fixedFen, rule.capFen, rule.minFen);
  return {
    text: `${zh.join(' ')}：${formula.zh}`,
    textEn: `${en.join(' ')}: ${formula.en}`,
    line: rule.line,
  };
}
