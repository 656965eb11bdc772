import iconv from 'iconv-lite';
import { dayNumber } from '../time/shanghai.js';
import { detectEncoding } from './decode.js';
import { readFileHead } from './read-buffer.js';

// The import reads a table and keeps nothing of the lines above it but a 商户号 and a money unit. Those title lines
// say more that users need: who issued the statement (汇通支付有限公司商户结算明细) — the complaint letter's
// addressee and the provider whose record `compare` shows —, the merchant's name, and the days an export covers
// (交易日期：2026-09-01 至 2026-09-30), over which `compare` annualises. One reader for all of them.

/** The title lines are at the top: a few KiB hold them, however long the table below. */
const HEAD_BYTES = 16 * 1024;
/** At most this many lines above the table are a title; a file with more has no title this reads. */
const MAX_TITLE_LINES = 20;
/** A cell that is a label and its value (`结算日期：2026-10-08 至 2026-10-30`), not a column name. */
const LABELLED = /^[^:：]{1,12}[:：]/;

/**
 * The lines above the table of a CSV or text export, each as its non-empty cells joined by two spaces, decoded as
 * the import decodes the file; none for a spreadsheet, an archive or gzip (their titles are left unknown), or when
 * no header follows within MAX_TITLE_LINES. The header is the first line of several cells that are not all
 * `label：value` cells.
 */
export function titleLinesOf(bytes: Uint8Array): string[] {
  // ZIP (XLSX, archives), gzip, OLE (old .xls): not text.
  if (bytes.length < 2 || bytes[0] === 0x50 || bytes[0] === 0x1f || bytes[0] === 0xd0) return [];
  const head = bytes.subarray(0, HEAD_BYTES);
  const encoding = detectEncoding(head);
  // A UTF-8 BOM in front of GBK text (detectEncoding) is no character of it.
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const text = iconv
    .decode(
      Buffer.from(head.subarray(encoding === 'gbk' ? bom : 0)),
      encoding === 'gbk' ? 'gb18030' : encoding,
    )
    .replace(/^\uFEFF/, '');
  const lines: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/).slice(0, MAX_TITLE_LINES + 1)) {
    const cells = line
      .split(/[,\t|;]/)
      .map((c) =>
        c
          .trim()
          .replace(/^="?|^"|"$/g, '')
          .trim(),
      )
      .filter((c) => c !== '');
    if (cells.length === 0) continue;
    if (cells.length > 1 && !cells.every((c) => LABELLED.test(c))) return lines;
    lines.push(cells.join('  '));
  }
  return [];
}

/** The title lines of a file on disk (see titleLinesOf); none when it cannot be read. */
export async function readTitleLines(path: string): Promise<string[]> {
  try {
    return titleLinesOf(await readFileHead(path, HEAD_BYTES));
  } catch {
    return [];
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
