import type { RoundingMode } from '../money/round.js';

/** A fee formula as the simulator reasons about it: percentage in ppm, fixed add-on and optional cap/minimum. */
export interface SimFormula {
  readonly ratePpm: number;
  readonly fixedFen: number;
  /** Caps the percentage part. */
  readonly capFen?: number;
  /** Minimum total fee. */
  readonly minFen?: number;
}

export const SIM_ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'up', 'down'];

/**
 * amount × ppm ÷ 1,000,000 rounded with the named mode, in BigInt — written apart from src/money on purpose so
 * the simulator is an independent check of the audit's arithmetic.
 * @example simPercentage(123456, 6000, 'half-up') === 741
 */
export function simPercentage(amountFen: number, ratePpm: number, mode: RoundingMode): number {
  const exact = amountFen * ratePpm;
  // Plain integers while the product is exact (every realistic sale); BigInt beyond 2^53.
  if (Number.isSafeInteger(exact) && exact >= 0) {
    const whole = Math.floor(exact / 1_000_000);
    const rest = exact - whole * 1_000_000;
    if (rest === 0 || mode === 'down') return whole;
    if (mode === 'up') return whole + 1;
    if (rest * 2 > 1_000_000) return whole + 1;
    if (rest * 2 < 1_000_000) return whole;
    return mode === 'half-up' || whole % 2 === 1 ? whole + 1 : whole;
  }
  const product = BigInt(amountFen) * BigInt(ratePpm);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const whole = magnitude / 1_000_000n;
  const rest = magnitude % 1_000_000n;
  let rounded = whole;
  if (rest > 0n) {
    const twice = rest * 2n;
    if (mode === 'up') rounded += 1n;
    else if (mode === 'half-up' && twice >= 1_000_000n) rounded += 1n;
    else if (mode === 'half-even' && (twice > 1_000_000n || (twice === 1_000_000n && whole % 2n === 1n)))
      rounded += 1n;
  }
  return Number(negative ? -rounded : rounded);
}

/**
 * The fee a formula gives: min(round(amount × rate), cap) + fixed, then at least min.
 * @example simFee(800000, { ratePpm: 5500, fixedFen: 0, capFen: 2000 }, 'half-up') === 2000
 */
export function simFee(amountFen: number, formula: SimFormula, mode: RoundingMode): number {
  let part = simPercentage(amountFen, formula.ratePpm, mode);
  if (formula.capFen !== undefined && part > formula.capFen) part = formula.capFen;
  let fee = part + formula.fixedFen;
  if (formula.minFen !== undefined && fee < formula.minFen) fee = formula.minFen;
  return fee;
}

/** Every fee the formula could give under some rounding mode (one or two values). */
export function producibleFees(amountFen: number, formula: SimFormula): Set<number> {
  return new Set(SIM_ROUNDING_MODES.map((mode) => simFee(amountFen, formula, mode)));
}

/** Whether two formulas are the same. */
export function sameFormula(a: SimFormula, b: SimFormula): boolean {
  return (
    a.ratePpm === b.ratePpm && a.fixedFen === b.fixedFen && a.capFen === b.capFen && a.minFen === b.minFen
  );
}

/**
 * The part of a sale's fee a refund gives back under `proportional`: round(fee × refund ÷ amount); a refund of
 * the whole remaining amount returns the whole remaining fee.
 */
export function simProportionalRefundFee(
  originalFeeFen: number,
  originalAmountFen: number,
  refundFen: number,
  mode: RoundingMode,
): number {
  if (refundFen >= originalAmountFen) return originalFeeFen;
  const product = BigInt(originalFeeFen) * BigInt(refundFen);
  const amount = BigInt(originalAmountFen);
  const whole = product / amount;
  const rest = product % amount;
  let rounded = whole;
  if (rest > 0n) {
    const twice = rest * 2n;
    if (mode === 'up') rounded += 1n;
    else if (mode === 'half-up' && twice >= amount) rounded += 1n;
    else if (mode === 'half-even' && (twice > amount || (twice === amount && whole % 2n === 1n)))
      rounded += 1n;
  }
  return Number(rounded);
}

/** Formats a ppm rate as a percentage string, at least two decimals: 6000 → "0.60%". */
export function simRateText(ratePpm: number): string {
  const whole = Math.floor(ratePpm / 10_000);
  let fraction = String(ratePpm % 10_000).padStart(4, '0');
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${whole}.${fraction}%`;
}
