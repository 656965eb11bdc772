// A hidden worksheet (旧数据 of last month, kept out of sight) is not what the merchant sees: it is skipped with a
// warning naming it, whether the workbook is read whole or streamed, unless every table is on a hidden sheet.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importFiles, xlsxLimits } from './import.js';

const HEADER = ['交易时间', '参考号', '交易金额', '手续费'];
const OLD = [HEADER, ['2026-10-03 09:30:00', 'R1', 999, 9.99]];
const NOW = [HEADER, ['2026-11-03 09:30:00', 'R2', 100, 0.6]];

async function workbook(
  sheets: [name: string, state: 'visible' | 'hidden' | 'veryHidden', rows: unknown[][]][],
) {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  for (const [name, state, rows] of sheets) {
    const sheet = book.addWorksheet(name, { state });
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function readBothWays(bytes: Buffer) {
  const whole = await importFiles([{ name: 's.xlsx', bytes }], { kind: 'settlement' });
  const dir = mkdtempSync(join(tmpdir(), 'posguard-hidden-sheets-'));
  dirs.push(dir);
  const path = join(dir, 's.xlsx');
  writeFileSync(path, bytes);
  const saved = xlsxLimits.inMemoryBytes;
  xlsxLimits.inMemoryBytes = 0;
  try {
    return [whole, await importFiles([{ path }], { kind: 'settlement' })];
  } finally {
    xlsxLimits.inMemoryBytes = saved;
  }
}

describe('hidden worksheets', () => {
  for (const state of ['hidden', 'veryHidden'] as const) {
    it(`skips a ${state} sheet beside a visible one, naming it in a warning`, async () => {
      const bytes = await workbook([
        ['旧数据', state, OLD],
        ['明细', 'visible', NOW],
      ]);
      for (const result of await readBothWays(bytes)) {
        expect(result.records.map((r) => r.amountFen)).toEqual([10000]);
        const warnings = result.files.flatMap((f) => [
          ...f.warnings,
          ...(f.parts ?? []).flatMap((p) => p.warnings),
        ]);
        const w = warnings.find((x) => x.code === 'xlsx.hidden-skipped');
        expect(w?.message).toContain('工作表 旧数据 是隐藏的工作表，未导入（1 行）');
        expect(w?.messageEn).toContain('worksheet(s) 旧数据 are hidden and were not imported (1 row)');
      }
    });
  }

  it('imports the hidden sheets when every table of the workbook is on one', async () => {
    const bytes = await workbook([
      ['说明', 'visible', [['本文件由系统导出']]],
      ['明细', 'hidden', NOW],
    ]);
    for (const result of await readBothWays(bytes)) {
      expect(result.records.map((r) => r.amountFen)).toEqual([10000]);
    }
  });
});
