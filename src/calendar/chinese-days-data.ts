import { createRequire } from 'node:module';

interface ChineseDaysJson {
  readonly holidays: Readonly<Record<string, string>>;
  readonly workdays: Readonly<Record<string, string>>;
}

/** The State Council's published holidays and make-up workdays, as bundled by the `chinese-days` package. */
export interface HolidayData {
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
  /** First and last year the data covers; outside them only Mon–Fri is known. */
  readonly firstYear: number;
  readonly lastYear: number;
}

let cached: HolidayData | undefined;

/** Loads the bundled holiday data once (a JSON file; the package's own API re-parses dates on every call). */
export function holidayData(): HolidayData {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const json = require('chinese-days/dist/chinese-days.json') as ChineseDaysJson;
  const holidays = new Set(Object.keys(json.holidays));
  const workdays = new Set(Object.keys(json.workdays));
  const years = [...holidays, ...workdays].map((date) => Number(date.slice(0, 4)));
  cached = { holidays, workdays, firstYear: Math.min(...years), lastYear: Math.max(...years) };
  return cached;
}
