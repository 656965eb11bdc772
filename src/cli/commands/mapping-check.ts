import { resolve } from 'node:path';
import type { RecordKind } from '../../records/index.js';
import type { Preset, PresetField } from '../../statements/preset.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';

// A --mapping is the user's own description of a file. Two ways it used to go wrong in silence or in English:
// a typo in it (colums:, rate: bp) came out as zod's "Unrecognized key", the first problem only and without a
// line; and an alias that names no column of the file (amount: [Amount] over a header of Amt) was taken, every row
// then rejected for want of an amount. Both are now one usage error that says what to change.

export interface LoadedMapping {
  preset: Preset;
  /** As the user typed it. */
  shown: string;
  abs: string;
}

/** Loads and validates a --mapping file; its problems, all of them with their lines, are a CliError. */
export async function loadMapping(ctx: CliContext, mapping: string): Promise<LoadedMapping> {
  const { loadPresetFile, PresetError } = await import('../../statements/preset.js');
  const abs = resolve(ctx.cwd, mapping);
  try {
    return { preset: loadPresetFile(abs, mapping), shown: mapping, abs };
  } catch (error) {
    if (error instanceof PresetError) throw new CliError(error.zh, error.message);
    throw error;
  }
}

/** Fields without which every row of a table is rejected, with what else stands in for each. */
const NEEDED: readonly { field: PresetField; instead: readonly PresetField[]; zh: string; en: string }[] = [
  { field: 'amount', instead: ['credit', 'debit'], zh: '交易金额', en: 'an amount' },
  { field: 'time', instead: ['date'], zh: '交易时间', en: 'a time' },
];

/**
 * Reads the header of each text table the mapping will read (as the import finds it) and checks that the
 * columns the rows cannot do without are there under the names the mapping gives; a CliError naming the
 * mapped name, where it is in the mapping, and the header's columns otherwise. Files the import reads otherwise
 * (XLSX, archives, web pages), and tables whose header the import will not find, are left to the import.
 */
export async function checkMappedColumns(
  ctx: CliContext,
  mapping: LoadedMapping,
  files: readonly string[],
  kind: RecordKind | undefined,
): Promise<void> {
  const { preset } = mapping;
  if (preset.header === 'none' || preset.delimiter === 'fixed') return;
  const { mappedNames, missingMappedColumns } = await import('../../statements/mapped-columns.js');
  const needed = NEEDED.filter(({ field }) => mappedNames(preset, field).length > 0);
  if (needed.length === 0) return;
  for (const file of files) {
    const header = await headerOf(resolve(ctx.cwd, file), file, mapping, kind);
    if (header === undefined) continue;
    const missing = needed.filter(
      ({ field, instead }) => header.index(field) < 0 && instead.every((f) => header.index(f) < 0),
    );
    if (missing.length === 0) continue;
    // Worded as the import words a mapped column its header lacks, so that one mistake reads the same wherever
    // it is caught; what it costs here (every row rejected) follows.
    const issues = missingMappedColumns(preset, header.cells, header.index, {
      file: mapping.abs,
      shown: mapping.shown,
    });
    const parts = issues.flatMap((issue) => {
      const need = missing.find(({ field }) => field === issue.field);
      if (need === undefined) return [];
      return [
        {
          zh: `${issue.zh}；${file} 的每一行都会因缺少${need.zh}被拒绝`,
          en: `${issue.en}; every row of ${file} would be rejected for want of ${need.en}`,
        },
      ];
    });
    const used = new Set(header.usedColumns);
    const free = header.cells.filter((c, i) => c.trim() !== '' && !used.has(i));
    const cells = header.cells.filter((c) => c.trim() !== '');
    throw new CliError(
      `${parts.map((p) => p.zh).join('\n')}\n表头的列：${cells.join('、')}${free.length > 0 ? `（映射未用到的：${free.join('、')}）` : ''}`,
      `${parts.map((p) => p.en).join('\n')}\nthe header's columns: ${cells.join(', ')}${free.length > 0 ? ` (not mapped: ${free.join(', ')})` : ''}`,
    );
  }
}

interface Header {
  cells: string[];
  index: (field: PresetField) => number;
  /** The indexes of the columns the mapping found. */
  usedColumns: number[];
}

const HEAD_BYTES = 65_536;

/** The header the import would adopt for this file and mapping; undefined when it is not a text table it reads. */
async function headerOf(
  abs: string,
  file: string,
  mapping: LoadedMapping,
  kind: RecordKind | undefined,
): Promise<Header | undefined> {
  const head = await readHead(abs);
  // ZIP/XLSX, GZIP, old Excel and PDF have their own readers.
  if (head === undefined || head.length < 2 || [0x50, 0x1f, 0xd0, 0x25].includes(head[0] ?? 0))
    return undefined;
  const { openTextTable } = await import('../../statements/import.js');
  const { CsvScanner } = await import('../../statements/csv-scanner.js');
  const { PRESET_FIELDS } = await import('../../statements/preset.js');
  try {
    const table = openTextTable(
      file,
      head,
      { mappingFile: mapping.abs, mappingName: mapping.shown, ...(kind ? { kind } : {}) },
      () => {},
    );
    if (table.delimiter.length !== 1) return undefined;
    const { reader } = table;
    let row = 0;
    const scanner = new CsvScanner(table.delimiter, (cells) => {
      if (reader.started) return;
      row += 1;
      reader.row(cells, row);
    });
    scanner.push(table.headText);
    if (!reader.started) return undefined;
    const cells = [...reader.context.header];
    const usedColumns = PRESET_FIELDS.map((f) => reader.columnIndex(f)).filter((i) => i >= 0);
    return { cells, index: (field) => reader.columnIndex(field), usedColumns };
  } catch {
    // The import says what is wrong with the file, in its own words.
    return undefined;
  }
}

async function readHead(abs: string): Promise<Buffer | undefined> {
  const { readFileHead } = await import('../../statements/read-buffer.js');
  return readFileHead(abs, HEAD_BYTES).catch(() => undefined);
}
