import { describe, expect, it } from 'vitest';
import { type PosRecord, RecordSchema } from '../records/index.js';
import { journalCoverage, MIN_RHYTHM_DAYS, monthStartBefore, periodOf } from './journal-coverage.js';
import { merchantHistory } from './merchant-history.js';

/** A successful WeChat sale of `fen` at noon (Asia/Shanghai) on `date`, from `file`. */
function sale(date: string, fen: number, file = 'terminal.csv', ref = `${date}-${fen}`): PosRecord {
  return RecordSchema.parse({
    kind: 'terminal',
    type: 'sale',
    status: 'success',
    time: `${date}T12:00:00+08:00`,
    amountFen: fen,
    channel: 'wechat',
    card: 'unknown',
    terminalId: 'T1',
    refNo: ref,
    source: { file, row: 2 },
  });
}

describe('the days a journal covers', () => {
  it('is the whole calendar month of a November journal with sales on 11-14 and 11-16 (30 days, not 3)', () => {
    const records = [sale('2026-11-14', 50_000), sale('2026-11-16', 50_000)];
    expect(journalCoverage(records, { today: '2026-12-07' }).get('terminal.csv')).toEqual([
      '2026-11-01',
      '2026-11-30',
    ]);
    const h = merchantHistory(records, { today: '2026-12-07' });
    expect(h.spanDays).toBe(3);
    expect(h.period).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
  });

  it('ends today for a journal of the current month, and never before its last line', () => {
    const records = [sale('2026-12-01', 100), sale('2026-12-04', 100)];
    expect(journalCoverage(records, { today: '2026-12-07' }).get('terminal.csv')).toEqual([
      '2026-12-01',
      '2026-12-07',
    ]);
    expect(journalCoverage(records, { today: '2026-12-02' }).get('terminal.csv')).toEqual([
      '2026-12-01',
      '2026-12-04',
    ]);
  });

  it('is the period a title declares, widened to lines outside it', () => {
    const records = [sale('2026-09-03', 100), sale('2026-09-18', 100)];
    const declared = new Map([['terminal.csv', ['2026-09-01', '2026-09-20'] as const]]);
    expect(journalCoverage(records, { today: '2026-12-07', declared }).get('terminal.csv')).toEqual([
      '2026-09-01',
      '2026-09-20',
    ]);
    const late = new Map([['terminal.csv', ['2026-09-05', '2026-09-10'] as const]]);
    expect(journalCoverage(records, { today: '2026-12-07', declared: late }).get('terminal.csv')).toEqual([
      '2026-09-03',
      '2026-09-18',
    ]);
  });

  it('counts the days of each file once, and not the months between two files', () => {
    // October (31 days) and December (31 days) journals: 62 days; November is no file's.
    const records = [sale('2026-10-05', 100, 'oct.csv'), sale('2026-12-05', 100, 'dec.csv')];
    const h = merchantHistory(records, { today: '2027-01-10' });
    expect(h.period).toEqual({ from: '2026-10-01', to: '2026-12-31', days: 62 });
    expect(
      periodOf([
        ['2026-10-01', '2026-10-31'],
        ['2026-10-15', '2026-11-10'],
      ]),
    ).toEqual({
      from: '2026-10-01',
      to: '2026-11-10',
      days: 41,
    });
  });

  it('keeps the last N calendar months with --months, and annualises over those months', () => {
    // A journal of 2026-10-20 … 2026-11-16: --months 1 is November, the month of the last sale (30 days); the
    // October sale is left out.
    const records = [sale('2026-10-20', 100_000), sale('2026-11-14', 50_000), sale('2026-11-16', 50_000)];
    const h = merchantHistory(records, { months: 1, today: '2026-12-07' });
    expect(h.sales.map((s) => s.date)).toEqual(['2026-11-14', '2026-11-16']);
    expect(h.period).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
    const two = merchantHistory(records, { months: 2, today: '2026-12-07' });
    expect(two.sales.length).toBe(3);
    expect(two.period).toEqual({ from: '2026-10-01', to: '2026-11-30', days: 61 });
    expect(monthStartBefore('2026-01-16', 1)).toBe('2025-12-01');
    expect(monthStartBefore('2026-03-31', 0)).toBe('2026-03-01');
  });

  /** A sale of ¥100.00 on each day from `from` for `n` days (every `step` days). */
  function daily(from: string, n: number, step = 1, file = 'terminal.csv'): PosRecord[] {
    const start = Date.parse(`${from}T00:00:00Z`);
    return Array.from({ length: n }, (_, i) =>
      sale(new Date(start + i * step * 86_400_000).toISOString().slice(0, 10), 10_000, file, `r${i}`),
    );
  }

  it('ends the day before the export its title gives, not at the month end: 45 days, not 61', () => {
    // 2026-10-01 … 2026-11-14, a sale a day, exported 2026-11-15 10:22: October 31 + November 14 = 45 days.
    const records = daily('2026-10-01', 45);
    const exported = new Map([['terminal.csv', '2026-11-15']]);
    expect(journalCoverage(records, { today: '2026-12-07', exported }).get('terminal.csv')).toEqual([
      '2026-10-01',
      '2026-11-14',
    ]);
    expect(merchantHistory(records, { today: '2026-12-07' }).period?.days).toBe(45);
    // Lines on the export day itself: that day is (partly) covered too.
    const onTheDay = [...records, sale('2026-11-15', 100, 'terminal.csv', 'late')];
    expect(journalCoverage(onTheDay, { today: '2026-12-07', exported }).get('terminal.csv')).toEqual([
      '2026-10-01',
      '2026-11-15',
    ]);
  });

  it("cuts a quiet shop's month at the export too, and a declared period the export ends early", () => {
    const records = [sale('2026-11-03', 100), sale('2026-11-10', 100)];
    const exported = new Map([['terminal.csv', '2026-11-15']]);
    expect(journalCoverage(records, { today: '2026-12-07', exported }).get('terminal.csv')).toEqual([
      '2026-11-01',
      '2026-11-14',
    ]);
    const declared = new Map([['terminal.csv', ['2026-11-01', '2026-11-30'] as const]]);
    expect(journalCoverage(records, { today: '2026-12-07', declared, exported }).get('terminal.csv')).toEqual(
      ['2026-11-01', '2026-11-14'],
    );
    // Nor past today: a title declaring the month, read on the 7th.
    expect(journalCoverage(records, { today: '2026-11-12', declared }).get('terminal.csv')).toEqual([
      '2026-11-01',
      '2026-11-12',
    ]);
  });

  it('ends a journal without a title where sales stop for longer than the shop was ever quiet', () => {
    // A sale every day 2026-11-01 … 2026-11-14 and none after: the journal was exported on the 15th (14 days).
    const stopped = daily('2026-11-01', 14);
    expect(journalCoverage(stopped, { today: '2026-12-07' }).get('terminal.csv')).toEqual([
      '2026-11-01',
      '2026-11-14',
    ]);
    // And starts where they start: daily from 2026-11-10 (a new terminal) covers 11-10 … 11-30, 21 days.
    const opened = daily('2026-11-10', 21);
    expect(journalCoverage(opened, { today: '2026-12-07' }).get('terminal.csv')).toEqual([
      '2026-11-10',
      '2026-11-30',
    ]);
  });

  it('keeps the whole month when the silence at its end is no longer than the silences between sales', () => {
    // A sale every 4th day from 11-03 (11-03, 07 … 27: 7 days, 3 silent days between): 11-28 … 30 (3 days) and
    // 11-01 … 02 are as quiet as the shop always is.
    const sparse = daily('2026-11-03', MIN_RHYTHM_DAYS, 4);
    expect(sparse.at(-1)?.time.slice(0, 10)).toBe('2026-11-27');
    expect(journalCoverage(sparse, { today: '2026-12-07' }).get('terminal.csv')).toEqual([
      '2026-11-01',
      '2026-11-30',
    ]);
    // Fewer than MIN_RHYTHM_DAYS days with sales say nothing of the shop's rhythm: the whole month.
    const few = daily('2026-11-01', MIN_RHYTHM_DAYS - 1);
    expect(journalCoverage(few, { today: '2026-12-07' }).get('terminal.csv')).toEqual([
      '2026-11-01',
      '2026-11-30',
    ]);
  });
});
