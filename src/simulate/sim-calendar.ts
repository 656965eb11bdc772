import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { addDays, weekday } from '../time/shanghai.js';

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let data: { holidays: Set<string>; workdays: Set<string> } | undefined;

// Read the package's data file directly: the simulator must not share the audit's calendar code.
function load(): NonNullable<typeof data> {
  if (data) return data;
  const require = createRequire(import.meta.url);
  const path = require.resolve('chinese-days/dist/chinese-days.json');
  const raw = JSON.parse(readFileSync(path, 'utf8')) as ChineseDaysData;
  const holidays = new Set(Object.keys(raw.holidays));
  const workdays = new Set(Object.keys(raw.workdays));
  data = { holidays, workdays };
  return data;
}

/** Whether a date is a Chinese working day (official holidays and make-up workdays; Mon–Fri outside the data). */
export function isSimWorkingDay(date: string): boolean {
  const { holidays, workdays } = load();
  if (workdays.has(date)) return true;
  if (holidays.has(date)) return false;
  const day = weekday(date);
  return day !== 0 && day !== 6;
}

const NEXT_CACHE = new Map<string, string>();

/** The n-th working day after `date` (n ≥ 1). */
export function nextWorkingDay(date: string, n = 1): string {
  const key = `${date}|${n}`;
  const cached = NEXT_CACHE.get(key);
  if (cached !== undefined) return cached;
  let current = date;
  let left = n;
  while (left > 0) {
    current = addDays(current, 1);
    if (isSimWorkingDay(current)) left -= 1;
  }
  if (NEXT_CACHE.size > 100_000) NEXT_CACHE.clear();
  NEXT_CACHE.set(key, current);
  return current;
}
