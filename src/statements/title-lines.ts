import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { dayNumber } from '../time/shanghai.js';
import { detectEncoding } from './decode.js';
import { readFileHead } from './read-buffer.js';
import { detailTables, entryStream, isTableEntry, listEntries, openZip } from './zip-entries.js';

// The import reads a table and keeps nothing of the lines above it but a 商户号 and a money unit. Those title lines
// say more that users need: who issued the statement (汇通支付有限公司商户结算明细) — the complaint letter's
// addressee and the provider whose record `compare` shows —, the merchant's name, and the days an export covers
// (交易日期：2026-09-01 至 2026-09-30), over which `compare` annualises. One reader for all of them.

/** The title lines are at the top: a few KiB hold them, however long the table below. */
export const HEAD_BYTES = 16 * 1024;
/** At most this many lines above the table are a title; a file with more has no title this reads. */
export const MAX_TITLE_LINES = 20;
/** A cell that is a label and its value (`结算日期：2026-10-08 至 2026-10-30`), not a column name. */
const LABELLED = /^[^:：]{1,12}[:：]/;

/** The header is the first line of several cells that are not all `label：value` cells. */
function isHeader(cells: readonly string[]): boolean {
  return cells.length > 1 && !cells.every((c) => LABELLED.test(c));
}

/**
 * The lines above the table of a CSV or text export, each as its non-empty cells joined by two spaces, decoded as
 * the import decodes the file; none for a spreadsheet, an archive or gzip (readTitleLinesOf reads those), or
 * when no header follows within MAX_TITLE_LINES. The header is the first line of several cells that are not all
 * `label：value` cells.
 */
export function titleLinesOf(bytes: Uint8Array): string[] {
  // ZIP (XLSX, archives), gzip, OLE (old .xls): not text.
  if (bytes.length < 2 || bytes[0] === 0x50 || bytes[0] === 0x1f || bytes[0] === 0xd0) return [];
  return titleAboveHeader(
    decodeTextHead(bytes.subarray(0, HEAD_BYTES))
      .split(/\r\n|\n|\r/)
      .slice(0, MAX_TITLE_LINES + 1)
      .map((line) =>
        line.split(/[,\t|;]/).map((c) =>
          c
            .trim()
            .replace(/^="?|^"|"$/g, '')
            .trim(),
        ),
      ),
  );
}

/** The head of a text export decoded as the import decodes the file, without a byte-order mark. */
export function decodeTextHead(head: Uint8Array): string {
  const encoding = detectEncoding(head);
  // A UTF-8 BOM in front of GBK text (detectEncoding) is no character of it.
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return iconv
    .decode(
      Buffer.from(head.subarray(encoding === 'gbk' ? bom : 0)),
      encoding === 'gbk' ? 'gb18030' : encoding,
    )
    .replace(/^\uFEFF/, '');
}

/**
 * The rows above the header, each as its non-empty cells joined by two spaces; none when no header is among the
 * rows given. Blank rows are passed over.
 */
export function titleAboveHeader(rows: readonly (readonly string[])[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    // A merged title's text is in its first cell and the cells it covers are empty; a CSV pads lines with commas.
    const cells = row.filter((c) => c !== '');
    if (cells.length === 0) continue;
    if (isHeader(cells)) return lines;
    lines.push(cells.join('  '));
  }
  return [];
}

/** exceljs is a large module (see import.ts): loaded on the first XLSX, not with this one. */
let excelModule: Promise<typeof ExcelJS> | undefined;
export function loadExcel(): Promise<typeof ExcelJS> {
  excelModule ??= import('exceljs').then((m) => m.default);
  return excelModule;
}

/** A corrupt entry can stall exceljs's streaming reader forever: such a workbook gives no rows, so no title. */
export const XLSX_GIVE_UP_MS = 30_000;

/** A ZIP holding a workbook: its entry names are stored uncompressed, the first usually `[Content_Types].xml`. */
function looksLikeXlsx(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04) return false;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buf.includes('xl/workbook.xml') || buf.includes('[Content_Types].xml');
}

/** A cell as the title shows it: rich text as its text, a formula as its result, a date as a day (and time). */
export function worksheetCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    // exceljs reads a sheet's wall-clock date and time as that time in UTC.
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text?: unknown }[]; result?: unknown; text?: unknown };
    if (Array.isArray(v.richText))
      return v.richText
        .map((r) => (typeof r.text === 'string' ? r.text : ''))
        .join('')
        .trim();
    if ('result' in v) return worksheetCellText(v.result);
    if (typeof v.text === 'string') return v.text.trim();
  }
  return '';
}

/**
 * The rows of an XLSX's first worksheet up to row `lastRow`, each as its cells' text (worksheetCellText) from
 * column A, an empty cell as ''; rows the sheet does not store are left out. None for a workbook that fails or
 * stalls. The input is closed either way.
 */
export async function firstSheetRows(input: Readable, lastRow: number): Promise<string[][]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      streamFirstSheetRows(input, lastRow).catch(() => []),
      new Promise<string[][]>((resolve) => {
        timer = setTimeout(() => resolve([]), XLSX_GIVE_UP_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    input.destroy();
  }
}

/**
 * firstSheetRows, read with exceljs's streaming reader up to `lastRow` only. exceljs inflates a worksheet stored
 * before the shared strings (as Excel and exceljs store them) into a temporary file; the other sheets are still
 * walked past unread so that it deletes those files.
 */
async function streamFirstSheetRows(input: Readable, lastRow: number): Promise<string[][]> {
  const { stream } = await loadExcel();
  const workbook = new stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // A date cell is a number but for its format, which the styles hold.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let rows: string[][] | undefined;
  for await (const sheet of workbook as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader>) {
    rows ??= await sheetRows(sheet as AsyncIterable<unknown>, lastRow);
    const source = (sheet as unknown as { iterator?: unknown }).iterator;
    // A temporary file's stream: close it, and let exceljs delete the file on its next step.
    if (source instanceof Readable) discardUnread(source);
    // Read straight from the ZIP: nothing more to read or delete.
    else break;
  }
  return rows ?? [];
}

/**
 * Closes a stream nobody will read. A file stream closed before its file is open still opens it, and exceljs deletes
 * a sheet's temporary file as soon as it is passed over: the late ENOENT must not become an uncaught error.
 */
export function discardUnread(stream: Readable): void {
  stream.on('error', () => {});
  stream.destroy();
}

async function sheetRows(sheet: AsyncIterable<unknown>, lastRow: number): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const row of sheet) {
    const r = row as { number: number; values: unknown };
    if (r.number > lastRow) break;
    // exceljs's row values start at index 1.
    const values = Array.isArray(r.values) ? (r.values as unknown[]).slice(1) : [];
    rows.push(Array.from(values, worksheetCellText));
  }
  return rows;
}

/** The title lines of an XLSX's first worksheet: its rows above the header, read no further than a title goes. */
async function xlsxTitleLines(input: Readable): Promise<string[]> {
  return titleAboveHeader(await firstSheetRows(input, MAX_TITLE_LINES + 1));
}

/**
 * The title lines of a CSV, text or XLSX export (see titleLinesOf); for an XLSX, its first worksheet's rows above
 * the header, each as its non-empty cells joined by two spaces. A gzip is read as what it holds, a ZIP archive of
 * tables as its first detail table that has a title. None for an old .xls.
 */
export async function readTitleLinesOf(bytes: Uint8Array): Promise<string[]> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isGzip(bytes)) return readTitleLinesOf(await headOf(Readable.from([buffer]).pipe(createGunzip())));
  if (looksLikeXlsx(bytes)) return xlsxTitleLines(Readable.from([buffer]));
  if (isZip(bytes)) return archiveTitleLines({ name: '', bytes });
  return titleLinesOf(bytes);
}

/** The title lines of a file on disk (see readTitleLinesOf); none when it cannot be read. */
export async function readTitleLines(path: string): Promise<string[]> {
  try {
    const head = await readFileHead(path, HEAD_BYTES);
    if (isGzip(head))
      return await readTitleLinesOf(await headOf(createReadStream(path).pipe(createGunzip())));
    if (looksLikeXlsx(head) || (isZip(head) && /\.xls[xm]$/i.test(path)))
      return await xlsxTitleLines(createReadStream(path));
    if (isZip(head)) return await archiveTitleLines({ path });
    return titleLinesOf(head);
  } catch {
    return [];
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** A workbook packed in an archive or gzip is read whole (its title is in a sheet at its end); at most this much. */
export const MAX_PACKED_WORKBOOK = 64 * 1024 * 1024;

/**
 * The start of a stream, enough to read a title from: HEAD_BYTES of text, or the whole of a workbook (a ZIP) up to
 * MAX_PACKED_WORKBOOK. The stream is closed either way; a stream that fails gives what it gave before failing.
 */
async function headOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      const first = chunks[0] ?? chunk;
      if (size >= (isZip(first) ? MAX_PACKED_WORKBOOK : HEAD_BYTES)) break;
    }
  } catch {
    // A truncated gzip or entry still has its first lines.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

/** At most this many of an archive's tables are looked at for a title: an archive of daily files has many. */
const MAX_ARCHIVE_TABLES = 5;

/**
 * The title lines of an archive's first detail table (as the importer chooses them) that has any: an archive of
 * one statement, or a statement beside a journal. None for an encrypted, corrupt or table-less archive.
 */
async function archiveTitleLines(
  input: { path: string } | { name: string; bytes: Uint8Array },
): Promise<string[]> {
  let zip: Awaited<ReturnType<typeof openZip>>;
  try {
    zip = await openZip(input);
  } catch {
    return [];
  }
  try {
    const entries = await listEntries(zip);
    if (entries.some((e) => e.name === 'xl/workbook.xml')) return [];
    for (const { entry } of detailTables(entries.filter(isTableEntry)).slice(0, MAX_ARCHIVE_TABLES)) {
      if (entry.isEncrypted()) continue;
      const lines = await readTitleLinesOf(await headOf(await entryStream(zip, entry)));
      if (lines.length > 0) return lines;
    }
    return [];
  } catch {
    return [];
  } finally {
    zip.close();
  }
}

/** `商户号：822841054119608` (as the importer reads a title line's merchant). */
const MERCHANT_ID = /(?:商户号|商户编号|商户代码|商户ID)\s*[：:]\s*([0-9A-Za-z][0-9A-Za-z_-]{3,31})/i;
/** `商户名称：鸿运便利店` or `商户名：…`; the name ends at white space or the next separator. */
const MERCHANT_NAME = /商户名称?\s*[：:]\s*([^\s,，;；|:：]{1,40})/;
/** `收单机构：汇通支付有限公司` and the like. */
const PROVIDER_LABEL =
  /(?:收单机构|收单行|收单方|支付机构|服务商|机构名称)(?:名称)?\s*[：:]\s*([^\s,，;；|:：]{2,40})/;
/** A title opening with a company's name: `汇通支付有限公司商户结算明细`. */
const COMPANY = /^[\p{Script=Han}A-Za-z0-9·（）()]{2,40}?(?:有限责任公司|股份有限公司|有限公司)/u;
/** A bank's statement: `招商银行POS商户对账单` (not 银行卡). */
const BANK = /^([\p{Script=Han}A-Za-z0-9·]{2,20}?银行)(?!卡)/u;
/** A payment brand's title without its company form: `汇通支付商户结算明细`. */
const BRAND =
  /^([\p{Script=Han}A-Za-z0-9·]{2,20}?(?:支付|银联|钱包))(?:商户)?(?:结算|对账|交易|清算|账单|明细)/u;
/** Lines naming the merchant (商户名称：鸿运便利店有限公司), not the issuer. */
const MERCHANT_LINE = /商户名称|商户号|户名|门店/;

/** The merchant a title names: its number and its name, each when given. */
export function merchantOfTitle(lines: readonly string[]): { merchantId?: string; merchant?: string } {
  let merchantId: string | undefined;
  let merchant: string | undefined;
  for (const line of lines) {
    merchantId ??= MERCHANT_ID.exec(line)?.[1];
    merchant ??= MERCHANT_NAME.exec(line)?.[1];
  }
  return {
    ...(merchantId === undefined ? {} : { merchantId }),
    ...(merchant === undefined ? {} : { merchant }),
  };
}

/**
 * The provider a statement's title names: a labelled one (收单机构：乐刷科技), else the company, bank or payment
 * brand a title line opens with (`汇通支付有限公司商户结算明细` → 汇通支付有限公司). Only a provider's
 * statement names its provider so: a journal's title names the merchant's own company.
 */
export function providerOfTitle(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const labelled = PROVIDER_LABEL.exec(line)?.[1];
    if (labelled !== undefined) return labelled;
  }
  for (const line of lines) {
    if (MERCHANT_LINE.test(line) || LABELLED.test(line)) continue;
    const issuer = COMPANY.exec(line)?.[0] ?? BANK.exec(line)?.[1] ?? BRAND.exec(line)?.[1];
    if (issuer !== undefined) return issuer;
  }
  return undefined;
}

/** The names a catalogue entry may list a provider under: the title's, and without its 有限公司. */
export function providerNames(name: string): string[] {
  const bare = name.replace(/(?:有限责任公司|股份有限公司|有限公司)$/, '');
  return bare === name || bare.length < 2 ? [name] : [name, bare];
}

const DATE = String.raw`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?`;
const RANGE = new RegExp(
  String.raw`${DATE}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:至|到|~|～|—|－|--|-)\s*${DATE}`,
  'u',
);

function isoDate(y: string, m: string, d: string): string | undefined {
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  try {
    dayNumber(date);
  } catch {
    return undefined;
  }
  // Date.parse rolls 02-30 over to 03-02: the date must read back the same.
  return new Date(`${date}T00:00:00Z`).toISOString().startsWith(date) ? date : undefined;
}

/** The days a title declares the file covers (`交易日期：2026-09-01 至 2026-09-30`), if one does. */
export function periodOfTitle(lines: readonly string[]): [from: string, to: string] | undefined {
  for (const line of lines) {
    const m = RANGE.exec(line);
    if (m === null) continue;
    const [, y1 = '', m1 = '', d1 = '', y2 = '', m2 = '', d2 = ''] = m;
    const from = isoDate(y1, m1, d1);
    const to = isoDate(y2, m2, d2);
    if (from !== undefined && to !== undefined && from <= to) return [from, to];
  }
  return undefined;
}

const ONE_DATE = new RegExp(DATE, 'u');
/** `2026年10月` or `2026-10` not followed by a day: a month statement's title (2026年10月结算明细). */
const YEAR_MONTH = /(?<!\d)(20\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*月?(?![\d/.-]|\s*\d|日)/u;

/**
 * The date a title places the file at, to give dates written without a year (10月12日) theirs: the end of the
 * period it declares, else the first date it names, else the last day of the month it names (2026年10月结算明细).
 */
export function referenceDateOfTitle(lines: readonly string[]): string | undefined {
  const period = periodOfTitle(lines);
  if (period !== undefined) return period[1];
  for (const line of lines) {
    const m = ONE_DATE.exec(line);
    const date = m === null ? undefined : isoDate(m[1] ?? '', m[2] ?? '', m[3] ?? '');
    if (date !== undefined) return date;
  }
  for (const line of lines) {
    const m = YEAR_MONTH.exec(line);
    const month = Number(m?.[2]);
    if (m?.[1] === undefined || !(month >= 1 && month <= 12)) continue;
    const last = new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
    return `${m[1]}-${String(month).padStart(2, '0')}-${last}`;
  }
  return undefined;
}
