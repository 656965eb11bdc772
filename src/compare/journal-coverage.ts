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
 * The days each journal file covers. A file whose title declares its period (`declared`, e.g. 交易日期：2026-09-01
 * 至 2026-09-30) covers that period, widened to its own records should any lie outside it. Otherwise it covers the
 * whole calendar months its records span — journals are exported by month, and a quiet shop's first sale of the
 * month is seldom on the 1st — but no day after `today` (Asia/Shanghai; a file covers no day after it was
 * exported), and always up to its last record.
 * @example two sales on 2026-11-14 and 2026-11-16 → the file covers 2026-11-01 … 2026-11-30
 */
export function journalCoverage(
  records: readonly PosRecord[],
  options: { today?: string; declared?: ReadonlyMap<string, DayRange> } = {},
): Map<string, DayRange> {
  const today = options.today ?? todayInShanghai();
  const dateOf = localDateMemo();
  const spans = new Map<string, [string, string]>();
  for (const r of records) {
    if (r.kind !== 'terminal') continue;
    const date = dateOf(r.time);
    const span = spans.get(r.source.file);
    if (span === undefined) spans.set(r.source.file, [date, date]);
    else {
      if (date < span[0]) span[0] = date;
      if (date > span[1]) span[1] = date;
    }
  }
  const out = new Map<string, DayRange>();
  for (const [file, [first, last]] of spans) {
    const declared = options.declared?.get(file);
    if (declared !== undefined) {
      out.set(file, [earliest(first, declared[0]), latest(last, declared[1])]);
      continue;
    }
    out.set(file, [monthStart(first), latest(last, earliest(monthEnd(last), today))]);
  }
  return out;
}

/** The earlier of two YYYY-MM-DD dates. */
function earliest(a: string, b: string): string {
  return a <= b ? a : b;
}

/** The later of two YYYY-MM-DD dates. */
function latest(a: string, b: string): string {
  return a >= b ? a : b;
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
