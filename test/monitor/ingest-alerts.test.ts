import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MonitorSettings } from '../../src/monitor/monitor-settings.js';
import {
  cleanupAfterEach,
  creditLine,
  type MerchantRoutes,
  monitorApp,
  openReceiver,
  type OwnerSession,
  ownerSession,
  type Receiver,
  waitFor,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

/** The owner's session with a receiver behind a signed webhook channel. */
async function setup(settings: Partial<MonitorSettings> = {}): Promise<OwnerSession & { rx: Receiver }> {
  const s = await ownerSession(cleanups, settings);
  const rx = await openReceiver(cleanups);
  const ch = await s.post('alert-channels', { type: 'webhook', url: `${rx.url}/hook`, secret: 's3cret' });
  expect(ch.statusCode).toBe(201);
  return { ...s, rx };
}

/** Polls the merchant's alerts until the first delivery of the first is `status`. */
function waitForFirstDelivery<D extends { status: string }>(s: MerchantRoutes, status: string): Promise<D> {
  return waitFor(async () => {
    const res = await s.get('alerts');
    const d = res.json<{ alerts: { deliveries: D[] }[] }>().alerts[0]?.deliveries[0];
    return d?.status === status ? d : undefined;
  });
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('settlement push → fee_overcharge → signed webhook', () => {
  it('alerts within 15 seconds when a pushed line is charged above the plan', async () => {
    const s = await setup();
    const { rx } = s;
    // ¥1,000.00 on a credit card at 0.60 % is ¥6.00; ¥8.00 was taken: ¥2.00 over.
    const res = await s.post('settlements', creditLine(100_000, 800, 1));
    expect(res.statusCode).toBe(201);
    const body = res.json<{ stored: number; alerts: { kind: string }[] }>();
    expect(body.stored).toBe(1);
    expect(body.alerts.map((a) => a.kind)).toEqual(['fee_overcharge']);
    const got = await waitFor(() => rx.received[0], 15_000);
    expect(got.headers['x-posguard-signature']).toBe(sign('s3cret', got.body));
    const payload = JSON.parse(got.body) as {
      kind: string;
      amountFen: number;
      message: string;
      link: string;
    };
    expect(payload.kind).toBe('fee_overcharge');
    expect(payload.amountFen).toBe(200);
    expect(payload.message).toContain('¥8.00');
    expect(payload.message).toContain('¥6.00');
    expect(payload.message).toContain('多扣 ¥2.00');
    expect(payload.link).toMatch(new RegExp(`^https://posguard.example/m/${s.id}/alerts/\\d+$`));
    const alerts = await s.get('alerts');
    const list = alerts.json<{ alerts: { deliveries: { status: string; attempts: number }[] }[] }>().alerts;
    await waitForFirstDelivery(s, 'sent');
    expect(list).toHaveLength(1);
  });

  it('a line within tolerance (1 fen) raises nothing', async () => {
    const s = await setup();
    const res = await s.post('settlements', [creditLine(100_000, 601, 1), creditLine(12_345, 74, 2)]);
    expect(res.statusCode).toBe(201);
    // 12,345 fen × 0.60 % = 74.07 → 74 fen: exact.
    expect(res.json<{ alerts: unknown[] }>().alerts).toEqual([]);
  });

  it('retries with backoff after the receiver answers 500, and records every attempt', async () => {
    const s = await setup();
    const { rx } = s;
    let calls = 0;
    rx.respond = () => {
      calls += 1;
      return calls <= 2 ? { status: 500, body: 'down' } : { status: 200 };
    };
    await s.post('settlements', creditLine(100_000, 900, 1));
    const delivery = await waitForFirstDelivery<{ id: number; status: string; attempts: number }>(s, 'sent');
    expect(delivery.attempts).toBe(3);
    const attempts = await s.m.storage.db
      .selectFrom('alert_attempts')
      .selectAll()
      .where('delivery_id', '=', delivery.id)
      .orderBy('id')
      .execute();
    expect(attempts.map((a) => [a.ok, a.http_status])).toEqual([
      [0, 500],
      [0, 500],
      [1, 200],
    ]);
    // Backoff base 100 ms: the second try waits ≥ 100 ms, the third ≥ 200 ms.
    const t = attempts.map((a) => Date.parse(a.at));
    expect((t[1] ?? 0) - (t[0] ?? 0)).toBeGreaterThanOrEqual(100);
    expect((t[2] ?? 0) - (t[1] ?? 0)).toBeGreaterThanOrEqual(200);
    expect(rx.received).toHaveLength(3);
  });

  it('marks a delivery failed after the last attempt, with the error visible', async () => {
    const s = await setup({ maxAttempts: 2 });
    s.rx.respond = () => ({ status: 503, body: 'no' });
    await s.post('settlements', creditLine(100_000, 900, 1));
    const d = await waitForFirstDelivery<{ status: string; attempts: number; lastError: string }>(
      s,
      'failed',
    );
    expect(d.attempts).toBe(2);
    expect(d.lastError).toContain('HTTP 503');
  });

  it('a restart delivers alerts queued before it', async () => {
    // The first app queues but never delivers (no worker), as if the process died before the send.
    const first = await ownerSession(cleanups, { worker: false });
    const rx = await openReceiver(cleanups);
    await first.post('alert-channels', { type: 'webhook', url: rx.url, secret: 'k' });
    const res = await first.post('settlements', creditLine(100_000, 700, 1));
    expect(res.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(rx.received).toHaveLength(0);
    await first.m.stop();
    const second = await monitorApp({}, { dir: first.m.dir, file: first.m.file });
    cleanups.push(() => second.close());
    const got = await waitFor(() => rx.received[0]);
    expect((JSON.parse(got.body) as { kind: string }).kind).toBe('fee_overcharge');
    expect(got.headers['x-posguard-signature']).toBe(sign('k', got.body));
  });

  it('raises one fee_overcharge per day and card, not one per line', async () => {
    const s = await setup();
    const lines = [1, 2, 3, 4].map((n) => creditLine(100_000, 800, n));
    const res = await s.post('settlements', lines);
    expect(res.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
    const next = await s.post('settlements', creditLine(100_000, 800, 5));
    expect(next.json<{ alerts: unknown[] }>().alerts).toHaveLength(0);
  });
  it('keeps a channel under its delivery.maxPerMinute; the rest wait in the queue', async () => {
    const s = await setup();
    const { rx } = s;
    const put = await s.putYaml('monitor-rules', 'delivery: { maxPerMinute: 2 }\n');
    expect(put.statusCode).toBe(200);
    // Three days overcharged: three events, three alerts.
    for (const day of ['01', '02', '03']) {
      await s.post('settlements', creditLine(100_000, 800, Number(day), `2026-10-${day}T10:00:00+08:00`));
    }
    await waitFor(() => (rx.received.length >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.received).toHaveLength(2);
    const pending = await s.m.storage.db
      .selectFrom('alert_deliveries')
      .select('status')
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(1);
  });
});
