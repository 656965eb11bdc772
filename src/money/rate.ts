import { divideRounded, divideRoundedBig, type RoundingMode } from './round.js';
import { fail, ok, type Parsed } from './result.js';
import { stripCellDecoration, toHalfWidth } from './normalize-text.js';

/** A rate in exact parts per million: 0.60 % is 6000, 0.0325 % is 325. */
export type RatePpm = number & { readonly __brand: 'RatePpm' };

export const PPM_PER_PERCENT = 10_000;

export function ratePpm(value: number): RatePpm {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a rate in ppm: ${value}`);
  return value as RatePpm;
}

/** How a bare number in a rate column is to be read: 0.6 as a percent, 38 as 万分之38, 0.006 as a fraction. */
export type RateUnit = 'percent' | 'per-mille' | 'per-myriad' | 'fraction';

const UNIT_PPM: Record<RateUnit, number> = {
  percent: 10_000,
  'per-mille': 1_000,
  'per-myriad': 100,
  fraction: 1_000_000,
};

const WORDED_UNITS: ReadonlyArray<[RegExp, RateUnit]> = [
  [/^万分之(.+)$/, 'per-myriad'],
  [/^千分之(.+)$/, 'per-mille'],
  [/^百分之(.+)$/, 'percent'],
  [/^(.+)‱$/, 'per-myriad'],
  [/^(.+)‰$/, 'per-mille'],
  [/^(.+)%$/, 'percent'],
];

/**
 * Parses a rate exactly: `0.6%`, `0.60%`, `0.0325%`, `万分之38`, `千分之6`, `38‱`; a bare number is read in
 * `bareUnit`. Rates finer than one part per million are rejected rather than rounded.
 * @example parseRate('万分之38') → { ok: true, value: 3800 }
 */
export function parseRate(text: string, bareUnit?: RateUnit): Parsed<RatePpm> {
  const s = stripCellDecoration(toHalfWidth(text)).replace(/\s+/g, '');
  let unit = bareUnit;
  let number = s;
  for (const [pattern, worded] of WORDED_UNITS) {
    const match = pattern.exec(s);
    if (match?.[1] !== undefined) {
      unit = worded;
      number = match[1];
      break;
    }
  }
  const expected = `应为 0.60% 、万分之38 或 千分之6 这样的费率`;
  const expectedEn = 'expected a percentage such as 0.60%';
  if (unit === undefined)
    return fail('rate.unit', `“${text}”缺少单位，${expected}`, `"${text}": ${expectedEn}`);
  const match = /^(\d+)?(?:\.(\d+))?$/.exec(number);
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    return fail('rate.invalid', `“${text}”不是费率，${expected}`, `"${text}" is not a rate; ${expectedEn}`);
  }
  const scale = UNIT_PPM[unit];
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const denominator = 10 ** fraction.length;
  const numerator = Number(match[1] ?? '0') * denominator + Number(fraction || '0');
  const product = numerator * scale;
  if (!Number.isSafeInteger(product) || product % denominator !== 0) {
    return fail(
      'rate.precision',
      `“${text}”精度超过百万分之一`,
      `"${text}" is finer than one part per million`,
    );
  }
  const ppm = product / denominator;
  if (ppm > 1_000_000) return fail('rate.range', `“${text}”超过 100%`, `"${text}" is above 100%`);
  return ok(ratePpm(ppm));
}

/** Formats a rate as a percentage with at least two decimals: 6000 → `0.60%`, 325 → `0.0325%`. */
export function formatRate(rate: number): string {
  const whole = Math.floor(rate / PPM_PER_PERCENT);
  const fraction = (rate % PPM_PER_PERCENT)
    .toString()
    .padStart(4, '0')
    .replace(/0{1,2}$/, '');
  return `${whole}.${fraction}%`;
}

/**
 * The percentage part of a fee: amount × rate, rounded to the fen with the named mode.
 * @example percentageFee(123456, 6000, 'half-up') === 741
 */
export function percentageFee(amountFen: number, rate: number, mode: RoundingMode): number {
  const product = amountFen * rate;
  if (Number.isSafeInteger(product)) return divideRounded(product, 1_000_000, mode);
  return Number(divideRoundedBig(BigInt(amountFen) * BigInt(rate), 1_000_000n, mode));
}
