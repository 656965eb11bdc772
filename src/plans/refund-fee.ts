import { divideRounded, type RoundingMode } from '../money/round.js';
import type { RefundFeePolicy } from './plan-types.js';

/** The sale a refund belongs to: its amount and the fee charged on it, in fen. */
export interface OriginalSale {
  readonly amountFen: number;
  readonly feeFen: number;
}

/**
 * The fee due back for each refund of one sale, in order, as non-negative fen (the caller applies the sign).
 * `none` returns nothing; `full` returns the whole original fee with the first refund; `proportional` returns
 * round(fee × refund ÷ amount) with the plan's rounding, never more than what is left, and the refund that
 * completes the sale returns the remainder, so a full set of refunds returns exactly the original fee.
 * Refund amounts may be given with either sign; refunds beyond the original amount return nothing.
 * @example refundFeesDue('proportional', 'half-up', { amountFen: 300, feeFen: 2 }, [100, 100, 100]) → [1, 1, 0]
 */
export function refundFeesDue(
  policy: RefundFeePolicy,
  rounding: RoundingMode,
  sale: OriginalSale,
  refundsFen: readonly number[],
): number[] {
  const amount = Math.abs(sale.amountFen);
  const fee = Math.abs(sale.feeFen);
  let refunded = 0;
  let returned = 0;
  return refundsFen.map((refund) => {
    const part = Math.min(Math.abs(refund), amount - refunded);
    if (policy === 'none' || part <= 0 || amount === 0) return 0;
    refunded += part;
    let due: number;
    if (policy === 'full') due = fee - returned;
    else if (refunded >= amount) due = fee - returned;
    else due = Math.min(divideRounded(fee * part, amount, rounding), fee - returned);
    returned += due;
    return due;
  });
}
