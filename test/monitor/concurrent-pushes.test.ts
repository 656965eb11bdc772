import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { configureMonitor } from '../../src/monitor/monitor-settings.js';
import { buildApp } from '../../src/server/app.js';
import type { Storage } from '../../src/storage/database.js';
import { createUser } from '../../src/storage/users-repo.js';
import { DIALECTS, freshStorage } from '../storage/test-storage.js';
import { creditLine, PASSWORD, PLAN_YAML } from './monitor-harness.js';

/**
 * A provider pushes its settlement lines from several workers at once, and a terminal resubmits a sale before
 * its first request has answered. On PostgreSQL the requests run side by side: they must neither fail on each
 * other's alerts nor miss each other's records.
 */
describe.each(DIALECTS)('concurrent pushes for one merchant on %s', (dialect) => {
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

  it('overcharged lines of one day pushed side by side are all stored, with one fee_overcharge alert', async () => {
    // Credit 0.60 %: ¥1,000.00 (100,000 fen) should cost 600 fen; 800 charged = 200 fen over (tolerance 1 fen).
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/merchants/${id}/settlements`,
          headers: { cookie },
          payload: [creditLine(100_000, 800, 100 + n)],
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 8 }, () => 201));
    const stored = await storage.db
      .selectFrom('records')
      .select('id')
      .where('merchant_id', '=', id)
      .where('kind', '=', 'settlement')
      .execute();
    expect(stored).toHaveLength(8);
    const alerts = await storage.db
      .selectFrom('monitor_alerts')
      .select('kind')
      .where('merchant_id', '=', id)
      .where('kind', '=', 'fee_overcharge')
      .execute();
    expect(alerts).toHaveLength(1);
  });

  it('a sale resubmitted before the first request answered still raises duplicate_submission', async () => {
    const sale = (second: number): Record<string, unknown> => ({
      type: 'sale',
      status: 'success',
      time: `2026-10-02T12:00:${String(second).padStart(2, '0')}+08:00`,
      terminalId: 'T009',
      payerId: 'PAYER-RACE',
      channel: 'card',
      card: 'credit',
      amountFen: 12_345,
    });
    const answers = await Promise.all(
      [1, 3].map((s) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/merchants/${id}/transactions`,
          headers: { cookie },
          payload: sale(s),
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201]);
    const alerts = await storage.db
      .selectFrom('monitor_alerts')
      .select('kind')
      .where('merchant_id', '=', id)
      .where('kind', '=', 'duplicate_submission')
      .execute();
    expect(alerts).toHaveLength(1);
  });
});
