import type { RateChange } from '../audit/report-types.js';
import type { CardType, Channel } from '../records/vocabulary.js';

/** One line of the simulated terminal journal (what the cashier recorded). */
export interface SimTxn {
  /** Seconds since the epoch. */
  epochSec: number;
  /** Shanghai wall time `YYYY-MM-DD HH:MM:SS`. */
  wall: string;
  date: string;
  terminal: number;
  terminalId: string;
  batchNo: string;
  voucherNo: string;
  refNo: string;
  orderNo: string;
  type: 'sale' | 'void' | 'reversal' | 'refund';
  status: 'success' | 'failed';
  channel: Channel;
  card: CardType;
  cardNo: string;
  payerId: string;
  /** Signed, merchant's view: sales positive; voids, reversals and refunds negative. */
  amountFen: number;
  original?: SimTxn;
  note: string;
  /** What happens to a sale at the provider. */
  fate:
    | 'normal'
    | 'voided'
    | 'reversed'
    | 'void-settled'
    | 'reversal-settled'
    | 'missing'
    | 'late'
    | 'duplicate'
    | 'declined';
  /** The amount the provider settles when it differs from the journal (keypad fault, firmware bug). */
  statementAmountFen?: number;
  /** A deduction taken out of this sale's settled amount (deposit). */
  embeddedDeductionFen?: number;
  refunded?: boolean;
  /** Part of a duplicate-looking pair: not to be picked for other faults. */
  paired?: boolean;
}

/** One line of the provider's statement. */
export interface SimLine {
  txn?: SimTxn;
  type: 'sale' | 'refund' | 'deduction';
  wall: string;
  settleDate: string;
  amountFen: number;
  feeFen: number;
  settledFen: number;
  ratePpm: number;
  label: string;
  note: string;
}

/** One bank account line. */
export interface SimBankLine {
  date: string;
  clock: string;
  creditFen: number;
  debitFen: number;
  balanceFen: number;
  counterparty: string;
  counterpartyAccount: string;
  memo: string;
}

/** A simulated terminal and its software history. */
export interface SimTerminal {
  terminalId: string;
  sn: string;
  model: string;
  vendor: string;
  versions: { from: string; firmware: string; app: string }[];
}

/** The truth's finding shape (issue 4's audit JSON, without id/message/source). */
export interface TruthFinding {
  kind: string;
  merchantId: string;
  refNo?: string;
  orderNo?: string;
  terminalId?: string;
  time: string;
  settleDate?: string;
  channel?: Channel;
  card?: CardType;
  amountFen: number;
  expectedFeeFen?: number;
  chargedFeeFen?: number;
  overchargeFen: number;
  lossFen: number;
}

/** A rate change as the audit reports it, without what only the plan can say (inPlan, noticeHonoured). */
export type TruthRateChange = Omit<RateChange, 'inPlan' | 'noticeHonoured'> & { merchantId: string };
