import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, todayInShanghai } from '../time/shanghai.js';
import { parseDateTime, parseLocalDate } from './parse-date-time.js';

// A first number of 13–31 in a two-digit-year date may be a year (26-11-02, year first as Chinese dates are
// written) or a day (31/12/26, a British day-first date). Both readings of `31/12/26` are real dates (2031-12-26
// and 2026-12-31): it was read as 2031-12-26 without a word. Such a text is read only when one reading alone is
// a date in the years a two-digit year is read as (2013–2099), or when a reference date (the row's settlement
// date, the title's month, the file's date) puts the year-first reading near it and nearer than the other.

const p2 = (n: number) => String(n).padStart(2, '0');
const unclear = { ok: false, problem: { code: 'time.two-digit-year' } };

describe('a two-digit year that may be day first', () => {
  it('is refused without a reference date when both readings are dates and the year-first one is not recent', () => {
    for (const text of ['31/12/26', '31/12/26 10:00', '31-12-26 10:00:00', '13/11/26', '28/02/27 下午 3:05'])
      expect([text, parseDateTime(text)]).toMatchObject([text, unclear]);
    expect(parseLocalDate('31/12/26')).toMatchObject(unclear);
    expect(parseDateTime('31/12/26')).not.toEqual({ ok: true, value: '2031-12-26T00:00:00+08:00' });
  });

  it('is refused when the reference date is nearer the day-first reading, or far from both', () => {
    expect(parseDateTime('31/12/26 10:00', '2027-01-04')).toMatchObject(unclear);
    expect(parseDateTime('31/12/26 10:00', '2026-12-31')).toMatchObject(unclear);
    expect(parseDateTime('31/12/26 10:00', '2029-06-30')).toMatchObject(unclear);
  });

  it('is read year first when the reference date is near that reading and nearer than the other', () => {
    expect(parseDateTime('31/12/26 10:00', '2031-12-27')).toEqual({
      ok: true,
      value: '2031-12-26T10:00:00+08:00',
    });
  });

  it('is read as it is when one reading alone is a date of 2013–2099, or both are the same day', () => {
    const v = (value: string) => ({ ok: true, value });
    // Day first, 26-11-02 would be 2002; 26/11/26 is 26 November 2026 either way.
    expect(parseDateTime('26-11-02 10:00')).toEqual(v('2026-11-02T10:00:00+08:00'));
    expect(parseDateTime('26/11/26')).toEqual(v('2026-11-26T00:00:00+08:00'));
    // Day first, 31/04/26 is no date (April has 30 days): 2031-04-26.
    expect(parseDateTime('31/04/26')).toEqual(v('2031-04-26T00:00:00+08:00'));
    // A one-digit last number is no two-digit year.
    expect(parseDateTime('26/1/5')).toEqual(v('2026-01-05T00:00:00+08:00'));
  });

  it('is read year first without a reference when that is a date of the last three years, as Chinese exports write it', () => {
    // The 15th of a month about 13 months back, e.g. 25-11-15: day first it would be 2015-11-25, long past.
    const recent = `${addDays(todayInShanghai(), -400).slice(0, 8)}15`;
    const text = `${recent.slice(2, 4)}-${recent.slice(5, 7)}-15 10:00`;
    expect(parseDateTime(text)).toEqual({ ok: true, value: `${recent}T10:00:00+08:00` });
  });

  it('is never read year first, without a reference, when the day-first reading is another real date and the year-first one is not recent (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 13, max: 31 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 13, max: 31 }),
        fc.constantFrom('/', '-'),
        (first, month, last, sep) => {
          const dayFirst = new Date(Date.UTC(2000 + last, month - 1, first));
          const yearFirst = new Date(Date.UTC(2000 + first, month - 1, last));
          const yearFirstIso = yearFirst.toISOString().slice(0, 10);
          const today = todayInShanghai();
          const recent = yearFirstIso <= today && yearFirstIso >= addDays(today, -3 * 366);
          fc.pre(dayFirst.getUTCDate() === first && first !== last && !recent);
          expect(parseDateTime(`${p2(first)}${sep}${p2(month)}${sep}${p2(last)}`)).toMatchObject(unclear);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
