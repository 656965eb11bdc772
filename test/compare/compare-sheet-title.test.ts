import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from '../cli/audit-fixtures.js';

// A journal workbook of several sheets cites its lines `j.xlsx#九月`, and an archive of journals `j.zip/九月.csv`:
// the period (交易日期) and export day (导出时间) each table's title gives were looked up under `j.xlsx`, found for
// none of them, and the history was annualised over the whole calendar months the lines span instead.

const tmp = tmpDirs('posguard-compare-sheet-title-');

const HEADER = [
  '交易时间',
  '商户号',
  '终端号',
  '参考号',
  '卡号',
  '卡类型',
  '支付方式',
  '交易类型',
  '交易状态',
  '交易金额',
];

/** A ¥1,000.00 WeChat sale at noon of `date`. */
const sale = (date: string, ref: string): string[] => [
  `${date} 12:00:00`,
  '898000000000001',
  'T0000001',
  ref,
  '',
  '',
  '微信',
  '消费',
  '成功',
  '1000.00',
];

// 0.60 % and nothing else: the yearly fees are the period's fees × 365 ÷ the days covered, and nothing is added.
const CATALOG = [
  'plans:',
  '  - provider: 单一费率',
  '    plan: 0.60%',
  '    settlement: T1',
  '    source: 测试',
  '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
].join('\n');

/** 九月 declares 2026-09-10 … 09-30; 十月 was exported on 2026-10-15. Each title is on its own table only. */
const TABLES: [name: string, title: string, lines: string[][]][] = [
  ['九月', '交易日期：2026-09-10 至 2026-09-30', [sale('2026-09-12', '000000000001')]],
  [
    '十月',
    '导出时间：2026-10-15 10:22:33',
    [sale('2026-10-03', '000000000002'), sale('2026-10-08', '000000000003')],
  ],
];

async function workbook(path: string, tables: typeof TABLES): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  for (const [name, title, lines] of tables) {
    const sheet = book.addWorksheet(name);
    sheet.addRow([title]);
    sheet.addRow(HEADER);
    for (const l of lines) sheet.addRow(l);
  }
  writeFileSync(path, Buffer.from(await book.xlsx.writeBuffer()));
}

async function archive(path: string, tables: typeof TABLES): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, title, lines] of tables)
    z.addBuffer(
      Buffer.from([title, HEADER.join(','), ...lines.map((l) => l.join(','))].join('\n')),
      `${name}.csv`,
    );
  z.end();
  await pipeline(z.outputStream, createWriteStream(path));
}

interface Out {
  history: { sales: number; period: { from: string; to: string; days: number } };
  plans: { provider: string; salesFeesFen: number; yearlyFeesFen: number; yearlyFen: number }[];
}

async function compare(dir: string, file: string): Promise<Out> {
  writeFileSync(join(dir, 'catalog.yaml'), CATALOG);
  const run = await runCli(
    ['compare', '--terminal', file, '--catalog', 'catalog.yaml', '--as-of', '2027-01-01', '--format', 'json'],
    { cwd: dir, env: {} },
  );
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Out;
}

// Three sales of 100,000 fen at 0.60 %: 600 fen each, 1,800 in all.
// 九月 covers 2026-09-10 … 09-30 (21 days); 十月, exported on the 15th, 10-01 … 10-14 (14 days, the export day
// itself has no line): 35 days. 1,800 × 365 ÷ 35 = 657,000 ÷ 35 = 18,771.43 → 18,771 fen a year.
// (Titles ignored: September's 30 days and October's 31, 61 days → 657,000 ÷ 61 = 10,770.49 → 10,770.)
const EXPECTED = {
  period: { from: '2026-09-10', to: '2026-10-14', days: 35 },
  salesFeesFen: 1_800,
  yearlyFeesFen: 18_771,
};

describe("compare: each table's own title lines", () => {
  it("counts each sheet's declared period and export day for that sheet of a journal workbook", async () => {
    const dir = tmp();
    await workbook(join(dir, 'j.xlsx'), TABLES);
    const out = await compare(dir, 'j.xlsx');
    expect(out.history.sales).toBe(3);
    expect(out.history.period).toEqual(EXPECTED.period);
    expect(out.plans[0]).toMatchObject({
      provider: '单一费率',
      salesFeesFen: EXPECTED.salesFeesFen,
      yearlyFeesFen: EXPECTED.yearlyFeesFen,
      yearlyFen: EXPECTED.yearlyFeesFen,
    });
  });

  it("does not lend the first sheet's title to the sheets after it", async () => {
    // 十月 without a title of its own: it covers October's 31 days whatever 九月's title says.
    // 21 + 31 = 52 days: 657,000 ÷ 52 = 12,634.6 → 12,635 fen.
    const dir = tmp();
    const [first, second] = TABLES as [(typeof TABLES)[0], (typeof TABLES)[0]];
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const september = book.addWorksheet(first[0]);
    september.addRow([first[1]]);
    september.addRow(HEADER);
    for (const l of first[2]) september.addRow(l);
    const october = book.addWorksheet(second[0]);
    october.addRow(HEADER);
    for (const l of second[2]) october.addRow(l);
    writeFileSync(join(dir, 'j.xlsx'), Buffer.from(await book.xlsx.writeBuffer()));
    const out = await compare(dir, 'j.xlsx');
    expect(out.history.period).toEqual({ from: '2026-09-10', to: '2026-10-31', days: 52 });
    expect(out.plans[0]?.yearlyFeesFen).toBe(12_635);
  });

  it('counts the title of each table of an archive of journals for that table', async () => {
    const dir = tmp();
    await archive(join(dir, 'j.zip'), TABLES);
    const out = await compare(dir, 'j.zip');
    expect(out.history.sales).toBe(3);
    expect(out.history.period).toEqual(EXPECTED.period);
    expect(out.plans[0]?.yearlyFeesFen).toBe(EXPECTED.yearlyFeesFen);
  });

  it('reads a workbook of one sheet by its title as before', async () => {
    // 十月 alone: 10-01 … 10-14, 14 days; 1,200 × 365 ÷ 14 = 438,000 ÷ 14 = 31,285.7 → 31,286 fen.
    const dir = tmp();
    await workbook(join(dir, 'j.xlsx'), TABLES.slice(1));
    const out = await compare(dir, 'j.xlsx');
    expect(out.history.period).toEqual({ from: '2026-10-01', to: '2026-10-14', days: 14 });
    expect(out.plans[0]?.yearlyFeesFen).toBe(31_286);
  });
});
