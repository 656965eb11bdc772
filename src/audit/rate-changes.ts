import { bindingFrom, periodInForce, quoteFee } from '../plans/expected-fee.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { CardType, Channel } from '../records/vocabulary.js';
import { addDays, dayNumber } from '../time/shanghai.js';
import { type DatedFeeLine, detectFormulaChanges, type FormulaSegment } from './detect-formula-changes.js';
import type { Formula } from './formula.js';
import type { RateChange } from './report-types.js';

/** The settled sales of one (channel, card, amount band), in time order, and the formulas found in them. */
export interface FormulaGroup {
  readonly channel: Channel;
  readonly card: CardType;
  readonly band: string;
  readonly lines: DatedFeeLine[];
  segments: FormulaSegment[];
}

/** Days between a plan's change of formula and an observed change for the two to be taken as one. */
const NEAR_DAYS = 7;
/** Lines of the new formula the plan's rule must reproduce to count as foreseen. */
const CHECK_LINES = 20;

/** Runs the change detection on every group. */
export function inferFormulas(groups: Iterable<FormulaGroup>): void {
  for (const group of groups) group.segments = detectFormulaChanges(group.lines);
}

/** The formula the provider charged before any change: the first segment's simplest explanation. */
export function baselineFormula(group: FormulaGroup): Formula | undefined {
  return group.segments[0]?.set.best();
}

/** The rate changes of one group, with whether the plan foresaw each and whether notice was honoured. */
export function rateChangesOf(
  merchantId: string | undefined,
  group: FormulaGroup,
  plan: FeePlan | undefined,
): RateChange[] {
  const out: RateChange[] = [];
  for (let k = 1; k < group.segments.length; k += 1) {
    const before = group.segments[k - 1]?.set.best();
    const segment = group.segments[k];
    const after = segment?.set.best();
    if (segment === undefined || before === undefined || after === undefined) continue;
    const end = group.segments[k + 1]?.start ?? group.lines.length;
    const { inPlan, noticeHonoured } = foreseen(plan, group, segment, end);
    out.push({
      ...(merchantId !== undefined && merchantId !== '' ? { merchantId } : {}),
      channel: group.channel,
      card: group.card,
      band: group.band,
      date: segment.date,
      beforeRate: before.describe().rate,
      afterRate: after.describe().rate,
      beforeFixedFen: before.fixedFen,
      afterFixedFen: after.fixedFen,
      ...(before.capFen !== undefined ? { beforeCapFen: before.capFen } : {}),
      ...(after.capFen !== undefined ? { afterCapFen: after.capFen } : {}),
      transactions: end - segment.start,
      inPlan,
      noticeHonoured,
    });
  }
  return out;
}

/**
 * A date on which the plan's formula for a group changes, with the date the merchant was told of it. `binding`
 * marks the day a raise told late starts to bind (bindingFrom), where the terms in force change only once the
 * notice is counted; on every other date the terms as written change.
 */
interface PlanTransition {
  readonly date: string;
  readonly noticed: string | undefined;
  readonly binding?: true;
}

/**
 * Foreseen = the plan's formula changes within a week before the observed change (no sales on the first days
 * of a new period) and the new formula reproduces the new charges (within tolerance). A change observed before
 * the plan's date is early, so not in the plan, but its notice is still judged: notice is honoured when the
 * `noticed` date is at least `notice` days before the observed change, null when the plan does not say. A
 * change the plan never foresees was by definition not announced.
 */
function foreseen(
  plan: FeePlan | undefined,
  group: FormulaGroup,
  segment: FormulaSegment,
  end: number,
): { inPlan: boolean | null; noticeHonoured: boolean | null } {
  if (plan === undefined) return { inPlan: null, noticeHonoured: null };
  const changeDay = dayNumber(segment.date);
  const sample = group.lines.slice(segment.start, Math.min(end, segment.start + CHECK_LINES));
  // The plan foresaw a change when its written terms change there, told in time or not (noticeHonoured says
  // which); at a raise's binding date, when the terms it binds change.
  const reproduces = (date: string, binding: boolean): boolean =>
    sample.every((line) => {
      const quote = quoteFee(plan, {
        amountFen: line.amountFen,
        channel: group.channel,
        card: group.card,
        date,
      });
      if (!quote.ok) return false;
      const feeFen = binding ? quote.feeFen : (quote.deferred?.feeFen ?? quote.feeFen);
      return Math.abs(feeFen - line.feeFen) <= plan.toleranceFen;
    });
  const near = planTransitions(plan)
    .map((transition) => ({ transition, lag: changeDay - dayNumber(transition.date) }))
    .filter(({ lag }) => Math.abs(lag) <= NEAR_DAYS)
    // On time or late before early, then the closest.
    .sort((a, b) => Number(a.lag < 0) - Number(b.lag < 0) || Math.abs(a.lag) - Math.abs(b.lag));
  for (const { transition, lag } of near) {
    // The formula must really change there for this card (a period may only reprice other cards), and, for a
    // late change, still be in force on the day it was observed.
    const binding = transition.binding === true;
    if (!reproduces(transition.date, binding) || reproduces(addDays(transition.date, -1), binding)) continue;
    if (lag >= 0 && !reproduces(segment.date, binding)) continue;
    return {
      inPlan: lag >= 0,
      noticeHonoured:
        transition.noticed === undefined
          ? null
          : changeDay - dayNumber(transition.noticed) >= plan.noticeDays,
    };
  }
  return { inPlan: false, noticeHonoured: false };
}

/**
 * Every date on which the period in force can change: a period's `from`, and the day after its `until`, when
 * an earlier open period takes over again. The notice is the starting period's `noticed`, else that of the
 * period ending the day before: a promo's end date was told with the promo. A raise told late also changes on
 * the day its notice has run (bindingFrom), when the audit starts pricing it.
 */
function planTransitions(plan: FeePlan): PlanTransition[] {
  const dates = new Set<string>();
  for (const period of plan.periods) {
    dates.add(period.from);
    if (period.until !== undefined) dates.add(addDays(period.until, 1));
  }
  const out: PlanTransition[] = [];
  for (const date of dates) {
    const starting = periodInForce(plan, date);
    const previous = periodInForce(plan, addDays(date, -1));
    if (starting === previous) continue;
    const ended = plan.periods.find((p) => p.until !== undefined && addDays(p.until, 1) === date);
    out.push({ date, noticed: (starting?.from === date ? starting.noticed : undefined) ?? ended?.noticed });
  }
  // A raise announced late binds only once its notice has run (quoteFee defers it): a provider that waits until
  // then changes on that day, as the plan foresees.
  for (const period of plan.periods) {
    const binding = bindingFrom(plan, period);
    if (binding !== undefined && !dates.has(binding))
      out.push({ date: binding, noticed: period.noticed, binding: true });
  }
  return out;
}
