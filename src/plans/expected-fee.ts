import { percentageFee } from '../money/rate.js';
import { addDays } from '../time/shanghai.js';
import type { FeePlan, FeeQuery, FeeQuote, FeeRule, PlanPeriod } from './plan-types.js';

/**
 * The period in force on a local date as the plan is written: among the periods whose `from` ≤ date ≤ `until`,
 * the one with the latest `from`. Dates are `YYYY-MM-DD` strings, so string comparison is date comparison.
 * Whether its terms bind the merchant yet is quoteFee's concern (a raise given short notice: see bindingFrom).
 */
export function periodInForce(
  plan: FeePlan,
  date: string,
  /** Periods to leave out (quoteFee looking past a raise not yet binding). */
  without?: ReadonlySet<PlanPeriod>,
): PlanPeriod | undefined {
  let best: PlanPeriod | undefined;
  for (const period of plan.periods) {
    if (without?.has(period) === true) continue;
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

/**
 * The first day a period's terms can bind the merchant when it was announced with less than the contract's
 * notice: `noticed` + `notice` days, if that is after its `from`; else undefined (its `from` holds, or the plan
 * does not say when the merchant was told, and nothing can be said).
 * @example bindingFrom({ noticeDays: 30, … }, { from: '2026-11-16', noticed: '2026-11-01', … }) → '2026-12-01'
 */
export function bindingFrom(plan: FeePlan, period: PlanPeriod): string | undefined {
  if (period.noticed === undefined) return undefined;
  const effective = addDays(period.noticed, plan.noticeDays);
  return effective > period.from ? effective : undefined;
}

/**
 * The fee the contract allows on one sale, with the period and rule that produced it. The signed terms are the
 * baseline and a raise without the contract's notice does not bind (DOMAIN.md §4.3): while a period announced
 * late has not yet reached bindingFrom, a sale it would charge more is priced by the terms it replaced, with
 * `deferred` saying so. A cut applies from its `from` all the same: it only benefits the merchant. Every
 * consumer (audit, monitor, explain, dashboard) prices through here, so all give the same answer.
 */
export function quoteFee(plan: FeePlan, query: FeeQuery): FeeQuote {
  const period = periodInForce(plan, query.date);
  if (period === undefined) return { ok: false, reason: 'no_period' };
  return bindingQuote(plan, query, period, undefined);
}

function quoteIn(plan: FeePlan, query: FeeQuery, period: PlanPeriod): FeeQuote {
  const rule = matchingRule(period, query);
  if (rule === undefined) return { ok: false, reason: 'no_rule' };
  return { ok: true, ...feeByRule(rule, query.amountFen, plan.rounding), rule, period };
}

/**
 * The quote under `period` unless it is a raise not yet binding on the sale's date; then the quote under the
 * terms it replaced: the period still in force without it, or else the one in force the day before it started
 * (a period written to end when the raise begins runs on until the raise binds). Those terms are judged the
 * same way, so a second late raise does not bind through a first; `passed` holds the periods looked past.
 */
function bindingQuote(
  plan: FeePlan,
  query: FeeQuery,
  period: PlanPeriod,
  // Made only when a raise is looked past: quoteFee runs once a line, and nearly no plan defers anything.
  lookedPast: Set<PlanPeriod> | undefined,
): FeeQuote {
  const quote = quoteIn(plan, query, period);
  const effective = bindingFrom(plan, period);
  // A period with no rule for the sale raises nothing that can be compared: it stands as written.
  if (!quote.ok || effective === undefined || query.date >= effective || period.noticed === undefined)
    return quote;
  const passed = lookedPast ?? new Set<PlanPeriod>();
  passed.add(period);
  const earlier =
    periodInForce(plan, query.date, passed) ?? periodInForce(plan, addDays(period.from, -1), passed);
  if (earlier === undefined) return quote;
  const prior = bindingQuote(plan, query, earlier, passed);
  if (!prior.ok || prior.feeFen >= quote.feeFen) return quote;
  return {
    ...prior,
    deferred: {
      period,
      rule: quote.rule,
      feeFen: quote.feeFen,
      noticed: period.noticed,
      effective,
      noticeDays: plan.noticeDays,
    },
  };
}
