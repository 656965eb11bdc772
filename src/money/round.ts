/** How a fractional fen is resolved. `half-up` rounds halves away from zero, `up` is away from zero, `down` toward zero. */
export type RoundingMode = 'half-up' | 'half-even' | 'up' | 'down';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'up', 'down'];

/**
 * Divides two integers and rounds the quotient with the named mode, exactly.
 * Uses plain numbers while every intermediate is a safe integer and BigInt otherwise.
 * @example divideRounded(1900, 1000, 'half-up') === 2
 */
export function divideRounded(numerator: number, denominator: number, mode: RoundingMode): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(
      `divideRounded needs safe integers and a non-zero denominator: ${numerator}/${denominator}`,
    );
  }
  if (denominator < 0) return divideRounded(-numerator, -denominator, mode);
  const negative = numerator < 0;
  const magnitude = negative ? -numerator : numerator;
  const quotient = Math.floor(magnitude / denominator);
  const remainder = magnitude - quotient * denominator;
  let rounded = quotient;
  if (remainder !== 0) {
    switch (mode) {
      case 'down':
        break;
      case 'up':
        rounded = quotient + 1;
        break;
      case 'half-up':
        if (remainder * 2 >= denominator) rounded = quotient + 1;
        break;
      case 'half-even':
        if (remainder * 2 > denominator || (remainder * 2 === denominator && quotient % 2 === 1)) {
          rounded = quotient + 1;
        }
        break;
    }
  }
  return negative && rounded !== 0 ? -rounded : rounded;
}

/** BigInt twin of {@link divideRounded}, for products beyond 2^53. */
export function divideRoundedBig(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) return divideRoundedBig(-numerator, -denominator, mode);
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const remainder = magnitude % denominator;
  let rounded = quotient;
  if (remainder !== 0n) {
    if (mode === 'up') rounded = quotient + 1n;
    else if (mode === 'half-up' && remainder * 2n >= denominator) rounded = quotient + 1n;
    else if (
      mode === 'half-even' &&
      (remainder * 2n > denominator || (remainder * 2n === denominator && quotient % 2n === 1n))
    ) {
      rounded = quotient + 1n;
    }
  }
  return negative && rounded !== 0n ? -rounded : rounded;
}
