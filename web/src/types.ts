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

// GET /api/v1/merchants/:id/compare answers with the engine's own types.
export type {
  CompareWarning,
  Comparison,
  JumpRecord,
  PricedPlan,
} from '../../src/compare/compare-plans.js';

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
