import { addDays, dayNumber } from '../time/shanghai.js';

/** How often a terminal is inspected unless its record says otherwise (the 设备检查制度 default). */
export const DEFAULT_INSPECTION_INTERVAL_DAYS = 90;
/** A terminal is `due` this many days before its next inspection date. */
export const DUE_SOON_DAYS = 7;

/** Where a terminal stands in its inspection schedule on a local date. */
export interface InspectionStatus {
  status: 'ok' | 'due' | 'overdue' | 'never';
  lastInspection: string | null;
  /** last + interval; null when never inspected (then it is due now). */
  nextDue: string | null;
  /** Days until nextDue (negative when overdue); null when never inspected. */
  daysLeft: number | null;
}

/**
 * The inspection status on `today`: never inspected → `never`; past the next due date → `overdue`;
 * within DUE_SOON_DAYS of it (inclusive, or on it) → `due`; else `ok`.
 * @example inspectionStatus('2026-07-01', 90, '2026-09-25') → { status: 'due', nextDue: '2026-09-29', daysLeft: 4 }
 */
export function inspectionStatus(
  lastInspection: string | null,
  intervalDays: number,
  today: string,
): InspectionStatus {
  if (lastInspection === null)
    return { status: 'never', lastInspection: null, nextDue: null, daysLeft: null };
  const nextDue = addDays(lastInspection, intervalDays);
  const daysLeft = dayNumber(nextDue) - dayNumber(today);
  const status = daysLeft < 0 ? 'overdue' : daysLeft <= DUE_SOON_DAYS ? 'due' : 'ok';
  return { status, lastInspection, nextDue, daysLeft };
}
