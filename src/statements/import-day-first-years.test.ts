import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// A journal without title dates or settlement dates gives its trade times no reference: `31/12/26 10:00` (31
// December 2026 written day first) was imported as 2031-12-26 without a word. A two-digit-year date whose day-first
// and year-first readings are both dates is refused, naming file, row, column and the format to export, unless a
// reference date near the year-first reading settles it; one whose day-first reading would be before 2013
// (26-11-02) stays read year first.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function importSaved(name: string, lines: readonly string[], kind: 'terminal' | 'settlement') {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-day-first-years-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, result: await importFiles([{ path }], { kind }) };
}

const UNCLEAR = (text: string) => ({
  reason: `“${text}”的年份只有两位，读不出哪个数是年、哪个是月和日（如 02/11/26 可以是 2002年11月26日、2026年11月2日或 2026年2月11日）：请导出带四位年份的日期（如 2026-11-02）`,
  reasonEn: `"${text}" has a two-digit year, and which number is the year, the month and the day cannot be told (02/11/26 may be 2002-11-26, 2026-11-02 or 2026-02-11): export dates with a four-digit year (e.g. 2026-11-02)`,
});

describe('a day-first date with a two-digit year', () => {
  it('is refused in a journal with no reference date, with file, row, column and the format to export', async () => {
    const journal = (time: string, ref: string) =>
      `${time},898310058120002,20000001,${ref},贷记卡,消费,1000.00`;
    const { path, result } = await importSaved(
      'journal.csv',
      [
        '交易时间,商户号,终端号,参考号,卡类型,交易类型,交易金额',
        journal('31/12/26 10:00', '1'),
        journal('03/11/26 10:00', '2'),
        journal('13/11/26 09:00:00', '3'),
        journal('26-11-02 10:00', '4'),
        journal('2026-11-02 11:00:00', '5'),
      ],
      'terminal',
    );
    expect(result.records.map((r) => [r.refNo, r.time, r.amountFen])).toEqual([
      ['4', '2026-11-02T10:00:00+08:00', 100000],
      ['5', '2026-11-02T11:00:00+08:00', 100000],
    ]);
    expect(result.records.some((r) => r.time.startsWith('2031-'))).toBe(false);
    expect(
      result.rejected.map((r) => ({
        file: r.file,
        row: r.row,
        column: r.column,
        reason: r.reason,
        reasonEn: r.reasonEn,
      })),
    ).toEqual([
      { file: path, row: 2, column: '交易时间', ...UNCLEAR('31/12/26 10:00') },
      { file: path, row: 3, column: '交易时间', ...UNCLEAR('03/11/26 10:00') },
      { file: path, row: 4, column: '交易时间', ...UNCLEAR('13/11/26 09:00:00') },
    ]);
  });

  it('is refused under a title whose month is nearer the day-first reading', async () => {
    const { result } = await importSaved(
      'statement.csv',
      [
        '2026年12月结算明细',
        '交易时间,商户号,参考号,交易金额,手续费,结算金额',
        '31/12/26 10:00,898310058120002,1,1000.00,6.00,994.00',
      ],
      'settlement',
    );
    expect(result.records).toEqual([]);
    expect(result.rejected.map((r) => [r.column, r.reasonEn])).toEqual([
      ['交易时间', UNCLEAR('31/12/26 10:00').reasonEn],
    ]);
  });

  it('is read year first when its row’s settlement date is near that reading and not the other', async () => {
    const { result } = await importSaved(
      'statement.csv',
      [
        '交易时间,结算日期,商户号,参考号,交易金额,手续费,结算金额',
        '31/12/26 10:00,2031-12-27,898310058120002,1,1000.00,6.00,994.00',
      ],
      'settlement',
    );
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.settleDate, r.feeFen])).toEqual([
      ['2031-12-26T10:00:00+08:00', '2031-12-27', 600],
    ]);
  });
});
