import { expectedSettleDate } from '../calendar/expected-settle-date.js';
import type { FeePlan, SettlementCycle } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';
import { dayNumber, localDateOf } from '../time/shanghai.js';
import { tradeTimeOf } from './match-records.js';

/** The cycle assumed when neither a plan nor the statements tell: T1, the common one. */
export const DEFAULT_SETTLEMENT_CYCLE: SettlementCycle = { basis: 'T', days: 1 };

/** Cycles tried against the statements: T0…T7 and D0…D7 (weekly payout at the slowest). */
const MAX_CYCLE_DAYS = 7;

/** Share of the dated sale lines the inferred cycle must explain, as a fraction of ten (9 = 90 %). */
const CLEAR_MAJORITY_TENTHS = 9;

/**
 * Dated sale lines needed before a cycle inferred without a plan judges lateness: with fewer, 90 % is every line,
 * so none could ever be late, and listing the check as run would claim more than was checked.
 */
const LINES_TO_JUDGE_LATENESS = 10;

/** A sale line's local trade date and the date the statement says it settled. */
export interface TradeSettlePair {
  readonly tradeDate: string;
  readonly settleDate: string;
}

export interface CycleFit {
  readonly cycle: SettlementCycle;
  /** Lines whose settle date is exactly the one this cycle gives their trade date. */
  readonly fitting: number;
  /** Lines with both dates. */
  readonly total: number;
}

export type CycleInference =
  | ({ readonly clear: true } & CycleFit)
  /** No cycle explains a clear majority: `best` is the closest (absent when there were no dated lines). */
  | { readonly clear: false; readonly total: number; readonly best?: CycleFit };

export function cycleText(cycle: SettlementCycle): string {
  return `${cycle.basis}${cycle.days}`;
}

/**
 * The settlement cycle the statements' own (trade date → settle date) pairs show: the candidate that gives the
 * most lines exactly their settle date. Of candidates that explain as many, the one that pays later overall wins
 * (and T before D, a longer cycle before a shorter), so a sale is never called missing or late on a guess that
 * was stricter than the data showed. Clear only when it explains at least 90 % of the lines: late lines must not
 * teach the audit a slower cycle.
 */
export function inferSettlementCycle(
  pairs: Iterable<TradeSettlePair>,
  calendar?: FeePlan['calendar'],
): CycleInference {
  // Statements repeat the same few (trade, settle) pairs thousands of times: count them once each.
  const counted = new Map<string, { pair: TradeSettlePair; n: number }>();
  let total = 0;
  for (const pair of pairs) {
    total += 1;
    const key = `${pair.tradeDate}>${pair.settleDate}`;
    const seen = counted.get(key);
    if (seen === undefined) counted.set(key, { pair, n: 1 });
    else seen.n += 1;
  }
  if (total === 0) return { clear: false, total };
  const withCalendar = calendar === undefined ? {} : { calendar };
  let best: { fit: CycleFit; lateness: number } | undefined;
  for (const basis of ['T', 'D'] as const) {
    for (let days = MAX_CYCLE_DAYS; days >= 0; days -= 1) {
      const cycle: SettlementCycle = { basis, days };
      let fitting = 0;
      // Sum over the lines of the due day: the larger, the more lenient the cycle.
      let lateness = 0;
      for (const { pair, n } of counted.values()) {
        const due = expectedSettleDate({ settlement: cycle, ...withCalendar }, pair.tradeDate).date;
        if (due === pair.settleDate) fitting += n;
        lateness += dayNumber(due) * n;
      }
      // Candidates come T before D and longest first, so only a strictly better one replaces the leader.
      if (
        best === undefined ||
        fitting > best.fit.fitting ||
        (fitting === best.fit.fitting && lateness > best.lateness)
      )
        best = { fit: { cycle, fitting, total }, lateness };
    }
  }
  if (best === undefined || best.fit.fitting === 0) return { clear: false, total };
  if (best.fit.fitting * 10 >= total * CLEAR_MAJORITY_TENTHS) return { clear: true, ...best.fit };
  return { clear: false, total, best: best.fit };
}

/** The (local trade date → settle date) pairs of a merchant's statement sale lines that state a settle date. */
export function tradeSettlePairs(settlementRecords: readonly PosRecord[]): TradeSettlePair[] {
  const pairs: TradeSettlePair[] = [];
  for (const r of settlementRecords) {
    if (r.type !== 'sale' || r.status !== 'success' || r.settleDate === undefined) continue;
    pairs.push({ tradeDate: localDateOf(tradeTimeOf(r)), settleDate: r.settleDate });
  }
  return pairs;
}

/** The cycle one merchant's audit uses for due dates, where it came from, and what the report says about it. */
export interface MerchantCycle {
  /** What expectedSettleDate takes: the cycle and the plan's calendar. */
  readonly plan: Pick<FeePlan, 'settlement' | 'calendar'>;
  /** 'plan': stated in the plan; 'inferred': read off the statements; 'default': T1 assumed. */
  readonly source: 'plan' | 'inferred' | 'default';
  /** Whether late_settlement is judged: on a plan's cycle, or on one inferred from enough lines. */
  readonly judgesLateness: boolean;
  /** Warnings for the report (zh / en). */
  readonly notes: readonly string[];
}

/**
 * The settlement cycle for a merchant: the plan's when it states one; otherwise the one the statements show
 * (inferSettlementCycle), else T1. Lateness is judged on a stated or inferred cycle, never on the bare default.
 */
export function merchantSettlementCycle(
  plan: FeePlan | undefined,
  settlementRecords: readonly PosRecord[],
  merchantId: string,
): MerchantCycle {
  if (plan !== undefined && plan.settlementAssumed !== true)
    return { plan, source: 'plan', judgesLateness: true, notes: [] };
  const calendar = plan?.calendar;
  const withCalendar = calendar === undefined ? {} : { calendar };
  const inference = inferSettlementCycle(tradeSettlePairs(settlementRecords), calendar);
  const whoZh = `商户 ${merchantId || '（未注明）'} `;
  const whoEn = `merchant ${merchantId || '(none)'}`;
  const whyZh = plan === undefined ? '未提供费率方案' : '费率方案未写明结算周期';
  const whyEn = plan === undefined ? 'no fee plan' : 'the fee plan states no settlement cycle';
  if (inference.clear) {
    const c = cycleText(inference.cycle);
    return {
      plan: { settlement: inference.cycle, ...withCalendar },
      source: 'inferred',
      // A plan's checks run whatever it omits; without one, lateness is judged only where it could show.
      judgesLateness: plan !== undefined || inference.total >= LINES_TO_JUDGE_LATENESS,
      notes: [
        `${whoZh}${whyZh}：按对账单推断结算周期为 ${c}（${inference.total} 笔中 ${inference.fitting} 笔符合） / ` +
          `${whoEn}: ${whyEn}; settlement cycle inferred from the statements as ${c} (${inference.fitting} of ${inference.total} lines fit)`,
      ],
    };
  }
  const fallback = { settlement: DEFAULT_SETTLEMENT_CYCLE, ...withCalendar };
  // A plan silent on its cycle keeps being judged on T1, as before the statements were asked.
  const source = plan === undefined ? 'default' : 'plan';
  const judgesLateness = plan !== undefined;
  const d = cycleText(DEFAULT_SETTLEMENT_CYCLE);
  if (inference.best === undefined && inference.total === 0)
    return { plan: fallback, source, judgesLateness, notes: [] };
  const closest = inference.best;
  const closestZh =
    closest === undefined ? '' : `，最接近的 ${cycleText(closest.cycle)} 只符合 ${closest.fitting} 笔`;
  const closestEn =
    closest === undefined ? '' : `; the closest, ${cycleText(closest.cycle)}, fits only ${closest.fitting}`;
  return {
    plan: fallback,
    source,
    judgesLateness,
    notes: [
      `${whoZh}${whyZh}，对账单的结算日期看不出统一的结算周期（${inference.total} 笔${closestZh}），按 ${d} 核对 / ` +
        `${whoEn}: ${whyEn}, and the statements' settlement dates show no one cycle (${inference.total} lines${closestEn}); ${d} is assumed`,
    ],
  };
}
