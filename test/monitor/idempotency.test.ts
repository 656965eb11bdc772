import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  creditLine,
  merchantRoutes,
  type OwnerSession,
  ownerSession,
  recordsOf,
  signInStaff,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

const setup = (): Promise<OwnerSession> => ownerSession(cleanups, { worker: false });

async function count(s: OwnerSession): Promise<number> {
  const row = await recordsOf(s)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const sale = (n: number): Record<string, unknown> => ({
  type: 'sale',
  status: 'success',
  time: '2026-10-01T12:00:00+08:00',
  terminalId: 'T001',
  payerId: 'P1',
  channel: 'card',
  card: 'credit',
  amountFen: 2_000 + n,
});

const key = (k: string) => ({ 'idempotency-key': k });

describe('Idempotency-Key on ingest', () => {
  it('a retry with the same key and body returns the first answer and stores nothing new', async () => {
    const s = await setup();
    const send = () => s.post('transactions', [sale(1), sale(2)], key('k-1'));
    const first = await send();
    expect(first.statusCode).toBe(201);
    const again = await send();
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await count(s)).toBe(2);
  });

  it('the same key with another body is 409 and stores nothing', async () => {
    const s = await setup();
    await s.post('transactions', sale(1), key('k-2'));
    const changed = await s.post('transactions', sale(9), key('k-2'));
    expect(changed.statusCode).toBe(409);
    expect(changed.json<{ error: { code: string } }>().error.code).toBe('idempotency_conflict');
    expect(await count(s)).toBe(1);
  });

  it('concurrent retries with one key store once and all get the same answer', async () => {
    const s = await setup();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => s.post('settlements', creditLine(100_000, 800, 1), key('same'))),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
    for (const a of answers) expect(a.json()).toEqual(answers[0]?.json());
    expect(await count(s)).toBe(1);
    const alerts = await s.m.storage.db.selectFrom('monitor_alerts').selectAll().execute();
    expect(alerts).toHaveLength(1);
  });

  it('two identical sales with different keys (or none) are two records', async () => {
    const s = await setup();
    await s.post('transactions', sale(1), key('a'));
    await s.post('transactions', sale(1), key('b'));
    await s.post('transactions', sale(1));
    expect(await count(s)).toBe(3);
  });

  it('takes a bearer token, refuses staff (403), strangers (404), a wrong kind and invalid records (400)', async () => {
    const s = await setup();
    const { m } = s;
    const tok = await m.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: s.cookie },
      payload: { name: 'pos' },
    });
    const token = tok.json<{ token: string }>().token;
    const url = `/api/v1/merchants/${s.id}/transactions`;
    const viaToken = await m.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: sale(1),
    });
    expect(viaToken.statusCode).toBe(201);
    // Staff of this merchant: read only.
    const staff = merchantRoutes(m.app, await signInStaff(m, s.id), s.id);
    const refused = await staff.post('transactions', sale(2));
    expect(refused.statusCode).toBe(403);
    await m.addUser('other@example.com');
    const other = merchantRoutes(m.app, await m.login('other@example.com'), s.id);
    const stranger = await other.post('transactions', sale(3));
    expect(stranger.statusCode).toBe(404);
    const wrongKind = await s.post('transactions', { ...sale(4), kind: 'settlement' });
    expect(wrongKind.statusCode).toBe(400);
    const bad = await s.post('transactions', { ...sale(5), amountFen: 12.5 });
    expect(bad.statusCode).toBe(400);
    const unauth = await m.app.inject({ method: 'POST', url, payload: sale(6) });
    expect(unauth.statusCode).toBe(401);
    expect(await count(s)).toBe(1);
  });
});
