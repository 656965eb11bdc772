import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { ImportInput } from '../statements/import-types.js';
import { readFileHead } from '../statements/read-buffer.js';
import {
  discardUnread,
  HEAD_BYTES,
  isZip,
  loadExcel,
  MAX_PACKED_WORKBOOK,
  MAX_TITLE_LINES,
  periodOfTitle,
  readTitleLines,
  readTitleLinesOf,
  titleAboveHeader,
  titleLinesOf,
  worksheetCellText,
  XLSX_GIVE_UP_MS,
} from '../statements/title-lines.js';
import { detailTables, entryStream, isTableEntry, listEntries, openZip } from '../statements/zip-entries.js';
import { exportDateOfTitle } from './export-date.js';
import type { DayRange } from './journal-coverage.js';

// The importer names a workbook's sheets `file#sheet` and an archive's tables `file/member` (a workbook member's
// sheets `file/member#sheet`), and the records cite those names; readTitleLines reads one title per file (the first
// sheet's, the first titled table's). A journal's title says which days the table under it covers (交易日期) and
// when it was exported (导出时间): read under the file's name only, it counted for none of its tables.

/**
 * The title lines of each table of an input, under the name its records cite it by: the file's own (as
 * readTitleLines reads it: a workbook's first sheet, an archive's first titled table) under `name`; each sheet of a
 * workbook under `name#sheet`; each table of an archive under `name/member` (a workbook member's sheets under
 * `name/member#sheet`). A table without a title has none; an input that cannot be read has its own name's only.
 */
export async function tableTitles(input: ImportInput, name: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  try {
    const head = 'path' in input ? await readFileHead(input.path, 4) : input.bytes.subarray(0, 4);
    if (isZip(head)) await zipTitles(input, name, out);
  } catch {
    // Unreadable as a ZIP (the import says why): the file's own title, if any, stands.
  }
  if (!out.has(name)) {
    const own = 'path' in input ? await readTitleLines(input.path) : await readTitleLinesOf(input.bytes);
    // The file's own title first: a statement's provider is read from it before its tables'.
    const tables = [...out];
    out.clear();
    out.set(name, own);
    for (const [table, lines] of tables) out.set(table, lines);
  }
  return out;
}

/** A workbook's sheets' titles (the first's the file's own too), or an archive's tables', into `out`. */
async function zipTitles(input: ImportInput, name: string, out: Map<string, string[]>): Promise<void> {
  const zip = await openZip(input);
  let workbook = false;
  try {
    const entries = await listEntries(zip);
    // The importer's own test of a workbook.
    workbook = entries.some((e) => e.name === 'xl/workbook.xml');
    if (workbook) return;
    for (const { entry, name: member } of detailTables(entries.filter(isTableEntry))) {
      if (entry.isEncrypted()) continue;
      const table = `${name}/${member}`;
      if (/\.xlsx$/i.test(member)) {
        const bytes = await headOf(await entryStream(zip, entry), MAX_PACKED_WORKBOOK);
        addSheets(out, table, await sheetTitles(Readable.from([bytes])));
      } else if (/\.(csv|txt|tsv)$/i.test(member)) {
        out.set(table, titleLinesOf(await headOf(await entryStream(zip, entry), HEAD_BYTES)));
      }
    }
  } finally {
    zip.close();
    // Read as a workbook once its directory is closed: exceljs streams the file itself.
    if (workbook) {
      const stream =
        'path' in input ? createReadStream(input.path) : Readable.from([Buffer.from(input.bytes)]);
      addSheets(out, name, await sheetTitles(stream));
    }
  }
}

/**
 * A workbook's sheets under `name#sheet`, and its first sheet's under `name` (what readTitleLines reads of it, and
 * how the importer names the one sheet of a workbook of one).
 */
function addSheets(out: Map<string, string[]>, name: string, sheets: ReadonlyMap<string, string[]>): void {
  const first = sheets.values().next();
  if (!first.done) out.set(name, first.value);
  for (const [sheet, lines] of sheets) out.set(`${name}#${sheet}`, lines);
}

/** Up to `max` bytes from the start of a stream, which is closed either way (a broken one gives what it gave). */
async function headOf(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= max) break;
    }
  } catch {
    // A truncated entry still has its first lines.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

/**
 * Per worksheet of a workbook, by the name the importer gives it, its title lines; a workbook that fails or stalls
 * gives the sheets read by then. The input is closed either way.
 */
async function sheetTitles(input: Readable): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      readSheetTitles(input, out).catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, XLSX_GIVE_UP_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    input.destroy();
  }
  return new Map(out);
}

async function readSheetTitles(input: Readable, out: Map<string, string[]>): Promise<void> {
  const { stream } = await loadExcel();
  const workbook = new stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // A date cell is a number but for its format, which the styles hold.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let index = 0;
  for await (const sheet of workbook as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>) {
    index++;
    // As the importer names it (streamedSheets).
    const name = (sheet as unknown as { name?: string }).name ?? `Sheet${index}`;
    const source = (sheet as unknown as { iterator?: unknown }).iterator;
    const rows: string[][] = [];
    for await (const row of sheet as AsyncIterable<unknown>) {
      const r = row as { number: number; values: unknown };
      if (r.number <= MAX_TITLE_LINES + 1) {
        // exceljs's row values start at index 1.
        const values = Array.isArray(r.values) ? (r.values as unknown[]).slice(1) : [];
        rows.push(Array.from(values, worksheetCellText));
        continue;
      }
      // A sheet exceljs inflated into a temporary file: close it, and let exceljs delete the file on its next
      // step. One read straight from the ZIP is read to its end (stopping it would stall the sheets after it).
      if (source instanceof Readable) {
        discardUnread(source);
        break;
      }
    }
    out.set(name, titleAboveHeader(rows));
  }
}

/** What journals' titles say of the days their tables cover, per table (journalCoverage's declared and exported). */
export function titleCoverage(titles: ReadonlyMap<string, readonly string[]>): {
  declared: Map<string, DayRange>;
  exported: Map<string, string>;
} {
  const declared = new Map<string, DayRange>();
  const exported = new Map<string, string>();
  for (const [table, lines] of titles) {
    const period = periodOfTitle(lines);
    if (period !== undefined) declared.set(table, period);
    const day = exportDateOfTitle(lines);
    if (day !== undefined) exported.set(table, day);
  }
  return { declared, exported };
}
