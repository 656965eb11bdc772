import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type ExcelJS from 'exceljs';
import type yauzl from 'yauzl';
import type { PosRecord } from '../records/index.js';
import { CsvScanner, detectDelimiter, MAX_ROW_CHARS, RowTooLongError } from './csv-scanner.js';
import {
  createDecoder,
  createSplitDecoder,
  detectEncoding,
  type StreamDecoder,
  type TextEncoding,
  unrecognisedEncoding,
  utf8HeadBeforeGbk,
} from './decode.js';
import { detectPreset } from './detect-preset.js';
import {
  type FileImportSummary,
  ImportFileError,
  type ImportInput,
  type ImportOptions,
  type ImportResult,
  type ImportWarning,
} from './import-types.js';
import { type MappingSource, mappedHeaderError, unmappedColumns } from './mapped-columns.js';
import { builtinPresets, loadPresetFile, type Preset, PresetError, presetByName } from './preset.js';
import { type MarkupKind, markupDecoder, markupKind } from './markup-decoder.js';
import { type PresetOverride, presetOverrides } from './presets/index.js';
import { borrowReadBuffer, readFileHead, returnReadBuffer } from './read-buffer.js';
import { type Cell, TableReader } from './table-reader.js';
import { markTruncatedExport } from './truncated-export.js';
import {
  detailTables,
  entryStream,
  isClutter,
  isEncodingRefusal,
  isNoHeaderError,
  isTableEntry,
  listEntries,
  memberNotRead,
  notATableMember,
  openZip,
  type ZipEntryInfo,
} from './zip-entries.js';

export {
  type FileImportSummary,
  ImportFileError,
  type ImportInput,
  type ImportOptions,
  type ImportResult,
  type ImportWarning,
  type RejectedRow,
} from './import-types.js';

/**
 * exceljs takes about a fifth of a second to load (a CLI run's largest module) and yauzl a little more (see
 * zip-entries.ts); most imports are CSV, so both are loaded on the first XLSX or ZIP rather than with this module.
 */
let excelModule: Promise<typeof ExcelJS> | undefined;
function loadExcel(): Promise<typeof ExcelJS> {
  excelModule ??= import('exceljs').then((m) => m.default);
  return excelModule;
}
let htmlModule: Promise<typeof import('./html-table.js')> | undefined;
function loadHtml(): Promise<typeof import('./html-table.js')> {
  htmlModule ??= import('./html-table.js');
  return htmlModule;
}
const HEAD_BYTES = 256 * 1024;
const CHUNK = 1 << 20;
/** Bytes decoded at once: at most 64 KiB of UTF-16, under V8's large-object size (see readText). */
const DECODE_SLICE = 32 * 1024;

function nameOf(input: ImportInput): string {
  return 'path' in input ? input.path : input.name;
}

/**
 * Reads an input as byte chunks, hashing and counting as it goes. With `reuse`, every chunk is read into the same
 * buffer, for a consumer that is done with a chunk before it asks for the next (a fresh megabyte per chunk is
 * mapped and page-faulted afresh: a tenth of a large audit's time).
 */
async function* chunks(
  input: ImportInput,
  tally: { hash: ReturnType<typeof createHash>; bytes: number },
  onBytes?: (n: number) => void,
  reuse = false,
): AsyncGenerator<Uint8Array> {
  if ('bytes' in input) {
    tally.hash.update(input.bytes);
    tally.bytes += input.bytes.length;
    onBytes?.(tally.bytes);
    yield input.bytes;
    return;
  }
  if (reuse) {
    const fh = await open(input.path, 'r');
    const buf = borrowReadBuffer(CHUNK);
    try {
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
        if (bytesRead === 0) return;
        const c = buf.subarray(0, bytesRead);
        tally.hash.update(c);
        tally.bytes += bytesRead;
        onBytes?.(tally.bytes);
        yield c;
      }
    } finally {
      returnReadBuffer(buf);
      await fh.close();
    }
  }
  for await (const chunk of createReadStream(input.path, { highWaterMark: CHUNK })) {
    const c = chunk as Buffer;
    tally.hash.update(c);
    tally.bytes += c.length;
    onBytes?.(tally.bytes);
    yield c;
  }
}

async function headBytes(input: ImportInput, n: number): Promise<Uint8Array> {
  return 'bytes' in input ? input.bytes.subarray(0, n) : readFileHead(input.path, n);
}

async function hashInput(input: ImportInput): Promise<{ sha256: string; bytes: number }> {
  const tally = { hash: createHash('sha256'), bytes: 0 };
  for await (const _ of chunks(input, tally, undefined, true)) void _;
  return { sha256: tally.hash.digest('hex'), bytes: tally.bytes };
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * A text file in an encoding the reader does not take (Big5, Latin-1…), when the encoding was left to detection:
 * said so, with the encodings it takes, rather than "no header" or "not a text table", which would send the user
 * looking for a column that is there.
 */
function encodingRefusal(
  file: string,
  head: Uint8Array,
  options: ImportOptions,
): ImportFileError | undefined {
  const forced = forcedPreset(file, options);
  if (forced !== undefined && forced.encoding !== 'auto') return undefined;
  const doubt = unrecognisedEncoding(head);
  return doubt === undefined ? undefined : new ImportFileError(file, doubt.zh, doubt.en);
}

/** The preset a caller forced (--preset, --mapping), if any. */
function forcedPreset(file: string, options: ImportOptions): Preset | undefined {
  try {
    if (options.mappingFile !== undefined)
      return loadPresetFile(options.mappingFile, options.mappingName ?? options.mappingFile);
    if (options.preset !== undefined) return presetByName(options.preset);
  } catch (error) {
    if (error instanceof PresetError) throw new ImportFileError(file, error.zh, error.message);
    throw error;
  }
  return undefined;
}

function choosePreset(file: string, options: ImportOptions, rows: string[][], lines: string[]): Preset {
  const forced = forcedPreset(file, options);
  if (forced) return forced;
  const presets = builtinPresets();
  const found = detectPreset(presets.values(), rows, lines, basename(file));
  const generic = presets.get('generic');
  if (found) return found;
  if (!generic)
    throw new ImportFileError(file, '找不到内置预设 generic', 'the built-in generic preset is missing');
  return generic;
}

function fileDateOf(file: string): string | undefined {
  // A date in the name (…_trade_new_20261010.txt) that is not part of a longer number such as a merchant ID.
  for (const m of basename(file).matchAll(/(?<!\d)(20\d{2})[-_]?(\d{2})[-_]?(\d{2})(?!\d)/g)) {
    const [, y, mo, d] = m;
    const month = Number(mo);
    const day = Number(d);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) return `${y}-${mo}-${d}`;
  }
  return undefined;
}

function notATable(file: string, hint?: { zh: string; en: string }): ImportFileError {
  return new ImportFileError(
    file,
    `找不到表头（需要至少包含交易时间和金额列），不是可识别的对账单${hint === undefined ? '' : `：${hint.zh}`}；可指定预设（import 用 --preset，audit 用 --terminal-preset / --settlement-preset / --bank-preset）或用 --mapping 指明各列`,
    `no header row found (it needs at least a time and an amount column): not a statement this reader knows${hint === undefined ? '' : `: ${hint.en}`}; name a preset (import: --preset; audit: --terminal-preset, --settlement-preset or --bank-preset) or map the columns with --mapping`,
  );
}

function mappingOf(options: ImportOptions): MappingSource | undefined {
  const file = options.mappingFile;
  return file === undefined ? undefined : { file, shown: options.mappingName ?? file };
}

/**
 * No header found: when a --mapping was given and names columns the row most like a header lacks, each of those
 * with the mapping's line and the closest column; otherwise the general "not a statement" error.
 */
function noHeader(
  file: string,
  options: ImportOptions,
  preset: Preset | undefined,
  rows: readonly (readonly string[])[],
  hint?: { zh: string; en: string },
): ImportFileError {
  const mapping = mappingOf(options);
  const why = mapping && preset ? mappedHeaderError(preset, rows, mapping) : undefined;
  return why === undefined ? notATable(file, hint) : new ImportFileError(file, why.zh, why.en);
}

/** The first rows of a text table's head, split as its reader splits them (for saying why it has no header). */
function headRows(headText: string, delimiter: string): string[][] {
  if (delimiter.length !== 1) return splitSample(headText.slice(0, 65536), delimiter).rows;
  const rows: string[][] = [];
  const scanner = new CsvScanner(delimiter, (cells) => {
    if (rows.length < 250) rows.push(cells);
  });
  scanner.push(headText);
  scanner.end();
  return rows;
}

/** Warns, on a table read with a --mapping, of each mapped field its header has no column for. */
function warnUnmapped(reader: TableReader, preset: Preset, options: ImportOptions): void {
  const mapping = mappingOf(options);
  if (mapping === undefined) return;
  for (const issue of unmappedColumns(preset, reader.context.header, (f) => reader.columnIndex(f), mapping))
    reader.summary.warnings.push({
      code: 'mapping.column-missing',
      file: reader.summary.file,
      message: issue.zh,
      messageEn: issue.en,
    });
}

function looksBinary(text: string): boolean {
  let bad = 0;
  const n = Math.min(text.length, 65536);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) bad++;
  }
  return n > 0 && bad > n / 50;
}

/**
 * The delimiter of a text table from its head. A bill whose every field is written `value\t,` (a real Alipay 业务明细)
 * has one tab more than commas on each line, so counting alone picks tab and every cell after the first reads
 * `,商户订单号`, no header found. Tabs that only ever sit against a comma or a line's end are padding: comma it is.
 */
function sniffDelimiter(sample: string): string {
  const counted = detectDelimiter(sample);
  return counted === '\t' && tabsArePadding(sample) ? ',' : counted;
}

/**
 * Whether the lines with a tab mostly have commas and lose every tab once the blanks around commas and at the ends
 * are dropped (a TSV with commas in a text column keeps tabs between its fields). The first 60 lines only.
 */
function tabsArePadding(sample: string): boolean {
  let padded = 0;
  let other = 0;
  for (const raw of sample.split(/\r\n|\n|\r/, 60)) {
    if (!raw.includes('\t')) continue;
    const line = raw.replace(/"[^"]*"/g, '""');
    if (
      line.includes(',') &&
      !line
        .replace(/[ \t]*,[ \t]*/g, ',')
        .trim()
        .includes('\t')
    )
      padded++;
    else other++;
  }
  return padded > other;
}

function splitSample(text: string, delimiter: string): { lines: string[]; rows: string[][] } {
  const lines = text.split(/\r\n|\n|\r/).slice(0, 60);
  const rows = lines.map((l) =>
    l.split(delimiter === 'fixed' ? /\s{2,}/ : delimiter).map((c) => c.replace(/^[\s"`'\t]+|[\s"\t]+$/g, '')),
  );
  return { lines, rows };
}

/** A text table's layout, worked out from its first bytes, and the reader that maps its rows. */
export interface TextTable {
  decoder: StreamDecoder;
  encoding: TextEncoding;
  /** The first bytes, decoded (the decoder has consumed them). */
  headText: string;
  preset: Preset;
  override: PresetOverride | undefined;
  delimiter: string;
  reader: TableReader;
}

/**
 * Works out a text table's encoding, delimiter and preset from its first bytes and makes its reader. Throws
 * ImportFileError when the head is empty or binary, or a forced preset cannot be loaded.
 */
export function openTextTable(
  file: string,
  head: Uint8Array,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
): TextTable {
  if (head.length === 0) throw new ImportFileError(file, '文件是空的', 'the file is empty');
  // A web page or XML workbook read as text would find no header; readAny hands those to readMarkup.
  if (markupKind(head) !== undefined)
    throw new ImportFileError(
      file,
      '是网页（HTML）表格，不是文本表格',
      'is an HTML or XML table, not a text table',
    );
  const forced = forcedPreset(file, options);
  let encoding: TextEncoding =
    forced && forced.encoding !== 'auto' ? forced.encoding : detectEncoding(head.subarray(0, 65536));
  // A header a script wrote in UTF-8 over rows exported in GBK: each part in its own encoding.
  const split =
    (forced === undefined || forced.encoding === 'auto') && (encoding === 'gbk' || encoding === 'utf-8')
      ? utf8HeadBeforeGbk(head)
      : 0;
  if (split > 0) encoding = 'gbk';
  const decoder = split > 0 ? createSplitDecoder(split, 'utf-8', 'gbk') : createDecoder(encoding);
  const headText = decoder.write(head);
  if (looksBinary(headText)) {
    const refusal = encodingRefusal(file, head, options);
    if (refusal !== undefined) throw refusal;
    throw new ImportFileError(
      file,
      '不是文本表格，也不是 XLSX/ZIP/GZIP 文件',
      'not a text table, XLSX, ZIP or GZIP file',
    );
  }
  const autoDelimiter = sniffDelimiter(headText.slice(0, 65536));
  const sample = splitSample(headText.slice(0, 65536), autoDelimiter);
  const preset = forced ?? choosePreset(file, options, sample.rows, sample.lines);
  const override = preset.override === undefined ? undefined : presetOverrides[preset.override];
  if (preset.override !== undefined && override === undefined) {
    throw new ImportFileError(
      file,
      `预设 ${preset.name} 需要的代码扩展 ${preset.override} 不存在`,
      `preset ${preset.name} needs the missing override ${preset.override}`,
    );
  }
  const delimiter = preset.delimiter === 'auto' ? autoDelimiter : preset.delimiter;
  const fileDate = fileDateOf(file);
  const reader = new TableReader(
    preset,
    {
      file,
      encoding: encoding === 'gb18030' ? 'gb18030' : encoding,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(override === undefined ? {} : { override }),
      ...(fileDate === undefined ? {} : { fileDate }),
      textCells: delimiter !== 'fixed',
      ...(delimiter === 'fixed' ? {} : { delimiter }),
    },
    onRecord,
  );
  if (split > 0) {
    const lines =
      Buffer.from(head.subarray(0, split))
        .toString('utf8')
        .split(/\r\n|\n|\r/).length - 1;
    reader.warn(
      'encoding.mixed',
      `${file} 开头 ${lines} 行是 UTF-8 编码，其余是 GBK，已分别解码`,
      `${file}: its first ${lines} lines are UTF-8 and the rest GBK; each part was decoded in its own encoding`,
    );
  }
  return { decoder, encoding, headText, preset, override, delimiter, reader };
}

/** Reads a text table (CSV/TSV/TXT/fixed width) from byte chunks in bounded memory. */
async function readText(
  file: string,
  source: AsyncIterable<Uint8Array>,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
): Promise<FileImportSummary> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    return await readTextFrom(file, iterator, options, onRecord);
  } finally {
    // A file given up on (not a table, a row too long) is closed now, not when collected.
    await iterator.return?.(undefined);
  }
}

async function readTextFrom(
  file: string,
  iterator: AsyncIterator<Uint8Array>,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
): Promise<FileImportSummary> {
  const headParts: Uint8Array[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    // A copy: the source may read the next chunk into the same buffer.
    headParts.push(Buffer.from(next.value));
    headLength += next.value.length;
  }
  const head = headParts.length === 1 ? (headParts[0] as Uint8Array) : Buffer.concat(headParts);
  const { decoder, headText, preset, override, delimiter, reader } = openTextTable(
    file,
    head,
    options,
    onRecord,
  );
  let rowNo = 0;
  const lineMode = delimiter === 'fixed' || override?.transformLine !== undefined;
  // How the text ends, to tell a download cut off mid-row (markTruncatedExport).
  const last = { row: 0, cells: 0, char: -1 };
  const scanner = new CsvScanner(delimiter === 'fixed' ? '\u0001' : delimiter, (cells) => {
    if (!lineMode) rowNo++;
    last.row = rowNo;
    last.cells = cells.length;
    reader.row(cells, rowNo);
  });
  let carry = '';
  const widths = preset.fixedWidth ?? [];
  const feedLines = (text: string, final: boolean) => {
    const all = carry + text;
    const parts = all.split(/\r\n|\n|\r/);
    carry = final ? '' : (parts.pop() ?? '');
    if (carry.length > MAX_ROW_CHARS) throw new RowTooLongError();
    if (!final && carry === '' && all.endsWith('\r')) carry = '';
    for (const line of parts) {
      rowNo++;
      reader.context.row = rowNo;
      const kept = override?.transformLine ? override.transformLine(line, reader.context) : line;
      if (kept === null) continue;
      if (delimiter === 'fixed') {
        reader.row(
          widths.map(([, start, length]) => kept.slice(start - 1, start - 1 + length)),
          rowNo,
        );
      } else {
        scanner.push(`${kept}\n`);
      }
    }
  };
  const feed = (text: string, final: boolean) => {
    if (text.length > 0) last.char = text.charCodeAt(text.length - 1);
    if (lineMode) feedLines(text, final);
    else {
      scanner.push(text);
      if (final) scanner.end();
    }
    if (reader.hopeless)
      throw (
        encodingRefusal(file, head, options) ??
        noHeader(file, options, preset, headRows(headText, delimiter), reader.headerHint)
      );
  };
  try {
    feed(headText, false);
    while (!done) {
      const next = await iterator.next();
      if (next.done) break;
      // Decoded a slice at a time: a string of a whole megabyte lives in V8's large-object space, each one mapped
      // and page-faulted afresh (a fifth of a million-row audit's time went to faults); a slice's string is an
      // ordinary young object.
      const bytes = next.value;
      for (let from = 0; from < bytes.length; from += DECODE_SLICE)
        feed(decoder.write(bytes.subarray(from, Math.min(bytes.length, from + DECODE_SLICE))), false);
    }
    feed(decoder.end(), true);
    if (lineMode && carry !== '') feedLines('', true);
  } catch (error) {
    if (error instanceof RowTooLongError) {
      throw new ImportFileError(
        file,
        '有一行超过 16 MB（引号未闭合或不是文本表格）',
        'a row is longer than 16 MiB (an unclosed quote, or not a text table)',
      );
    }
    throw error;
  }
  if (!reader.finish())
    throw (
      encodingRefusal(file, head, options) ??
      noHeader(file, options, preset, headRows(headText, delimiter), reader.headerHint)
    );
  warnUnmapped(reader, preset, options);
  // A fixed-width line has every field whatever its length: only a delimited table can show a row cut short.
  if (delimiter !== 'fixed')
    markTruncatedExport(reader.summary, {
      lastRow: last.row,
      lastCells: last.cells,
      headerWidth: reader.headerWidth,
      endsWithNewline: last.char === 10 || last.char === 13,
      unclosedQuote: scanner.unclosedQuote,
    });
  return reader.summary;
}

/** The override a preset names, or an ImportFileError when that code is missing. */
function overrideOf(file: string, preset: Preset): PresetOverride | undefined {
  const override = preset.override === undefined ? undefined : presetOverrides[preset.override];
  if (preset.override !== undefined && override === undefined) {
    throw new ImportFileError(
      file,
      `预设 ${preset.name} 需要的代码扩展 ${preset.override} 不存在`,
      `preset ${preset.name} needs the missing override ${preset.override}`,
    );
  }
  return override;
}

/**
 * Reads a web page or XML Spreadsheet saved as .xls (what many bank and provider portals export): every table is
 * read as a CSV of the same cells would be, rows numbered through the whole page; tables without a header a
 * preset knows (titles, account details, layout) are passed over, as are worksheets named as summaries when
 * another table has rows.
 */
async function readMarkup(
  file: string,
  kind: MarkupKind,
  input: ImportInput,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
  onBytes?: (n: number) => void,
  hashed?: { sha256?: string; bytes?: number },
): Promise<FileImportSummary[]> {
  const { MarkupTableScanner } = await loadHtml();
  const head = await headBytes(input, HEAD_BYTES);
  const { decoder, encoding } = markupDecoder(head);
  const fileDate = fileDateOf(file);
  const forced = forcedPreset(file, options);
  interface TableState {
    buffered: { cells: string[]; row: number }[];
    reader: TableReader | undefined;
    failed: boolean;
    sheet: string | undefined;
  }
  const tables = new Map<number, TableState>();
  const parts: FileImportSummary[] = [];
  const summaryParts: FileImportSummary[] = [];
  const summaryRecords: PosRecord[] = [];
  // The first rows and preset of the first table, for saying why no table had a header.
  let firstRows: string[][] | undefined;
  let firstPreset: Preset | undefined;
  const presets = new Map<TableReader, Preset>();
  const sinkOf = (name: string | undefined) =>
    name !== undefined && SUMMARY_SHEET.test(name) ? (r: PosRecord) => summaryRecords.push(r) : onRecord;
  const start = (state: TableState): void => {
    const rows = state.buffered.map((b) => b.cells);
    const preset =
      forced ??
      choosePreset(
        file,
        options,
        rows,
        rows.map((r) => r.join(',')),
      );
    firstRows ??= rows;
    firstPreset ??= preset;
    const override = overrideOf(file, preset);
    const reader = new TableReader(
      preset,
      {
        file,
        encoding: encoding(),
        ...(options.kind === undefined ? {} : { kind: options.kind }),
        ...(override === undefined ? {} : { override }),
        ...(fileDate === undefined ? {} : { fileDate }),
        textCells: true,
      },
      sinkOf(state.sheet),
    );
    state.reader = reader;
    presets.set(reader, preset);
    for (const b of state.buffered) {
      reader.row(b.cells, b.row);
      if (reader.hopeless) state.failed = true;
    }
    state.buffered.length = 0;
  };
  const scanner = new MarkupTableScanner(
    kind,
    ({ table, row, cells, sheet }) => {
      let state = tables.get(table);
      if (state === undefined) {
        state = { buffered: [], reader: undefined, failed: false, sheet };
        tables.set(table, state);
      }
      if (state.failed) return;
      if (state.reader === undefined) {
        state.buffered.push({ cells, row });
        if (state.buffered.length >= 40) start(state);
      } else {
        state.reader.row(cells, row);
        if (state.reader.hopeless) state.failed = true;
      }
    },
    (table, name) => {
      const state = tables.get(table);
      if (state === undefined) return;
      tables.delete(table);
      if (state.reader === undefined && state.buffered.length > 0) start(state);
      if (state.reader === undefined || state.failed || !state.reader.finish()) return;
      const preset = presets.get(state.reader);
      if (preset !== undefined) warnUnmapped(state.reader, preset, options);
      if (name !== undefined && SUMMARY_SHEET.test(name)) summaryParts.push(state.reader.summary);
      else parts.push(state.reader.summary);
    },
  );
  const tally = { hash: createHash('sha256'), bytes: 0 };
  try {
    for await (const bytes of chunks(input, tally, onBytes, true)) {
      for (let from = 0; from < bytes.length; from += DECODE_SLICE)
        scanner.write(decoder.write(bytes.subarray(from, Math.min(bytes.length, from + DECODE_SLICE))));
    }
    scanner.write(decoder.end());
    scanner.end();
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(file, '无法读取网页表格', `cannot read the HTML table (${errorText(error)})`);
  }
  if (hashed) {
    hashed.sha256 = tally.hash.digest('hex');
    hashed.bytes = tally.bytes;
  }
  if (parts.length === 0) {
    for (const r of summaryRecords) onRecord(r);
    parts.push(...summaryParts);
  } else if (summaryParts.length > 0) {
    (parts[0] as FileImportSummary).warnings.push({
      code: 'xlsx.summary-skipped',
      file,
      message: `汇总工作表未作为明细导入（${summaryRecords.length} 行）`,
      messageEn: `summary worksheet(s) hold totals, not transactions; not imported (${summaryRecords.length} rows)`,
    });
  }
  if (parts.length === 0) throw noHeader(file, options, firstPreset, firstRows ?? []);
  return parts;
}

function excelCell(value: unknown): Cell {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return excelCell(v.result);
    if (typeof v.text === 'string') return v.text;
  }
  return undefined;
}

/**
 * XLSX files up to `inMemoryBytes` are read whole (exceljs's full reader fails cleanly on corrupt files); bigger
 * ones stream. Exported so a test can force the streaming path on a small file.
 */
export const xlsxLimits = { inMemoryBytes: 32 * 1024 * 1024 };
/** The streaming reader can stall forever on a corrupt entry; give up after this long without a row. */
const XLSX_STALL_MS = 30_000;

interface SheetSource {
  name: string;
  /**
   * The workbook has more than this one worksheet: its rows are then cited `file#sheet`, those of the first
   * sheet too, since a bare `file` row N could be on any tab. Known before the first row, from workbook.xml.
   */
  several: boolean;
  /** The sheet is hidden or veryHidden in Excel: old or helper data the merchant does not see. */
  hidden: boolean;
  rows: AsyncIterable<{ cells: Cell[]; row: number }> | Iterable<{ cells: Cell[]; row: number }>;
}

/** What rowCells needs of an exceljs row, whether read whole or streamed. */
interface SheetRow {
  values: unknown;
  getCell?: (column: number) => { numFmt?: string };
}

/**
 * The cells of a row as the sheet shows them where it matters: a number formatted as a percentage (a rate column
 * typed in Excel holds 0.006 and shows 0.60%) becomes the percentage text, which the rate column reads; the bare
 * 0.006 has no unit it could be read with.
 */
function rowCells(row: SheetRow): Cell[] {
  const cells: Cell[] = [];
  const values = row.values;
  if (!Array.isArray(values)) return cells;
  for (let i = 1; i < values.length; i++) {
    const cell = excelCell(values[i]);
    if (typeof cell === 'number' && Number.isFinite(cell) && row.getCell?.(i).numFmt?.includes('%') === true)
      cells.push(percentText(cell));
    else cells.push(cell);
  }
  return cells;
}

/** 0.006 → "0.6%": twelve significant digits drop the binary noise of × 100 (0.6000000000000001). */
export function percentText(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(12))}%`;
}

async function* stallGuard<T>(source: AsyncIterable<T>, file: string): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ImportFileError(
              file,
              'XLSX 文件已损坏（读取停滞）',
              'the XLSX file is corrupt (reading stalled)',
            ),
          ),
        XLSX_STALL_MS,
      );
    });
    try {
      const next = await Promise.race([it.next(), stalled]);
      if (next.done) return;
      yield next.value;
    } finally {
      clearTimeout(timer);
    }
  }
}

async function* loadedSheets(bytes: Buffer): AsyncGenerator<SheetSource> {
  const { Workbook } = await loadExcel();
  const workbook = new Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const several = workbook.worksheets.length > 1;
  for (const ws of workbook.worksheets) {
    const rows: { cells: Cell[]; row: number }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      rows.push({ cells: rowCells(row), row: rowNumber });
    });
    yield { name: ws.name, several, hidden: ws.state === 'hidden' || ws.state === 'veryHidden', rows };
  }
}

/**
 * How many worksheets (chart sheets aside, as the whole-file reader has them) the workbook.xml that exceljs's
 * streaming reader has parsed lists; undefined when it has not parsed one.
 */
function listedWorksheets(reader: unknown): number | undefined {
  const r = reader as {
    model?: { sheets?: { rId?: string }[] };
    workbookRels?: { Id?: string; Target?: string }[];
  };
  const sheets = r.model?.sheets;
  if (sheets === undefined) return undefined;
  const targets = new Map((r.workbookRels ?? []).map((rel) => [rel.Id, rel.Target ?? '']));
  return sheets.filter((sheet) => /(?:^|\/)worksheets\/[^/]+\.xml$/.test(targets.get(sheet.rId) ?? ''))
    .length;
}

async function* streamedSheets(input: string | Readable, file: string): AsyncGenerator<SheetSource> {
  const { stream } = await loadExcel();
  const workbook = new stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  let index = 0;
  for await (const sheet of stallGuard(
    workbook as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>,
    file,
  )) {
    index++;
    const name = (sheet as unknown as { name?: string }).name ?? `Sheet${index}`;
    const state = (sheet as unknown as { state?: string }).state;
    // exceljs yields a worksheet only once workbook.xml is read (it names the sheet from it), so the sheet list is
    // known before the first sheet's rows; were it not, naming the sheet keeps the row findable either way.
    const several = (listedWorksheets(workbook) ?? 2) > 1;
    async function* rows(): AsyncGenerator<{ cells: Cell[]; row: number }> {
      for await (const row of stallGuard(sheet as AsyncIterable<unknown>, file)) {
        const r = row as SheetRow & { number: number };
        yield { cells: rowCells(r), row: r.number };
      }
    }
    yield { name, several, hidden: state === 'hidden' || state === 'veryHidden', rows: rows() };
  }
}

const SUMMARY_SHEET = /汇总|合计|总计|统计|summary|total/i;

/** Reads every worksheet of an XLSX; each sheet with a table is one part. Small files are read whole. */
async function readXlsx(
  file: string,
  input: string | Buffer,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
): Promise<FileImportSummary[]> {
  const parts: FileImportSummary[] = [];
  const skippedSheets: string[] = [];
  // A sheet named as a summary (汇总, 统计…) holds daily or monthly totals, not transactions: its rows are held
  // back and imported only when the workbook has no other table.
  const summaryParts: FileImportSummary[] = [];
  const summaryRecords: PosRecord[] = [];
  const summarySheets: string[] = [];
  // A hidden sheet (旧数据 of last month, kept out of sight) is not what the merchant sees: its rows are held back
  // and imported only when every table of the workbook is on a hidden sheet.
  const hiddenParts: FileImportSummary[] = [];
  const hiddenRecords: PosRecord[] = [];
  const hiddenSheets: string[] = [];
  // The first rows and preset of the first sheet read, for saying why no sheet had a header.
  let firstRows: string[][] | undefined;
  let firstPreset: Preset | undefined;
  try {
    let source: AsyncIterable<SheetSource>;
    if (typeof input === 'string') {
      const size = (await stat(input)).size;
      source =
        size <= xlsxLimits.inMemoryBytes ? loadedSheets(await readFile(input)) : streamedSheets(input, file);
    } else source = loadedSheets(input);
    for await (const sheet of source) {
      const partName = sheet.several ? `${file}#${sheet.name}` : file;
      const isSummary = SUMMARY_SHEET.test(sheet.name);
      const sink = sheet.hidden
        ? (r: PosRecord) => hiddenRecords.push(r)
        : isSummary
          ? (r: PosRecord) => summaryRecords.push(r)
          : onRecord;
      const buffered: { cells: Cell[]; row: number }[] = [];
      let reader: TableReader | undefined;
      let sheetPreset: Preset | undefined;
      let failed = false;
      const start = (): void => {
        const rows = buffered.map((b) =>
          b.cells.map((c) => (c instanceof Date ? c.toISOString() : String(c ?? ''))),
        );
        const preset = choosePreset(
          file,
          options,
          rows,
          rows.map((r) => r.join(',')),
        );
        firstRows ??= rows;
        firstPreset ??= preset;
        sheetPreset = preset;
        const override = preset.override === undefined ? undefined : presetOverrides[preset.override];
        const fileDate = fileDateOf(file);
        reader = new TableReader(
          preset,
          {
            file: partName,
            encoding: 'xlsx',
            ...(options.kind === undefined ? {} : { kind: options.kind }),
            ...(override === undefined ? {} : { override }),
            ...(fileDate === undefined ? {} : { fileDate }),
          },
          sink,
        );
        for (const b of buffered) reader.row(b.cells, b.row);
        buffered.length = 0;
      };
      for await (const { cells, row } of sheet.rows) {
        if (failed) continue;
        if (reader === undefined) {
          buffered.push({ cells, row });
          if (buffered.length >= 40) start();
        } else reader.row(cells, row);
        if (reader?.hopeless) failed = true;
      }
      if (reader === undefined && buffered.length > 0) start();
      if (reader !== undefined && !failed && reader.finish()) {
        if (sheetPreset !== undefined) warnUnmapped(reader, sheetPreset, options);
        if (sheet.hidden) {
          hiddenParts.push(reader.summary);
          hiddenSheets.push(sheet.name);
        } else if (isSummary) {
          summaryParts.push(reader.summary);
          summarySheets.push(sheet.name);
        } else parts.push(reader.summary);
      } else if (!sheet.hidden) skippedSheets.push(sheet.name);
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    throw new ImportFileError(
      file,
      'XLSX 文件已损坏或无法读取',
      `the XLSX file is corrupt or unreadable (${errorText(error)})`,
    );
  }
  if (parts.length === 0 && hiddenParts.length > 0) {
    for (const r of hiddenRecords) onRecord(r);
    parts.push(...hiddenParts);
  } else if (hiddenSheets.length > 0) {
    (parts[0] ?? summaryParts[0])?.warnings.push({
      code: 'xlsx.hidden-skipped',
      file,
      message: `工作表 ${hiddenSheets.join('、')} 是隐藏的工作表，未导入（${hiddenRecords.length} 行）；如需导入，请在 Excel 中取消隐藏后重新导出`,
      messageEn: `worksheet(s) ${hiddenSheets.join(', ')} are hidden and were not imported (${hiddenRecords.length} ${hiddenRecords.length === 1 ? 'row' : 'rows'}); unhide them in Excel and save again to import them`,
    });
  }
  if (parts.length === 0) {
    for (const r of summaryRecords) onRecord(r);
    parts.push(...summaryParts);
  } else if (summarySheets.length > 0) {
    (parts[0] as FileImportSummary).warnings.push({
      code: 'xlsx.summary-skipped',
      file,
      message: `工作表 ${summarySheets.join('、')} 是汇总表，未作为明细导入（${summaryRecords.length} 行）`,
      messageEn: `worksheet(s) ${summarySheets.join(', ')} hold totals, not transactions; not imported (${summaryRecords.length} rows)`,
    });
  }
  if (parts.length === 0) throw noHeader(file, options, firstPreset, firstRows ?? []);
  if (skippedSheets.length > 0) {
    const first = parts[0] as FileImportSummary;
    first.warnings.push({
      code: 'xlsx.sheet-skipped',
      file,
      message: `工作表 ${skippedSheets.join('、')} 中没有找到表头，已跳过`,
      messageEn: `no table found in worksheet(s) ${skippedSheets.join(', ')}; skipped`,
    });
  }
  return parts;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function streamToBuffer(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The chunks of a source as they pass, hashed and counted into `tally`. */
async function* tallied(
  source: AsyncIterable<Uint8Array>,
  tally: { hash: ReturnType<typeof createHash>; bytes: number },
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    tally.hash.update(chunk);
    tally.bytes += chunk.length;
    yield chunk;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

/** Why a file could not be opened, in Chinese for the usual causes, else as the system says it. */
function openFailureZh(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT') return '文件不存在，请检查路径';
  if (code === 'EACCES' || code === 'EPERM') return '没有读取权限';
  if (code === 'EISDIR') return '这是一个文件夹，不是文件';
  return errorText(error);
}

/** Reads a ZIP: an XLSX workbook, or an archive of statements (each CSV/TXT/XLSX entry is one part). */
async function readZip(
  file: string,
  input: ImportInput,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
): Promise<FileImportSummary[]> {
  let zip: yauzl.ZipFile;
  let entries: ZipEntryInfo[];
  try {
    zip = await openZip(input);
    entries = await listEntries(zip);
  } catch (error) {
    throw new ImportFileError(file, 'ZIP 文件已损坏', `the ZIP file is corrupt (${errorText(error)})`);
  }
  try {
    if (entries.some((e) => e.name === 'xl/workbook.xml')) {
      zip.close();
      return await readXlsx(
        file,
        'bytes' in input ? Buffer.from(input.bytes) : input.path,
        options,
        onRecord,
      );
    }
    const tables = entries.filter(isTableEntry);
    if (tables.length === 0) {
      throw new ImportFileError(
        file,
        'ZIP 中没有 CSV/TXT/XLSX/XLS 文件',
        'the ZIP holds no CSV, TXT, XLSX or XLS file',
      );
    }
    const warnings: ImportWarning[] = [];
    for (const e of entries) {
      if (isClutter(e) || isTableEntry(e)) continue;
      const { code, message, messageEn } = notATableMember(e.name);
      warnings.push({ code, file, message, messageEn });
    }
    // A member with no header (a 说明.txt beside the tables) does not stop the archive; the first one stops it
    // only when nothing else in it is a table.
    let noHeader: ImportFileError | undefined;
    const chosen = detailTables(tables);
    for (const e of tables) {
      if (!chosen.includes(e)) {
        warnings.push({
          code: 'zip.summary-skipped',
          file,
          message: `${basename(e.name)} 是汇总表，未作为明细导入`,
          messageEn: `${basename(e.name)} is a summary table; not imported as detail rows`,
        });
      }
    }
    const parts: FileImportSummary[] = [];
    for (const { entry, name } of chosen) {
      const partName = `${file}/${name}`;
      const before = parts.length;
      // Each table's own hash and size: a table taken out of the archive is named and identified on its own.
      const tally = { hash: createHash('sha256'), bytes: 0 };
      if (entry.isEncrypted()) {
        throw new ImportFileError(
          file,
          `${name} 已加密，请先解压并去掉密码`,
          `${name} is encrypted; extract it without a password first`,
        );
      }
      let stream: AsyncIterable<Uint8Array>;
      try {
        stream = tallied((await entryStream(zip, entry)) as AsyncIterable<Uint8Array>, tally);
      } catch (error) {
        throw new ImportFileError(file, `无法解压 ${name}`, `cannot extract ${name} (${errorText(error)})`);
      }
      try {
        if (/\.xlsx$/i.test(name))
          parts.push(...(await readXlsx(partName, await streamToBuffer(stream), options, onRecord)));
        else if (/\.(xls|html?)$/i.test(name)) {
          // What portals call .xls: a web page, an XML workbook or tab-separated text; a real one cannot be read.
          const bytes = await streamToBuffer(stream);
          const markup = markupKind(bytes.subarray(0, 8192));
          if (markup !== undefined)
            parts.push(...(await readMarkup(partName, markup, { name: partName, bytes }, options, onRecord)));
          else if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) {
            warnings.push({
              code: 'zip.old-xls-skipped',
              file,
              message: `${basename(name)} 是旧版 Excel（.xls），无法读取，已跳过；请另存为 .xlsx 后再导入`,
              messageEn: `${basename(name)} is an old Excel .xls and cannot be read; skipped (save it as .xlsx)`,
            });
          } else parts.push(await readText(partName, once(bytes), options, onRecord));
        } else parts.push(await readText(partName, stream, options, onRecord));
      } catch (error) {
        if (error instanceof ImportFileError && (isNoHeaderError(error) || isEncodingRefusal(error))) {
          // Named with the reason, not dropped: it may be a statement whose layout (or encoding, a Big5 one
          // beside GBK ones) this reader does not know.
          noHeader ??= error;
          const { code, message, messageEn } = memberNotRead(name, error);
          warnings.push({ code, file, message, messageEn });
          continue;
        }
        if (error instanceof ImportFileError) throw error;
        throw new ImportFileError(file, `${name} 已损坏`, `${name} is corrupt (${errorText(error)})`);
      }
      const sha256 = tally.hash.digest('hex');
      for (const part of parts.slice(before)) {
        part.sha256 = sha256;
        part.bytes = tally.bytes;
      }
    }
    if (parts.length === 0) {
      if (noHeader !== undefined) throw noHeader;
      throw new ImportFileError(
        file,
        'ZIP 中只有旧版 Excel（.xls）文件，无法读取；请另存为 .xlsx 后再导入',
        'the ZIP holds only old Excel .xls files, which cannot be read; save them as .xlsx',
      );
    }
    parts[0]?.warnings.push(...warnings);
    return parts;
  } finally {
    zip.close();
  }
}

async function readAny(
  input: ImportInput,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
  onBytes?: (n: number) => void,
  hashed?: { sha256?: string; bytes?: number },
): Promise<FileImportSummary[]> {
  const file = nameOf(input);
  let magic: Uint8Array;
  try {
    magic = await headBytes(input, 8);
  } catch (error) {
    throw new ImportFileError(
      file,
      `无法读取文件（${openFailureZh(error)}）`,
      `cannot read the file (${errorText(error)})`,
    );
  }
  if (startsWith(magic, [0xd0, 0xcf, 0x11, 0xe0])) {
    throw new ImportFileError(
      file,
      '是旧版 Excel（.xls）或加密的工作簿，无法直接读取；请在 Excel 中“另存为”.xlsx（不设密码）后再导入',
      'is an old Excel .xls or an encrypted workbook; open it in Excel and save it as .xlsx without a password',
    );
  }
  if (startsWith(magic, [0x25, 0x50, 0x44, 0x46])) {
    throw new ImportFileError(
      file,
      '是 PDF，无法读取；请导出 CSV 或 XLSX',
      'is a PDF; export CSV or XLSX instead',
    );
  }
  if (startsWith(magic, [0x50, 0x4b, 0x03, 0x04]) || startsWith(magic, [0x50, 0x4b, 0x05, 0x06])) {
    return readZip(file, input, options, onRecord);
  }
  const markup = markupKind(await headBytes(input, 8192));
  if (markup !== undefined) return readMarkup(file, markup, input, options, onRecord, onBytes, hashed);
  if (startsWith(magic, [0x1f, 0x8b])) {
    const inner = file;
    const gunzip = createGunzip();
    const tally = { hash: createHash('sha256'), bytes: 0 };
    const raw = Readable.from(chunks(input, tally, onBytes));
    raw.on('error', (e) => gunzip.destroy(e));
    raw.pipe(gunzip);
    try {
      const firstChunks: Buffer[] = [];
      const it = (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      const first = await it.next();
      if (!first.done) firstChunks.push(first.value);
      const head = firstChunks[0] ?? Buffer.alloc(0);
      if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
        for (;;) {
          const n = await it.next();
          if (n.done) break;
          firstChunks.push(n.value);
        }
        return await readZip(inner, { name: inner, bytes: Buffer.concat(firstChunks) }, options, onRecord);
      }
      async function* rest(): AsyncGenerator<Uint8Array> {
        yield head;
        for (;;) {
          const n = await it.next();
          if (n.done) return;
          yield n.value;
        }
      }
      return [await readText(inner, rest(), options, onRecord)];
    } catch (error) {
      if (error instanceof ImportFileError) throw error;
      throw new ImportFileError(file, 'GZIP 文件已损坏', `the GZIP file is corrupt (${errorText(error)})`);
    }
  }
  try {
    const tally = { hash: createHash('sha256'), bytes: 0 };
    const summary = await readText(file, chunks(input, tally, onBytes, true), options, onRecord);
    if (hashed) {
      hashed.sha256 = tally.hash.digest('hex');
      hashed.bytes = tally.bytes;
    }
    return [summary];
  } catch (error) {
    if (error instanceof ImportFileError) throw error;
    // Not a fault of the file that Chinese can name: the cause as the system gives it is what support needs.
    throw new ImportFileError(
      file,
      `读取文件时出错（${errorText(error)}）`,
      `cannot read the file (${errorText(error)})`,
    );
  }
}

/** Adds the parts of an archive into one summary for the archive. */
function combine(file: string, parts: FileImportSummary[]): FileImportSummary {
  const first = parts[0] as FileImportSummary;
  if (parts.length === 1) return first.file === file ? { ...first } : { ...first, file, parts: [first] };
  const totals = { amountFen: 0 } as { amountFen: number; feeFen?: number; settledFen?: number };
  for (const p of parts) {
    totals.amountFen += p.totals?.amountFen ?? 0;
    if (p.totals?.feeFen !== undefined) totals.feeFen = (totals.feeFen ?? 0) + p.totals.feeFen;
    if (p.totals?.settledFen !== undefined)
      totals.settledFen = (totals.settledFen ?? 0) + p.totals.settledFen;
  }
  return {
    file,
    sha256: '',
    bytes: 0,
    preset: [...new Set(parts.map((p) => p.preset))].join(','),
    encoding: [...new Set(parts.map((p) => p.encoding))].join(','),
    kind: first.kind,
    rows: parts.reduce((n, p) => n + p.rows, 0),
    columns: first.columns,
    rejected: parts.flatMap((p) => p.rejected),
    warnings: parts.flatMap((p) => p.warnings),
    totals,
    skipped: parts.reduce((n, p) => n + (p.skipped ?? 0), 0),
    ...(parts.some((p) => p.truncated === true) ? { truncated: true as const } : {}),
    parts,
  };
}

/**
 * Imports one file (CSV/TSV/TXT, XLSX, ZIP, GZIP, or a portal's ".xls" that is a web page or XML Spreadsheet) in
 * bounded memory, handing each record to onRecord as it is
 * read; rejected rows and warnings are in the returned summary. Throws ImportFileError if the file cannot be read.
 */
export async function importFileStreaming(
  input: ImportInput,
  options: ImportOptions,
  onRecord: (r: PosRecord) => void,
): Promise<FileImportSummary> {
  const file = nameOf(input);
  let total = 'bytes' in input ? input.bytes.length : 0;
  if ('path' in input) {
    try {
      total = (await stat(input.path)).size;
    } catch {
      throw new ImportFileError(file, '文件不存在或无法读取', 'the file does not exist or cannot be read');
    }
  }
  const progress = options.onProgress;
  const hashed: { sha256?: string; bytes?: number } = {};
  // An error from onRecord is the caller's (its disk is full, it was cancelled), not a sign the file is unreadable:
  // rethrow it as it was, whatever the readers made of it on the way out.
  let callerError: { error: unknown } | undefined;
  const guarded = (r: PosRecord): void => {
    try {
      onRecord(r);
    } catch (error) {
      callerError = { error };
      throw error;
    }
  };
  let parts: FileImportSummary[];
  try {
    parts = await readAny(input, options, guarded, progress && ((n) => progress(n, total)), hashed);
  } catch (error) {
    throw callerError === undefined ? error : callerError.error;
  }
  progress?.(total, total);
  const summary = combine(file, parts);
  const { sha256, bytes } =
    hashed.sha256 !== undefined && hashed.bytes !== undefined
      ? { sha256: hashed.sha256, bytes: hashed.bytes }
      : await hashInput(input);
  summary.sha256 = sha256;
  summary.bytes = bytes;
  if (
    summary.totals?.feeFen === undefined &&
    summary.totals?.settledFen === undefined &&
    summary.rows === 0
  ) {
    summary.totals = { amountFen: 0 };
  }
  return summary;
}

export function dedupeKey(r: PosRecord): string {
  return [
    r.kind,
    r.type,
    r.status,
    r.time,
    r.amountFen,
    r.feeFen,
    r.settledFen,
    r.settleDate,
    r.merchantId,
    r.terminalId,
    r.refNo,
    r.voucherNo,
    r.batchNo,
    r.orderNo,
    r.providerOrderNo,
    r.originalRefNo,
    r.originalVoucherNo,
    r.originalOrderNo,
    r.cardNo,
    r.payerId,
    r.channel,
    r.card,
  ].join('\u0001');
}

/** One step of the key hash: a polynomial (×31) hash over UTF-16 code units, kept in 32 bits. */
function mix(h: number, code: number): number {
  return (Math.imul(h, 31) + code) | 0;
}

function mixString(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/** Hashes one element as Array.prototype.join writes it: undefined and null as nothing, the rest as String(). */
function mixValue(h: number, value: unknown): number {
  if (typeof value === 'string') return mixString(h, value);
  if (value === undefined || value === null) return h;
  if (typeof value === 'number' && (value | 0) === value) {
    // An int32 (amounts in fen) hashed digit by digit, as String(value) spells it, without allocating that string.
    // -0 takes this path too and is spelled 0, like String(-0).
    let n = value;
    if (n < 0) {
      h = mix(h, 45);
      n = -n;
    }
    // The digits come least significant first; with a polynomial hash the contribution of the whole digit run is
    // acc, and the hash so far is shifted by 31^digits.
    let acc = 0;
    let shift = 1;
    do {
      const digit = n % 10;
      acc = (acc + Math.imul(48 + digit, shift)) | 0;
      shift = Math.imul(shift, 31);
      n = (n - digit) / 10;
    } while (n > 0);
    return (Math.imul(h, shift) + acc) | 0;
  }
  if (typeof value === 'number') return mixString(h, String(value));
  // Anything else (not expected in a record): a template literal converts like join, throwing where join throws.
  return mixString(h, `${value as string}`);
}

/**
 * The hash of dedupeKey(r), computed from the fields without building the key: it walks exactly the code units
 * of the joined key, separators included, so records with equal keys always have equal hashes. Records with the
 * same hash are told apart by comparing their actual keys (see KeyIndex).
 */
export function dedupeKeyHash(r: PosRecord): number {
  let h = 0;
  h = mix(mixValue(h, r.kind), 1);
  h = mix(mixValue(h, r.type), 1);
  h = mix(mixValue(h, r.status), 1);
  h = mix(mixValue(h, r.time), 1);
  h = mix(mixValue(h, r.amountFen), 1);
  h = mix(mixValue(h, r.feeFen), 1);
  h = mix(mixValue(h, r.settledFen), 1);
  h = mix(mixValue(h, r.settleDate), 1);
  h = mix(mixValue(h, r.merchantId), 1);
  h = mix(mixValue(h, r.terminalId), 1);
  h = mix(mixValue(h, r.refNo), 1);
  h = mix(mixValue(h, r.voucherNo), 1);
  h = mix(mixValue(h, r.batchNo), 1);
  h = mix(mixValue(h, r.orderNo), 1);
  h = mix(mixValue(h, r.providerOrderNo), 1);
  h = mix(mixValue(h, r.originalRefNo), 1);
  h = mix(mixValue(h, r.originalVoucherNo), 1);
  h = mix(mixValue(h, r.originalOrderNo), 1);
  h = mix(mixValue(h, r.cardNo), 1);
  h = mix(mixValue(h, r.payerId), 1);
  h = mix(mixValue(h, r.channel), 1);
  return mixValue(h, r.card);
}

/** The first file that had a key, how many times that file had it, and one record with the key. */
interface KeySlot {
  file: string;
  count: number;
  record: PosRecord;
  /** dedupeKey(record), built only when another record lands in the same hash bucket. */
  key: string | undefined;
}

/**
 * A map from dedupeKey(record) to its KeySlot that behaves exactly like Map<string, KeySlot> but does not build a
 * ~160-character key per record: records are bucketed by dedupeKeyHash, and the string keys are built and
 * compared only within a bucket (true duplicates and rare hash collisions). Building and hashing a key string per
 * record took about a third of a 100k-row import. Records are not changed after they are read, so a slot's key
 * built late equals the key its record had when it was added.
 */
class KeyIndex {
  private readonly buckets = new Map<number, KeySlot | KeySlot[]>();

  /** The slot for r's key; a new slot (count 0, first file r's) when the key is new. */
  slotFor(r: PosRecord): KeySlot {
    const hash = dedupeKeyHash(r);
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) {
      const slot: KeySlot = { file: r.source.file, count: 0, record: r, key: undefined };
      this.buckets.set(hash, slot);
      return slot;
    }
    const key = dedupeKey(r);
    const list = Array.isArray(bucket) ? bucket : [bucket];
    for (const slot of list) {
      slot.key ??= dedupeKey(slot.record);
      if (slot.key === key) return slot;
    }
    const slot: KeySlot = { file: r.source.file, count: 0, record: r, key };
    list.push(slot);
    if (list.length === 2) this.buckets.set(hash, list);
    return slot;
  }
}

/**
 * The cross-file dedupe of importFiles, for callers that stream records themselves: fed records in import order
 * (file by file), it says which to drop. A record that an earlier file had identically (a month exported twice)
 * is dropped as many times as that file had it; identical records inside one file are genuine repeats and stay.
 * Same decisions as keying a Map by dedupeKey, at about a third of the cost; it keeps the records it was given
 * and reads their keys later, so they must not be changed while it is in use.
 */
export class CrossFileDuplicates {
  private readonly seen = new KeyIndex();
  private readonly consumed = new Map<string, number>();
  // Keys are only needed once a second source file (or archive part) appears: until then every record is kept,
  // so keying each row of a lone file would only cost time and memory.
  private onlyFile: string | undefined;
  private firstFileRecords: PosRecord[] | undefined = [];

  /** undefined when r is kept; otherwise the earlier file that had it. */
  duplicateOf(r: PosRecord): string | undefined {
    const file = r.source.file;
    if (this.firstFileRecords !== undefined) {
      this.onlyFile ??= file;
      if (file === this.onlyFile) {
        this.firstFileRecords.push(r);
        return undefined;
      }
      for (const earlier of this.firstFileRecords) this.seen.slotFor(earlier).count++;
      this.firstFileRecords = undefined;
    }
    const prior = this.seen.slotFor(r);
    if (prior.file === file) {
      prior.count++;
      return undefined;
    }
    // Another file had this key first (slotFor built prior.key when it matched r).
    const slot = `${file}\u0002${prior.key ?? dedupeKey(prior.record)}`;
    const used = this.consumed.get(slot) ?? 0;
    if (used >= prior.count) return undefined;
    this.consumed.set(slot, used + 1);
    return prior.file;
  }
}

/**
 * Imports several files and returns every record, per-file summaries, rejected rows and warnings. A record that
 * appears identically in two different files (a month exported twice) is kept once, with a warning naming both
 * files; identical rows inside one file stay separate records. Throws ImportFileError for an unreadable file.
 */
export async function importFiles(inputs: ImportInput[], options: ImportOptions = {}): Promise<ImportResult> {
  const files: FileImportSummary[] = [];
  const records: PosRecord[] = [];
  const warnings: ImportWarning[] = [];
  const dedupe = new CrossFileDuplicates();
  const { onProgress, ...restOptions } = options;
  const rest: ImportOptions = restOptions;
  const sizes = await Promise.all(
    inputs.map(async (i) =>
      'bytes' in i
        ? i.bytes.length
        : await stat(i.path).then(
            (s) => s.size,
            () => 0,
          ),
    ),
  );
  const grand = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  let index = 0;
  for (const input of inputs) {
    const base = before;
    if (onProgress) rest.onProgress = (n: number) => onProgress(base + n, grand);
    // By the table that repeated them (an archive's own, when it has several) and the file that had them first.
    const dropped = new Map<string, Map<string, number>>();
    const summary = await importFileStreaming(input, rest, (r) => {
      const other = dedupe.duplicateOf(r);
      if (other === undefined) records.push(r);
      else {
        const byOther = dropped.get(r.source.file) ?? new Map<string, number>();
        dropped.set(r.source.file, byOther);
        byOther.set(other, (byOther.get(other) ?? 0) + 1);
      }
    });
    for (const [table, byOther] of dropped) {
      const parts = summary.parts ?? [];
      const part = parts.length > 1 ? parts.find((p) => p.file === table) : undefined;
      const file = part?.file ?? summary.file;
      for (const [other, n] of byOther) {
        const warning: ImportWarning = {
          code: 'dedupe.across-files',
          file,
          message: `${file} 与 ${other} 有 ${n} 条完全相同的记录（疑似重复导出），只保留一份`,
          messageEn: `${file} and ${other} share ${n} identical records (exported twice?); kept once`,
        };
        summary.warnings.push(warning);
        if (part !== undefined && part.warnings !== summary.warnings) part.warnings.push(warning);
      }
    }
    files.push(summary);
    warnings.push(...summary.warnings);
    before += sizes[index] ?? 0;
    index++;
  }
  return { files, records, rejected: files.flatMap((f) => f.rejected), warnings };
}
