import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportInput } from './import-types.js';
import { importFiles, xlsxLimits } from './import.js';

// A row of a workbook is cited by file and row. With several worksheets a bare `s.xlsx` row 3 could be on any
// tab: the first sheet's rows were cited so while a later sheet's were `s.xlsx#名称`. Every sheet of a workbook
// of several is now named, the first too, whether the workbook is read whole or streamed (big files); a
// workbook of one sheet keeps the bare file name.

const HEADER = ['交易时间', '参考号', '交易金额', '手续费'];

async function workbook(sheets: Record<string, (string | number)[][]>): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = book.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const TWO_MONTHS = {
  十月: [HEADER, ['2026-10-01 10:00:00', 'R1', 100, 0.6], ['2026-10-02 10:00:00', 'R2', '一百', 0.6]],
  十一月: [HEADER, ['2026-11-01 10:00:00', 'R3', 300, 1.8], ['2026-11-02 10:00:00', 'R4', '三百', 1.8]],
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The same workbook read whole from memory, and from disk through the streaming reader for big files. */
async function readBothWays(name: string, bytes: Buffer) {
  const whole = await importFiles([{ name, bytes }], { kind: 'settlement' });
  const dir = mkdtempSync(join(tmpdir(), 'posguard-sheet-names-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const saved = xlsxLimits.inMemoryBytes;
  xlsxLimits.inMemoryBytes = 0;
  try {
    const input: ImportInput = { path };
    const streamed = await importFiles([input], { kind: 'settlement' });
    // Named after the path on disk; shown as the upload's name to compare.
    const rename = (f: string) => (f.startsWith(path) ? name + f.slice(path.length) : f);
    for (const r of streamed.records) r.source = { file: rename(r.source.file), row: r.source.row };
    for (const r of streamed.rejected) r.file = rename(r.file);
    for (const f of streamed.files) {
      f.file = rename(f.file);
      for (const p of f.parts ?? []) p.file = rename(p.file);
    }
    return { whole, streamed };
  } finally {
    xlsxLimits.inMemoryBytes = saved;
  }
}

describe('citing the rows of a workbook', () => {
  it('names every sheet of a workbook of several, the first included, read whole or streamed', async () => {
    const { whole, streamed } = await readBothWays('s.xlsx', await workbook(TWO_MONTHS));
    for (const result of [whole, streamed]) {
      expect(result.records.map((r) => [r.source.file, r.source.row, r.amountFen])).toEqual([
        ['s.xlsx#十月', 2, 10000],
        ['s.xlsx#十一月', 2, 30000],
      ]);
      expect(result.rejected.map((r) => [r.file, r.row])).toEqual([
        ['s.xlsx#十月', 3],
        ['s.xlsx#十一月', 3],
      ]);
      expect(result.files.map((f) => [f.file, f.parts?.map((p) => p.file)])).toEqual([
        ['s.xlsx', ['s.xlsx#十月', 's.xlsx#十一月']],
      ]);
    }
  });

  it('keeps the bare file name for a workbook of one sheet', async () => {
    const { whole, streamed } = await readBothWays('s.xlsx', await workbook({ 十月: TWO_MONTHS.十月 }));
    for (const result of [whole, streamed]) {
      expect(result.records.map((r) => [r.source.file, r.source.row])).toEqual([['s.xlsx', 2]]);
      expect(result.rejected.map((r) => [r.file, r.row])).toEqual([['s.xlsx', 3]]);
      expect(result.files.map((f) => f.file)).toEqual(['s.xlsx']);
    }
  });

  it('names the tab of the one table of a workbook whose other sheets hold none', async () => {
    // Excel opens such a workbook on any of its tabs: the name says which one holds the rows.
    const bytes = await workbook({
      交易明细: TWO_MONTHS.十月,
      汇总: [
        ['交易时间', '交易金额', '手续费'],
        ['2026-10', 100, 0.6],
      ],
      说明: [['本表由系统生成']],
    });
    const { whole, streamed } = await readBothWays('s.xlsx', bytes);
    for (const result of [whole, streamed]) {
      expect(result.records.map((r) => [r.source.file, r.source.row])).toEqual([['s.xlsx#交易明细', 2]]);
      expect(result.rejected.map((r) => [r.file, r.row])).toEqual([['s.xlsx#交易明细', 3]]);
    }
  });
});
