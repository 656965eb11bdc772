import { formatFen } from '../money/fen.js';
import { formatRate } from '../money/rate.js';
import { ruleBandEn, ruleScopeEn } from '../plans/describe-plan.js';
import type { DeferredRaise, FeeRule, PlanPeriod } from '../plans/plan-types.js';
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
 * The plan rule as evidence: “2026-09-01 起 刷卡/闪付 借记卡：0.55%，封顶 ¥20.00” / “from 2026-09-01 card/NFC,
 * debit card: 0.55%, cap ¥20.00” (English names channels and cards as describe-plan does, never the plan's codes:
 * this text goes to the CSV, HTML, PDF and letters as it is), with its line in the plan file. When it priced the sale because a raise was not yet
 * binding (`deferred`), it says so: a period written to end before the sale is otherwise an odd thing to cite.
 */
export function describeRule(
  rule: FeeRule,
  period: PlanPeriod,
  deferred?: DeferredRaise,
): { text: string; textEn: string; line: number } {
  const zh = [`${period.from} 起`];
  if (rule.channels !== undefined) zh.push(rule.channels.map((c) => CHANNEL_NAMES_ZH[c]).join('/'));
  if (rule.cards !== undefined) zh.push(rule.cards.map((c) => CARD_NAMES_ZH[c]).join('/'));
  if (rule.minAmountFen !== undefined) zh.push(`金额 > ${formatFen(rule.minAmountFen)}`);
  if (rule.maxAmountFen !== undefined) zh.push(`金额 ≤ ${formatFen(rule.maxAmountFen)}`);
  if (zh.length === 1) zh.push('全部交易');
  const scope = ruleScopeEn(rule.channels, rule.cards);
  const en = `from ${period.from} ${scope === '' ? 'all sales' : scope}${ruleBandEn(rule)}`;
  const formula = describeFormula(rule.ratePpm, rule.fixedFen, rule.capFen, rule.minFen);
  const still =
    deferred === undefined
      ? { zh: '', en: '' }
      : {
          zh: `（${deferred.period.from} 起的调价通知不足 ${deferred.noticeDays} 天，${deferred.effective} 前仍适用）`,
          en: ` (the raise from ${deferred.period.from} came with less than ${deferred.noticeDays} days’ notice; this still applies before ${deferred.effective})`,
        };
  return {
    text: `${zh.join(' ')}：${formula.zh}${still.zh}`,
    textEn: `${en}: ${formula.en}${still.en}`,
    line: rule.line,
  };
}

/**
 * Why a sale was priced by the earlier terms (see quoteFee): the new rate was told too late to bind yet, with the
 * day it was told and the first day it can apply. `applied` = the fee charged is the new rate's: the provider
 * raised before the notice ran out.
 * @example “已按 2026-11-16 起的新费率 0.63% 收取，但该调价于 2026-11-01 才通知，通知不足 30 天，最早 2026-12-01 起生效，此前仍按原费率计”
 */
export function describeDeferral(deferred: DeferredRaise, applied: boolean): { zh: string; en: string } {
  const { from } = deferred.period;
  const r = deferred.rule;
  const formula = describeFormula(r.ratePpm, r.fixedFen, r.capFen, r.minFen);
  const days = deferred.noticeDays;
  const rest = {
    zh: `于 ${deferred.noticed} 才通知，通知不足 ${days} 天，最早 ${deferred.effective} 起生效，此前仍按原费率计`,
    en: `noticed only on ${deferred.noticed}, less than the ${days} days’ notice the contract requires, so it can take effect from ${deferred.effective} at the earliest; until then the previous rate applies`,
  };
  return applied
    ? {
        zh: `已按 ${from} 起的新费率 ${formula.zh} 收取，但该调价${rest.zh}`,
        en: `charged at the new rate ${formula.en} from ${from}, applied before the required notice: the raise was ${rest.en}`,
      }
    : {
        zh: `${from} 起的新费率 ${formula.zh}${rest.zh}`,
        en: `the new rate ${formula.en} from ${from} was ${rest.en}`,
      };
}
