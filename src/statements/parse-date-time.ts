import { fail, ok, type Parsed, stripCellDecoration, toHalfWidth } from '../money/index.js';
import {
  dayNumber,
  isValidWallTime,
  todayInShanghai,
  type WallTime,
  wallTimeAtEpochMs,
  wallTimeOfUtcFields,
  wallTimeToIso,
} from '../time/shanghai.js';

/** Clock parts of a time of day. */
export interface Clock {
  hour: number;
  minute: number;
  second: number;
}

const DATE_TIME =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]*(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?|分)?(?:\.(\d{1,9}))?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** A 12-hour clock's marker, before or after the clock (not inside a date). */
const MERIDIEM = /(?<=^|[\s\d日])(上午|下午|中午|晚上|凌晨|早上|AM|PM|am|pm|a\.m\.|p\.m\.)(?=$|[\s\d])/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,9}))?)?$/;
/** A month and day without a year (`10月12日`, `10-12`, `10/12`), with an optional clock as DATE_TIME has it. */
const MONTH_DAY =
  /^(\d{1,2})(?:月(\d{1,2})日?|[-/](\d{1,2}))(?:[ T]*(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?|分)?(?:\.\d{1,9})?)?$/;
/**
 * A two-digit year first, as 20yy (`26-11-02`, `26/11/2 10:00`): the same separator twice, then a clock as DATE_TIME
 * has it after at least one space or a T. Which of its numbers is the year is decided in shortYear.
 */
const SHORT_YEAR =
  /^(\d{2})([-/])(\d{1,2})\2(\d{1,2})(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?|分)?(?:\.(\d{1,9}))?)?$/;
/** Dates without a year as a settlement date column writes them: MMDD, MMDDhhmmss. */
const MMDD = /^(\d{2})(\d{2})$/;
const MMDD_CLOCK = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
/** A month-day more than this many days after its reference is of the year before (a January statement's December). */
const MONTH_DAY_AHEAD_DAYS = 183;
const CLOCK = /^(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?|分)?(?:\.\d{1,9})?$|^(\d{2})(\d{2})(\d{2})$/;

function badTime(text: string): Parsed<never> {
  return fail(
    'time.invalid',
    `“${text}”不是可识别的日期时间（如 2026-10-01 12:00:00）`,
    `"${text}" is not a date and time (expected e.g. 2026-10-01 12:00:00)`,
  );
}

/** A two-digit year whose place among the numbers cannot be told (02/11/26), or whose year-first reading is no date. */
function unclearShortYear(text: string): Parsed<never> {
  return fail(
    'time.two-digit-year',
    `“${text}”的年份只有两位，读不出哪个数是年、哪个是月和日（如 02/11/26 可以是 2002年11月26日、2026年11月2日或 2026年2月11日）：请导出带四位年份的日期（如 2026-11-02）`,
    `"${text}" has a two-digit year, and which number is the year, the month and the day cannot be told (02/11/26 may be 2002-11-26, 2026-11-02 or 2026-02-11): export dates with a four-digit year (e.g. 2026-11-02)`,
  );
}

function impossible(text: string): Parsed<never> {
  return fail('time.impossible', `“${text}”不是真实存在的日期时间`, `"${text}" is not a real date or time`);
}

function fromParts(text: string, parts: (string | undefined)[]): Parsed<WallTime> {
  const [y, mo, d, h, mi, s, frac, offset] = parts;
  const t: WallTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: h === undefined ? 0 : Number(h),
    minute: mi === undefined ? 0 : Number(mi),
    second: s === undefined ? 0 : Number(s),
  };
  // A Java `.0` suffix and sub-second digits carry no information a statement needs; keep milliseconds only.
  if (frac !== undefined && /[1-9]/.test(frac.slice(0, 3)))
    t.millisecond = Number(frac.slice(0, 3).padEnd(3, '0'));
  if (!isValidWallTime(t)) return impossible(text);
  return offset === undefined ? ok(t) : toShanghai(text, t, offset);
}

/**
 * Wall time written with an explicit offset (`Z`, `+00:00`, `+0800`, `-05`) → the same instant in Shanghai
 * wall time. A value without an offset is already Shanghai time.
 */
function toShanghai(text: string, t: WallTime, offset: string): Parsed<WallTime> {
  let offsetMinutes = 0;
  if (offset !== 'Z') {
    const hours = Number(offset.slice(1, 3));
    const minutes = offset.length > 3 ? Number(offset.slice(-2)) : 0;
    if (hours > 14 || minutes > 59) return impossible(text);
    offsetMinutes = (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const written = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond ?? 0);
  const r = wallTimeAtEpochMs(written - offsetMinutes * 60_000);
  return isValidWallTime(r) ? ok(r) : impossible(text);
}

/**
 * Parses a statement's date-time into Shanghai wall time: `2026-10-01 12:00:00`, `2026/10/01 12:00`,
 * `20261001`, `20261001120000`, `2026-10-01T12:00:00`, a Java `.0` suffix, Leshua's glued `2018-07-3116:07:27`,
 * `2026年10月1日 12:00`, a two-digit year first (`26-11-02`, `26/11/2 10:00`, see shortYear); `MMDDhhmmss` (no
 * year) takes the year that puts it within the 364 days up to `referenceDate` (a settlement or file date), and is
 * rejected without one.
 */
export function parseWallTime(raw: string, referenceDate?: string): Parsed<WallTime> {
  const text = stripCellDecoration(toHalfWidth(raw)).replace(/\s+/g, ' ');
  if (text === '') return fail('time.empty', '日期时间为空', 'the date-time is empty');
  const half = MERIDIEM.exec(text);
  if (half?.[1] !== undefined) return twelveHour(text, half[1], half.index, half[0].length, referenceDate);
  return wallTimeOf(text, referenceDate);
}

/**
 * 上午/下午 (AM/PM) with a 12-hour clock, as Java's `a hh:mm:ss` writes under a Chinese locale: 下午 03:05 is
 * 15:05, 上午 12:30 is 00:30, 中午 1:00 is 13:00. An hour past 12 beside the marker is taken as written when the
 * marker agrees with it (下午 15:05) and is refused when it does not (上午 15:05).
 */
function twelveHour(
  text: string,
  marker: string,
  at: number,
  length: number,
  referenceDate: string | undefined,
): Parsed<WallTime> {
  const rest = `${text.slice(0, at)} ${text.slice(at + length)}`.replace(/\s+/g, ' ').trim();
  const r = wallTimeOf(rest, referenceDate);
  if (!r.ok) return r.problem.code === 'time.invalid' ? badTime(text) : r;
  if (!/[:时]|\d{6}$/.test(rest)) return badTime(text);
  const hour = hourOf12(r.value.hour ?? 0, marker);
  return hour === undefined ? impossible(text) : ok({ ...r.value, hour });
}

/** The 24-hour hour of a 12-hour clock's hour and its marker, or undefined when they disagree. */
function hourOf12(hour: number, marker: string): number | undefined {
  const pm = /^(?:下午|晚上|pm|p\.m\.)$/i.test(marker);
  const noon = marker === '中午';
  if (hour > 12) return pm || noon ? hour : undefined;
  // Java's KK clock counts 0–11: 下午 00:30 is 12:30.
  if (pm && hour < 12) return hour + 12;
  if (noon && hour < 11) return hour + 12;
  if (!pm && !noon && hour === 12) return 0;
  return hour;
}

function wallTimeOf(text: string, referenceDate?: string): Parsed<WallTime> {
  let m = DATE_TIME.exec(text);
  if (m) return fromParts(text, m.slice(1));
  // Leshua's documentation glues date and time: 2018-07-3116:07:27.
  m = /^(\d{4})-(\d{2})-(\d{2})(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(text);
  if (m) return fromParts(text, m.slice(1));
  m = COMPACT.exec(text);
  if (m) return fromParts(text, m.slice(1));
  m = MMDD_CLOCK.exec(text);
  if (m) return withoutYear(text, m.slice(1).map(Number), referenceDate);
  m = MONTH_DAY.exec(text);
  if (m) return monthDay(text, m, referenceDate);
  m = SHORT_YEAR.exec(text);
  if (m) return shortYear(text, m, referenceDate);
  return badTime(text);
}

/**
 * `26-11-02`, `26/11/2 10:00`: year first, as Chinese dates are written, in 20yy. Only a first number above 12
 * is taken for the year: one of 12 or less may as well be the month of an American `11/02/26` (Excel's short
 * date under en-US) or the day of a British `02/11/26`, and a wrong guess would move a sale by months or years,
 * so it is refused, as is a text whose year-first reading is no date (`26/13/02`, `26/02/30`). A first number of
 * 13–31 may also be the day of a British date of the same years (`31/12/26`: 2031-12-26 year first, 2026-12-31
 * day first; `26-11-02` day first would be 2002, before any two-digit year read here): then the year-first
 * reading is taken when a reference date (the row's settlement date, the title's month, the file's date) is
 * within a year of it and nearer to it than the day-first one, or, without a reference, when it is a date of the
 * last three years (recentDate); the text is refused otherwise.
 */
function shortYear(text: string, m: RegExpExecArray, referenceDate: string | undefined): Parsed<WallTime> {
  if (Number(m[1]) <= 12) return unclearShortYear(text);
  const r = fromParts(text, [`20${m[1]}`, m[3], m[4], m[5], m[6], m[7], m[8], undefined]);
  if (!r.ok) {
    const real = isValidWallTime({ year: 2000 + Number(m[1]), month: Number(m[3]), day: Number(m[4]) });
    return real ? r : unclearShortYear(text);
  }
  const date = wallTimeToIso(r.value).slice(0, 10);
  const dayFirst = dayFirstDate(m);
  const other = dayFirst === date ? undefined : dayFirst;
  if (referenceDate === undefined)
    return other === undefined || recentDate(date) ? r : unclearShortYear(text);
  const distance = Math.abs(dayNumber(date) - dayNumber(referenceDate));
  if (distance > 366) return unclearShortYear(text);
  if (other !== undefined && Math.abs(dayNumber(other) - dayNumber(referenceDate)) <= distance)
    return unclearShortYear(text);
  return r;
}

/** Years back from today in which a two-digit year read year first is taken without a reference date. */
const RECENT_YEARS = 3;

/**
 * Whether a date lies in the last RECENT_YEARS years up to today (Shanghai): an export lists past sales, and a
 * recent year-first reading is the Chinese way of writing (`26-11-15`), while its day-first reading (2015-11-26)
 * would be old. A future year-first reading (`31/12/26` → 2031) is a British date, or a typo, not a sale.
 */
function recentDate(date: string): boolean {
  const today = todayInShanghai();
  return date <= today && dayNumber(today) - dayNumber(date) <= RECENT_YEARS * 366;
}

/**
 * The `YYYY-MM-DD` a SHORT_YEAR match is as a day-first date (dd/MM/yy), when that is a real date in the years a
 * two-digit year is read as (2013–2099, as year first); undefined otherwise.
 */
function dayFirstDate(m: RegExpExecArray): string | undefined {
  const yy = m[4] ?? '';
  if (yy.length !== 2 || Number(yy) <= 12) return undefined;
  const t = { year: 2000 + Number(yy), month: Number(m[3]), day: Number(m[1]) };
  return isValidWallTime(t) ? wallTimeToIso(t).slice(0, 10) : undefined;
}

/**
 * `10月12日 10:00` or `10-12`: the reference's year (a settlement date, the title's month, the file's date), or
 * the year before when that puts the day more than MONTH_DAY_AHEAD_DAYS after the reference.
 */
function monthDay(text: string, m: RegExpExecArray, referenceDate: string | undefined): Parsed<WallTime> {
  if (referenceDate === undefined) {
    return fail(
      'time.no-year',
      `“${text}”没有年份，文件中也没有可推算年份的结算日期或标题年月：请导出带年份的日期，或在表格上方加一行写明年月的标题（如“2026年10月结算明细”）`,
      `"${text}" has no year, and the file gives no settlement date or titled month to take it from: export dates with their year, or add a title line above the table naming the month (e.g. "2026年10月结算明细")`,
    );
  }
  const month = Number(m[1]);
  const day = Number(m[2] ?? m[3]);
  const clock = { hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0) };
  const refYear = Number(referenceDate.slice(0, 4));
  let t: WallTime = { year: refYear, month, day, ...clock };
  const date = `${refYear}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (isValidWallTime(t) && dayNumber(date) - dayNumber(referenceDate) > MONTH_DAY_AHEAD_DAYS)
    t = { ...t, year: refYear - 1 };
  // 29 February of the year that does not have one stays impossible.
  return isValidWallTime(t) ? ok(t) : impossible(text);
}

function withoutYear(text: string, parts: number[], referenceDate?: string): Parsed<WallTime> {
  if (referenceDate === undefined) {
    return fail(
      'time.no-year',
      `“${text}”没有年份，且文件中没有可推算年份的结算日期`,
      `"${text}" has no year and the file gives no settlement date to infer it from`,
    );
  }
  const [month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  const refYear = Number(referenceDate.slice(0, 4));
  const refDay = dayNumber(referenceDate);
  for (const year of [refYear, refYear - 1]) {
    const t: WallTime = { year, month, day, hour, minute, second };
    if (!isValidWallTime(t)) continue;
    const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const diff = refDay - dayNumber(date);
    if (diff >= 0 && diff <= 364) return ok(t);
  }
  // 29 February in a year that does not have one, or a date after the reference.
  return impossible(text);
}

function digitsAt(text: string, start: number, count: number): number {
  let v = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** `2026-10-01 12:00:00` exactly, checked without regular expressions: the shape of most big files. */
function fastIso(text: string): string | undefined {
  if (text.length !== 19) return undefined;
  const sep = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (sep !== 32 && sep !== 84)) return undefined;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  // The same bounds as isValidWallTime, without building a Date per row.
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > monthLength(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  // Built from character codes rather than cut from the row: a cell of a file with Chinese text is a two-byte
  // string, and a record keeps its time for the whole audit (48 bytes instead of 72 per record). The digits were
  // checked above, so copying them gives what formatting the numbers would (years 1970–2200 have four digits);
  // String.fromCharCode makes one flat one-byte string at once, about five times faster than a template
  // literal, whose pieces V8 would otherwise join (flatten) on first use.
  return String.fromCharCode(
    text.charCodeAt(0),
    text.charCodeAt(1),
    text.charCodeAt(2),
    text.charCodeAt(3),
    45, // -
    text.charCodeAt(5),
    text.charCodeAt(6),
    45, // -
    text.charCodeAt(8),
    text.charCodeAt(9),
    84, // T
    text.charCodeAt(11),
    text.charCodeAt(12),
    58, // :
    text.charCodeAt(14),
    text.charCodeAt(15),
    58, // :
    text.charCodeAt(17),
    text.charCodeAt(18),
    43, // +
    48, // 0
    56, // 8
    58, // :
    48, // 0
    48, // 0
  );
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function monthLength(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1] ?? 0;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Parses a date-time to an ISO string with +08:00 (see parseWallTime). */
export function parseDateTime(raw: string, referenceDate?: string): Parsed<string> {
  const fast = fastIso(raw);
  if (fast !== undefined) return ok(fast);
  const r = parseWallTime(raw, referenceDate);
  return r.ok ? ok(wallTimeToIso(r.value)) : r;
}

/** Parses a date alone (a settlement date, the date column of a split date/time) to `YYYY-MM-DD`. */
export function parseLocalDate(raw: string, referenceDate?: string): Parsed<string> {
  const text = stripCellDecoration(toHalfWidth(raw));
  const m = MMDD.exec(text);
  const r = m
    ? withoutYear(text, [Number(m[1]), Number(m[2]), 0, 0, 0], referenceDate)
    : parseWallTime(text, referenceDate);
  if (!r.ok) return r;
  return ok(wallTimeToIso(r.value).slice(0, 10));
}

/**
 * Whether a date is written without its year (`1103`, `1103093012`, `11-03`, `11月3日`), so that the year must
 * come from elsewhere: a settlement date's from its row's trade date (parseLocalDateAfter).
 */
export function hasNoYear(raw: string): boolean {
  // Most dates open with a four-digit year and a separator, or are YYYYMMDD: told without a regular expression,
  // as this runs on every row of a statement.
  const n = raw.length;
  if (n >= 8 && digitsAt(raw, 0, 4) >= 0) {
    const c = raw.charCodeAt(4);
    if (n === 8 || c < 48 || c > 57) return false;
  }
  const text = stripCellDecoration(toHalfWidth(raw)).replace(/\s+/g, ' ');
  return MMDD.test(text) || MMDD_CLOCK.test(text) || MONTH_DAY.test(text);
}

/**
 * A settlement date as parseLocalDate reads it, except that one without a year (`1103`, `0104`, `11-03`, `11月3日`,
 * `1103093012`) takes the year that puts it on or after the row's own trade date (`YYYY-MM-DD`) and closest to
 * it: a sale of 2026-11-02 settled `1103` was paid on 2026-11-03, one of 2026-12-31 settled `0104` on 2027-01-04.
 * A settlement pays for sales already made, days after them; the title's month (a statement of November may
 * list a sale of 31 December settled in January) or the file's date is only a guess for a row without its own
 * trade date. A day no year puts within a year after the trade date (29 February, three years off) is refused.
 */
export function parseLocalDateAfter(raw: string, tradeDate: string): Parsed<string> {
  const text = stripCellDecoration(toHalfWidth(raw)).replace(/\s+/g, ' ');
  let parts: number[] | undefined;
  const m = MMDD.exec(text) ?? MMDD_CLOCK.exec(text);
  if (m) parts = m.slice(1).map(Number);
  else {
    const md = MONTH_DAY.exec(text);
    if (md) parts = [md[1], md[2] ?? md[3], md[4] ?? 0, md[5] ?? 0, md[6] ?? 0].map(Number);
  }
  if (parts === undefined) return parseLocalDate(raw);
  const [month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  // 2000 had a 29 February: a day and clock that fail there exist in no year.
  if (!isValidWallTime({ year: 2000, month, day, hour, minute, second })) return impossible(text);
  const tradeYear = Number(tradeDate.slice(0, 4));
  const tradeDay = dayNumber(tradeDate);
  // The trade's year when the day is not yet past in it, else the next (29 February may be in neither).
  for (const year of [tradeYear, tradeYear + 1]) {
    const t: WallTime = { year, month, day, hour, minute, second };
    if (!isValidWallTime(t)) continue;
    const date = wallTimeToIso(t).slice(0, 10);
    const after = dayNumber(date) - tradeDay;
    if (after >= 0 && after <= 365) return ok(date);
  }
  return fail(
    'time.no-year',
    `“${text}”没有年份，交易日期 ${tradeDate} 之后一年内没有这一天`,
    `"${text}" has no year, and no such day falls within a year after the trade date ${tradeDate}`,
  );
}

/** Parses a time of day: `12:00:00`, `12:00`, `120000`, `12时00分`. */
export function parseClock(raw: string): Parsed<Clock> {
  if (raw.length === 8 && raw.charCodeAt(2) === 58 && raw.charCodeAt(5) === 58) {
    const hour = digitsAt(raw, 0, 2);
    const minute = digitsAt(raw, 3, 2);
    const second = digitsAt(raw, 6, 2);
    if (hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
      return ok({ hour, minute, second });
    }
  }
  const text = stripCellDecoration(toHalfWidth(raw));
  const half = MERIDIEM.exec(text);
  if (half?.[1] !== undefined) {
    const r = parseClock(`${text.slice(0, half.index)}${text.slice(half.index + half[0].length)}`.trim());
    if (!r.ok) return r;
    const hour = hourOf12(r.value.hour, half[1]);
    return hour === undefined ? impossible(text) : ok({ ...r.value, hour });
  }
  const m = CLOCK.exec(text);
  if (!m) {
    return fail(
      'time.clock',
      `“${text}”不是时刻（如 12:00:00）`,
      `"${text}" is not a time of day (e.g. 12:00:00)`,
    );
  }
  const hour = Number(m[1] ?? m[4]);
  const minute = Number(m[2] ?? m[5]);
  const second = Number(m[3] ?? m[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return impossible(text);
  return ok({ hour, minute, second });
}

/** Joins a `YYYY-MM-DD` date and a clock into an ISO time with +08:00. */
export function joinDateClock(date: string, clock: Clock): string {
  const p = (n: number) => (n < 10 ? `0${n}` : String(n));
  if (date.length === 10) return `${date}T${p(clock.hour)}:${p(clock.minute)}:${p(clock.second)}+08:00`;
  return wallTimeToIso({
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
    ...clock,
  });
}

/**
 * Converts an Excel date cell to Shanghai wall time from the date parts Excel displays. exceljs turns a date
 * serial into a JS Date whose UTC fields are the displayed parts, whatever the machine's TZ.
 */
export function wallTimeFromExcelDate(value: Date): string {
  // Excel stores whole seconds; round away float noise in the serial before taking parts.
  const ms = Math.round(value.getTime() / 1000) * 1000;
  return wallTimeToIso(wallTimeOfUtcFields(new Date(ms)));
}
