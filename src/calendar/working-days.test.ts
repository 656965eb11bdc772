import { describe, expect, it } from 'vitest';
import { holidayData } from './chinese-days-data.js';
import { addWorkingDays, dayStatus, isWorkingDay } from './working-days.js';

describe('isWorkingDay with the bundled 2026 holidays', () => {
  it('knows the bundled data covers 2004 to 2026', () => {
    expect(holidayData()).toMatchObject({ firstYear: 2004, lastYear: 2026 });
  });

  it('treats the National Day holiday 2026-10-01…10-07 as days off', () => {
    for (const day of ['01', '02', '03', '04', '05', '06', '07'])
      expect(isWorkingDay(`2026-10-${day}`)).toBe(false);
    expect(isWorkingDay('2026-10-08')).toBe(true); // Thursday after the holiday
  });

  it('treats the make-up Saturday 2026-10-10 as a working day and an ordinary Saturday as not', () => {
    expect(isWorkingDay('2026-10-10')).toBe(true);
    expect(isWorkingDay('2026-10-17')).toBe(false);
  });

  it('lets the plan override the data both ways', () => {
    const overrides = { holidays: ['2026-10-08'], workdays: ['2026-10-17'] };
    expect(isWorkingDay('2026-10-08', overrides)).toBe(false);
    expect(isWorkingDay('2026-10-17', overrides)).toBe(true);
    expect(dayStatus('2026-10-08', overrides).source).toBe('plan');
  });

  it('falls back to Mon–Fri outside the data and says so', () => {
    expect(dayStatus('2027-01-01')).toEqual({ working: true, source: 'weekday-guess' }); // a Friday
    expect(dayStatus('2027-01-02')).toEqual({ working: false, source: 'weekday-guess' }); // a Saturday
  });
});

describe('addWorkingDays', () => {
  it('counts T1 from 2026-09-30 across National Day to 2026-10-08', () => {
    expect(addWorkingDays('2026-09-30', 1)).toEqual({ date: '2026-10-08', warnings: [] });
  });

  it('counts the make-up Saturday: 2026-10-09 + 1 working day is 2026-10-10', () => {
    expect(addWorkingDays('2026-10-09', 1).date).toBe('2026-10-10');
    expect(addWorkingDays('2026-10-09', 2).date).toBe('2026-10-12');
  });

  it('with n = 0 keeps a working day and moves a holiday to the next working day', () => {
    expect(addWorkingDays('2026-09-30', 0).date).toBe('2026-09-30');
    expect(addWorkingDays('2026-10-03', 0).date).toBe('2026-10-08');
  });

  it('warns once per year when it has to guess Mon–Fri', () => {
    // 2026-12-31 is a Thursday; 2027-01-01 is a Friday, guessed a working day (in reality New Year's Day).
    const result = addWorkingDays('2026-12-31', 2);
    expect(result.date).toBe('2027-01-04');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ code: 'calendar.no-data', year: 2027 });
    expect(result.warnings[0]?.en).toContain('2004–2026');
  });

  it('does not warn for a year the plan took charge of', () => {
    const overrides = { holidays: ['2027-01-01'], workdays: [] };
    expect(addWorkingDays('2026-12-31', 1, overrides)).toEqual({ date: '2027-01-04', warnings: [] });
  });
});
