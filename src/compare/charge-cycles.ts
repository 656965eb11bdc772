import { daysInMonth } from '../time/shanghai.js';

/**
 * The date `months` calendar months after `date`, on the same day of the month or the month's last day when it is
 * shorter (a charge billed on the 31st falls on 02-28).
 * @example addMonths('2027-01-31', 1) → '2027-02-28'
 */
export function addMonths(date: string, months: number): string {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(year, month));
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * How many times a charge billed every `months` months, first on `anchor`, falls due on or before `last`: the
 * cycles that start on anchor, anchor + months, anchor + 2 × months … (each counted from the anchor, so a day
 * cut short by February does not drift). 0 when the anchor is after `last`.
 * @example cyclesDue('2027-07-01', '2027-12-31', 1) → 6 (July … December); with 3 → 2 (July, October)
 */
export function cyclesDue(anchor: string, last: string, months: number): number {
  let n = 0;
  while (addMonths(anchor, n * months) <= last) n++;
  return n;
}
