import { describe, expect, it } from 'vitest';
import {
  addDays,
  epochMsToIso,
  isoToEpochMs,
  localDateOf,
  localHhmmOf,
  wallTimeToIso,
  weekday,
  withShanghaiOffset,
} from './shanghai.js';

describe('Shanghai wall time', () => {
  it('writes wall time with the +08:00 offset whatever TZ the process has', () => {
    const iso = wallTimeToIso({ year: 2026, month: 10, day: 1, hour: 0, minute: 30 });
    expect(iso).toBe('2026-10-01T00:30:00+08:00');
    expect(isoToEpochMs(iso)).toBe(Date.UTC(2026, 8, 30, 16, 30));
  });

  it('reads a date and time without an offset as Shanghai wall time whatever TZ the process has', () => {
    // 20:30 in Shanghai is 12:30 UTC; in a UTC process Date.parse alone would make it 20:30 UTC, 04:30 next day here.
    expect(isoToEpochMs('2026-10-08T20:30:00')).toBe(Date.UTC(2026, 9, 8, 12, 30));
    expect(isoToEpochMs('2026-10-08 20:30')).toBe(Date.UTC(2026, 9, 8, 12, 30));
    expect(localDateOf('2026-10-08T20:30:00')).toBe('2026-10-08');
    expect(localDateOf('2026-10-08T23:59:59.500')).toBe('2026-10-08');
    expect(localDateOf('2026-10-08T20:30:00Z')).toBe('2026-10-09');
  });

  it('gives an offset-less time the +08:00 it means and keeps any offset written', () => {
    expect(withShanghaiOffset('2026-10-08T20:30:00')).toBe('2026-10-08T20:30:00+08:00');
    expect(withShanghaiOffset('2026-10-08 20:30')).toBe('2026-10-08 20:30+08:00');
    expect(withShanghaiOffset('2026-10-08T20:30:00.250')).toBe('2026-10-08T20:30:00.250+08:00');
    expect(withShanghaiOffset('2026-10-08T12:30:00Z')).toBe('2026-10-08T12:30:00Z');
    expect(withShanghaiOffset('2026-10-08T20:30:00+0800')).toBe('2026-10-08T20:30:00+0800');
    expect(withShanghaiOffset('2026-10-08T07:30:00-05:00')).toBe('2026-10-08T07:30:00-05:00');
  });

  it('reads the Shanghai wall clock of a time written in any offset', () => {
    expect(localHhmmOf('2026-10-08T20:30:59+08:00')).toBe('20:30');
    expect(localHhmmOf('2026-10-08T20:30:00')).toBe('20:30');
    expect(localHhmmOf('2026-10-08T16:05:00Z')).toBe('00:05');
    expect(localHhmmOf('2026-10-08T20:30:00+0800')).toBe('20:30');
  });

  it('takes the local date across midnight from a UTC instant', () => {
    expect(localDateOf('2026-09-30T16:30:00Z')).toBe('2026-10-01');
    expect(epochMsToIso(Date.UTC(2026, 8, 30, 16, 30))).toBe('2026-10-01T00:30:00+08:00');
  });

  it('does date arithmetic on calendar days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(weekday('2026-11-29')).toBe(0);
  });
});
