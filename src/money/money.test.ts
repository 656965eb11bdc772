import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFen, formatYuan } from './fen.js';
import { fenFromSpreadsheetNumber, parseAmount } from './parse-amount.js';
import { formatRate, parseRate, percentageFee } from './rate.js';
import { divideRounded, divideRoundedBig, ROUNDING_MODES, type RoundingMode } from './round.js';

const value = (text: string, unit?: 'yuan' | 'fen') => {
  const result = parseAmount(text, unit);
  if (!result.ok) throw new Error(result.problem.en);
  return result.value;
};

describe('parseAmount', () => {
  it.each([
    ['1,234.56', 123456],
    ['¥12.30', 1230],
    ['￥12.3', 1230],
    ['-0.5', -50],
    ['12', 1200],
    ['１２．３４', 1234],
    ['  \t88.80\t ', 8880],
    ['`100.00', 10000],
    ["'0.01", 1],
    ['(12.30)', -1230],
    ['0.60000', 60],
    ['12元', 1200],
    ['-¥3.00', -300],
    ['.5', 50],
    ['50.00-', -5000],
    ['1,234.56 -', -123456],
    ['\u2212100.00', -10000],
    ['\uff0d100.00', -10000],
    ['\u2212¥3.00', -300],
  ])('reads %s as %i fen', (text, expected) => {
    expect(value(text)).toBe(expected);
  });

  it.each([
    ['12.3.4', 'amount.invalid'],
    ['1.234,56', 'amount.invalid'],
    ['abc', 'amount.invalid'],
    ['6.0079E+11', 'amount.exponent'],
    ['', 'amount.empty'],
    ['1,23.00', 'amount.invalid'],
    ['-50.00-', 'amount.invalid'],
    ['5-0', 'amount.invalid'],
    ['1.005', 'amount.sub-fen'],
  ])('rejects %s with %s', (text, code) => {
    const result = parseAmount(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.code).toBe(code);
  });

  it('reads fen-unit files as integers and rejects fractions there', () => {
    expect(value('000000001234', 'fen')).toBe(1234);
    expect(parseAmount('12.5', 'fen').ok).toBe(false);
  });

  it('rejects a yuan-shaped amount (two decimals) in a fen column instead of reading ¥994.00 as ¥9.94', () => {
    for (const text of ['994.00', '10,329.70', '-5.00']) {
      const result = parseAmount(text, 'fen');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem.code).toBe('amount.yuan-in-fen');
    }
    expect(value('994.0', 'fen')).toBe(994);
  });

  it('round-trips every amount through formatFen and formatYuan', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (amount) => {
        expect(value(formatFen(amount))).toBe(amount);
        expect(value(formatYuan(amount))).toBe(amount);
      }),
    );
  });

  it('formats as people read money', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(-50)).toBe('-¥0.50');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatYuan(91734)).toBe('917.34');
  });

  it('converts spreadsheet floats that sit on a fen and refuses the rest', () => {
    expect(fenFromSpreadsheetNumber(917.34)).toEqual({ ok: true, value: 91734 });
    expect(fenFromSpreadsheetNumber(0.1 + 0.2)).toEqual({ ok: true, value: 30 });
    expect(fenFromSpreadsheetNumber(1.005).ok).toBe(false);
    expect(fenFromSpreadsheetNumber(12345.675).ok).toBe(false);
    expect(fenFromSpreadsheetNumber(99999999.995).ok).toBe(false);
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (amount) => {
        expect(fenFromSpreadsheetNumber(amount / 100)).toEqual({
          ok: true,
          value: amount === 0 ? 0 : amount,
        });
      }),
    );
  });
});

describe('parseRate', () => {
  it.each([
    ['0.6%', 6000],
    ['0.60%', 6000],
    ['0.0325%', 325],
    ['万分之38', 3800],
    ['千分之6', 6000],
    ['2.99%', 29900],
    ['０．３８％', 3800],
    ['38‱', 3800],
  ])('reads %s as %i ppm', (text, expected) => {
    expect(parseRate(text)).toEqual({ ok: true, value: expected });
  });

  it('reads bare numbers in the unit the column names', () => {
    expect(parseRate('38', 'per-myriad')).toEqual({ ok: true, value: 3800 });
    expect(parseRate('0.43', 'percent')).toEqual({ ok: true, value: 4300 });
    expect(parseRate('0.006', 'fraction')).toEqual({ ok: true, value: 6000 });
  });

  it.each(['abc', '0.6', '0.00001%', '1.2.3%', '101%'])('rejects %s', (text) => {
    expect(parseRate(text).ok).toBe(false);
  });

  it('formats with at least two decimals and round-trips', () => {
    expect(formatRate(6000)).toBe('0.60%');
    expect(formatRate(325)).toBe('0.0325%');
    expect(formatRate(29900)).toBe('2.99%');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (ppm) => {
        expect(parseRate(formatRate(ppm))).toEqual({ ok: true, value: ppm });
      }),
    );
  });
});

describe('rounding', () => {
  const reference = (n: bigint, d: bigint, mode: RoundingMode): bigint => {
    // Reference from first principles: compare twice the remainder with the divisor.
    const sign = n < 0n ? -1n : 1n;
    const m = n < 0n ? -n : n;
    const q = m / d;
    const r = m - q * d;
    let result = q;
    if (r > 0n) {
      if (mode === 'up') result = q + 1n;
      if (mode === 'half-up' && 2n * r >= d) result = q + 1n;
      if (mode === 'half-even' && (2n * r > d || (2n * r === d && q % 2n === 1n))) result = q + 1n;
    }
    return sign * result;
  };

  it('agrees with a big-integer reference in every mode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e15, max: 1e15 }),
        fc.integer({ min: 1, max: 1e7 }),
        fc.constantFrom(...ROUNDING_MODES),
        (n, d, mode) => {
          expect(divideRounded(n, d, mode)).toBe(Number(reference(BigInt(n), BigInt(d), mode)));
          expect(divideRoundedBig(BigInt(n), BigInt(d), mode)).toBe(reference(BigInt(n), BigInt(d), mode));
        },
      ),
    );
  });

  it('handles the halves as each mode names', () => {
    expect([5, 15, 25, -5].map((n) => divideRounded(n, 10, 'half-even'))).toEqual([0, 2, 2, 0]);
    expect([5, 15, -5].map((n) => divideRounded(n, 10, 'half-up'))).toEqual([1, 2, -1]);
    expect(divideRounded(1, 10, 'up')).toBe(1);
    expect(divideRounded(19, 10, 'down')).toBe(1);
  });

  it('computes percentage fees exactly, also beyond 2^53', () => {
    expect(percentageFee(123456, 6000, 'half-up')).toBe(741);
    expect(percentageFee(500, 3800, 'half-up')).toBe(2);
    expect(percentageFee(500, 3800, 'down')).toBe(1);
    expect(percentageFee(3_058_000, 29900, 'half-up')).toBe(91434);
    expect(percentageFee(9_000_000_000_000, 1_000_000, 'half-up')).toBe(9_000_000_000_000);
  });
});
