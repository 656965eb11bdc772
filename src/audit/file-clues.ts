import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { PosRecord } from '../records/index.js';
import { type MarkupKind, markupDecoder, markupKind } from '../statements/markup-decoder.js';
import { readFileHead } from '../statements/read-buffer.js';
import {
  decodeTextHead,
  firstSheetRows,
  merchantOfTitle,
  readTitleLines,
} from '../statements/title-lines.js';
import { detailTables, entryStream, isTableEntry, listEntries, openZip } from '../statements/zip-entries.js';
import type { FileClues, StatementTitle } from './merchant-files.js';

// What a statement's title and a bank export say of whose account they are, for attributeFiles: the title lines
// (read as statementParties reads them) and, in a bank export, the columns some banks repeat on every row (建设银行:
// 账号, 账户名称 beside 对方户名). Whatever the importer reads a file as — gzipped, packed in a ZIP, a portal's .xls
// that is a web page or XML Spreadsheet — it is read as that here too: a file read for its credits and not for
// whose they are would be kept as "unattributed", another merchant's credits set against the merchant's payouts.

/** An account number as exports print it: plain, masked (6222****1234), or in groups of four. */
const ACCOUNT_VALUE = String.raw`((?:[\d*＊xX]{4} ){2,5}[\d*＊xX]{1,4}|\d[\d*＊xX]{7,39})`;
/** A label that is no counterparty's (对方户名, 付款人户名): at the start of a line or after a separator. */
const OWN = String.raw`(?:^|[\s,，;；|])`;
const NAME_VALUE = String.raw`\s*[：:]\s*([^\s,，;；|:：]{1,40})`;

/** The settlement account a statement's title gives: `结算账号：6222****1234`, `结算户名：鸿运便利店`. */
const STATEMENT_ACCOUNT = new RegExp(
  String.raw`(?:结算|入账|收款|银行)(?:银行)?(?:账号|帐号|账户|卡号)(?:号码)?\s*[：:]\s*${ACCOUNT_VALUE}`,
  'g',
);
const STATEMENT_HOLDER = new RegExp(
  `${OWN}(?:结算户名|结算账户名称|结算账户名|入账户名|入账账户名称|收款户名|收款账户名称|开户名称|开户名|账户名称|户名)${NAME_VALUE}`,
  'g',
);

/** A bank export's own account in its title: `账号：6222021234561234  户名：鸿运便利店`. */
const BANK_ACCOUNT = new RegExp(
  `${OWN}(?:本方|查询)?(?:账号|帐号|账户|卡号|账户号码)\\s*[：:]\\s*${ACCOUNT_VALUE}`,
  'g',
);
const BANK_HOLDER = new RegExp(
  `${OWN}(?:本方)?(?:户[\\s\\u3000]*名|账户名称|账户名|账户户名|客户名称|单位名称)${NAME_VALUE}`,
  'g',
);

/** Columns of a bank export that hold its own account's holder, or number, on every row. */
const HOLDER_COLUMNS = new Set([
  '户名',
  '账户名称',
  '账户名',
  '账户户名',
  '本方户名',
  '本方账户名称',
  '本方账户名',
  '本方名称',
  '本方单位名称',
  '客户名称',
  '单位名称',
]);
const ACCOUNT_COLUMNS = new Set([
  '账号',
  '帐号',
  '账户',
  '账户账号',
  '账户号码',
  '本方账号',
  '本方帐号',
  '本方账户',
  '查询账号',
  '卡号',
  '本方卡号',
]);

function allOf(re: RegExp, lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) for (const m of line.matchAll(re)) if (m[1] !== undefined) out.push(m[1].trim());
  return out;
}

/** What a statement's title lines say of its merchant (see StatementTitle), with what its lines name. */
export async function statementTitleOf(
  file: string,
  abs: string,
  merchants: readonly string[] | undefined,
): Promise<StatementTitle> {
  const lines = (await titleLinesOf(abs)).titles;
  const { merchantId, merchant } = merchantOfTitle(lines);
  return {
    file,
    merchants,
    ...(merchantId === undefined ? {} : { merchantId }),
    names: [...(merchant === undefined ? [] : [merchant]), ...allOf(STATEMENT_HOLDER, lines)],
    accounts: allOf(STATEMENT_ACCOUNT, lines),
  };
}

/** What a bank export says of whose account it is: its title, its own account's columns, its credits. */
export async function bankFileClues(
  file: string,
  abs: string,
  credits: readonly PosRecord[],
): Promise<FileClues> {
  const title = await titleLinesOf(abs);
  const titles = title.titles;
  const { merchantId, merchant } = merchantOfTitle(titles);
  // Every table of the file (an archive's, a web page's), read as the importer reads the file: a gzipped, packed
  // or web-page export repeats its account on every row as a CSV does.
  const columns = columnsOfTables((title.head ?? (await readHead(abs))).tables);
  const numbers = new Set<string>(merchantId === undefined ? [] : [merchantId]);
  const memos = new Set<string>();
  for (const r of credits) {
    if (r.merchantId !== undefined && r.merchantId !== '') numbers.add(r.merchantId);
    if (r.label !== undefined) memos.add(r.label);
  }
  return {
    file,
    numbers: [...numbers],
    titles,
    memos: [...memos],
    names: [...(merchant === undefined ? [] : [merchant]), ...allOf(BANK_HOLDER, titles), ...columns.names],
    accounts: [...allOf(BANK_ACCOUNT, titles), ...columns.accounts],
  };
}

/** accountColumns of each table, together: an archive of one account's months names it in each. */
function columnsOfTables(tables: readonly (readonly (readonly string[])[])[]): {
  names: string[];
  accounts: string[];
} {
  const names = new Set<string>();
  const accounts = new Set<string>();
  for (const rows of tables) {
    const found = accountColumns(rows);
    for (const n of found.names) if (names.size < MAX_COLUMN_VALUES) names.add(n);
    for (const a of found.accounts) if (accounts.size < MAX_COLUMN_VALUES) accounts.add(a);
  }
  return { names: [...names], accounts: [...accounts] };
}

/** A header cell as the column lists spell it: no spaces, no bracketed note (账号(本方)), ASCII brackets. */
function columnKey(cell: string): string {
  return cell
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/\([^)]*\)$/, '');
}

/** At most this many distinct values of an account column: a bank export is of one account. */
const MAX_COLUMN_VALUES = 10;

/**
 * The values of the account holder and account number columns under the first header row (within the rows given)
 * that has one: a header is a row of three cells or more, so that a title's `账号：…` is none.
 */
export function accountColumns(rows: readonly (readonly string[])[]): {
  names: string[];
  accounts: string[];
} {
  const names = new Set<string>();
  const accounts = new Set<string>();
  const header = rows.findIndex(
    (row) =>
      row.filter((c) => c.trim() !== '').length >= 3 &&
      row.some((c) => HOLDER_COLUMNS.has(columnKey(c)) || ACCOUNT_COLUMNS.has(columnKey(c))),
  );
  if (header < 0) return { names: [], accounts: [] };
  const keys = (rows[header] ?? []).map(columnKey);
  for (const row of rows.slice(header + 1))
    for (const [i, key] of keys.entries()) {
      const value = (row[i] ?? '').trim();
      if (value === '') continue;
      if (HOLDER_COLUMNS.has(key) && names.size < MAX_COLUMN_VALUES) names.add(value);
      if (ACCOUNT_COLUMNS.has(key) && accounts.size < MAX_COLUMN_VALUES) accounts.add(value);
    }
  return { names: [...names], accounts: [...accounts] };
}

/** Bytes of a text export's head read for its header and first rows. */
const HEAD_BYTES = 64 * 1024;
/** A web page's head: Excel's pages open with tens of kilobytes of styles before the first table. */
const MARKUP_HEAD_BYTES = 512 * 1024;
/** Rows read from the top of a table: enough for a title, the header and some rows. */
const HEAD_ROWS = 60;
/** A workbook or archive packed in a gzip or an archive is read whole (its parts may lie at its end): at most this. */
const MAX_PACKED = 64 * 1024 * 1024;
/** At most this many of an archive's tables are read: an archive of daily exports of one account has many. */
const MAX_ARCHIVE_TABLES = 10;
/** At most this many lines above a web page's header are its title (title-lines.ts's MAX_TITLE_LINES). */
const MAX_TITLE_LINES = 20;
/** A cell that is a label and its value (`账号：6222…`), not a column name (title-lines.ts's LABELLED). */
const LABELLED = /^[^:：]{1,12}[:：]/;

/** The first rows of each table of a file, and the title lines of a web page (which readTitleLines does not read). */
interface Head {
  tables: string[][][];
  /** The rows above a web page's or XML Spreadsheet's header, as readTitleLines gives a CSV's; none for others. */
  markupTitles: string[];
}

const NOTHING: Head = { tables: [], markupTitles: [] };

/**
 * The first rows of a CSV or text export, or of an XLSX's first worksheet, as cells; none for a file that cannot
 * be read. headTables gives every table of an archive, a gzip or a web page.
 */
export async function headRows(path: string): Promise<string[][]> {
  return (await headTables(path))[0] ?? [];
}

/**
 * The first rows of each table a file holds, read as the importer reads it (readAny): a CSV or text export's head,
 * an XLSX's first worksheet, each table of a web page or XML Spreadsheet saved as .xls, what a gzip holds, and
 * each detail table of a ZIP archive (detailTables, as the importer chooses them, each read by its kind). None for
 * an old binary .xls, which the importer does not read either, or a file that cannot be read.
 */
export async function headTables(path: string): Promise<string[][][]> {
  return (await readHead(path)).tables;
}

async function readHead(path: string): Promise<Head> {
  try {
    let head = await readFileHead(path, HEAD_BYTES);
    if (isZip(head))
      return /\.xls[xm]$/i.test(path) || looksLikeXlsx(head)
        ? sheetHead(await firstSheetRows(createReadStream(path), HEAD_ROWS))
        : await archiveTables({ path });
    // What a gzip holds: a text export, or a ZIP (a workbook or an archive), as the importer reads it.
    if (isGzip(head)) {
      const inner = await packedHead(createReadStream(path).pipe(createGunzip()));
      return await headOfBytes(inner.bytes, path.replace(/\.gz$/i, ''), inner.cut);
    }
    const limit = markupKind(head.subarray(0, 8192)) === undefined ? HEAD_BYTES : MARKUP_HEAD_BYTES;
    if (limit > HEAD_BYTES && head.length >= HEAD_BYTES) head = await readFileHead(path, limit);
    return await headOfBytes(head, path, head.length >= limit);
  } catch {
    return NOTHING;
  }
}

/** readHead of bytes in memory: the head of a file (`cut` when there was more), a gzip's contents or a member's. */
async function headOfBytes(bytes: Buffer, name: string, cut: boolean): Promise<Head> {
  if (isZip(bytes))
    return looksLikeXlsx(bytes) || /\.xls[xm]$/i.test(name)
      ? sheetHead(await firstSheetRows(Readable.from([bytes]), HEAD_ROWS))
      : await archiveTables({ name, bytes });
  // Gzip in gzip, an old binary .xls (OLE): the importer reads neither.
  if (bytes.length < 2 || isGzip(bytes) || bytes[0] === 0xd0) return NOTHING;
  const markup = markupKind(bytes.subarray(0, 8192));
  if (markup !== undefined) return markupHead(bytes, markup, cut);
  const rows = textRows(bytes);
  // The last line of a head cut short may be half a row: half an account number would be another's.
  if (cut) rows.pop();
  return { tables: [rows], markupTitles: [] };
}

function sheetHead(rows: string[][]): Head {
  return { tables: rows.length === 0 ? [] : [rows], markupTitles: [] };
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function looksLikeXlsx(head: Buffer): boolean {
  return head.includes('xl/workbook.xml') || head.includes('[Content_Types].xml');
}

/**
 * The start of a stream (a gzip's contents, an archive's member): HEAD_BYTES of text, MARKUP_HEAD_BYTES of a web
 * page, or the whole of a ZIP up to MAX_PACKED; `cut` when the stream had more. The stream is closed either way;
 * one that fails gives what it gave.
 */
async function packedHead(stream: Readable): Promise<{ bytes: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  let limit: number | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      limit ??= isZip(chunk)
        ? MAX_PACKED
        : markupKind(chunk.subarray(0, 8192)) === undefined
          ? HEAD_BYTES
          : MARKUP_HEAD_BYTES;
      if (size >= limit) {
        cut = true;
        break;
      }
    }
  } catch {
    // A truncated gzip or member still has its first rows.
  } finally {
    stream.destroy();
  }
  return { bytes: Buffer.concat(chunks, size), cut };
}

/**
 * The first rows of each detail table of a ZIP archive the importer would read (readZip: each member by its
 * kind), up to MAX_ARCHIVE_TABLES, and the title of the first web page among them that has one; nothing of an
 * encrypted member or a corrupt archive.
 */
async function archiveTables(input: { path: string } | { name: string; bytes: Uint8Array }): Promise<Head> {
  let zip: Awaited<ReturnType<typeof openZip>>;
  try {
    zip = await openZip(input);
  } catch {
    return NOTHING;
  }
  const tables: string[][][] = [];
  let markupTitles: string[] = [];
  try {
    const entries = await listEntries(zip);
    for (const { entry, name } of detailTables(entries.filter(isTableEntry)).slice(0, MAX_ARCHIVE_TABLES)) {
      if (entry.isEncrypted()) continue;
      const member = await packedHead(await entryStream(zip, entry));
      const head = await headOfBytes(member.bytes, name, member.cut);
      tables.push(...head.tables);
      if (markupTitles.length === 0) markupTitles = head.markupTitles;
    }
  } catch {
    // A corrupt member: the tables read before it still say whose the archive is.
  } finally {
    zip.close();
  }
  return { tables, markupTitles };
}

/**
 * The first rows of each table of a web page or XML Spreadsheet (as the importer's MarkupTableScanner reads them),
 * and its title: the rows above the first header, across the tables before it (a bank's page often puts 账号 and
 * 户名 in a table of their own above the transactions).
 */
async function markupHead(bytes: Buffer, kind: MarkupKind, cut: boolean): Promise<Head> {
  const { MarkupTableScanner } = await import('../statements/html-table.js');
  const { decoder } = markupDecoder(bytes);
  const tables = new Map<number, string[][]>();
  let last: string[][] | undefined;
  const scanner = new MarkupTableScanner(kind, ({ table, cells }) => {
    const rows = tables.get(table) ?? [];
    tables.set(table, rows);
    if (rows.length < HEAD_ROWS) rows.push(cells);
    last = rows;
  });
  scanner.write(decoder.write(bytes));
  if (!cut) scanner.write(decoder.end());
  scanner.end();
  // The row open where the head was cut may be half a row.
  if (cut) last?.pop();
  const all = [...tables.values()].filter((rows) => rows.length > 0);
  return { tables: all, markupTitles: titleAboveHeader(all.flat()) };
}

/** The rows above the header (title-lines.ts's titleAboveHeader), each as its non-empty cells joined by two spaces. */
function titleAboveHeader(rows: readonly (readonly string[])[]): string[] {
  const lines: string[] = [];
  for (const row of rows.slice(0, MAX_TITLE_LINES + 1)) {
    const cells = row.map((c) => c.trim()).filter((c) => c !== '');
    if (cells.length === 0) continue;
    if (cells.length > 1 && !cells.every((c) => LABELLED.test(c))) return lines;
    lines.push(cells.join('  '));
  }
  return [];
}

/**
 * The title lines of a file: readTitleLines's, else those of a web page or XML Spreadsheet (.xls), on its own or
 * in an archive, which readTitleLines does not read; with the head read for them (readHead), if it was.
 */
async function titleLinesOf(path: string): Promise<{ titles: string[]; head?: Head }> {
  const titles = await readTitleLines(path);
  if (titles.length > 0) return { titles };
  let start: Buffer;
  try {
    start = await readFileHead(path, 8192);
  } catch {
    return { titles };
  }
  const archive = isZip(start) && !looksLikeXlsx(start) && !/\.xls[xm]$/i.test(path);
  if (!archive && markupKind(start) === undefined) return { titles };
  const head = await readHead(path);
  return { titles: head.markupTitles, head };
}

/** The rows of a text export's head: decoded as the import decodes it, split at its commonest separator. */
export function textRows(head: Uint8Array): string[][] {
  const lines = decodeTextHead(head)
    .split(/\r\n|\n|\r/)
    .slice(0, HEAD_ROWS)
    .filter((l) => l.trim() !== '');
  const counts = [',', '\t', '|', ';'].map(
    (d) => [d, lines.reduce((n, l) => n + l.split(d).length - 1, 0)] as const,
  );
  const delimiter = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ',';
  return lines.map((line) => splitCells(line, delimiter));
}

/** A line's cells: quotes ("a,b", "say ""x""") and Excel's ="0123" as the text they hold. */
function splitCells(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim().replace(/^=/, '').trim());
}
