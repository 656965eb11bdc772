import type { AlertKind, Severity } from './alert-kinds.js';
import type { AlertText } from './alert-text.js';

/** An alert before it is stored: `dedupKey` makes one event one alert however often it is seen. */
export interface AlertDraft {
  kind: AlertKind;
  severity: Severity;
  dedupKey: string;
  /** Index into the batch of records that raised it, when one did. */
  recordIndex?: number;
  amountFen?: number;
  /** Short text in zh-CN and English, the same facts in both (the link is added when the alert is delivered). */
  message: AlertText;
  details: Record<string, unknown>;
}
