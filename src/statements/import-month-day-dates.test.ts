import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, dayNumber } from '../time/shanghai.js';
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

// A settlement date without a year (清算日期 1103, 0104: UnionPay-style bank files write it MMDD) is paid on or after
// the sale it settles: it takes the year that puts it on or after the row's own trade date and closest to it.
// The title's month or the file's date is only a fallback for a row whose trade date has no year either.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes the file to a new temporary directory and imports it from there, as the CLI does. */
async function importSaved(name: string, bytes: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-month-day-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return importFiles([{ path }], { kind: 'settlement' });
}

const UMS_HEAD = '交易日期,交易时间,清算日期,终端号,卡类别,交易类型,交易金额,手续费,清算金额,检索参考号';
const ums = (date: string, clock: string, settle: string, ref: string) =>
  `${date},${clock},${settle},30000001,贷记卡,消费,100.00,0.60,99.40,${ref}`;

describe('a settlement date without a year', () => {
  it('takes the year that puts it on or after the row’s trade date, with no title or file date', async () => {
    const result = await importSaved(
      'ny.csv',
      utf8([
        UMS_HEAD,
        ums('20261102', '093012', '1103', '631800000004'),
        ums('20261231', '235959', '0104', '631800000003'),
        // Settled the day of the sale, and at the turn of a leap year's February.
        ums('20261231', '080000', '1231', '631800000005'),
        ums('20280228', '120000', '0229', '631800000006'),
        ums('20270228', '120000', '0301', '631800000007'),
      ]),
    );
    expect(result.rejected).toEqual([]);
    expect(result.warnings.filter((w) => w.code === 'date.unread')).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.time, r.settleDate])).toEqual([
      ['631800000004', '2026-11-02T09:30:12+08:00', '2026-11-03'],
      ['631800000003', '2026-12-31T23:59:59+08:00', '2027-01-04'],
      ['631800000005', '2026-12-31T08:00:00+08:00', '2026-12-31'],
      ['631800000006', '2028-02-28T12:00:00+08:00', '2028-02-29'],
      ['631800000007', '2027-02-28T12:00:00+08:00', '2027-03-01'],
    ]);
    // 99.40 yuan settled each: nothing of the money moves with the date.
    expect(result.records.map((r) => r.settledFen)).toEqual([9940, 9940, 9940, 9940, 9940]);
  });

  it('prefers the row’s trade date to a title naming another month (a GBK 对账单.xls of tab-separated text)', async () => {
    const tsv = [
      '银联商务股份有限公司',
      '商户对账单',
      '商户编号:898310058129999\t商户名称:晨光文具店',
      '清算日期:2026年11月',
      '',
      '交易日期\t交易时间\t清算日期\t终端号\t卡号\t卡类别\t交易类型\t交易金额\t手续费\t清算金额\t检索参考号\t凭证号',
      '20261102\t093012\t1103\t30000001\t622588******1234\t贷记卡\t消费\t1,000.00\t6.00\t994.00\t631800000001\t000001',
      '20261102\t101500\t1103\t30000001\t621700*******5678\t借记卡\t消费\t8,000.00\t44.00\t7,956.00\t631800000002\t000002',
      '20261231\t235959\t0104\t30000001\t622588******1234\t贷记卡\t消费\t100.00\t0.60\t99.40\t631800000003\t000003',
      '\t\t\t\t\t\t合计\t9,100.00\t50.60\t9,049.40\t\t',
    ];
    const result = await importSaved('对账单.xls', iconv.encode(`${tsv.join('\r\n')}\r\n`, 'gbk'));
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.time, r.settleDate, r.settledFen])).toEqual([
      ['631800000001', '2026-11-02T09:30:12+08:00', '2026-11-03', 99400],
      ['631800000002', '2026-11-02T10:15:00+08:00', '2026-11-03', 795600],
      // The title's November would have put it in January 2026, before the sale it pays.
      ['631800000003', '2026-12-31T23:59:59+08:00', '2027-01-04', 9940],
    ]);
  });

  it('reads 1月4日 and 01-04 after the trade date too, not in the title’s year', async () => {
    const result = await importSaved(
      'settlement.csv',
      utf8([
        '2026年12月结算明细',
        HEAD,
        line('2026-12-31', '23:00:00', '1月4日', '400000000001'),
        line('2026-12-30', '10:00:00', '01-04', '400000000002'),
        line('2026-12-30', '11:00:00', '12-31', '400000000003'),
      ]),
    );
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.settleDate])).toEqual([
      ['400000000001', '2027-01-04'],
      ['400000000002', '2027-01-04'],
      ['400000000003', '2026-12-31'],
    ]);
  });

  it('falls back to the title’s month when the trade time has no year either (MMDDhhmmss)', async () => {
    const result = await importSaved(
      'settlement.csv',
      utf8([
        '清算日期：2027年1月',
        '交易时间,清算日期,终端号,检索参考号,卡类别,交易类型,交易金额,手续费,清算金额',
        '1231235959,0104,30000001,631800000003,贷记卡,消费,100.00,0.60,99.40',
        '0103080000,0104,30000001,631800000008,贷记卡,消费,100.00,0.60,99.40',
      ]),
    );
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.settleDate])).toEqual([
      ['2026-12-31T23:59:59+08:00', '2027-01-04'],
      ['2027-01-03T08:00:00+08:00', '2027-01-04'],
    ]);
  });

  it('keeps a row whose settlement day falls within no year after its trade date, without its settlement date', async () => {
    const result = await importSaved(
      'ny.csv',
      utf8([
        UMS_HEAD,
        ums('20270115', '100000', '0229', '631800000009'),
        ums('20270115', '100000', '0116', '1'),
      ]),
    );
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.settleDate])).toEqual([
      ['631800000009', undefined],
      ['1', '2027-01-16'],
    ]);
    expect(result.warnings.filter((w) => w.code === 'date.unread').map((w) => w.message)).toEqual([
      expect.stringContaining('0229'),
    ]);
  });

  it('is never before the trade date and less than a year after it, and is the day written (property)', async () => {
    // Trade dates across leap years and year ends; settled 0–364 days later, written MMDD.
    const rowOf = fc.record({
      day: fc.integer({ min: dayNumber('2023-01-01'), max: dayNumber('2031-12-31') }),
      after: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 364 })),
      second: fc.integer({ min: 0, max: 86_399 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rowOf, { minLength: 1, maxLength: 40 }), async (rows) => {
        const want = rows.map(({ day, after, second }) => {
          const trade = addDays('1970-01-01', day);
          const clock = [Math.floor(second / 3600), Math.floor(second / 60) % 60, second % 60]
            .map((n) => String(n).padStart(2, '0'))
            .join('');
          return { trade, clock, settle: addDays(trade, after) };
        });
        const lines = want.map((w, i) =>
          ums(w.trade.replaceAll('-', ''), w.clock, w.settle.slice(5).replace('-', ''), String(i + 1)),
        );
        const result = await importSaved('ny.csv', utf8([UMS_HEAD, ...lines]));
        expect(result.rejected).toEqual([]);
        expect(result.records.map((r) => r.settleDate)).toEqual(want.map((w) => w.settle));
        for (const r of result.records) {
          const gap = dayNumber(r.settleDate ?? '') - dayNumber(r.time.slice(0, 10));
          expect(gap).toBeGreaterThanOrEqual(0);
          expect(gap).toBeLessThan(365);
        }
      }),
      { numRuns: 40 },
    );
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
