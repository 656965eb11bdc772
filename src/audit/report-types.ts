import type { Diagnosis } from '../explain/diagnosis-types.js';
import type { CardType, Channel } from '../records/vocabulary.js';

/** The closed set of audit findings (issue 4). */
export const FINDING_KINDS = [
  'fee_overcharge',
  'fee_undercharge',
  'amount_mismatch',
  'missing_settlement',
  'unexpected_settlement',
  'duplicate_settlement',
  'void_settled',
  'refund_fee_mismatch',
  'suspected_duplicate_charge',
  'unplanned_deduction',
  'late_settlement',
  'payout_mismatch',
  'no_rule',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface SourceRef {
  readonly file: string;
  readonly row: number;
}

/** One discrepancy, with the keys and the arithmetic needed to prove it. Fields that do not apply are omitted. */
export interface Finding {
  /** Stable across runs over the same inputs: derived from the kind and the transaction's keys, not from order. */
  id: string;
  kind: FindingKind;
  merchantId?: string;
  refNo?: string;
  /** The POS 凭证号/流水号, which names a cashier export's sale when it has no 参考号. */
  voucherNo?: string;
  orderNo?: string;
  terminalId?: string;
  /** ISO time with +08:00. */
  time?: string;
  settleDate?: string;
  channel?: Channel;
  card?: CardType;
  amountFen?: number;
  expectedFeeFen?: number;
  chargedFeeFen?: number;
  overchargeFen: number;
  lossFen: number;
  basis?: 'plan' | 'inferred';
  /** The plan rule that gave the expected fee, in words, with its line in the plan file. */
  rule?: { text: string; textEn?: string; line: number };
  /** A fee kept on a sale that a settled void or a reversal cancelled: which one. */
  cancelledBy?: 'void' | 'reversal';
  /** An unplanned deduction line's own name on the statement (流量费, 机具押金). */
  label?: string;
  message: string;
  messageEn: string;
  source: SourceRef[];
}

export interface RateChange {
  merchantId?: string;
  channel: Channel;
  card: CardType;
  /** Amount band the formula was inferred for, e.g. "≤1000" or "all". */
  band: string;
  date: string;
  beforeRate: string;
  afterRate: string;
  beforeFixedFen: number;
  afterFixedFen: number;
  beforeCapFen?: number;
  afterCapFen?: number;
  /**
   * No sale on that side was large enough to reach the other side's cap: whether it had one is unknown. Both cap
   * fields are then left out, so that no reader compares a known cap with an unknown one and reports it removed
   * (or added); the flag says the caps were not comparable.
   */
  beforeCapUnknown?: true;
  afterCapUnknown?: true;
  transactions: number;
  inPlan: boolean | null;
  noticeHonoured: boolean | null;
  /**
   * An episode, not a lasting change: the last local date charged this way, after which the provider went back to
   * the formula before it (or to the contract's). Absent for a change still in force at the end of the lines.
   */
  until?: string;
}

export interface AuditSummary {
  terminalRecords: number;
  settlementRecords: number;
  bankRecords: number;
  matched: number;
  pending: number;
  overchargeFen: number;
  lossFen: number;
  withinToleranceFen: number;
  /**
   * What the statements' rebate lines (手续费返还, 押金退还, 返现) gave back in the audited dates, counted in the
   * payouts.
   */
  returnedFen: number;
  /**
   * The part of returnedFen that makes good part of lossFen (a fee rebate against fee losses, a charge's return
   * against deductions of that charge; a cashback only against a cashback taken back): the provider still owes
   * lossFen − offsetFen.
   */
  offsetFen: number;
  findingsByKind: Record<FindingKind, number>;
  skippedChecks: string[];
}

export interface AmbiguousMatch {
  reason: string;
  reasonEn: string;
  source: SourceRef[];
}

/** The audit's JSON — a contract: the CLI's `--format json` and the API return exactly this. */
export interface AuditReport {
  schemaVersion: 1;
  summary: AuditSummary;
  merchants: { merchantId: string; summary: AuditSummary }[];
  findings: Finding[];
  rateChanges: RateChange[];
  ambiguous: AmbiguousMatch[];
  rejected: { file: string; row: number; column?: string; reason: string }[];
  /** `truncated`: a text export cut off mid-row (FileImportSummary.truncated); absent for a whole file. */
  files: { file: string; sha256: string; preset: string; kind: string; rows: number; truncated?: true }[];
  warnings: string[];
  /** Effective rate per day per channel/card, for charts: fee ÷ amount over the settled sales of that day. */
  effectiveRates?: { date: string; channel: Channel; card: CardType; amountFen: number; feeFen: number }[];
  /** The findings grouped by likely cause, with evidence and remedies (src/explain); absent when none. */
  diagnoses?: Diagnosis[];
}
