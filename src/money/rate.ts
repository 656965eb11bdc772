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

/** How a statement's rate column reads a bare number: in `unit`, which its header `named` or the preset assumed. */
export interface BareRateUnit {
  readonly unit: RateUnit;
  readonly named: boolean;
}

/** The merchant rates an assumed unit may make of a bare number: 0, or 0.1 % to 10 %. */
const ASSUMED_UNIT_RANGE = { min: 1_000, max: 100_000 } as const;

const UNIT_NAME: Record<RateUnit, { zh: string; en: string }> = {
  percent: { zh: '百分比', en: 'percent' },
  'per-mille': { zh: '千分之一', en: 'per mille' },
  'per-myriad': { zh: '万分之一', en: 'per ten thousand' },
  fraction: { zh: '小数', en: 'a fraction' },
};

// Agents shorten 万分之270 to 万270 and 千分之6 to 千6.
const SHORTHAND: Readonly<Record<string, string>> = { 万: '万分之', 千: '千分之' };
const LEADING_RATE = /^(万分之|千分之|百分之|万|千)?(\d+(?:\.\d*)?|\.\d+)([%‰‱]?)/;
const AMOUNT = String.raw`\d+(?:\.\d+)?元?(?:/笔|每笔)?`;
/**
 * What may follow the percentage in a fee formula, in any order, bracketed or not: a fixed add-on per
 * transaction (+3, +3元/笔), a cap (封顶20, 20元封顶, 最高20元) or a minimum (最低1元).
 */
const FORMULA_PART = new RegExp(
  String.raw`[,;/、]?\(?(?:(?:\+|加)(?:每笔)?${AMOUNT}|(?:封顶|最高|上限|最低|保底)${AMOUNT}|${AMOUNT}封顶)\)?`,
  'y',
);
/** A bracketed note without digits ((优惠), （贷记卡）) says nothing about the rate. */
const NOTE = /[(【[][^()【】[\]\d]*[)】\]]/g;

/**
 * Reads a statement's rate cell, which only informs: a plain rate as {@link parseRate} does, or the percentage of
 * a fee formula (`2.99%+3`, `万270+3`, `0.55%(封顶20元)`). A bare number is read in the column's unit, but when
 * that unit is only assumed it must come out as a merchant rate (`60` is no 60 % fee).
 * @example parseRateCell('2.99%+3元', { unit: 'percent', named: false }) → { ok: true, value: 29900 }
 */
export function parseRateCell(text: string, bare: BareRateUnit): Parsed<RatePpm> {
  const s = stripCellDecoration(toHalfWidth(text)).replace(/\s+/g, '').replace(NOTE, '');
  const lead = LEADING_RATE.exec(s);
  const unreadable = fail<RatePpm>(
    'rate.unreadable',
    `“${text}”读不出费率（应为 0.60%、万分之38、2.99%+3 或 0.55%封顶20 这样的写法）`,
    `"${text}" cannot be read as a rate (expected 0.60%, 万分之38, 2.99%+3 or 0.55%封顶20)`,
  );
  if (lead === null) return unreadable;
  const [token, worded, number = '', sign = ''] = lead;
  if (worded !== undefined && sign !== '') return unreadable;
  FORMULA_PART.lastIndex = token.length;
  while (FORMULA_PART.lastIndex < s.length) if (!FORMULA_PART.test(s)) return unreadable;
  const unitWord = worded === undefined ? '' : (SHORTHAND[worded] ?? worded);
  const rate = parseRate(`${unitWord}${number}${sign}`, bare.unit);
  const isBare = worded === undefined && sign === '';
  if (!rate.ok || !isBare || bare.named || rate.value === 0) return rate;
  if (rate.value >= ASSUMED_UNIT_RANGE.min && rate.value <= ASSUMED_UNIT_RANGE.max) return rate;
  return fail(
    'rate.unit-unknown',
    `“${text}”没有单位，按${UNIT_NAME[bare.unit].zh}读是 ${formatRate(rate.value)}，不像商户费率`,
    `"${text}" has no unit, and read in ${UNIT_NAME[bare.unit].en} it is ${formatRate(rate.value)}, which is no merchant rate`,
  );
}

/**
 * What a rate cell adds to its percentage (`+3`, `封顶20`, `(封顶20元)`), which {@link parseRateCell} reads past:
 * undefined for a plain rate.
 * @example rateCellFormula('0.55%封顶20') → '封顶20'
 */
export function rateCellFormula(text: string): string | undefined {
  const s = stripCellDecoration(toHalfWidth(text)).replace(/\s+/g, '');
  const lead = LEADING_RATE.exec(s.replace(NOTE, ''));
  if (lead === null) return undefined;
  const rest = s.replace(NOTE, '').slice(lead[0].length);
  return rest === '' ? undefined : rest;
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
