import { isoToEpochMs } from '../time/shanghai.js';

/** Epoch ms of a record time; a time without an offset is Asia/Shanghai wall time (as RecordSchema says). */
export function epochOf(iso: string): number {
  return isoToEpochMs(/(Z|[+-]\d{2}:\d{2})$/.test(iso) ? iso : `${iso}+08:00`);
}

/** The Asia/Shanghai wall clock "HH:MM" of a record time. */
export function localHhmm(iso: string): string {
  return new Date(epochOf(iso) + 8 * 3_600_000).toISOString().slice(11, 16);
}

/** The Asia/Shanghai local date of a record time. */
export function localDate(iso: string): string {
  return new Date(epochOf(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}
