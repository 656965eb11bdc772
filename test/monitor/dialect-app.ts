import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../src/accounts/password.js';
import { configureMonitor } from '../../src/monitor/monitor-settings.js';
import { buildApp } from '../../src/server/app.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { createUser } from '../../src/storage/users-repo.js';
import { freshStorage } from '../storage/test-storage.js';
import { PASSWORD } from './monitor-harness.js';

/** A monitor app on a fresh database of one dialect, with a movable clock and no worker (deliveries stay queued). */
export interface DialectApp {
  app: FastifyInstance;
  storage: Storage;
  clock: { now: Date };
  cookie: string;
  merchantId: number;
  /** PUT …/plan with a YAML body; fails the test on an error answer. */
  putPlan(yaml: string): Promise<void>;
  /** POST …/settlements; returns the kinds of the alerts the answer names. */
  pushSettlements(body: unknown): Promise<string[]>;
  close(): Promise<void>;
}

export async function dialectApp(dialect: DialectName, now = '2026-10-10T02:00:00Z'): Promise<DialectApp> {
  const { storage, dir, cleanup } = await freshStorage(dialect);
  configureMonitor(storage.db, { worker: false, scheduler: false, publicUrl: 'https://posguard.example' });
  const clock = { now: new Date(now) };
  const app = await buildApp({ db: storage.db, now: () => clock.now, tmpDir: dir });
  await createUser(storage.db, {
    email: 'owner@example.com',
    passwordHash: await hashPassword(PASSWORD),
    role: 'owner',
    mustChangePassword: false,
    at: clock.now.toISOString(),
  });
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'owner@example.com', password: PASSWORD },
  });
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  const merchant = await app.inject({
    method: 'POST',
    url: '/api/v1/merchants',
    headers: { cookie },
    payload: { name: '测试小店', merchantId: '898440153991234' },
  });
  const merchantId = merchant.json<{ id: number }>().id;
  return {
    app,
    storage,
    clock,
    cookie,
    merchantId,
    async putPlan(yaml) {
      const res = await app.inject({
        method: 'PUT',
        url: `/api/v1/merchants/${merchantId}/plan`,
        headers: { cookie, 'content-type': 'application/yaml' },
        payload: yaml,
      });
      if (res.statusCode !== 200) throw new Error(`plan: ${res.statusCode} ${res.body}`);
    },
    async pushSettlements(body) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${merchantId}/settlements`,
        headers: { cookie },
        payload: body as Record<string, unknown>,
      });
      if (res.statusCode !== 201) throw new Error(`push: ${res.statusCode} ${res.body}`);
      return res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}
