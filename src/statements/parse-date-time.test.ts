import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, daysInMonth, todayInShanghai, wallTimeToIso } from '../time/shanghai.js';
import {
  hasNoYear,
  parseClock,
  parseDateTime,
  parseLocalDate,
  parseLocalDateAfter,
  parseWallTime,
  wallTimeFromExcelDate,
} from './parse-date-time.js';

const p2 = (n: number) => String(n).padStart(2, '0');
const wall = fc
  .record({
    year: fc.integer({ min: 1990, max: 2199 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
  })
  .map((t) => ({ ...t, day: Math.min(t.day, daysInMonth(t.year, t.month)) }));
const iso = (t: { year: number; month: number; day: number; hour: number; minute: number; second: number }) =>
  `${t.year}-${p2(t.month)}-${p2(t.day)}T${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}+08:00`;

describe('parseDateTime', () => {
  it('reads the examples from the statements', () => {
    expect(parseDateTime('2026-10-01 12:00:00')).toEqual({ ok: true, value: '2026-10-01T12:00:00+08:00' });
    expect(parseDateTime('2026/10/01 12:00')).toEqual({ ok: true, value: '2026-10-01T12:00:00+08:00' });
    expect(parseDateTime('20261001')).toEqual({ ok: true, value: '2026-10-01T00:00:00+08:00' });
    expect(parseDateTime('2026-10-01T12:00:00')).toEqual({ ok: true, value: '2026-10-01T12:00:00+08:00' });
    expect(parseDateTime('2019-10-12 03:33:36.0')).toEqual({ ok: true, value: '2019-10-12T03:33:36+08:00' });
    expect(parseDateTime('2018-07-3116:07:27')).toEqual({ ok: true, value: '2018-07-31T16:07:27+08:00' });
    expect(parseDateTime('`2026-10-01 12:00:00')).toEqual({ ok: true, value: '2026-10-01T12:00:00+08:00' });
    expect(parseDateTime('2026年10月1日 9:05')).toEqual({ ok: true, value: '2026-10-01T09:05:00+08:00' });
    expect(parseDateTime('20261001120005')).toEqual({ ok: true, value: '2026-10-01T12:00:05+08:00' });
    // The fast path for `YYYY-MM-DD hh:mm:ss` knows leap years: 2028 and 2000 have 29 February, 2100 does not.
    expect(parseDateTime('2028-02-29 23:59:59')).toEqual({ ok: true, value: '2028-02-29T23:59:59+08:00' });
    expect(parseDateTime('2000-02-29T00:00:00')).toEqual({ ok: true, value: '2000-02-29T00:00:00+08:00' });
    expect(parseDateTime('2100-02-29 00:00:00')).toMatchObject({ ok: false });
  });

  it('converts a time written with an explicit offset to Shanghai time', () => {
    const v = (value: string) => ({ ok: true, value });
    expect(parseDateTime('2026-08-31T20:00:00Z')).toEqual(v('2026-09-01T04:00:00+08:00'));
    expect(parseDateTime('2026-08-31T20:00:00+00:00')).toEqual(v('2026-09-01T04:00:00+08:00'));
    expect(parseDateTime('2026-08-31T20:00:00.250Z')).toEqual(v('2026-09-01T04:00:00.250+08:00'));
    expect(parseDateTime('2026-08-31T20:00:00+0800')).toEqual(v('2026-08-31T20:00:00+08:00'));
    expect(parseDateTime('2026-08-31T20:00:00+08:00')).toEqual(v('2026-08-31T20:00:00+08:00'));
    expect(parseDateTime('2026-08-31T20:00:00-05:00')).toEqual(v('2026-09-01T09:00:00+08:00'));
    expect(parseDateTime('2026-12-31 23:30:00 +05:30')).toEqual(v('2027-01-01T02:00:00+08:00'));
    expect(parseLocalDate('2026-08-31T20:00:00Z')).toEqual(v('2026-09-01'));
    expect(parseDateTime('2026-08-31T20:00:00+25:00')).toMatchObject({ ok: false });
  });

  it('rejects impossible and unreadable values with a code', () => {
    expect(parseDateTime('2026-02-30 12:00:00')).toMatchObject({
      ok: false,
      problem: { code: 'time.impossible' },
    });
    expect(parseDateTime('2026-10-01 24:00:00')).toMatchObject({
      ok: false,
      problem: { code: 'time.impossible' },
    });
    expect(parseDateTime('yesterday')).toMatchObject({ ok: false, problem: { code: 'time.invalid' } });
    expect(parseDateTime('1001120000')).toMatchObject({ ok: false, problem: { code: 'time.no-year' } });
  });

  it('places MMDDhhmmss in the 364 days up to the reference date', () => {
    expect(parseDateTime('1231235959', '2027-01-02')).toEqual({
      ok: true,
      value: '2026-12-31T23:59:59+08:00',
    });
    expect(parseDateTime('0102080000', '2027-01-02')).toEqual({
      ok: true,
      value: '2027-01-02T08:00:00+08:00',
    });
    // 29 February only exists in a leap year: 2028 is one, 2027 is not.
    expect(parseDateTime('0229120000', '2028-03-01')).toEqual({
      ok: true,
      value: '2028-02-29T12:00:00+08:00',
    });
    expect(parseDateTime('0229120000', '2027-03-01')).toMatchObject({ ok: false });
  });

  it('gives the same answer on the fast path for YYYY-MM-DD hh:mm:ss as the general parser', () => {
    // 19 characters drawn mostly from digits and the separators the fast path checks, so that it is taken often
    // and refused often (bad digits, bad days, bad separators).
    const char = fc.constantFrom('0', '1', '2', '3', '5', '9', '-', ':', ' ', 'T', '/', '０');
    const text = fc.oneof(
      wall.map((t) => iso(t).slice(0, 19).replace('T', ' ')),
      fc.array(char, { minLength: 19, maxLength: 19 }).map((a) => a.join('')),
      fc
        .tuple(
          fc.integer({ min: 1900, max: 2300 }),
          fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 5, maxLength: 5 }),
        )
        .map(
          ([y, [mo, d, h, mi, s]]) =>
            `${y}-${p2(mo ?? 0)}-${p2(d ?? 0)} ${p2(h ?? 0)}:${p2(mi ?? 0)}:${p2(s ?? 0)}`,
        ),
    );
    fc.assert(
      fc.property(text, (t) => {
        const general = parseWallTime(t);
        expect(parseDateTime(t)).toEqual(
          general.ok ? { ok: true, value: wallTimeToIso(general.value) } : general,
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips every wall time in four spellings', () => {
    fc.assert(
      fc.property(wall, (t) => {
        const want = { ok: true, value: iso(t) };
        const date = `${t.year}-${p2(t.month)}-${p2(t.day)}`;
        const clock = `${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`;
        expect(parseDateTime(`${date} ${clock}`)).toEqual(want);
        expect(parseDateTime(`${date.replaceAll('-', '/')} ${clock}.0`)).toEqual(want);
        expect(parseDateTime(`${date.replaceAll('-', '')}${clock.replaceAll(':', '')}`)).toEqual(want);
        expect(parseDateTime(`${date}${clock}`)).toEqual(want);
      }),
    );
  });

  it('finds the year of MMDDhhmmss for any day 0–364 days before the reference', () => {
    fc.assert(
      fc.property(wall, fc.integer({ min: 0, max: 364 }), (t, back) => {
        const ref = `${t.year}-${p2(t.month)}-${p2(t.day)}`;
        const date = addDays(ref, -back);
        const text = `${date.slice(5, 7)}${date.slice(8, 10)}${p2(t.hour)}${p2(t.minute)}${p2(t.second)}`;
        const r = parseDateTime(text, ref);
        expect(r).toEqual({ ok: true, value: `${date}T${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}+08:00` });
        expect(dayNumber(ref) - dayNumber(date)).toBe(back);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.constant('2026-10-01'), { nil: undefined }), (s, ref) => {
        const r = parseDateTime(s, ref);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

describe('parseLocalDate and parseClock', () => {
  it('reads dates and clocks alone', () => {
    expect(parseLocalDate('2026/1/5')).toEqual({ ok: true, value: '2026-01-05' });
    expect(parseLocalDate('1005', '2026-10-06')).toEqual({ ok: true, value: '2026-10-05' });
    expect(parseClock('9:05')).toEqual({ ok: true, value: { hour: 9, minute: 5, second: 0 } });
    expect(parseClock('120005')).toEqual({ ok: true, value: { hour: 12, minute: 0, second: 5 } });
    expect(parseClock('25:00:00')).toMatchObject({ ok: false });
  });

  it('reads a 12-hour clock marked 上午/下午 or AM/PM, before or after the clock', () => {
    const v = (value: string) => ({ ok: true, value });
    expect(parseDateTime('2026-08-03 下午 03:05:00')).toEqual(v('2026-08-03T15:05:00+08:00'));
    expect(parseDateTime('2026-08-03 03:05:00 下午')).toEqual(v('2026-08-03T15:05:00+08:00'));
    expect(parseDateTime('2026/8/3 上午 12:30')).toEqual(v('2026-08-03T00:30:00+08:00'));
    expect(parseDateTime('2026-08-03 下午 12:30:00')).toEqual(v('2026-08-03T12:30:00+08:00'));
    expect(parseDateTime('2026-08-03 中午 1:00')).toEqual(v('2026-08-03T13:00:00+08:00'));
    expect(parseDateTime('2026-08-03 3:05:00 PM')).toEqual(v('2026-08-03T15:05:00+08:00'));
    expect(parseDateTime('2026年8月3日下午3时05分')).toEqual(v('2026-08-03T15:05:00+08:00'));
    // Java's KK clock (0–11): 下午 00:30 is half past noon.
    expect(parseDateTime('2026-08-03 下午 00:30:00')).toEqual(v('2026-08-03T12:30:00+08:00'));
    expect(parseDateTime('2026-08-03 下午 15:05:00')).toEqual(v('2026-08-03T15:05:00+08:00'));
    expect(parseDateTime('2026-08-03 上午 15:05:00')).toMatchObject({ ok: false });
    expect(parseDateTime('2026-08-03 下午')).toMatchObject({ ok: false });
    expect(parseClock('下午 3:05')).toEqual({ ok: true, value: { hour: 15, minute: 5, second: 0 } });
    expect(parseClock('12:05:00 AM')).toEqual({ ok: true, value: { hour: 0, minute: 5, second: 0 } });
  });

  it('reads hours and minutes written with 时 and 分 but no seconds', () => {
    expect(parseDateTime('2026年8月3日 12时05分')).toEqual({ ok: true, value: '2026-08-03T12:05:00+08:00' });
    expect(parseDateTime('2026年8月3日12时05分30秒')).toEqual({
      ok: true,
      value: '2026-08-03T12:05:30+08:00',
    });
    expect(parseClock('9时05分')).toEqual({ ok: true, value: { hour: 9, minute: 5, second: 0 } });
    expect(parseDateTime('2026年8月3日 12时05分分')).toMatchObject({ ok: false });
  });
});

describe('a settlement date without a year, after its trade date (parseLocalDateAfter)', () => {
  it('takes the trade’s year, or the next when the day is past in it', () => {
    const v = (value: string) => ({ ok: true, value });
    expect(parseLocalDateAfter('1103', '2026-11-02')).toEqual(v('2026-11-03'));
    expect(parseLocalDateAfter('0104', '2026-12-31')).toEqual(v('2027-01-04'));
    expect(parseLocalDateAfter('1231', '2026-12-31')).toEqual(v('2026-12-31'));
    expect(parseLocalDateAfter('1230', '2026-12-31')).toEqual(v('2027-12-30'));
    expect(parseLocalDateAfter('1月4日', '2026-12-31')).toEqual(v('2027-01-04'));
    expect(parseLocalDateAfter('01-04', '2026-12-31')).toEqual(v('2027-01-04'));
    expect(parseLocalDateAfter('0104093012', '2026-12-31')).toEqual(v('2027-01-04'));
    expect(parseLocalDateAfter('０１０４', '2026-12-31')).toEqual(v('2027-01-04'));
    expect(parseLocalDateAfter('0229', '2027-03-01')).toEqual(v('2028-02-29'));
    // A date with its year is read as written, whatever the trade date.
    expect(parseLocalDateAfter('2026-11-01', '2026-11-02')).toEqual(v('2026-11-01'));
    expect(parseLocalDateAfter('0229', '2027-01-15')).toEqual({
      ok: false,
      problem: {
        code: 'time.no-year',
        zh: '“0229”没有年份，交易日期 2027-01-15 之后一年内没有这一天',
        en: '"0229" has no year, and no such day falls within a year after the trade date 2027-01-15',
      },
    });
    expect(parseLocalDateAfter('1301', '2026-11-02')).toMatchObject({
      ok: false,
      problem: { code: 'time.impossible' },
    });
    expect(parseLocalDateAfter('0104256000', '2026-12-31')).toMatchObject({
      ok: false,
      problem: { code: 'time.impossible' },
    });
  });

  it('is the day written, never before the trade date and less than a year after it (property)', () => {
    const spellings = (date: string) => {
      const [mm = '', dd = ''] = [date.slice(5, 7), date.slice(8, 10)];
      return [`${mm}${dd}`, `${mm}-${dd}`, `${Number(mm)}月${Number(dd)}日`, `${mm}${dd}235959`];
    };
    fc.assert(
      fc.property(wall, fc.integer({ min: 0, max: 364 }), fc.nat(3), (t, after, how) => {
        const trade = `${t.year}-${p2(t.month)}-${p2(t.day)}`;
        fc.pre(t.year < 2199);
        const settle = addDays(trade, after);
        const r = parseLocalDateAfter(spellings(settle)[how] ?? '', trade);
        expect(r).toEqual({ ok: true, value: settle });
      }),
      { numRuns: 2000 },
    );
    // Any month and day at all: read on or after the trade date and within a year, or refused (29 February).
    fc.assert(
      fc.property(wall, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (t, month, day) => {
        fc.pre(t.year < 2199 && day <= daysInMonth(2000, month));
        const trade = `${t.year}-${p2(t.month)}-${p2(t.day)}`;
        const r = parseLocalDateAfter(`${p2(month)}${p2(day)}`, trade);
        if (!r.ok) {
          expect([month, day, r.problem.code]).toEqual([2, 29, 'time.no-year']);
          return;
        }
        expect(r.value.slice(5)).toBe(`${p2(month)}-${p2(day)}`);
        const gap = dayNumber(r.value) - dayNumber(trade);
        expect(gap).toBeGreaterThanOrEqual(0);
        expect(gap).toBeLessThanOrEqual(365);
        // Closest: the year before would put it before the trade date.
        const before = `${Number(r.value.slice(0, 4)) - 1}${r.value.slice(4)}`;
        if (daysInMonth(Number(before.slice(0, 4)), month) >= day) expect(before < trade).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('tells the dates without a year from those with one (hasNoYear)', () => {
    for (const text of ['1103', '0104', '11-03', '1/4', '11月3日', '1103093012', '１１０３'])
      expect([text, hasNoYear(text)]).toEqual([text, true]);
    for (const text of [
      '2026-11-03',
      '20261103',
      '2026/1/4',
      '2026年1月4日',
      '26-11-03',
      '20261103093012',
      '46237',
    ])
      expect([text, hasNoYear(text)]).toEqual([text, false]);
    fc.assert(
      fc.property(wall, (t) => {
        const date = `${t.year}-${p2(t.month)}-${p2(t.day)}`;
        for (const text of [date, date.replaceAll('-', ''), date.replaceAll('-', '/'), `${date} 10:00:00`])
          expect(hasNoYear(text)).toBe(false);
        expect(hasNoYear(date.slice(5).replace('-', ''))).toBe(true);
      }),
    );
  });
});

describe('a two-digit year', () => {
  it('reads yy-MM-dd and yy/MM/dd as 20yy when the year comes first and is above 12', () => {
    const v = (value: string) => ({ ok: true, value });
    expect(parseDateTime('26-11-02 10:00:00')).toEqual(v('2026-11-02T10:00:00+08:00'));
    expect(parseDateTime('26/11/02 11:00:00')).toEqual(v('2026-11-02T11:00:00+08:00'));
    expect(parseDateTime('26-11-2 10:00')).toEqual(v('2026-11-02T10:00:00+08:00'));
    expect(parseDateTime('26/1/5')).toEqual(v('2026-01-05T00:00:00+08:00'));
    expect(parseDateTime('26-11-02T10:00:00.0')).toEqual(v('2026-11-02T10:00:00+08:00'));
    expect(parseDateTime('26-11-02 下午 3:05')).toEqual(v('2026-11-02T15:05:00+08:00'));
    expect(parseLocalDate('26-11-03')).toEqual(v('2026-11-03'));
    expect(parseDateTime('26-11-02 10:00', '2026-11-03')).toEqual(v('2026-11-02T10:00:00+08:00'));
  });

  it('refuses what could be day or month first, and a year-first reading that is no date', () => {
    for (const text of ['02/11/26', '11/02/26 10:00', '12-11-26', '00-01-01', '26/13/02', '26-02-30']) {
      expect(parseDateTime(text)).toEqual({
        ok: false,
        problem: {
          code: 'time.two-digit-year',
          zh: `“${text}”的年份只有两位，读不出哪个数是年、哪个是月和日（如 02/11/26 可以是 2002年11月26日、2026年11月2日或 2026年2月11日）：请导出带四位年份的日期（如 2026-11-02）`,
          en: `"${text}" has a two-digit year, and which number is the year, the month and the day cannot be told (02/11/26 may be 2002-11-26, 2026-11-02 or 2026-02-11): export dates with a four-digit year (e.g. 2026-11-02)`,
        },
      });
    }
    // Day first past the 12th: year first it is 2031, years from the reference date it is read against.
    expect(parseDateTime('31/12/26 10:00', '2027-01-04')).toMatchObject({
      ok: false,
      problem: { code: 'time.two-digit-year' },
    });
    expect(parseDateTime('26-11-02 24:00')).toMatchObject({
      ok: false,
      problem: { code: 'time.impossible' },
    });
    // Mixed separators, dots (dd.MM.yy) and a glued clock are no two-digit year.
    for (const text of ['26-11/02', '26.11.02', '26-11-0210:00', '2-11-02', '026-11-02'])
      expect(parseDateTime(text)).toMatchObject({ ok: false, problem: { code: 'time.invalid' } });
  });

  it('round-trips every date of 2013–2099 in its two-digit spellings (property)', () => {
    fc.assert(
      fc.property(wall, (t) => {
        fc.pre(t.year >= 2013 && t.year <= 2099);
        const yy = p2(t.year % 100);
        // A text that is also a British day-first date of another day is read year first only when that is a
        // recent date (parse-date-day-first-years.test.ts); the reading with a reference date still holds.
        const dayFirst = new Date(Date.UTC(2000 + t.day, t.month - 1, t.year % 100));
        const otherDay = t.day >= 13 && dayFirst.getUTCDate() === t.year % 100 && t.day !== t.year % 100;
        const today = todayInShanghai();
        const recent = iso(t).slice(0, 10) <= today && iso(t).slice(0, 10) >= addDays(today, -3 * 366);
        if (otherDay && !recent) {
          expect(parseDateTime(`${yy}/${p2(t.month)}/${p2(t.day)}`, iso(t).slice(0, 10))).toMatchObject({
            ok: true,
          });
          return;
        }
        const want = { ok: true, value: iso(t) };
        const clock = `${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`;
        expect(parseDateTime(`${yy}-${p2(t.month)}-${p2(t.day)} ${clock}`)).toEqual(want);
        expect(parseDateTime(`${yy}/${t.month}/${t.day} ${t.hour}:${p2(t.minute)}:${p2(t.second)}`)).toEqual(
          want,
        );
        expect(parseLocalDate(`${yy}-${t.month}-${t.day}`)).toEqual({ ok: true, value: iso(t).slice(0, 10) });
        // With its own day as the reference, as a row's settlement date would be.
        expect(parseDateTime(`${yy}/${p2(t.month)}/${p2(t.day)} ${clock}`, iso(t).slice(0, 10))).toEqual(
          want,
        );
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), wall, (yy, t) => {
        expect(parseDateTime(`${p2(yy)}-${p2(t.month)}-${p2(t.day)}`)).toMatchObject({
          ok: false,
          problem: { code: 'time.two-digit-year' },
        });
      }),
    );
  });
});

describe('wallTimeFromExcelDate', () => {
  it('takes the displayed parts of an Excel date, whatever the machine TZ', () => {
    expect(wallTimeFromExcelDate(new Date(Date.UTC(2026, 9, 1, 12, 0, 0)))).toBe('2026-10-01T12:00:00+08:00');
    // Float noise from the serial rounds to the second.
    expect(wallTimeFromExcelDate(new Date(Date.UTC(2026, 9, 1, 12, 0, 0) - 1))).toBe(
      '2026-10-01T12:00:00+08:00',
    );
  });
});
