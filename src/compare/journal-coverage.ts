import type { PosRecord } from '../records/index.js';
import {
  dateFromDayNumber,
  dayNumber,
  daysInMonth,
  localDateMemo,
  todayInShanghai,
} from '../time/shanghai.js';

/** Days from `from` to `to`, both included (local dates, YYYY-MM-DD). */
export type DayRange = readonly [from: string, to: string];

/** The days a set of journals covers: first and last day, and how many days (gaps between files left out). */
export interface CoveredPeriod {
  from: string;
  to: string;
  days: number;
}

/** The first day of the date's month. */
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** The last day of the date's month. */
export function monthEnd(date: string): string {
  const day = daysInMonth(Number(date.slice(0, 4)), Number(date.slice(5, 7)));
  return `${date.slice(0, 7)}-${String(day).padStart(2, '0')}`;
}

/** The first day of the month `months` before the date's (0: its own month). */
export function monthStartBefore(date: string, months: number): string {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 - months;
  const year = Math.floor(index / 12);
  return `${year}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * A file needs at least this many days with lines before its own rhythm says anything about the days around them:
 * two sales in a November journal are still a month's (the shop is quiet), not the 14th to the 16th.
 */
export const MIN_RHYTHM_DAYS = 7;

/** What else is known of each file: the period its title declares, the day it was exported, today. */
export interface CoverageOptions {
  /** Asia/Shanghai date the comparison runs (default: today): no file covers a later day. */
  today?: string;
  /** Per file, the period its title declares (交易日期：2026-09-01 至 2026-09-30; periodOfTitle). */
  declared?: ReadonlyMap<string, DayRange>;
  /** Per file, the day its title says it was exported (导出时间：2026-11-15 10:22; exportDateOfTitle). */
  exported?: ReadonlyMap<string, string>;
}

/**
 * The days each journal file covers, over its lines of every kind and merchant (an agent's file of a month covers
 * that month for each of its shops):
 * - a file whose title declares its period covers that period (widened to lines outside it);
 * - otherwise the whole calendar months its lines span — journals are exported by month, and a quiet shop's first
 *   sale of the month is seldom on the 1st — except that a file with lines on at least MIN_RHYTHM_DAYS days covers
 *   no silent days at either end that are more than its longest silence between two days with lines: a shop that
 *   sold every day from 10-01 to 11-14 and then "nothing" to 11-30 was exported on the 15th, not closed;
 * - either way no day after the export (the export day itself only when the file has lines on it: it is partly
 *   covered), nor after `today`;
 * - and always every day from its first line to its last.
 * The volumes are annualised over these days and the fixed charges counted per year, so a day wrongly counted as
 * covered understates the percentage fees against the fixed ones.
 * @example daily sales 2026-10-01 … 2026-11-14, title 导出时间：2026-11-15 → 2026-10-01 … 2026-11-14 (45 days, not 61)
 * @example two sales on 2026-11-14 and 2026-11-16 → 2026-11-01 … 2026-11-30
 */
export function journalCoverage(
  records: readonly PosRecord[],
  options: CoverageOptions = {},
): Map<string, DayRange> {
  const today = options.today ?? todayInShanghai();
  const dateOf = localDateMemo();
  const daysOf = new Map<string, Set<number>>();
  for (const r of records) {
    if (r.kind !== 'terminal') continue;
    const day = dayNumber(dateOf(r.time));
    const days = daysOf.get(r.source.file);
    if (days === undefined) daysOf.set(r.source.file, new Set([day]));
    else days.add(day);
  }
  const out = new Map<string, DayRange>();
  for (const [file, set] of daysOf) {
    const days = [...set].sort((a, b) => a - b);
    const first = days[0] ?? 0;
    const last = days[days.length - 1] ?? 0;
    // The last day the file can hold: the day before its export (the export day when it has lines on it), today.
    let cap = dayNumber(today);
    const exported = options.exported?.get(file);
    if (exported !== undefined) cap = Math.min(cap, dayNumber(exported) - 1);
    const declared = options.declared?.get(file);
    let from: number;
    let to: number;
    if (declared !== undefined) {
      from = dayNumber(declared[0]);
      to = Math.min(dayNumber(declared[1]), cap);
    } else {
      from = dayNumber(monthStart(dateFromDayNumber(first)));
      to = Math.min(dayNumber(monthEnd(dateFromDayNumber(last))), cap);
      if (days.length >= MIN_RHYTHM_DAYS) {
        const quiet = longestSilence(days);
        if (first - from > quiet) from = first;
        if (to - last > quiet) to = last;
      }
    }
    out.set(file, [dateFromDayNumber(Math.min(from, first)), dateFromDayNumber(Math.max(to, last))]);
  }
  return out;
}

/** The most days in a row without a line between two days with lines (0 for lines on consecutive days). */
function longestSilence(sortedDays: readonly number[]): number {
  let longest = 0;
  for (let i = 1; i < sortedDays.length; i++)
    longest = Math.max(longest, (sortedDays[i] ?? 0) - (sortedDays[i - 1] ?? 0) - 1);
  return longest;
}

/** The union of day ranges: its first and last day and how many days it holds; null for none. */
export function periodOf(ranges: readonly DayRange[]): CoveredPeriod | null {
  const sorted = ranges
    .map(([a, b]) => [dayNumber(a), dayNumber(b)] as const)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0]);
  const first = sorted[0];
  if (first === undefined) return null;
  let days = 0;
  let [from, to] = first;
  const start = from;
  let end = to;
  for (const [a, b] of sorted.slice(1)) {
    if (a > to + 1) {
      days += to - from + 1;
      [from, to] = [a, b];
    } else if (b > to) to = b;
    if (b > end) end = b;
  }
  days += to - from + 1;
  return { from: dateFromDayNumber(start), to: dateFromDayNumber(end), days };
}
