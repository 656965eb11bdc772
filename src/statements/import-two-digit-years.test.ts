import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// Some exports write the year in two digits, first as Chinese dates are (26-11-02, 26/11/2 10:00): read as 20yy.
// A first number of 12 or less may as well be an American month (11/02/26) or a British day (02/11/26), and a
// year-first reading that is no date (26/13/02) is no year-first date: those rows are refused, saying why.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes the CSV to a new temporary directory and imports it from there, as the CLI does. */
async function importSaved(name: string, lines: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-two-digit-years-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return importFiles([{ path }], { kind: 'settlement' });
}

const HEAD = '交易时间,结算日期,商户号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const line = (time: string, settle: string, ref: string) =>
  `${time},${settle},898310058120002,${ref},贷记卡,刷卡,消费,1000.00,6.00,994.00`;

const UNCLEAR = (text: string) => ({
  reason: `“${text}”的年份只有两位，读不出哪个数是年、哪个是月和日（如 02/11/26 可以是 2002年11月26日、2026年11月2日或 2026年2月11日）：请导出带四位年份的日期（如 2026-11-02）`,
  reasonEn: `"${text}" has a two-digit year, and which number is the year, the month and the day cannot be told (02/11/26 may be 2002-11-26, 2026-11-02 or 2026-02-11): export dates with a four-digit year (e.g. 2026-11-02)`,
});

describe('a two-digit year', () => {
  it('reads yy-MM-dd and yy/MM/dd, with or without a clock, beside four-digit years (s7_years.csv)', async () => {
    const result = await importSaved('s7_years.csv', [
      HEAD,
      line('26-11-02 10:00:00', '26-11-03', '631100000701'),
      line('26/11/02 11:00:00', '26/11/03', '631100000702'),
      line('2026-11-2 9:05', '2026-11-3', '631100000703'),
      line('2026.11.02 12:00:00', '2026.11.03', '631100000704'),
      line('2026-11-0213:00:00', '20261103', '631100000705'),
      line('2026-11-02 14:00:00.0', '2026-11-03', '631100000706'),
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.warnings.filter((w) => w.code === 'date.unread')).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.time, r.settleDate])).toEqual([
      ['631100000701', '2026-11-02T10:00:00+08:00', '2026-11-03'],
      ['631100000702', '2026-11-02T11:00:00+08:00', '2026-11-03'],
      ['631100000703', '2026-11-02T09:05:00+08:00', '2026-11-03'],
      ['631100000704', '2026-11-02T12:00:00+08:00', '2026-11-03'],
      ['631100000705', '2026-11-02T13:00:00+08:00', '2026-11-03'],
      ['631100000706', '2026-11-02T14:00:00+08:00', '2026-11-03'],
    ]);
  });

  it('reads a single-digit month and day, and a clock without seconds (s2_dates.csv)', async () => {
    const result = await importSaved('s2_dates.csv', [
      HEAD,
      line('26-11-2 10:00', '26/11/03', '631100000201'),
      line('26/1/5 9:05:07', '26-1-6', '631100000202'),
      line('26-12-31 下午 11:59', '27/1/4', '631100000203'),
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.settleDate])).toEqual([
      ['2026-11-02T10:00:00+08:00', '2026-11-03'],
      ['2026-01-05T09:05:07+08:00', '2026-01-06'],
      ['2026-12-31T23:59:00+08:00', '2027-01-04'],
    ]);
  });

  it('refuses dd/MM/yy and MM/dd/yy, and a year-first reading that is no date, with the reason', async () => {
    const result = await importSaved('s.csv', [
      HEAD,
      line('02/11/26 10:00', '2026-11-03', '1'),
      line('11/02/26 10:00:00', '2026-11-03', '2'),
      line('12-11-26', '2026-11-27', '3'),
      line('26/13/02 10:00', '2026-11-03', '4'),
      line('26-02-30 10:00', '2026-03-02', '5'),
      // 31 December 2026 written day first: as year first it is 26 December 2031, years from its settlement date.
      line('31/12/26 10:00', '2027-01-04', '6'),
      line('26-11-02 10:00', '2026-11-03', '7'),
    ]);
    expect(result.records.map((r) => [r.refNo, r.time])).toEqual([['7', '2026-11-02T10:00:00+08:00']]);
    expect(
      result.rejected.map((r) => ({ row: r.row, column: r.column, reason: r.reason, reasonEn: r.reasonEn })),
    ).toEqual([
      { row: 2, column: '交易时间', ...UNCLEAR('02/11/26 10:00') },
      { row: 3, column: '交易时间', ...UNCLEAR('11/02/26 10:00:00') },
      { row: 4, column: '交易时间', ...UNCLEAR('12-11-26') },
      { row: 5, column: '交易时间', ...UNCLEAR('26/13/02 10:00') },
      { row: 6, column: '交易时间', ...UNCLEAR('26-02-30 10:00') },
      { row: 7, column: '交易时间', ...UNCLEAR('31/12/26 10:00') },
    ]);
  });

  it('keeps a row whose settlement date is an unclear two-digit year, without its settlement date', async () => {
    const result = await importSaved('s.csv', [HEAD, line('2026-11-02 10:00:00', '03/11/26', '1')]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.settleDate])).toEqual([
      ['2026-11-02T10:00:00+08:00', undefined],
    ]);
    expect(result.warnings.filter((w) => w.code === 'date.unread').map((w) => w.message)).toEqual([
      expect.stringContaining('03/11/26'),
    ]);
  });
});
