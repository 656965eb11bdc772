import type { AlertKind, Severity } from './alert-kinds.js';

/** An alert before it is stored: `dedupKey` makes one event one alert however often it is seen. */
export interface AlertDraft {
  kind: AlertKind;
  severity: Severity;
  dedupKey: string;
  /** Index into the batch of records that raised it, when one did. */
  recordIndex?: number;
  amountFen?: number;
  /** Short zh-CN text (the link is added when the alert is delivered). */
  message: string;
  details: Record<string, unknown>;
}
