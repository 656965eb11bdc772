import type { RoundingMode } from '../money/round.js';
import type { CardType, Channel } from '../records/vocabulary.js';

/**
 * The validated, normalised fee plan (the contract) that the audit, the monitor and the comparison consume.
 * Money is fen, rates are ppm; `line` fields point back into the plan file for error messages and evidence.
 */
export interface FeeRule {
  /** Channels this rule prices; absent = any channel. */
  readonly channels?: readonly Channel[];
  /** Card types this rule prices; absent = any card. */
  readonly cards?: readonly CardType[];
  /** Exclusive lower bound on the amount, fen. */
  readonly minAmountFen?: number;
  /** Inclusive upper bound on the amount, fen. */
  readonly maxAmountFen?: number;
  readonly ratePpm: number;
  readonly fixedFen: number;
  /** Caps the percentage part. */
  readonly capFen?: number;
  /** Minimum total fee. */
  readonly minFen?: number;
  /** 1-based line of the rule in the plan file (0 when built in code). */
  readonly line: number;
  /** Position of the rule within its period, for paths like `periods[1].rates[0]`. */
  readonly index: number;
}

export interface PlanPeriod {
  /** Local date (Asia/Shanghai) the period starts, inclusive. */
  readonly from: string;
  /** Local date the period ends, inclusive. */
  readonly until?: string;
  /** When the merchant was told of this period's rates. */
  readonly noticed?: string;
  readonly rates: readonly FeeRule[];
  readonly line: number;
  readonly index: number;
}

export type ChargeEvery = 'once' | 'month' | 'quarter' | 'year' | 'payout';

export interface PlanCharge {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly amountFen: number;
  readonly every: ChargeEvery;
  readonly from?: string;
  readonly perTerminal: boolean;
  readonly line: number;
}

export interface SettlementCycle {
  /** T counts Chinese working days, D natural days. */
  readonly basis: 'T' | 'D';
  readonly days: number;
}

export type RefundFeePolicy = 'none' | 'proportional' | 'full';

/**
 * How many days after its sale a refund that names no original is linked to it by merchant, terminal, payer and
 * amount, when the plan does not say: acquirers accept refunds of card sales for about half a year.
 */
export const DEFAULT_REFUND_WINDOW_DAYS = 180;

export interface FeePlan {
  readonly merchant?: string;
  readonly merchantId?: string;
  readonly provider?: string;
  readonly rounding: RoundingMode;
  readonly toleranceFen: number;
  readonly settlement: SettlementCycle;
  /**
   * True when the plan file states no settlement cycle and `settlement` is the T1 default: the audit then reads
   * the cycle off the statements' settlement dates (audit/settle-cycle.ts).
   */
  readonly settlementAssumed?: true;
  readonly refundFee: RefundFeePolicy;
  readonly noticeDays: number;
  /**
   * How many days after its sale a refund naming no original is linked to it (`refundWindowDays`; some
   * providers accept refunds up to 360 days). Absent: DEFAULT_REFUND_WINDOW_DAYS.
   */
  readonly refundWindowDays?: number;
  readonly periods: readonly PlanPeriod[];
  readonly charges: readonly PlanCharge[];
  readonly calendar?: { readonly holidays: readonly string[]; readonly workdays: readonly string[] };
}

/** What a fee is computed for. */
export interface FeeQuery {
  readonly amountFen: number;
  readonly channel: Channel;
  readonly card: CardType;
  /** Local date (Asia/Shanghai) of the transaction. */
  readonly date: string;
}

/**
 * A raise the plan dates before its notice ran out (DOMAIN.md §4.3: the signed terms are the baseline, and a raise
 * without the contract's notice does not bind the merchant): the sale was priced by the earlier terms instead.
 */
export interface DeferredRaise {
  /** The period the plan puts in force on the sale's date, whose terms would cost more. */
  readonly period: PlanPeriod;
  /** Its rule for the sale. */
  readonly rule: FeeRule;
  /** The fee that rule would charge. */
  readonly feeFen: number;
  /** When the merchant was told of it. */
  readonly noticed: string;
  /** `noticed` + the contract's notice days: the first day the raise binds. */
  readonly effective: string;
  /** The contract's notice, days. */
  readonly noticeDays: number;
}

export type FeeQuote =
  | {
      readonly ok: true;
      readonly feeFen: number;
      /** The percentage part after rounding and cap, before the fixed part and minimum. */
      readonly percentageFen: number;
      readonly capApplied: boolean;
      readonly rule: FeeRule;
      /** The period whose terms priced the sale: an earlier one while a raise is deferred. */
      readonly period: PlanPeriod;
      /** Set when a raise in force on paper was not yet binding, and `rule`/`period` are the earlier terms. */
      readonly deferred?: DeferredRaise;
    }
  | { readonly ok: false; readonly reason: 'no_period' | 'no_rule' };
