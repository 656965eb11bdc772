import {
  type AmountUnit,
  parseAmount,
  type Parsed,
  stripCellDecoration,
  toHalfWidth,
} from '../money/index.js';

/** True for a character toHalfWidth folds (full-width ASCII forms and the ideographic space). */
function isWide(c: number): boolean {
  return c === 0x3000 || (c >= 0xff01 && c <= 0xff5e);
}

/** A printable ASCII character that stripCellDecoration strips at neither end. */
function isPlainAscii(c: number): boolean {
  return c > 32 && c < 127 && c !== 96 && c !== 39 && c !== 34 && c !== 61;
}

/**
 * Cleans a cell like stripCellDecoration(toHalfWidth(text)) but returns the text untouched, without
 * allocating, when it has nothing to clean: the common case in a million-row file.
 */
export function cleanCell(text: string): string {
  const n = text.length;
  if (n === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  const decorated =
    first <= 32 ||
    first === 96 ||
    first === 39 ||
    first === 34 ||
    first === 61 ||
    first === 0xa0 ||
    last <= 32 ||
    last === 34 ||
    last === 0xa0;
  let wide = false;
  for (let i = 0; i < n; i++) {
    if (isWide(text.charCodeAt(i))) {
      wide = true;
      break;
    }
  }
  if (wide) return stripCellDecoration(toHalfWidth(text));
  if (!decorated) return text;
  // Nothing full-width, so toHalfWidth would return the same text. WeChat and Alipay bills tick every cell
  // (`4200001501…): one backtick or apostrophe before a plain character, and a plain last character, is all
  // stripCellDecoration would remove.
  if ((first === 96 || first === 39) && n > 1 && isPlainAscii(text.charCodeAt(1)) && isPlainAscii(last)) {
    return text.slice(1);
  }
  return stripCellDecoration(text);
}

/**
 * Parses a plain decimal amount (`1234.5`, `-12.30`, `1,234.56`) digit by digit without regular expressions,
 * deferring to parseAmount for anything else (currency marks, parentheses, E-notation, errors).
 */
export function fastAmount(text: string, unit: AmountUnit): Parsed<number> {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  if (i >= n || n - i > 15) return parseAmount(text, unit);
  let whole = 0;
  let digits = 0;
  let sinceComma = -1;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      whole = whole * 10 + (c - 48);
      digits++;
      if (sinceComma >= 0) sinceComma++;
    } else if (c === 44 && digits > 0 && (sinceComma < 0 || sinceComma === 3)) {
      if (sinceComma < 0 && digits > 3) return parseAmount(text, unit);
      sinceComma = 0;
    } else break;
  }
  if (digits === 0 || (sinceComma >= 0 && sinceComma !== 3)) return parseAmount(text, unit);
  let fraction = 0;
  let fractionDigits = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return parseAmount(text, unit);
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return parseAmount(text, unit);
      fractionDigits++;
      if (fractionDigits > 2) return parseAmount(text, unit);
      fraction = fraction * 10 + (c - 48);
    }
  }
  let value: number;
  if (unit === 'fen') {
    if (fractionDigits !== 0) return parseAmount(text, unit);
    value = whole;
  } else value = whole * 100 + (fractionDigits === 1 ? fraction * 10 : fraction);
  if (!Number.isSafeInteger(value)) return parseAmount(text, unit);
  return { ok: true, value: negative && value !== 0 ? -value : value };
}

/**
 * Whether a cell is a whole number zero-padded to a fixed width, as UnionPay's n12 amounts are written in fen
 * (`000000015300` is ¥153.00, DOMAIN.md §2.3): 0 when it is but every digit is zero (a zero reads the same in
 * either unit, so it tells nothing), 1 when it is and has a non-zero digit, -1 when it is not (a decimal point,
 * a sign, fewer than 10 or more than 15 digits, no leading zero). Character codes only: it runs on a column's first cells.
 */
export function zeroPaddedFen(text: string): -1 | 0 | 1 {
  const n = text.length;
  if (n < 10 || n > 15 || text.charCodeAt(0) !== 48) return -1;
  let nonZero = false;
  for (let i = 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    if (c !== 48) nonZero = true;
  }
  return nonZero ? 1 : 0;
}
