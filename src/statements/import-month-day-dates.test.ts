import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';
import { parseDateTime, parseLocalDate } from './parse-date-time.js';
import { referenceDateOfTitle } from './title-lines.js';

// Monthly statements write the trade date without its year (10月12日, 10-12 10:00): the year is the settlement
// date's, else the month the title names (2026年10月结算明细), else the file name's date.
const utf8 = (lines: readonly string[]) => new TextEncoder().encode([...lines, ''].join('\n'));
const HEAD = '交易日期,交易时间,结算日期,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const line = (date: string, clock: string, settle: string, ref: string) =>
  `${date},${clock},${settle},40000001,${ref},贷记卡,刷卡,消费,1000.00,6.00,994.00`;

describe('a trade date without a year', () => {
  it('takes the year of the month a title names, for the trade and its settlement date', async () => {
    const bytes = utf8([
      '2026年10月结算明细',
      '商户号：822400000000001',
      HEAD,
      line('10月12日', '10:00:00', '10月13日', '400000000001'),
    ]);
    const result = await importFiles([{ name: 'settlement.csv', bytes }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.settleDate])).toEqual([
      ['2026-10-12T10:00:00+08:00', '2026-10-13'],
    ]);
  });

  it('takes the year of the row’s settlement date before the title’s (a January statement of December trades)', async () => {
    const bytes = utf8([
      '交易时间,结算日期,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
      '12-31 23:00,2027-01-02,40000001,400000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00',
      '01-01 10:00,2027-01-02,40000001,400000000002,贷记卡,刷卡,消费,1000.00,6.00,994.00',
    ]);
    const result = await importFiles([{ name: 'settlement.csv', bytes }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => r.time)).toEqual([
      '2026-12-31T23:00:00+08:00',
      '2027-01-01T10:00:00+08:00',
    ]);
  });

  it('puts a December day of a January title in the year before', async () => {
    const bytes = utf8([
      '2027年1月结算明细',
      '交易时间,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
      '12-31 23:00,40000001,400000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00',
      '1月2日 08:00,40000001,400000000002,贷记卡,刷卡,消费,1000.00,6.00,994.00',
    ]);
    const result = await importFiles([{ name: 'settlement.csv', bytes }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => r.time)).toEqual([
      '2026-12-31T23:00:00+08:00',
      '2027-01-02T08:00:00+08:00',
    ]);
  });

  it('takes the year of the file name’s date when nothing else gives one', async () => {
    const bytes = utf8([
      '交易时间,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
      '10-12 10:00,40000001,400000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00',
    ]);
    const result = await importFiles([{ name: 'settle_20261013.csv', bytes }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => r.time)).toEqual(['2026-10-12T10:00:00+08:00']);
  });

  it('says a date has no year, and how to give it one, when nothing gives one', async () => {
    const bytes = utf8([HEAD, line('10月12日', '10:00:00', '', '400000000001')]);
    const result = await importFiles([{ name: 'settlement.csv', bytes }]);
    expect(result.records).toEqual([]);
    expect(result.rejected.map((r) => [r.row, r.column, r.reason, r.reasonEn])).toEqual([
      [
        2,
        '交易日期',
        '“10月12日”没有年份，文件中也没有可推算年份的结算日期或标题年月：请导出带年份的日期，或在表格上方加一行写明年月的标题（如“2026年10月结算明细”）',
        '"10月12日" has no year, and the file gives no settlement date or titled month to take it from: export dates with their year, or add a title line above the table naming the month (e.g. "2026年10月结算明细")',
      ],
    ]);
  });
});

describe('parseDateTime of a month and day', () => {
  it('reads 10月12日, 10-12 and 10/12 with or without a clock, in the reference’s year', () => {
    expect(parseDateTime('10月12日 10:00', '2026-10-13')).toEqual({
      ok: true,
      value: '2026-10-12T10:00:00+08:00',
    });
    expect(parseDateTime('10-12 10:00:30', '2026-10-31')).toEqual({
      ok: true,
      value: '2026-10-12T10:00:30+08:00',
    });
    expect(parseDateTime('10/12', '2026-11-30')).toEqual({ ok: true, value: '2026-10-12T00:00:00+08:00' });
    expect(parseLocalDate('10月13日', '2026-10-31')).toEqual({ ok: true, value: '2026-10-13' });
  });

  it('takes the year before only for a day more than about six months after the reference', () => {
    expect(parseDateTime('12-31 23:00', '2027-01-31')).toMatchObject({ value: '2026-12-31T23:00:00+08:00' });
    // A day shortly after the reference (a trade settled next month) keeps the reference's year.
    expect(parseDateTime('11-02 09:00', '2026-10-31')).toMatchObject({ value: '2026-11-02T09:00:00+08:00' });
    expect(parseDateTime('2-29', '2027-03-01')).toMatchObject({
      ok: false,
      problem: { code: 'time.impossible' },
    });
    expect(parseDateTime('13-01', '2026-10-31')).toMatchObject({
      ok: false,
      problem: { code: 'time.impossible' },
    });
    expect(parseDateTime('10-12')).toMatchObject({ ok: false, problem: { code: 'time.no-year' } });
  });
});

describe('referenceDateOfTitle', () => {
  it('is the end of a declared period, else a date, else the last day of a named month', () => {
    expect(referenceDateOfTitle(['交易日期：2026-09-01 至 2026-09-30', '2026年10月'])).toBe('2026-09-30');
    expect(referenceDateOfTitle(['商户号：822400000000001', '结算日期：2026年10月13日'])).toBe('2026-10-13');
    expect(referenceDateOfTitle(['2026年10月结算明细', '商户号：822400000000001'])).toBe('2026-10-31');
    expect(referenceDateOfTitle(['月份：2027-02'])).toBe('2027-02-28');
    expect(referenceDateOfTitle(['商户号：822400000000001', 'XX支付结算明细'])).toBeUndefined();
  });
});
