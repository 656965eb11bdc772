/**
 * China has kept UTC+8 without daylight saving since 1991, so wall time in Asia/Shanghai is a fixed offset.
 * Everything here is pure arithmetic and independent of the machine's TZ.
 */
export const SHANGHAI_OFFSET = '+08:00';
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

const pad = (n: number, width = 2) => n.toString().padStart(width, '0');

/** True when the parts name a real calendar date and clock time. */
export function isValidWallTime(t: WallTime): boolean {
  const { year, month, day, hour = 0, minute = 0, second = 0 } = t;
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  if (day > daysInMonth(year, month)) return false;
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Shanghai wall time → ISO 8601 with the +08:00 offset: `2026-10-01T12:00:00+08:00`. */
export function wallTimeToIso(t: WallTime): string {
  const ms = t.millisecond ? `.${pad(t.millisecond, 3)}` : '';
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour ?? 0)}:${pad(t.minute ?? 0)}:${pad(t.second ?? 0)}${ms}${SHANGHAI_OFFSET}`;
}

const WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** Milliseconds since the epoch of an ISO time (with an offset, or without one as Shanghai wall time). */
export function isoToEpochMs(iso: string): number {
  // A date and time without an offset is Shanghai wall time, as everywhere in posguard: Date.parse would read
  // it in the process's own zone, and a server running in UTC would move an evening sale to the next day.
  const ms = Date.parse(WITHOUT_ZONE.test(iso) ? `${iso}${SHANGHAI_OFFSET}` : iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO time: ${iso}`);
  return ms;
}

/**
 * An ISO date-time as stored: one written without an offset is Shanghai wall time and gets +08:00, so that no
 * later reader takes it in its own process's zone; one with an offset is kept as written.
 */
export function withShanghaiOffset(iso: string): string {
  return WITHOUT_ZONE.test(iso) ? `${iso}${SHANGHAI_OFFSET}` : iso;
}

/** A Date's UTC fields as wall time (the milliseconds only when there are any). */
export function wallTimeOfUtcFields(d: Date): WallTime {
  const t: WallTime = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  if (d.getUTCMilliseconds() !== 0) t.millisecond = d.getUTCMilliseconds();
  return t;
}

/** The Shanghai wall time of an epoch instant. */
export function wallTimeAtEpochMs(ms: number): WallTime {
  return wallTimeOfUtcFields(new Date(ms + OFFSET_MS));
}

/** An epoch instant → Shanghai ISO time. */
export function epochMsToIso(ms: number): string {
  return wallTimeToIso(wallTimeAtEpochMs(ms));
}

/** The Shanghai local date (`YYYY-MM-DD`) of an ISO time, whatever offset it was written with. */
export function localDateOf(iso: string): string {
  if (iso.endsWith(SHANGHAI_OFFSET) && iso.length >= 10) return iso.slice(0, 10);
  return epochMsToIso(isoToEpochMs(iso)).slice(0, 10);
}

/** The Shanghai wall clock `HH:MM` of an ISO time, whatever offset it was written with. */
export function localHhmmOf(iso: string): string {
  return new Date(isoToEpochMs(iso) + OFFSET_MS).toISOString().slice(11, 16);
}

/** Shanghai local date of an epoch instant. */
export function localDateOfEpoch(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date, for date arithmetic without time zones. */
export function dayNumber(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a date: ${date}`);
  return Math.round(ms / DAY_MS);
}

export function dateFromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateFromDayNumber(dayNumber(date) + days);
}

/** Day of week of a date, 0 = Sunday. */
export function weekday(date: string): number {
  return (dayNumber(date) + 4) % 7;
}

/** Today's date in Shanghai. */
export function todayInShanghai(now: number = Date.now()): string {
  return localDateOfEpoch(now);
}

/**
 * localDateOf for a stream of times that mostly share a day (a sorted statement): remembers the last date, so
 * a day's thousands of lines cost one conversion.
 */
export function localDateMemo(): (iso: string) => string {
  let last = '';
  return (iso) => {
    if (last.length === 10 && iso.endsWith(SHANGHAI_OFFSET) && iso.startsWith(last)) return last;
    last = localDateOf(iso);
    return last;
  };
}
