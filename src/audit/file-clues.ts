import { createReadStream } from 'node:fs';
import type { PosRecord } from '../records/index.js';
import { readFileHead } from '../statements/read-buffer.js';
import {
  decodeTextHead,
  firstSheetRows,
  merchantOfTitle,
  readTitleLines,
} from '../statements/title-lines.js';
import type { FileClues, StatementTitle } from './merchant-files.js';

// What a statement's title and a bank export say of whose account they are, for attributeFiles: the title lines
// (read as statementParties reads them) and, in a bank export, the columns some banks repeat on every row (建设银行:
// 账号, 账户名称 beside 对方户名).

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
  const lines = await readTitleLines(abs);
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
  const titles = await readTitleLines(abs);
  const { merchantId, merchant } = merchantOfTitle(titles);
  const columns = accountColumns(await headRows(abs));
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
/** Rows read from the top of a file: enough for a title, the header and some rows. */
const HEAD_ROWS = 60;

/**
 * The first rows of a CSV or text export, or of an XLSX's first worksheet, as cells; none for a gzip, an archive, an
 * old .xls or a file that cannot be read.
 */
export async function headRows(path: string): Promise<string[][]> {
  try {
    const head = await readFileHead(path, HEAD_BYTES);
    if (head[0] === 0x50 && head[1] === 0x4b)
      return /\.xls[xm]$/i.test(path) || looksLikeXlsx(head)
        ? await firstSheetRows(createReadStream(path), HEAD_ROWS)
        : [];
    if (head.length < 2 || head[0] === 0x1f || head[0] === 0xd0) return [];
    return textRows(head);
  } catch {
    return [];
  }
}

function looksLikeXlsx(head: Buffer): boolean {
  return head.includes('xl/workbook.xml') || head.includes('[Content_Types].xml');
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
