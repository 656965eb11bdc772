import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { importFiles } from '../../src/statements/import.js';

// A statement that ends in a summary block below its 合计 row: a header of 总… words over a row of figures, then
// the same totals as 名称：值 pairs (QA T/s1.csv).
const M = '822841054119608';
const HEAD = '序号,交易时间,结算日期,商户号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const DETAIL = [
  HEAD,
  `1,2026-10-13 09:00:00,2026-10-14,${M},贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2,2026-10-13 10:00:00,2026-10-14,${M},贷记卡,刷卡,消费,500.00,3.00,497.00`,
  ',合计,,,,,,1500.00,9.00,1491.00',
  '',
];
const block = (count: string, amount: string, pairsAmount: string) => [
  '总笔数,总交易金额,总手续费,总结算金额',
  `${count},${amount},9.00,1491.00`,
  `交易笔数：${count}笔,交易总金额：${pairsAmount}元,手续费合计：9.00元`,
];
const csv = (lines: readonly string[]) => new TextEncoder().encode([...lines, ''].join('\n'));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a summary block below the table', () => {
  it('is skipped with a notice, not rejected, and `posguard import` exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-summary-block-'));
    dirs.push(dir);
    writeFileSync(join(dir, 's1.csv'), csv([...DETAIL, ...block('2', '1500.00', '1500.00')]));
    const run = await runCli(['import', 's1.csv', '--format', 'json'], { cwd: dir, env: {} });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as {
      files: { rows: number; rejected: unknown[]; warnings: { code: string; message: string }[] }[];
      records: { amountFen: number }[];
    };
    const file = out.files[0];
    expect(file?.rows).toBe(2);
    expect(file?.rejected).toEqual([]);
    expect(file?.warnings.map((w) => w.code)).toEqual(['rows.summary']);
    expect(file?.warnings[0]?.message).toContain('第 6 行起');
    expect(out.records.map((r) => r.amountFen)).toEqual([100000, 50000]);
  });

  it('has its count and totals checked against the rows read, each summary row as written', async () => {
    const result = await importFiles([
      { name: 's1.csv', bytes: csv([...DETAIL, ...block('3', '1500.00', '1600.00')]) },
    ]);
    expect(result.rejected).toEqual([]);
    const mismatches = result.warnings.filter((w) => w.code === 'totals.mismatch').map((w) => w.message);
    expect(mismatches).toEqual([
      's1.csv 第 6 行的合计与读到的明细不符：合计笔数 3，读到 2 笔。可能有行被拒绝或文件不完整',
      's1.csv 第 8 行的合计与读到的明细不符：“交易金额”合计 ¥1,600.00，明细加总 ¥1,500.00；合计笔数 3，读到 2 笔。可能有行被拒绝或文件不完整',
    ]);
  });

  it('leaves rows after it that look like data to be read or rejected', async () => {
    const result = await importFiles([
      {
        name: 's1.csv',
        bytes: csv([
          ...DETAIL,
          ...block('2', '1500.00', '1500.00'),
          `3,2026-10-13 11:00:00,2026-10-14,${M},贷记卡,刷卡,消费,200.00,1.20,198.80`,
          '3,2026-10-13 12:00:00,2026-10-14',
        ]),
      },
    ]);
    expect(result.records.map((r) => [r.source.row, r.amountFen])).toEqual([
      [2, 100000],
      [3, 50000],
      [9, 20000],
    ]);
    expect(result.rejected.map((r) => r.row)).toEqual([10]);
  });

  it('is a summary only when figures follow its header: a header of 总 words over a transaction is rejected', async () => {
    const result = await importFiles([
      {
        name: 's.csv',
        bytes: csv([
          ...DETAIL.slice(0, 3),
          '总笔数,总交易金额',
          `3,2026-10-13 11:00:00,2026-10-14,${M},贷记卡,刷卡,消费,200.00,1.20,198.80`,
        ]),
      },
    ]);
    expect(result.records.map((r) => r.amountFen)).toEqual([100000, 50000, 20000]);
    expect(result.rejected.map((r) => r.row)).toEqual([4]);
    expect(result.warnings.map((w) => w.code)).toEqual([]);
  });

  it('is skipped in a worksheet too, its number cells checked', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('明细');
    ws.addRow(HEAD.split(','));
    ws.addRow([1, '2026-10-13 09:00:00', '2026-10-14', M, '贷记卡', '刷卡', '消费', 1000, 6, 994]);
    ws.addRow([2, '2026-10-13 10:00:00', '2026-10-14', M, '贷记卡', '刷卡', '消费', 500, 3, 497]);
    ws.addRow([]);
    ws.addRow(['总笔数', '总交易金额', '总手续费', '总结算金额']);
    ws.addRow([2, 1500, 9.5, 1491]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const result = await importFiles([{ name: 's.xlsx', bytes }]);
    expect(result.rejected).toEqual([]);
    expect(result.records).toHaveLength(2);
    expect(result.warnings.map((w) => w.code)).toEqual(['rows.summary', 'totals.mismatch']);
    expect(result.warnings[1]?.message).toContain('“手续费”合计 ¥9.50，明细加总 ¥9.00');
  });
});
