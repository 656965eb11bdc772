import { bindingFrom, periodInForce, quoteFee } from '../plans/expected-fee.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { CardType, Channel } from '../records/vocabulary.js';
import { addDays, dayNumber } from '../time/shanghai.js';
import {
  type DatedFeeLine,
  detectFormulaChanges,
  type FormulaSegment,
  MIN_CHANGE_LINES,
} from './detect-formula-changes.js';
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

/** What a segment is to the changes reported: a lasting change, an episode that ended, or the end of one. */
type SegmentRole =
  | { readonly kind: 'lasting' }
  | { readonly kind: 'episode'; readonly end: number }
  | { readonly kind: 'return' };

/**
 * The rate changes of one group, with whether the plan foresaw each and whether notice was honoured. A formula
 * that the provider later leaves again for the one before it (or for the contract's) was an episode — a surcharge
 * on a day or two — reported once with its last day (`until`); the segment going back is its end, no change of
 * its own. A lasting change counts every sale from its date to the next lasting change, episodes on top included.
 */
export function rateChangesOf(
  merchantId: string | undefined,
  group: FormulaGroup,
  plan: FeePlan | undefined,
): RateChange[] {
  const { segments } = group;
  const conforms = segments.map((_, k) => plan !== undefined && conformsToPlan(plan, group, k));
  const roles = segmentRoles(group, conforms);
  const out: RateChange[] = [];
  for (let k = 1; k < segments.length; k += 1) {
    const role = roles[k];
    const segment = segments[k];
    const previous = segments[k - 1];
    if (role === undefined || role.kind === 'return' || segment === undefined || previous === undefined)
      continue;
    const before = previous.set.best();
    const after = segment.set.best();
    if (before === undefined || after === undefined) continue;
    const end = endLine(group, roles, k);
    const found = foreseen(plan, group, segment, end);
    // A formula the contract itself gives is in the plan whether or not a plan date lies near: a provider going
    // back to the contract, or applying it late, charges what was agreed.
    const { inPlan, noticeHonoured } =
      found.inPlan !== true && conforms[k] === true ? { inPlan: true, noticeHonoured: null } : found;
    const beforeLines = group.lines.slice(previous.start, segment.start);
    const afterLines = group.lines.slice(segment.start, end);
    // A cap one side cannot show is unknown there, and then neither side's cap is told (RateChange.afterCapUnknown).
    const beforeCapUnknown = capUnseen(before, after, beforeLines);
    const afterCapUnknown = capUnseen(after, before, afterLines);
    const lastLine = group.lines[end - 1];
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
      ...(before.capFen !== undefined && !afterCapUnknown ? { beforeCapFen: before.capFen } : {}),
      ...(after.capFen !== undefined && !beforeCapUnknown ? { afterCapFen: after.capFen } : {}),
      ...(beforeCapUnknown ? { beforeCapUnknown: true as const } : {}),
      ...(afterCapUnknown ? { afterCapUnknown: true as const } : {}),
      transactions: end - segment.start,
      inPlan,
      noticeHonoured,
      ...(role.kind === 'episode' && lastLine !== undefined ? { until: lastLine.date } : {}),
    });
  }
  return out;
}

/**
 * Each segment's role, given which segments keep to the contract (`conforms`). Segment k deviates from segment k − 1; the first later segment that segment k − 1's formula
 * produces again (or that the contract produces, when segment k − 1 kept to it and segment k did not) ends it as
 * an episode. Inside
 * an episode every deviation is an episode as well, ending at the latest with it; outside, a deviation never
 * undone is a lasting change.
 */
function segmentRoles(group: FormulaGroup, conforms: readonly boolean[]): SegmentRole[] {
  const { segments } = group;
  const roles: SegmentRole[] = segments.map(() => ({ kind: 'lasting' }));
  // Back to the contract ends only a deviation from it: a change the plan foresaw is no episode because the
  // contract is kept again after a later deviation.
  const returnsTo = (j: number, k: number): boolean =>
    (conforms[k - 1] === true && conforms[k] !== true && conforms[j] === true) ||
    producesSegment(group, k - 1, j);
  const scan = (first: number, limit: number, nested: boolean): void => {
    let k = first;
    while (k < limit) {
      // A change to the contract's formula (a promo the plan gives, and its end) is the plan's own change, told
      // as such, never an episode.
      if (!nested && conforms[k] === true) {
        k += 1;
        continue;
      }
      let j = k + 1;
      while (j < limit && !returnsTo(j, k)) j += 1;
      if (j < limit || nested) {
        roles[k] = { kind: 'episode', end: j };
        if (j < limit) roles[j] = { kind: 'return' };
        scan(k + 1, j, true);
        k = j + 1;
      } else {
        k += 1;
      }
    }
  };
  scan(1, segments.length, false);
  return roles;
}

/** The line index where segment k's change stops: its episode's end, else the next lasting change's start. */
function endLine(group: FormulaGroup, roles: readonly SegmentRole[], k: number): number {
  const role = roles[k];
  const startOf = (j: number) => group.segments[j]?.start ?? group.lines.length;
  if (role?.kind === 'episode') return startOf(role.end);
  for (let j = k + 1; j < roles.length; j += 1) if (roles[j]?.kind === 'lasting') return startOf(j);
  return group.lines.length;
}

/** The lines of segment k, as indices [start, end). */
function segmentLines(group: FormulaGroup, k: number): DatedFeeLine[] {
  const start = group.segments[k]?.start ?? group.lines.length;
  const end = group.segments[k + 1]?.start ?? group.lines.length;
  return group.lines.slice(start, end);
}

/**
 * Whether segment i's formula produces segment j's lines under some rounding mode, but for fewer strays than a
 * change needs: the provider went back to it.
 */
function producesSegment(group: FormulaGroup, i: number, j: number): boolean {
  const set = group.segments[i]?.set;
  if (set === undefined) return false;
  let strays = 0;
  for (const line of segmentLines(group, j)) {
    if (set.producesUnderAnyMode(line)) continue;
    strays += 1;
    if (strays >= MIN_CHANGE_LINES) return false;
  }
  return true;
}

/** Whether the contract, on each line's own date, quotes segment k's fees within tolerance, but for strays. */
function conformsToPlan(plan: FeePlan, group: FormulaGroup, k: number): boolean {
  let strays = 0;
  for (const line of segmentLines(group, k)) {
    const quote = quoteFee(plan, {
      amountFen: line.amountFen,
      channel: group.channel,
      card: group.card,
      date: line.date,
    });
    const ok =
      quote.ok &&
      (Math.abs(quote.feeFen - line.feeFen) <= plan.toleranceFen ||
        Math.abs((quote.deferred?.feeFen ?? quote.feeFen) - line.feeFen) <= plan.toleranceFen);
    if (ok) continue;
    strays += 1;
    if (strays >= MIN_CHANGE_LINES) return false;
  }
  return true;
}

/**
 * Whether a side without a cap only looks so: the other side has one, and no line of this side charged a
 * percentage above it, so none would have been capped — the lines cannot tell a cap from none.
 */
function capUnseen(side: Formula, other: Formula, lines: readonly DatedFeeLine[]): boolean {
  if (side.capFen !== undefined || other.capFen === undefined) return false;
  const cap = other.capFen;
  return !lines.some((line) => line.feeFen - side.fixedFen > cap);
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
