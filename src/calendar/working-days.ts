import { addDays, weekday } from '../time/shanghai.js';
import { holidayData } from './chinese-days-data.js';

/** A plan's own calendar: dates it declares holidays or make-up workdays, which win over the bundled data. */
export interface CalendarOverrides {
  readonly holidays: readonly string[];
  readonly workdays: readonly string[];
}

/** A date whose working-day status was guessed (Mon–Fri) because no holiday data covers its year. */
export interface CalendarWarning {
  readonly code: 'calendar.no-data';
  readonly year: number;
  readonly zh: string;
  readonly en: string;
}

export interface DayStatus {
  readonly working: boolean;
  /** Where the answer came from: the plan, the bundled data, or the Mon–Fri guess. */
  readonly source: 'plan' | 'data' | 'weekday-guess';
}

/** Whether a local date (`YYYY-MM-DD`) is a Chinese working day, and how that is known. */
export function dayStatus(date: string, overrides?: CalendarOverrides): DayStatus {
  if (overrides !== undefined) {
    if (overrides.workdays.includes(date)) return { working: true, source: 'plan' };
    if (overrides.holidays.includes(date)) return { working: false, source: 'plan' };
  }
  const data = holidayData();
  const year = Number(date.slice(0, 4));
  const day = weekday(date);
  const monToFri = day !== 0 && day !== 6;
  if (year < data.firstYear || year > data.lastYear) {
    // A plan that lists dates of a year has taken charge of that year's calendar.
    const planned =
      overrides !== undefined &&
      [...overrides.holidays, ...overrides.workdays].some((d) => d.startsWith(`${year}-`));
    return { working: monToFri, source: planned ? 'plan' : 'weekday-guess' };
  }
  if (data.workdays.has(date)) return { working: true, source: 'data' };
  if (data.holidays.has(date)) return { working: false, source: 'data' };
  return { working: monToFri, source: 'data' };
}

/** True when the date is a Chinese working day (Mon–Fri outside the data's years). */
export function isWorkingDay(date: string, overrides?: CalendarOverrides): boolean {
  return dayStatus(date, overrides).working;
}

export interface DateWithWarnings {
  readonly date: string;
  readonly warnings: readonly CalendarWarning[];
}

/** The warning for a year without holiday data. */
export function noDataWarning(year: number): CalendarWarning {
  const { firstYear, lastYear } = holidayData();
  return {
    code: 'calendar.no-data',
    year,
    zh: `内置节假日数据只覆盖 ${firstYear}–${lastYear} 年，${year} 年按周一至周五为工作日估算；可在费率方案的 calendar 中补充`,
    en: `bundled holiday data covers ${firstYear}–${lastYear} only; ${year} is assumed Mon–Fri working days (add them under calendar in the plan)`,
  };
}

/**
 * The n-th working day after `date` (n ≥ 1); with n = 0, `date` itself if it is a working day, else the next one.
 * @example addWorkingDays('2026-09-30', 1).date === '2026-10-08' (National Day holiday 10-01…10-07)
 */
export function addWorkingDays(date: string, n: number, overrides?: CalendarOverrides): DateWithWarnings {
  const guessed = new Set<number>();
  const working = (d: string) => {
    const status = dayStatus(d, overrides);
    if (status.source === 'weekday-guess') guessed.add(Number(d.slice(0, 4)));
    return status.working;
  };
  let current = date;
  if (n <= 0) {
    while (!working(current)) current = addDays(current, 1);
  } else {
    let left = n;
    while (left > 0) {
      current = addDays(current, 1);
      if (working(current)) left -= 1;
    }
  }
  return { date: current, warnings: [...guessed].sort((a, b) => a - b).map(noDataWarning) };
}
