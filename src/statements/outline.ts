import { open } from 'node:fs/promises';
import { CsvScanner } from './csv-scanner.js';
import { createDecoder } from './decode.js';
import { openTextTable } from './import.js';
import { borrowReadBuffer, readFileHead, returnReadBuffer } from './read-buffer.js';
import type { ImportOptions } from './import-types.js';

// An agent's inputs are often one journal and one statement per merchant. Knowing which merchants each file names
// lets the audit take files a few at a time (see audit/component-plan.ts) instead of holding, or spilling to
// disk, every record until the last file is read. The import itself costs microseconds per row; this outline
// reads only the bytes of two columns and runs the import's own rules on each distinct value, so it costs a
// small fraction of that. It is a forecast: the audit checks it against what the import then reads.

/** What a file holds, at a glance. */
export interface FileOutline {
  /**
   * Every merchant ID its rows name, sorted ('' alone when it has no merchant column); undefined
   * when the file cannot be outlined quickly (XLSX, archives, UTF-16, fixed width, presets with code overrides, a
   * statement without a settlement date column).
   */
  merchants: string[] | undefined;
  /** For a statement: its first and last settlement date, as the audit's coverage counts them. */
  settleMin?: string;
  settleMax?: string;
}

const UNKNOWN: FileOutline = { merchants: undefined };
const SAMPLE_BYTES = 65_536;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Outlines a CSV/TSV/TXT file: reads its head as the import does (encoding, delimiter, preset, header), then scans
 * the rest byte by byte for the merchant and settlement date columns. Never throws: a file it cannot outline,
 * or one the import would refuse, is undefined, and the import reports it.
 */
export async function outlineFile(path: string, options: ImportOptions): Promise<FileOutline> {
  try {
    return await outline(path, options);
  } catch {
    return UNKNOWN;
  }
}

async function outline(path: string, options: ImportOptions): Promise<FileOutline> {
  const head = await readHead(path);
  // ZIP/XLSX, GZIP, old Excel and PDF have their own readers.
  if (head.length < 2 || head[0] === 0x50 || head[0] === 0x1f || head[0] === 0xd0 || head[0] === 0x25)
    return UNKNOWN;
  const table = openTextTable(path, head, options, () => undefined);
  const { reader, preset, override } = table;
  // Only byte-compatible encodings: a comma, quote or newline byte is that character.
  if (table.encoding === 'utf-16le' || table.encoding === 'utf-16be') return UNKNOWN;
  if (override !== undefined || preset.delimiter === 'fixed' || preset.header === 'none') return UNKNOWN;
  if (table.delimiter.length !== 1 || table.delimiter.charCodeAt(0) > 0x7f) return UNKNOWN;
  // A lone CR ends rows in old Mac files; this scan knows only LF and CRLF.
  const cr = table.headText.indexOf('\r');
  if (cr >= 0 && table.headText.charCodeAt(cr + 1) !== LF) return UNKNOWN;

  // The header row: rows are fed as the import feeds them until the reader adopts one.
  let headerRow = 0;
  let rows = 0;
  const scanner = new CsvScanner(table.delimiter, (cells) => {
    if (reader.started) return;
    rows += 1;
    reader.row(cells, rows);
    if (reader.started) headerRow = rows;
  });
  scanner.push(table.headText);
  if (!reader.started) return UNKNOWN;
  const merchantCol = reader.columnIndex('merchantId');
  const settleCol = options.kind === 'settlement' ? reader.columnIndex('settleDate') : -1;
  if (options.kind === 'settlement' && settleCol < 0) return UNKNOWN;

  const merchants = new Set<string>();
  const dates = { min: undefined as string | undefined, max: undefined as string | undefined };
  const merchantOf = distinctValues(table.encoding, table.delimiter, (text) => {
    // A blank cell is most often a totals row's; a record without a merchant in a file that has the column
    // is rare, and the audit's check of this forecast catches it.
    const m = reader.merchantIdOf(text);
    if (typeof m === 'string') merchants.add(m);
  });
  const settleOf = distinctValues(table.encoding, table.delimiter, (text) => {
    const d = reader.settleDateOf(text);
    if (typeof d !== 'string') return;
    if (dates.min === undefined || d < dates.min) dates.min = d;
    if (dates.max === undefined || d > dates.max) dates.max = d;
  });
  // Without the column, the title's 商户号 line names the merchant, as the import reads it; another export pasted
  // below with a merchant of its own is the import's to find (the audit then starts again through the spool).
  if (merchantCol < 0) merchants.add(reader.merchantOfTitle ?? '');

  const scan = new FieldScan(
    table.delimiter.charCodeAt(0),
    headerRow,
    [merchantCol, settleCol],
    (buf, starts, ends) => {
      merchantOf(buf, starts[0] as number, ends[0] as number);
      settleOf(buf, starts[1] as number, ends[1] as number);
    },
  );
  await eachChunk(path, (chunk) => scan.push(chunk));
  scan.end();
  // The header's own cell, or a repeated header's, is not a merchant.
  for (const m of [...merchants]) if (reader.isHeaderText('merchantId', m)) merchants.delete(m);
  if (options.kind === 'settlement') {
    if (dates.min === undefined || dates.max === undefined) return UNKNOWN;
    return { merchants: [...merchants].sort(), settleMin: dates.min, settleMax: dates.max };
  }
  return { merchants: [...merchants].sort() };
}

/** Reads a file in large chunks into one reused buffer (a stream's many small buffers cost more than the scan). */
async function eachChunk(path: string, use: (chunk: Buffer) => void): Promise<void> {
  const fh = await open(path, 'r');
  const buf = borrowReadBuffer(4 << 20);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      use(buf.subarray(0, bytesRead));
    }
  } finally {
    returnReadBuffer(buf);
    await fh.close();
  }
}

async function readHead(path: string): Promise<Buffer> {
  // The import detects encoding, delimiter and preset from the first 64 KiB too.
  return readFileHead(path, SAMPLE_BYTES);
}

/**
 * Hands each distinct cell of a column to `use` once, decoded and unquoted as the import reads it. A column
 * repeats its value over long runs (one merchant, one settlement day), so a cell the same as the one before is
 * skipped with a byte comparison.
 */
function distinctValues(
  encoding: Parameters<typeof createDecoder>[0],
  delimiter: string,
  use: (text: string) => void,
): (buf: Buffer, start: number, end: number) => void {
  let last: Buffer = Buffer.alloc(0);
  const seen = new Set<string>();
  return (buf, start, end) => {
    if (start < 0) return;
    const len = end - start;
    if (len === last.length && buf.compare(last, 0, len, start, end) === 0) return;
    last = Buffer.from(buf.subarray(start, end));
    const key = last.toString('latin1');
    if (seen.has(key)) return;
    if (seen.size < 100_000) seen.add(key);
    const text = createDecoder(encoding).write(last);
    if (text.includes('"')) {
      // A quoted cell: unquote it as the import's scanner does.
      new CsvScanner(delimiter, (cells) => use(cells[0] ?? '')).push(`${text}\n`);
    } else use(text);
  };
}

/**
 * Splits bytes into rows and fields (RFC 4180 quotes, LF or CRLF), skipping the first `skipRows` rows, and hands
 * the offsets of the wanted fields of each row to `onRow` (-1 for a field the row lacks). Rows cut by a chunk
 * boundary are carried over. Only the wanted fields are noted: this loop runs once per byte of the file.
 */
class FieldScan {
  private carry: Buffer = Buffer.alloc(0);
  private rowsSeen = 0;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** For each field index up to the last wanted one, its slot in starts/ends, or -1. */
  private readonly slotOf: Int32Array;

  constructor(
    private readonly delim: number,
    private readonly skipRows: number,
    wanted: readonly number[],
    private readonly onRow: (buf: Buffer, starts: Int32Array, ends: Int32Array) => void,
  ) {
    this.starts = new Int32Array(wanted.length).fill(-1);
    this.ends = new Int32Array(wanted.length).fill(-1);
    this.slotOf = new Int32Array(Math.max(0, ...wanted) + 1).fill(-1);
    wanted.forEach((field, slot) => {
      if (field >= 0) this.slotOf[field] = slot;
    });
  }

  push(chunk: Buffer): void {
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const used = this.scan(buf, false);
    this.carry = used < buf.length ? Buffer.from(buf.subarray(used)) : Buffer.alloc(0);
  }

  end(): void {
    if (this.carry.length > 0) this.scan(this.carry, true);
    this.carry = Buffer.alloc(0);
  }

  /**
   * Scans whole rows; returns where the first incomplete one starts. A row without quotes (nearly all) is cut at
   * the next LF found natively, and read byte by byte only up to the last wanted field.
   */
  private scan(buf: Buffer, final: boolean): number {
    const n = buf.length;
    const delim = this.delim;
    const { starts, ends, slotOf } = this;
    const lastField = slotOf.length - 1;
    let nextQuote = -1;
    let i = 0;
    while (i < n) {
      if (nextQuote < i) {
        nextQuote = buf.indexOf(QUOTE, i);
        if (nextQuote < 0) nextQuote = n;
      }
      let lf = buf.indexOf(LF, i);
      if (lf < 0 && !final) return i;
      if (lf < 0) lf = n;
      let field = 0;
      let fieldStart = i;
      if (lf < nextQuote) {
        for (let k = i; k < lf && field <= lastField; k++) {
          if (buf[k] !== delim) continue;
          const slot = slotOf[field] as number;
          if (slot >= 0) {
            starts[slot] = fieldStart;
            ends[slot] = k;
          }
          field += 1;
          fieldStart = k + 1;
        }
        if (field <= lastField)
          this.endRow(buf, field, fieldStart, lf > fieldStart && buf[lf - 1] === CR ? lf - 1 : lf);
        else this.endRow(buf, -1, 0, 0);
        i = lf + 1;
        continue;
      }
      // A row with a quote: byte by byte, newlines inside quotes kept.
      let inQuote = false;
      let k = i;
      for (; k < n; k++) {
        const c = buf[k] as number;
        if (inQuote) {
          if (c === QUOTE) inQuote = false;
          continue;
        }
        if (c === QUOTE) inQuote = true;
        else if (c === LF) break;
        else if (c === delim) {
          if (field <= lastField) {
            const slot = slotOf[field] as number;
            if (slot >= 0) {
              starts[slot] = fieldStart;
              ends[slot] = k;
            }
          }
          field += 1;
          fieldStart = k + 1;
        }
      }
      if (k >= n && !final) {
        starts.fill(-1);
        ends.fill(-1);
        return i;
      }
      this.endRow(buf, field, fieldStart, k > fieldStart && buf[k - 1] === CR ? k - 1 : k);
      i = k + 1;
    }
    return n;
  }

  /** Ends a row whose last field (index `field`, -1 when past the wanted ones) runs from start to end. */
  private endRow(buf: Buffer, field: number, start: number, end: number): void {
    const { starts, ends, slotOf } = this;
    if (field >= 0 && field < slotOf.length) {
      const slot = slotOf[field] as number;
      if (slot >= 0) {
        starts[slot] = start;
        ends[slot] = end;
      }
    }
    this.rowsSeen += 1;
    if (this.rowsSeen > this.skipRows) this.onRow(buf, starts, ends);
    starts.fill(-1);
    ends.fill(-1);
  }
}
