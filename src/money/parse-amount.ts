import { fen, type Fen } from './fen.js';
import { fail, ok, type Parsed } from './result.js';
import { stripCellDecoration, toHalfWidth } from './normalize-text.js';

/** The unit a number in a file is written in. */
export type AmountUnit = 'yuan' | 'fen';

const CURRENCY_MARKS = /^(?:¥|￥|RMB|CNY)\s*|\s*(?:元|RMB|CNY)$/gi;

/**
 * Parses a money amount exactly, digit by digit, into fen.
 * Accepts `1,234.56`, `¥12.30`, `￥12.3`, `-0.5`, `−0.5`, `(12.30)`, `12.30-`, full-width digits and padding;
 * rejects `12.3.4`, `1.234,56`, `abc` and E-notation with a reason.
 * @example parseAmount('1,234.56') → { ok: true, value: 123456 }
 */
export function parseAmount(text: string, unit: AmountUnit = 'yuan'): Parsed<Fen> {
  // U+2212, the typographic minus sign, comes with amounts copied from web portals and PDF statements.
  let s = stripCellDecoration(toHalfWidth(text)).replaceAll('\u2212', '-');
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = negative !== (s[0] === '-');
    s = s.slice(1).trimStart();
  }
  s = s.replace(CURRENCY_MARKS, '');
  if ((s.startsWith('-') || s.startsWith('+')) && !text.includes('(')) {
    negative = negative !== (s[0] === '-');
    s = s.slice(1);
  } else if (s.endsWith('-') && !negative && /^[0-9,.]+\s*-$/.test(s)) {
    // A trailing minus (50.00-), as SAP-style bank and ledger exports write debits.
    negative = true;
    s = s.slice(0, -1).trimEnd();
  }
  if (s === '') return fail('amount.empty', '金额为空', 'the amount is empty');
  if (/^[0-9.]+e[+-]?\d+$/i.test(s)) {
    return fail(
      'amount.exponent',
      `“${text.trim()}”是科学计数法，Excel 已改写了原值，请把该列设为文本后重新导出`,
      `"${text.trim()}" is in E-notation: Excel has altered the value; export the column as text`,
    );
  }
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/.exec(s);
  if (!match || (match[1] === undefined && !match[2])) {
    return fail(
      'amount.invalid',
      `“${text.trim()}”不是金额（应为 1,234.56 这样的数字）`,
      `"${text.trim()}" is not an amount (expected a number such as 1,234.56)`,
    );
  }
  const integerDigits = (match[1] ?? '0').replaceAll(',', '');
  let fraction = match[2] ?? '';
  if (unit === 'fen') {
    // Two decimals is how yuan are written: reading "994.00" as 994 fen would pay ¥9.94 for ¥994.
    if (fraction.length === 2) {
      return fail(
        'amount.yuan-in-fen',
        `“${text.trim()}”带两位小数，像是以元为单位，但这一列按分读取；请在表头注明单位（如“金额（元）”）或用 --mapping 的 units 指定`,
        `"${text.trim()}" has two decimals, as yuan are written, but this column is read in fen; name the unit in the header (e.g. 金额（元）) or set units in a --mapping`,
      );
    }
    if (fraction.replace(/0+$/, '') !== '') {
      return fail(
        'amount.fractional-fen',
        `“${text.trim()}”以分为单位却带有小数`,
        `"${text.trim()}" is in fen but has a fraction`,
      );
    }
    return toFen(integerDigits, negative, text);
  }
  // Trailing zeros beyond the fen are padding (WeChat pads fees to 5 decimals); other digits would need rounding.
  if (fraction.length > 2) {
    if (/[^0]/.test(fraction.slice(2))) {
      return fail(
        'amount.sub-fen',
        `“${text.trim()}”精确到分以下，无法按分记账`,
        `"${text.trim()}" has digits below the fen`,
      );
    }
    fraction = fraction.slice(0, 2);
  }
  return toFen(integerDigits + fraction.padEnd(2, '0'), negative, text);
}

function toFen(digits: string, negative: boolean, original: string): Parsed<Fen> {
  const value = Number(digits);
  if (!Number.isSafeInteger(value)) {
    return fail(
      'amount.too-large',
      `“${original.trim()}”超出可处理的金额范围`,
      `"${original.trim()}" is too large`,
    );
  }
  return ok(fen(negative && value !== 0 ? -value : value));
}

/**
 * Converts a number read from an Excel cell (a binary float) to fen, accepting it only when it sits on a fen
 * within float noise: 917.34 becomes 91734 and 0.1 + 0.2 becomes 30, while 1.005 is rejected (100.5 fen is not a fen).
 */
export function fenFromSpreadsheetNumber(value: number, unit: AmountUnit = 'yuan'): Parsed<Fen> {
  if (!Number.isFinite(value))
    return fail('amount.invalid', '单元格不是有限数字', 'the cell is not a finite number');
  const scaled = unit === 'yuan' ? value * 100 : value;
  const nearest = Math.round(scaled);
  // Only binary noise may be rounded away (0.1 + 0.2); a relative tolerance wider than a double's precision
  // would swallow real sub-fen digits on large amounts (12,345.675 is 1,234,567.5 fen, not 1,234,568).
  if (Math.abs(scaled - nearest) > 1e-12 * Math.max(1, Math.abs(scaled))) {
    return parseAmount(String(value), unit);
  }
  if (!Number.isSafeInteger(nearest))
    return fail('amount.too-large', '金额超出范围', 'the amount is too large');
  return ok(fen(nearest === 0 ? 0 : nearest));
}
