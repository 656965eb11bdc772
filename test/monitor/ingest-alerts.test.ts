import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  creditLine,
  type MonitorApp,
  monitorApp,
  ownerWithMerchant,
  type Receiver,
  receiver,
  waitFor,
} from './monitor-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(settings = {}): Promise<{ m: MonitorApp; cookie: string; id: number; rx: Receiver }> {
  const m = await monitorApp(settings);
  cleanups.push(() => m.close());
  const rx = await receiver();
  cleanups.push(() => rx.close());
  const { cookie, id } = await ownerWithMerchant(m);
  const ch = await m.app.inject({
    method: 'POST',
    url: `/api/v1/merchants/${id}/alert-channels`,
    headers: { cookie },
    payload: { type: 'webhook', url: `${rx.url}/hook`, secret: 's3cret' },
  });
  expect(ch.statusCode).toBe(201);
  return { m, cookie, id, rx };
}

function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

describe('settlement push → fee_overcharge → signed webhook', () => {
  it('alerts within 15 seconds when a pushed line is charged above the plan', async () => {
    const { m, cookie, id, rx } = await setup();
    // ¥1,000.00 on a credit card at 0.60 % is ¥6.00; ¥8.00 was taken: ¥2.00 over.
    const res = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: creditLine(100_000, 800, 1),
    });
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
    expect(payload.link).toMatch(
      new RegExp(`^https://posguard.example/merchants/${id}/findings/alert-\\d+$`),
    );
    const alerts = await m.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${id}/alerts`,
      headers: { cookie },
    });
    const list = alerts.json<{ alerts: { deliveries: { status: string; attempts: number }[] }[] }>().alerts;
    await waitFor(async () => {
      const again = await m.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${id}/alerts`,
        headers: { cookie },
      });
      const d = again.json<{ alerts: { deliveries: { status: string }[] }[] }>().alerts[0]?.deliveries[0];
      return d?.status === 'sent' ? d : undefined;
    });
    expect(list).toHaveLength(1);
  });

  it('a line within tolerance (1 fen) raises nothing', async () => {
    const { m, cookie, id } = await setup();
    const res = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: [creditLine(100_000, 601, 1), creditLine(12_345, 74, 2)],
    });
    expect(res.statusCode).toBe(201);
    // 12,345 fen × 0.60 % = 74.07 → 74 fen: exact.
    expect(res.json<{ alerts: unknown[] }>().alerts).toEqual([]);
  });

  it('retries with backoff after the receiver answers 500, and records every attempt', async () => {
    const { m, cookie, id, rx } = await setup();
    let calls = 0;
    rx.respond = () => {
      calls += 1;
      return calls <= 2 ? { status: 500, body: 'down' } : { status: 200 };
    };
    await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: creditLine(100_000, 900, 1),
    });
    const delivery = await waitFor(async () => {
      const res = await m.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${id}/alerts`,
        headers: { cookie },
      });
      const d = res.json<{ alerts: { deliveries: { id: number; status: string; attempts: number }[] }[] }>()
        .alerts[0]?.deliveries[0];
      return d?.status === 'sent' ? d : undefined;
    });
    expect(delivery.attempts).toBe(3);
    const attempts = await m.storage.db
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
    const { m, cookie, id, rx } = await setup({ maxAttempts: 2 });
    rx.respond = () => ({ status: 503, body: 'no' });
    await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: creditLine(100_000, 900, 1),
    });
    const d = await waitFor(async () => {
      const res = await m.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${id}/alerts`,
        headers: { cookie },
      });
      const x = res.json<{
        alerts: { deliveries: { status: string; attempts: number; lastError: string }[] }[];
      }>().alerts[0]?.deliveries[0];
      return x?.status === 'failed' ? x : undefined;
    });
    expect(d.attempts).toBe(2);
    expect(d.lastError).toContain('HTTP 503');
  });

  it('a restart delivers alerts queued before it', async () => {
    // The first app queues but never delivers (no worker), as if the process died before the send.
    const first = await monitorApp({ worker: false });
    const rx = await receiver();
    cleanups.push(() => rx.close());
    const { cookie, id } = await ownerWithMerchant(first);
    await first.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/alert-channels`,
      headers: { cookie },
      payload: { type: 'webhook', url: rx.url, secret: 'k' },
    });
    const res = await first.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: creditLine(100_000, 700, 1),
    });
    expect(res.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(rx.received).toHaveLength(0);
    await first.stop();
    const second = await monitorApp({}, { dir: first.dir, file: first.file });
    cleanups.push(() => second.close());
    const got = await waitFor(() => rx.received[0]);
    expect((JSON.parse(got.body) as { kind: string }).kind).toBe('fee_overcharge');
    expect(got.headers['x-posguard-signature']).toBe(sign('k', got.body));
  });

  it('raises one fee_overcharge per day and card, not one per line', async () => {
    const { m, cookie, id } = await setup();
    const lines = [1, 2, 3, 4].map((n) => creditLine(100_000, 800, n));
    const res = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: lines,
    });
    expect(res.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
    const next = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: creditLine(100_000, 800, 5),
    });
    expect(next.json<{ alerts: unknown[] }>().alerts).toHaveLength(0);
  });
  it('keeps a channel under its delivery.maxPerMinute; the rest wait in the queue', async () => {
    const { m, cookie, id, rx } = await setup();
    const put = await m.app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${id}/monitor-rules`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: 'delivery: { maxPerMinute: 2 }\n',
    });
    expect(put.statusCode).toBe(200);
    // Three days overcharged: three events, three alerts.
    for (const day of ['01', '02', '03']) {
      await m.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${id}/settlements`,
        headers: { cookie },
        payload: creditLine(100_000, 800, Number(day), `2026-10-${day}T10:00:00+08:00`),
      });
    }
    await waitFor(() => (rx.received.length >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.received).toHaveLength(2);
    const pending = await m.storage.db
      .selectFrom('alert_deliveries')
      .select('status')
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(1);
  });
});
