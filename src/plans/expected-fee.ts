import { percentageFee } from '../money/rate.js';
import type { FeePlan, FeeQuery, FeeQuote, FeeRule, PlanPeriod } from './plan-types.js';

/**
 * The period in force on a local date: among the periods whose `from` ≤ date ≤ `until`, the one with the latest `from`.
 * Dates are `YYYY-MM-DD` strings, so string comparison is date comparison.
 */
export function periodInForce(plan: FeePlan, date: string): PlanPeriod | undefined {
  let best: PlanPeriod | undefined;
  for (const period of plan.periods) {
    if (period.from > date) continue;
    if (period.until !== undefined && period.until < date) continue;
    if (best === undefined || period.from > best.from) best = period;
  }
  return best;
}

/** The first rule of a period, in file order, that prices this transaction. */
export function matchingRule(period: PlanPeriod, query: FeeQuery): FeeRule | undefined {
  return period.rates.find((rule) => ruleMatches(rule, query));
}

export function ruleMatches(rule: FeeRule, query: FeeQuery): boolean {
  const magnitude = Math.abs(query.amountFen);
  if (rule.channels !== undefined && !rule.channels.includes(query.channel)) return false;
  if (rule.cards !== undefined && !rule.cards.includes(query.card)) return false;
  if (rule.minAmountFen !== undefined && magnitude <= rule.minAmountFen) return false;
  if (rule.maxAmountFen !== undefined && magnitude > rule.maxAmountFen) return false;
  return true;
}

/**
 * Fee a rule charges on an amount: min(round(amount × rate), cap) + fixed, then at least `min`.
 * @example feeByRule({ ratePpm: 29900, fixedFen: 300, … }, 3058000, 'half-up') → 91734
 */
export function feeByRule(
  rule: FeeRule,
  amountFen: number,
  rounding: FeePlan['rounding'],
): { feeFen: number; percentageFen: number; capApplied: boolean } {
  const magnitude = Math.abs(amountFen);
  const raw = percentageFee(magnitude, rule.ratePpm, rounding);
  const capApplied = rule.capFen !== undefined && raw > rule.capFen;
  const percentageFen = capApplied && rule.capFen !== undefined ? rule.capFen : raw;
  let feeFen = percentageFen + rule.fixedFen;
  if (rule.minFen !== undefined && feeFen < rule.minFen) feeFen = rule.minFen;
  return { feeFen, percentageFen, capApplied };
}

/** The fee the contract allows on one sale, with the period and rule that produced it. */
export function quoteFee(plan: FeePlan, query: FeeQuery): FeeQuote {
  const period = periodInForce(plan, query.date);
  if (period === undefined) return { ok: false, reason: 'no_period' };
  const rule = matchingRule(period, query);
  if (rule === undefined) return { ok: false, reason: 'no_rule' };
  return { ok: true, ...feeByRule(rule, query.amountFen, plan.rounding), rule, period };
}
