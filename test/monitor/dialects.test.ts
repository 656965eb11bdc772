import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { configureMonitor } from '../../src/monitor/monitor-settings.js';
import { buildApp } from '../../src/server/app.js';
import type { Storage } from '../../src/storage/database.js';
import { createUser } from '../../src/storage/users-repo.js';
import { DIALECTS, freshStorage } from '../storage/test-storage.js';
import { creditLine, PASSWORD, PLAN_YAML } from './monitor-harness.js';

describe.each(DIALECTS)('ingest on %s', (dialect) => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let cookie = '';
  let id = 0;
  beforeAll(async () => {
    ({ storage, cleanup } = await freshStorage(dialect));
    configureMonitor(storage.db, { worker: false, scheduler: false });
    app = await buildApp({ db: storage.db });
    await createUser(storage.db, {
      email: 'o@example.com',
      passwordHash: await hashPassword(PASSWORD),
      role: 'owner',
      mustChangePassword: false,
      at: '2026-10-01T00:00:00Z',
    });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'o@example.com', password: PASSWORD },
    });
    cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    id = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/merchants',
        headers: { cookie },
        payload: { name: 'M' },
      })
    ).json<{ id: number }>().id;
    await app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${id}/plan`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('stores once under concurrent retries, answers them alike, and raises the overcharge once', async () => {
    const url = `/api/v1/merchants/${id}/settlements`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        app.inject({
          method: 'POST',
          url,
          headers: { cookie, 'idempotency-key': 'pg-1' },
          payload: [creditLine(100_000, 800, 1), creditLine(50_000, 300, 2)],
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    for (const a of answers) expect(a.json()).toEqual(answers[0]?.json());
    const rows = await storage.db
      .selectFrom('records')
      .select(['amount_fen', 'fee_fen'])
      .where('merchant_id', '=', id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { amount_fen: 100_000, fee_fen: 800 },
      { amount_fen: 50_000, fee_fen: 300 },
    ]);
    const alerts = await storage.db.selectFrom('monitor_alerts').select(['kind', 'amount_fen']).execute();
    expect(alerts).toEqual([{ kind: 'fee_overcharge', amount_fen: 200 }]);
    const conflict = await app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'idempotency-key': 'pg-1' },
      payload: creditLine(1, 0, 3),
    });
    expect(conflict.statusCode).toBe(409);
  });
});
