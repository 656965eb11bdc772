import { afterEach, describe, expect, it } from 'vitest';
import { monitorApp, ownerWithMerchant } from './monitor-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Half-up fee of amount at ppm, in integer arithmetic. */
const fee = (amountFen: number, ppm: number): number => Math.floor((amountFen * ppm + 500_000) / 1_000_000);

const AMOUNTS = [123_456, 88_800, 250_000, 31_415, 77_777, 160_000, 99_999, 45_678, 210_000, 54_321];

describe('incremental rate-change detection', () => {
  it('raises one rate_change when the charged rate jumps, however many lines follow', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    // No plan: only the inferred formula is watched (no fee_overcharge noise).
    const { cookie, id } = await ownerWithMerchant(m, false);
    let n = 0;
    const line = (amountFen: number, ppm: number, day: string) => {
      n += 1;
      return {
        type: 'sale',
        status: 'success',
        time: `${day}T12:${String(n % 60).padStart(2, '0')}:00+08:00`,
        refNo: `R${n}`,
        channel: 'card',
        card: 'credit',
        amountFen,
        feeFen: fee(amountFen, ppm),
      };
    };
    const kinds: string[] = [];
    const push = async (payload: Record<string, unknown> | Record<string, unknown>[]) => {
      const res = await m.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${id}/settlements`,
        headers: { cookie },
        payload,
      });
      expect(res.statusCode).toBe(201);
      kinds.push(...res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind));
    };
    // Ten days at 0.60 %, one line a request.
    for (const a of AMOUNTS) await push(line(a, 6_000, '2026-10-01'));
    expect(kinds).toEqual([]);
    // From 10-05, 0.78 %: the change is believed after three deviating lines, then stays one alert.
    for (const a of AMOUNTS) await push(line(a, 7_800, '2026-10-05'));
    expect(kinds).toEqual(['rate_change']);
    await push(AMOUNTS.map((a) => line(a + 1, 7_800, '2026-10-06')));
    expect(kinds).toEqual(['rate_change']);
    const alert = await m.storage.db.selectFrom('monitor_alerts').selectAll().executeTakeFirstOrThrow();
    expect(alert.message).toContain('0.60%');
    expect(alert.message).toContain('0.78%');
    expect(alert.message).toContain('2026-10-05');
  });

  it('a statement arriving in pieces out of date order is still one rate change', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    const { cookie, id } = await ownerWithMerchant(m, false);
    let n = 0;
    const line = (amountFen: number, ppm: number, day: string) => {
      n += 1;
      return {
        type: 'sale',
        status: 'success',
        time: `${day}T12:${String(n % 60).padStart(2, '0')}:00+08:00`,
        refNo: `P${n}`,
        channel: 'card',
        card: 'credit',
        amountFen,
        feeFen: fee(amountFen, ppm),
      };
    };
    const alerts: { kind: string; message: string }[] = [];
    const push = async (payload: Record<string, unknown>[]) => {
      const res = await m.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${id}/settlements`,
        headers: { cookie },
        payload,
      });
      expect(res.statusCode).toBe(201);
      alerts.push(...res.json<{ alerts: { kind: string; message: string }[] }>().alerts);
    };
    // 0.60 % up to 10-04, 0.78 % from 10-05. The provider sends 10-05 before the piece of 10-04.
    await push(AMOUNTS.map((a) => line(a, 6_000, '2026-10-01')));
    await push(AMOUNTS.slice(0, 5).map((a) => line(a, 6_000, '2026-10-03')));
    await push(AMOUNTS.slice(0, 5).map((a) => line(a + 7, 7_800, '2026-10-05')));
    await push(AMOUNTS.slice(5).map((a) => line(a, 6_000, '2026-10-04')));
    await push(AMOUNTS.map((a) => line(a + 11, 7_800, '2026-10-06')));
    expect(alerts.map((a) => a.kind)).toEqual(['rate_change']);
    expect(alerts[0]?.message).toContain('2026-10-05 起');
  });
});
