import { afterEach, describe, expect, it } from 'vitest';
import { grantMembership } from '../../src/storage/merchants-repo.js';
import { creditLine, type MonitorApp, monitorApp, ownerWithMerchant } from './monitor-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(): Promise<{ m: MonitorApp; cookie: string; id: number }> {
  const m = await monitorApp({ worker: false });
  cleanups.push(() => m.close());
  return { m, ...(await ownerWithMerchant(m)) };
}

async function count(m: MonitorApp, id: number): Promise<number> {
  const row = await m.storage.db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchant_id', '=', id)
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

describe('Idempotency-Key on ingest', () => {
  it('a retry with the same key and body returns the first answer and stores nothing new', async () => {
    const { m, cookie, id } = await setup();
    const send = () =>
      m.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${id}/transactions`,
        headers: { cookie, 'idempotency-key': 'k-1' },
        payload: [sale(1), sale(2)],
      });
    const first = await send();
    expect(first.statusCode).toBe(201);
    const again = await send();
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await count(m, id)).toBe(2);
  });

  it('the same key with another body is 409 and stores nothing', async () => {
    const { m, cookie, id } = await setup();
    const url = `/api/v1/merchants/${id}/transactions`;
    await m.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'idempotency-key': 'k-2' },
      payload: sale(1),
    });
    const changed = await m.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'idempotency-key': 'k-2' },
      payload: sale(9),
    });
    expect(changed.statusCode).toBe(409);
    expect(changed.json<{ error: { code: string } }>().error.code).toBe('idempotency_conflict');
    expect(await count(m, id)).toBe(1);
  });

  it('concurrent retries with one key store once and all get the same answer', async () => {
    const { m, cookie, id } = await setup();
    const url = `/api/v1/merchants/${id}/settlements`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        m.app.inject({
          method: 'POST',
          url,
          headers: { cookie, 'idempotency-key': 'same' },
          payload: creditLine(100_000, 800, 1),
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
    for (const a of answers) expect(a.json()).toEqual(answers[0]?.json());
    expect(await count(m, id)).toBe(1);
    const alerts = await m.storage.db.selectFrom('monitor_alerts').selectAll().execute();
    expect(alerts).toHaveLength(1);
  });

  it('two identical sales with different keys (or none) are two records', async () => {
    const { m, cookie, id } = await setup();
    const url = `/api/v1/merchants/${id}/transactions`;
    await m.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'idempotency-key': 'a' },
      payload: sale(1),
    });
    await m.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'idempotency-key': 'b' },
      payload: sale(1),
    });
    await m.app.inject({ method: 'POST', url, headers: { cookie }, payload: sale(1) });
    expect(await count(m, id)).toBe(3);
  });

  it('takes a bearer token, refuses staff (403), strangers (404), a wrong kind and invalid records (400)', async () => {
    const { m, cookie, id } = await setup();
    const tok = await m.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie },
      payload: { name: 'pos' },
    });
    const token = tok.json<{ token: string }>().token;
    const url = `/api/v1/merchants/${id}/transactions`;
    const viaToken = await m.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: sale(1),
    });
    expect(viaToken.statusCode).toBe(201);
    // Staff of this merchant: read only.
    const staffId = await m.addUser('staff@example.com', 'staff');
    const ownerId = (
      await m.storage.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'owner@example.com')
        .executeTakeFirstOrThrow()
    ).id;
    await grantMembership(m.storage.db, ownerId, {
      merchantId: id,
      userId: staffId,
      role: 'staff',
      at: '2026-10-01T00:00:00Z',
    });
    const staff = await m.login('staff@example.com');
    const refused = await m.app.inject({ method: 'POST', url, headers: { cookie: staff }, payload: sale(2) });
    expect(refused.statusCode).toBe(403);
    await m.addUser('other@example.com');
    const other = await m.login('other@example.com');
    const stranger = await m.app.inject({
      method: 'POST',
      url,
      headers: { cookie: other },
      payload: sale(3),
    });
    expect(stranger.statusCode).toBe(404);
    const wrongKind = await m.app.inject({
      method: 'POST',
      url,
      headers: { cookie },
      payload: { ...sale(4), kind: 'settlement' },
    });
    expect(wrongKind.statusCode).toBe(400);
    const bad = await m.app.inject({
      method: 'POST',
      url,
      headers: { cookie },
      payload: { ...sale(5), amountFen: 12.5 },
    });
    expect(bad.statusCode).toBe(400);
    const unauth = await m.app.inject({ method: 'POST', url, payload: sale(6) });
    expect(unauth.statusCode).toBe(401);
    expect(await count(m, id)).toBe(1);
  });
});
