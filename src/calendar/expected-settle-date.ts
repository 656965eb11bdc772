import type { FeePlan } from '../plans/plan-types.js';
import { addDays } from '../time/shanghai.js';
import { addWorkingDays, type DateWithWarnings } from './working-days.js';

/**
 * The date the plan's settlement cycle pays a sale made on `tradeLocalDate`.
 * Dn is n natural days later (D0 the same day). Tn is the n-th Chinese working day after the trade date (a sale
 * on a holiday settles T1 on the first working day after it); T0 is the trade date when it is a working day,
 * otherwise the next working day, because same-day payout does not run on holidays.
 * @example expectedSettleDate({ settlement: { basis: 'T', days: 1 } }, '2026-09-30').date === '2026-10-08'
 */
export function expectedSettleDate(
  plan: Pick<FeePlan, 'settlement' | 'calendar'>,
  tradeLocalDate: string,
): DateWithWarnings {
  const { basis, days } = plan.settlement;
  if (basis === 'D') return { date: addDays(tradeLocalDate, days), warnings: [] };
  return addWorkingDays(tradeLocalDate, days, plan.calendar);
}
