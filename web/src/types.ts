// The API's answers as the dashboard reads them (see src/audit/report-types.ts and src/server/routes).

export type FindingKind =
  | 'fee_overcharge'
  | 'fee_undercharge'
  | 'amount_mismatch'
  | 'missing_settlement'
  | 'unexpected_settlement'
  | 'duplicate_settlement'
  | 'void_settled'
  | 'refund_fee_mismatch'
  | 'suspected_duplicate_charge'
  | 'unplanned_deduction'
  | 'late_settlement'
  | 'payout_mismatch'
  | 'no_rule';

export interface Finding {
  id: string;
  kind: FindingKind;
  merchantId?: string;
  refNo?: string;
  orderNo?: string;
  terminalId?: string;
  time?: string;
  settleDate?: string;
  channel?: string;
  card?: string;
  amountFen?: number;
  expectedFeeFen?: number;
  chargedFeeFen?: number;
  overchargeFen: number;
  lossFen: number;
  basis?: 'plan' | 'inferred';
  rule?: { text: string; line: number };
  message: string;
  messageEn: string;
  source: { file: string; row: number }[];
}

export interface RateChange {
  channel: string;
  card: string;
  band: string;
  date: string;
  beforeRate: string;
  afterRate: string;
  beforeFixedFen: number;
  afterFixedFen: number;
  beforeCapFen?: number;
  afterCapFen?: number;
  transactions: number;
  inPlan: boolean | null;
  noticeHonoured: boolean | null;
}

export interface AuditReport {
  summary: {
    terminalRecords: number;
    settlementRecords: number;
    bankRecords: number;
    matched: number;
    pending: number;
    overchargeFen: number;
    lossFen: number;
    withinToleranceFen: number;
    findingsByKind: Record<string, number>;
    skippedChecks: string[];
  };
  findings: Finding[];
  rateChanges: RateChange[];
  rejected: { file: string; row: number; column?: string; reason: string }[];
  files: { file: string; sha256: string; preset: string; kind: string; rows: number }[];
  warnings: string[];
  effectiveRates?: { date: string; channel: string; card: string; amountFen: number; feeFen: number }[];
}

export interface Merchant {
  id: number;
  name: string;
  merchantId: string | null;
  demo: boolean;
  role: string;
  createdAt: string;
}

export interface Me {
  id: number;
  email: string;
  role: string;
  passwordChangedAt: string;
  passwordChangeDue: boolean;
  merchants: Merchant[];
}

export interface PlanIssue {
  code: string;
  path: string;
  line?: number;
  zh: string;
  en: string;
  text: string;
}
