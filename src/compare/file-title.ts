import { createDecoder, detectEncoding } from '../statements/decode.js';
import { readFileHead } from '../statements/read-buffer.js';
import { dayNumber } from '../time/shanghai.js';
import type { DayRange } from './journal-coverage.js';

// The import reads a statement's table and keeps nothing of the lines above it but a 商户号 and a money unit. Two
// more things there matter to the comparison: who the provider is (汇通支付有限公司商户结算明细) and, in a journal,
// the days the export covers (交易日期：2026-09-01 至 2026-09-30).

/** How much of a file's head is looked at for its title. */
const HEAD_BYTES = 16 * 1024;
/** At most this many lines above the table are a title; a file with more is not one this reads. */
const MAX_TITLE_LINES = 10;

/**
 * The lines above the table of a CSV or text export (its title: provider, merchant, period), each as its
 * non-empty cells joined by spaces, decoded as the import decodes the file. None for a spreadsheet, an archive or a
 * file that cannot be read: those titles are left unknown.
 */
export async function readTitleLines(path: string): Promise<string[]> {
  let head: Buffer;
  try {
    head = await readFileHead(path, HEAD_BYTES);
  } catch {
    return [];
  }
  // ZIP (xlsx, archives), OLE (xls): not text.
  if (head[0] === 0x50 && head[1] === 0x4b) return [];
  if (head[0] === 0xd0 && head[1] === 0xcf) return [];
  const decoder = createDecoder(detectEncoding(head));
  const text = decoder.write(head) + decoder.end();
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/).slice(0, MAX_TITLE_LINES + 1)) {
    const cells = line
      .split(/[,\t]/)
      .map((c) =>
        c
          .trim()
          .replace(/^="?|^"|"$/g, '')
          .trim(),
      )
      .filter((c) => c !== '');
    // The header: a row of several column names.
    if (cells.length >= 3) return lines;
    if (cells.length > 0) lines.push(cells.join(' '));
  }
  return [];
}

const COMPANY = /^[\p{Script=Han}A-Za-z0-9·]{2,40}?(?:有限责任公司|股份有限公司|有限公司)/u;
const BRAND =
  /^([\p{Script=Han}A-Za-z0-9·]{2,20}?(?:支付|银行|银联|钱包))(?:商户)?(?:结算|对账|交易|清算|账单|明细)/u;
/** Lines naming the merchant (商户名称：鸿运便利店有限公司), not the provider. */
const MERCHANT_LINE = /商户名称|商户号|户名|门店/;

/**
 * The provider a statement's title names (`汇通支付有限公司商户结算明细` → 汇通支付有限公司), if a title line
 * opens with a company's name or a payment brand's.
 */
export function providerOfTitle(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    if (MERCHANT_LINE.test(line)) continue;
    const company = COMPANY.exec(line)?.[0];
    if (company !== undefined) return company;
    const brand = BRAND.exec(line)?.[1];
    if (brand !== undefined) return brand;
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
export function periodOfTitle(lines: readonly string[]): DayRange | undefined {
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
