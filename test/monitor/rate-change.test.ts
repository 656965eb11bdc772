import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  type OwnerSession,
  ownerSession,
  pricedCreditLines,
  RATE_AMOUNTS as AMOUNTS,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

/** Pushes settlement lines of `s`, expecting each push stored, and keeps the alerts the answers name. */
function settlementPusher(s: OwnerSession) {
  const alerts: { kind: string; message: string }[] = [];
  const push = async (payload: Record<string, unknown> | Record<string, unknown>[]): Promise<void> => {
    const res = await s.post('settlements', payload);
    expect(res.statusCode).toBe(201);
    alerts.push(...res.json<{ alerts: typeof alerts }>().alerts);
  };
  return { alerts, kinds: () => alerts.map((a) => a.kind), push };
}

describe('incremental rate-change detection', () => {
  it('raises one rate_change when the charged rate jumps, however many lines follow', async () => {
    // No plan: only the inferred formula is watched (no fee_overcharge noise).
    const s = await ownerSession(cleanups, { worker: false }, { plan: false });
    const line = pricedCreditLines('R');
    const { kinds, push } = settlementPusher(s);
    // Ten days at 0.60 %, one line a request.
    for (const a of AMOUNTS) await push(line(a, 6_000, '2026-10-01'));
    expect(kinds()).toEqual([]);
    // From 10-05, 0.78 %: the change is believed after three deviating lines, then stays one alert.
    for (const a of AMOUNTS) await push(line(a, 7_800, '2026-10-05'));
    expect(kinds()).toEqual(['rate_change']);
    await push(AMOUNTS.map((a) => line(a + 1, 7_800, '2026-10-06')));
    expect(kinds()).toEqual(['rate_change']);
    const alert = await s.m.storage.db.selectFrom('monitor_alerts').selectAll().executeTakeFirstOrThrow();
    expect(alert.message).toContain('0.60%');
    expect(alert.message).toContain('0.78%');
    expect(alert.message).toContain('2026-10-05');
    // No plan, so no overcharge: the money is what the three lines that showed the change took beyond 0.60 %
    // (half-up): ¥1,234.56 → 963 − 741 = 222, ¥888.00 → 693 − 533 = 160, ¥2,500.00 → 1,950 − 1,500 = 450.
    expect(alert.message).toContain('3 笔较按原扣费多收 ¥8.32');
    expect(alert.amount_fen).toBe(222 + 160 + 450);
  });

  it('a statement arriving in pieces out of date order is still one rate change', async () => {
    const s = await ownerSession(cleanups, { worker: false }, { plan: false });
    const line = pricedCreditLines('P');
    const { alerts, kinds, push } = settlementPusher(s);
    // 0.60 % up to 10-04, 0.78 % from 10-05. The provider sends 10-05 before the piece of 10-04.
    await push(AMOUNTS.map((a) => line(a, 6_000, '2026-10-01')));
    await push(AMOUNTS.slice(0, 5).map((a) => line(a, 6_000, '2026-10-03')));
    await push(AMOUNTS.slice(0, 5).map((a) => line(a + 7, 7_800, '2026-10-05')));
    await push(AMOUNTS.slice(5).map((a) => line(a, 6_000, '2026-10-04')));
    await push(AMOUNTS.map((a) => line(a + 11, 7_800, '2026-10-06')));
    expect(kinds()).toEqual(['rate_change']);
    expect(alerts[0]?.message).toContain('2026-10-05 起');
  });
});
