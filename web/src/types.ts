// The API's answers as the dashboard reads them: the audit's own types (a contract shared with the CLI's JSON),
// the others as src/server/routes answer.

export type { AuditReport, Finding, FindingKind, RateChange } from '../../src/audit/report-types.js';
export type { Diagnosis } from '../../src/explain/diagnosis-types.js';

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

/** One catalogue plan priced over the merchant's history (src/compare/compare-plans.ts). */
export interface PricedPlan {
  rank: number;
  provider: string;
  plan: string;
  settlement: string;
  /** First day of the year priced: the switch date, or when the plan's terms start after it. */
  startDate: string;
  yearlyFen: number;
  yearlyFeesFen: number;
  /** The plan's own charges (service fees, per-payout fees …) over the first year. */
  yearlyChargesFen: number;
  yearlySimFen: number;
  depositFen: number;
  unpriced: { count: number; amountFen: number };
  /** Days of the first year with no period of the plan in force. */
  uncoveredDays: number;
  /** Every sale priced on every day of the first year: only then is yearlyFen the plan's full cost. */
  complete: boolean;
  source: string[];
  jumpRecord?: JumpRecord;
}

/** A provider's 跳点 record in the merchant's own statements (src/compare/compare-plans.ts). */
export interface JumpRecord {
  /** From the merchant's plan or the statement's title; absent when neither names the provider. */
  provider?: string;
  names: string[];
  settlementFiles: string[];
  findings: number;
  overchargeFen: number;
  lossFen: number;
}

/** Something the reader of a comparison should know (thin history, missing calendar …), in both languages. */
export interface CompareWarning {
  code: string;
  zh: string;
  en: string;
}

/** GET /api/v1/merchants/:id/compare. */
export interface Comparison {
  merchantId?: string;
  /** The switch date: a plan whose startDate is after it starts later. */
  asOf: string;
  history: {
    firstDate: string | null;
    lastDate: string | null;
    spanDays: number;
    /** The days the journals cover: the fees are annualised over period.days (null for no sales). */
    period: { from: string; to: string; days: number } | null;
    sales: number;
    salesAmountFen: number;
    refunds: number;
    unmatchedRefunds: number;
    voided: number;
    terminals: number;
  };
  plans: PricedPlan[];
  /** Every provider found in the merchant's statements, matched to the catalogue or not. */
  jumpRecords: JumpRecord[];
  warnings: CompareWarning[];
}

/** An alert channel (the secret is never sent back). */
export interface AlertChannel {
  id: number;
  type: string;
  target: string;
  hasSecret: boolean;
  createdAt: string;
}

/** A monitor alert with its deliveries. */
export interface Alert {
  id: number;
  kind: string;
  severity: string;
  amountFen: number | null;
  /** In the language the request asked for. */
  message: string;
  /** Both wordings (`messageEn` is the Chinese for an alert stored before alerts carried English). */
  messageZh: string;
  messageEn: string;
  createdAt: string;
  deliveries: {
    id: number;
    channelId: number;
    channelType: string;
    status: string;
    attempts: number;
    lastError: string | null;
    sentAt: string | null;
  }[];
}

/** A dispute case (src/storage/cases-repo.ts). */
export interface CaseSummary {
  id: number;
  title: string;
  provider: string | null;
  state: string;
  nextStates: string[];
  amountClaimedFen: number;
  amountRecoveredFen: number;
  findingIds: string[];
  updatedAt: string;
  idleDays: number;
}

/** A case with its notes. */
export interface CaseDetail extends CaseSummary {
  notes: { id: number; at: string; text: string; fromState: string | null; toState: string | null }[];
}

/** One terminal in the registry with inspection status and its audit findings (GET …/devices). */
export interface Device {
  id: number;
  terminalId: string;
  model: string | null;
  provider: string | null;
  inspection: {
    status: 'ok' | 'due' | 'overdue' | 'never';
    lastInspection: string | null;
    nextDue: string | null;
  };
  findings: { findings: number; overchargeFen: number; lossFen: number };
}

/** GET /api/v1/merchants/:id/devices. */
export interface DeviceList {
  devices: Device[];
  unregistered?: { terminalId: string; findings: number; lossFen: number }[];
}
