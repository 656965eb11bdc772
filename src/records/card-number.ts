const FULL_WIDTH_DIGIT = /[\uff10-\uff19]/g;

/**
 * The text with full-width digits (０–９, as Chinese input methods and some portals write them) as ASCII ones.
 * Each stays one UTF-16 unit, so positions in the result are positions in the text.
 */
export function halfWidthDigits(text: string): string {
  return text.replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/**
 * Masks a card number so that at most the first six and last four digits survive, as PCI DSS allows.
 * Already-masked numbers are normalised the same way; anything with fewer than 10 digits is kept as it is.
 * Spaces, dashes and full-width digits are read through (`６２２５ ８８１２ …`, `6225-8812-…`).
 * @example maskCardNumber('6222021234567890123') === '622202*********0123'
 */
export function maskCardNumber(text: string): string {
  const compact = halfWidthDigits(text).replace(/[\s\-\u2010-\u2015\uff0d]/g, '');
  if (!/^[0-9*xX#]+$/.test(compact)) return text.trim();
  const digits = compact.replace(/[^0-9]/g, '');
  if (digits.length < 10 && compact.length < 13) return compact;
  const head = compact.slice(0, 6);
  const tail = compact.slice(-4);
  const middle = '*'.repeat(Math.max(compact.length - 10, 0));
  return `${head.replace(/[xX#]/g, '*')}${middle}${tail.replace(/[xX#]/g, '*')}`;
}

/** True when a text holds an unmasked card-like run of 13–19 digits (a PAN that must not be stored). */
export function containsFullCardNumber(text: string): boolean {
  return /(?<!\d)\d{13,19}(?!\d)/.test(text);
}

/** Whether a digit string passes the Luhn check every payment card number passes. */
export function luhn(digits: string): boolean {
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return total % 10 === 0;
}

/** A card number found in a text: where it is (UTF-16 offsets, end exclusive) and its digits. */
export interface CardNumberSpan {
  start: number;
  end: number;
  digits: string;
}

export interface FindCardNumbersOptions {
  /**
   * The shortest unbroken digit run taken for a card number (default 13). 13–15 digit runs are taken only with
   * the prefix of a card of that length (Visa 4…, Diners 30/36/38/39…, Amex 34/37…), so a 15-digit UnionPay
   * merchant number (8…) is never one; free texts that quote such numbers next to each other can ask for 16.
   */
  minUnbroken?: number;
}

/** One digit group: a maximal run of digits (full-width ones already half-width). */
interface Group {
  start: number;
  end: number;
}

const DIGITS = /\d+/g;
const E_NOTATION = /(?<![\d.])(\d)\.(\d{12,18})[eE]\+?(\d{1,2})(?!\d)/g;
const DECIMAL_AFTER = /^\.\d/;
const DECIMAL_BEFORE = /\d\.$/;
/** What may stand between two groups of one card number: a space or two, a no-break or ideographic space, a dash. */
const GROUP_SEPARATOR = /^(?: {1,2}|[\u00a0\u3000]|[-\u2010\u2011\u2012\u2013\uff0d])$/;

/**
 * Whether a digit string can be a card number of its length: the Luhn check passes and the prefix is one
 * payment cards of that length have. Runs that start with 0 (no card does), with 2 but not a Mastercard, or with
 * a date (19xx, a month and a day: timestamps, dated order numbers) are not cards.
 */
function cardLike(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19 || digits.startsWith('0')) return false;
  if (n === 13 && !digits.startsWith('4')) return false;
  if (n === 14 && !/^3[0689]/.test(digits)) return false;
  if (n === 15 && !/^3[47]/.test(digits)) return false;
  // The only cards that start with 2 are 16-digit Mastercards 2221–2720: not 20xx… times, not Alipay's 2088… ids.
  if (digits.startsWith('2')) {
    const bin = Number(digits.slice(0, 4));
    if (n !== 16 || bin < 2221 || bin > 2720) return false;
  }
  if (/^19\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])/.test(digits)) return false;
  return luhn(digits);
}

/**
 * How card numbers are written in groups: 4-4-4-4(-1…3) and 4-4-4-1/3 (13–19 digits in fours), 4-6-4 (Diners),
 * 4-6-5 (Amex) and 4-6-9 (19-digit UnionPay as some banks print it), 6 then the rest (the BIN set apart).
 */
function groupedShape(lengths: readonly number[]): boolean {
  if (lengths.length < 2) return false;
  const shape = lengths.join('-');
  if (/^4-6-(?:4|5|9)$/.test(shape) || /^6-(?:[7-9]|1[0-3])$/.test(shape)) return true;
  if (lengths.length < 3) return false;
  for (let i = 0; i < lengths.length - 1; i += 1) if (lengths[i] !== 4) return false;
  const last = lengths[lengths.length - 1] ?? 0;
  return last >= 1 && last <= 4;
}

/**
 * Every full card number in a text, however it is spelled: an unbroken run (`6222021234567890123`), groups
 * with spaces or dashes (`6225 8812 3456 7898`, `6225-8812-3456-7898`, `3782 822463 10005`), full-width digits
 * (`６２２５８８１２３４５６７８９８`), E-notation that kept every digit (`6.225881234567898E+15`). A number counts when it passes the Luhn check and has a card's length and
 * prefix (see cardLike); order numbers longer than 19 digits, dates, times, phone numbers and amounts do not.
 * Groups that run on (`6222 0212 3456 7890 128`) are taken whole when the whole is a card, else the longest
 * card from each group on.
 */
export function findCardNumbers(text: string, options: FindCardNumbersOptions = {}): CardNumberSpan[] {
  return scanNumbers(text, {
    minUnbroken: options.minUnbroken ?? 13,
    // At most five groups make a card (4-4-4-4-3).
    maxGroups: 5,
    separator: GROUP_SEPARATOR,
    shape: groupedShape,
    accept: cardLike,
    amounts: true,
  });
}

/** What may stand between two digit groups of a number in a card-number cell: 1–3 spaces or one punctuation mark. */
const COLUMN_SEPARATOR =
  /^(?:[\s\u00a0\u3000]{1,3}|[-\u2010-\u2015\uff0d.\uff0e\u3002\u00b7\u30fb/\\_,\uff0c:;|'"])$/;

/**
 * Every number of 13–19 digits in a card-number cell, Luhn-valid or not, in any spelling findCardNumbers reads
 * and with any grouping or punctuation between the groups (`6225.8812.3456.7899`). In a card-number column such a
 * number is a card number even when a digit was mistyped or it is a test card, and a full one must never be kept;
 * free texts use findCardNumbers instead, where order numbers of the same length must survive.
 */
export function findCardColumnNumbers(text: string): CardNumberSpan[] {
  return scanNumbers(text, {
    minUnbroken: 13,
    maxGroups: 19,
    separator: COLUMN_SEPARATOR,
    // Any grouping, but a run that is a whole number on its own is not joined to what follows (`…7899.0` of a
    // number cell); the last group may be one (`622588 1234567890123`, the BIN set apart).
    shape: (lengths) => lengths.slice(0, -1).every((n) => n < 13),
    accept: (digits) => digits.length >= 13 && digits.length <= 19,
    amounts: false,
  });
}

interface ScanRules {
  minUnbroken: number;
  /** The most digit groups one number may take. */
  maxGroups: number;
  separator: RegExp;
  /** Whether group lengths (2 or more groups) are a shape a card is written in. */
  shape: (lengths: readonly number[]) => boolean;
  accept: (digits: string) => boolean;
  /** Whether digits beside a decimal point are an amount rather than a number to find. */
  amounts: boolean;
}

function scanNumbers(text: string, rules: ScanRules): CardNumberSpan[] {
  // Most texts (a memo 结算款, a name) hold too few digits to be a card: one pass, no allocation.
  let count = 0;
  for (let k = 0; k < text.length && count < 13; k += 1) {
    const c = text.charCodeAt(k);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) count += 1;
  }
  if (count < 13) return [];
  const half = halfWidthDigits(text);
  const out: CardNumberSpan[] = [];
  // Chains of digit groups joined by one separator each.
  const chains: Group[][] = [];
  let chain: Group[] = [];
  DIGITS.lastIndex = 0;
  for (let m = DIGITS.exec(half); m !== null; m = DIGITS.exec(half)) {
    const group = { start: m.index, end: m.index + m[0].length };
    const previous = chain[chain.length - 1];
    if (previous !== undefined && rules.separator.test(half.slice(previous.end, group.start)))
      chain.push(group);
    else {
      if (chain.length > 0) chains.push(chain);
      chain = [group];
    }
  }
  if (chain.length > 0) chains.push(chain);
  for (const groups of chains) {
    let i = 0;
    while (i < groups.length) {
      let found: CardNumberSpan | undefined;
      let next = i + 1;
      for (
        let j = Math.min(groups.length - 1, i + rules.maxGroups - 1);
        j >= i && found === undefined;
        j -= 1
      ) {
        const part = groups.slice(i, j + 1);
        const lengths = part.map((g) => g.end - g.start);
        const total = lengths.reduce((a, b) => a + b, 0);
        if (total < 13 || total > 19) continue;
        if (part.length === 1 ? total < rules.minUnbroken : !rules.shape(lengths)) continue;
        const first = part[0];
        const last = part[part.length - 1];
        if (first === undefined || last === undefined) continue;
        // Digits with a decimal point are an amount (4023985094547.00), not a card number.
        if (rules.amounts && DECIMAL_AFTER.test(half.slice(last.end, last.end + 2))) continue;
        if (rules.amounts && DECIMAL_BEFORE.test(half.slice(Math.max(first.start - 2, 0), first.start)))
          continue;
        const digits = part.map((g) => half.slice(g.start, g.end)).join('');
        if (!rules.accept(digits)) continue;
        found = { start: first.start, end: last.end, digits };
        next = j + 1;
      }
      if (found !== undefined) out.push(found);
      i = next;
    }
  }
  // A card number a spreadsheet wrote in E-notation with every digit kept (6.225881234567898E+15).
  E_NOTATION.lastIndex = 0;
  let sorted = false;
  for (let m = E_NOTATION.exec(half); m !== null; m = E_NOTATION.exec(half)) {
    const digits = `${m[1]}${m[2]}`;
    if (digits.length !== Number(m[3]) + 1 || !rules.accept(digits)) continue;
    const start = m.index;
    const end = m.index + digits.length + 1;
    // In a card-number cell the digits may already be in a span read as groups split at the point.
    for (let k = out.length - 1; k >= 0; k -= 1) {
      const span = out[k];
      if (span !== undefined && span.start < end && start < span.end) out.splice(k, 1);
    }
    out.push({ start, end, digits });
    sorted = true;
  }
  if (sorted) out.sort((a, b) => a.start - b.start);
  return out;
}

/**
 * The text with the digits of each card number found in it (findCardNumbers) past the first six and before the
 * last four replaced by `*`, separators kept: `6225 88** **** 7898`, `622202*********0123`.
 */
export function maskCardNumbersAt(text: string, spans: readonly CardNumberSpan[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start);
    let seen = 0;
    const n = span.digits.length;
    for (let k = span.start; k < span.end; k += 1) {
      const c = text[k] ?? '';
      const isDigit = /[0-9\uff10-\uff19]/.test(c);
      if (!isDigit) out += c;
      else {
        out += seen >= 6 && seen < n - 4 ? '*' : c;
        seen += 1;
      }
    }
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * The text with each full card number in it masked (findCardNumbers, in any spelling), for free texts such as a
 * memo, a counterparty or why a row was rejected, where a card number may have landed in any column. Unbroken
 * runs of 13–15 digits are left alone: 15-digit UnionPay merchant numbers are quoted beside them. A run that
 * fails the Luhn check or has no card prefix is left alone too: in free text a run of 16–19 digits is far more
 * often an order, trade or reference number (订单号, 交易单号, 参考号, quoted in memos and rejection reasons) —
 * the key a statement line is matched and a complaint is made with — than a mistyped card number, and masking
 * it would destroy that key. In a card-number column every such run is a card: maskCardField masks it regardless.
 */
export function maskCardNumbersIn(text: string): string {
  return maskCardNumbersAt(text, findCardNumbers(text, { minUnbroken: 16 }));
}

/** Eleven or more digits in a row, spaces, dashes and full-width digits read through: more than 6 + 4 shown. */
const UNMASKED_DIGITS = /\d(?:[\s\-\u2010-\u2015\uff0d]?\d){10,}/;

/** Whether a text shows more digits of a number than a masked card number may (11 or more in a row). */
export function showsTooManyDigits(text: string): boolean {
  return UNMASKED_DIGITS.test(halfWidthDigits(text));
}

/**
 * A card-number cell or field as a record keeps it: the number masked 6 + 4 however it was written
 * (`6225 8812 3456 7898`, `6225-8812-…`, `6225.8812.…`, full-width digits), or, when the text holds more than the
 * number (`6225 8812 3456 7898 借记卡`), each 13–19 digit number in it masked where it stands — whether or not it
 * passes the Luhn check (findCardColumnNumbers): a mistyped or test card number in a card column is still one.
 * The caller refuses what still showsTooManyDigits (a run of 20 digits or more, or 11–12 digits among words).
 */
export function maskCardField(text: string): string {
  const masked = maskCardNumber(text);
  return masked === text.trim() ? maskCardNumbersAt(masked, findCardColumnNumbers(masked)) : masked;
}
