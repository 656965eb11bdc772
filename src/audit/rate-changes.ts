import { quoteFee } from '../plans/expected-fee.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { CardType, Channel } from '../records/vocabulary.js';
import { dayNumber } from '../time/shanghai.js';
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

/** A plan period starting this many days from an observed change counts as the plan foreseeing it. */
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
 * Foreseen = a plan period starting within a week of the change whose rule reproduces the new charges (within
 * tolerance). Notice is honoured when that period's `noticed` date is at least `notice` days before it starts;
 * an unforeseen change was by definition not announced.
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
  for (const period of plan.periods) {
    if (Math.abs(dayNumber(period.from) - changeDay) > NEAR_DAYS) continue;
    const reproduces = sample.every((line) => {
      const quote = quoteFee(plan, {
        amountFen: line.amountFen,
        channel: group.channel,
        card: group.card,
        date: period.from,
      });
      return quote.ok && quote.period === period && Math.abs(quote.feeFen - line.feeFen) <= plan.toleranceFen;
    });
    if (!reproduces) continue;
    if (period.noticed === undefined) return { inPlan: true, noticeHonoured: null };
    return {
      inPlan: true,
      noticeHonoured: dayNumber(period.from) - dayNumber(period.noticed) >= plan.noticeDays,
    };
  }
  return { inPlan: false, noticeHonoured: false };
}
