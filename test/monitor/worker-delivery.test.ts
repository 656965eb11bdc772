import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  creditLine,
  merchantRoutes,
  openReceiver,
  ownerSession,
  waitFor,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

/** A sale at 03:00 Shanghai time: outside the default business hours, so it raises one off_hours alert. */
const nightSale = (n: number): Record<string, unknown> => ({
  type: 'sale',
  status: 'success',
  time: `2026-10-01T03:${String(n % 60).padStart(2, '0')}:00+08:00`,
  terminalId: 'T001',
  channel: 'card',
  card: 'credit',
  amountFen: 1_000 + n,
});

describe('alert delivery under a rate limit', () => {
  it("a channel held back by its rate limit does not hold back another merchant's alerts", async () => {
    const busy = await ownerSession(cleanups, {}, { plan: false });
    const { m } = busy;
    const quietRes = await m.app.inject({
      method: 'POST',
      url: '/api/v1/merchants',
      headers: { cookie: busy.cookie },
      payload: { name: '第二家商户' },
    });
    const quietId = quietRes.json<{ id: number }>().id;
    const quiet = merchantRoutes(m.app, busy.cookie, quietId);
    const busyRx = await openReceiver(cleanups);
    const quietRx = await openReceiver(cleanups);
    // The busy merchant's robot takes one message a minute; it has 80 night-time alerts queued.
    const put = await busy.putYaml('monitor-rules', 'delivery: { maxPerMinute: 1 }');
    expect(put.statusCode).toBe(200);
    for (const [s, rx] of [
      [busy, busyRx],
      [quiet, quietRx],
    ] as const) {
      const res = await s.post('alert-channels', { type: 'webhook', url: rx.url });
      expect(res.statusCode).toBe(201);
    }
    const burst = await busy.post(
      'transactions',
      Array.from({ length: 80 }, (_, n) => nightSale(n)),
    );
    expect(burst.json<{ alerts: unknown[] }>().alerts).toHaveLength(80);
    await waitFor(() => (busyRx.received.length >= 1 ? true : undefined));
    // Then the other merchant's single alert: it must go out at once, not after the busy backlog (80 minutes).
    const one = await quiet.post('transactions', nightSale(1));
    expect(one.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
    const got = await waitFor(() => quietRx.received[0], 5_000);
    expect(JSON.parse(got.body)).toMatchObject({ kind: 'off_hours', merchantId: quietId });
    expect(busyRx.received).toHaveLength(1);
  });
});

describe('alert delivery while the database is busy', () => {
  it('a robot that got the alert does not get it again when its result cannot be written at once', async () => {
    const s = await ownerSession(cleanups);
    const { m } = s;
    // Another process (an import, `posguard watch`) holds the write lock for 7 s from the moment the robot
    // is reached: longer than SQLite's 5 s busy timeout.
    const other = new SQLite(m.file);
    cleanups.push(async () => {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    });
    let hits = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hits += 1;
        if (hits === 1) {
          other.exec('BEGIN IMMEDIATE');
          setTimeout(() => other.exec('COMMIT'), 7_000);
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"errcode":0}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const ch = await s.post('alert-channels', {
      type: 'wecom',
      url: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=k`,
    });
    expect(ch.statusCode).toBe(201);
    // ¥1,000.00 credit at 0.60 % is ¥6.00; ¥7.00 taken: one fee_overcharge.
    const res = await s.post('settlements', creditLine(100_000, 700, 1));
    expect(res.json<{ alerts: unknown[] }>().alerts).toHaveLength(1);
    const sent = await waitFor(async () => {
      const row = await m.storage.db
        .selectFrom('alert_deliveries')
        .select('status')
        .executeTakeFirstOrThrow();
      return row.status === 'sent' ? row : undefined;
    }, 20_000);
    expect(sent.status).toBe('sent');
    await new Promise((r) => setTimeout(r, 300));
    expect(hits).toBe(1);
  }, 30_000);
});

describe('alert delivery order', () => {
  it("sends one channel's deliveries one after another in queue order, without holding up another channel", async () => {
    const s = await ownerSession(cleanups, {}, { plan: false });
    const fast = await openReceiver(cleanups);
    // A slow robot: it answers its first message after 400 ms, and notes whether each later one came after that.
    const seen: { amountFen: number; firstAnswered: boolean; fastHadBoth: boolean }[] = [];
    let firstAnswered = false;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { amountFen: number };
        seen.push({ amountFen: body.amountFen, firstAnswered, fastHadBoth: fast.received.length === 2 });
        const answer = (): void => {
          firstAnswered = true;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{}');
        };
        if (seen.length === 1) setTimeout(answer, 400);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const port = (server.address() as AddressInfo).port;
    for (const url of [`http://127.0.0.1:${port}/hook`, fast.url]) {
      expect((await s.post('alert-channels', { type: 'webhook', url })).statusCode).toBe(201);
    }
    // Two night sales in one push: two off_hours alerts, queued in this order on both channels.
    const res = await s.post('transactions', [nightSale(1), nightSale(2)]);
    expect(res.json<{ alerts: unknown[] }>().alerts).toHaveLength(2);
    await waitFor(() => (seen.length === 2 ? true : undefined));
    expect(seen.map((x) => x.amountFen)).toEqual([1_001, 1_002]);
    // The second message waited for the first's answer, while the other robot got both meanwhile.
    expect(seen[1]).toMatchObject({ firstAnswered: true, fastHadBoth: true });
  });
});
