import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { configureMonitor } from '../../src/monitor/monitor-settings.js';
import { buildApp } from '../../src/server/app.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { createUser } from '../../src/storage/users-repo.js';
import { freshStorage } from '../storage/test-storage.js';
import { type MerchantRoutes, merchantRoutes, PASSWORD } from './monitor-harness.js';

/** A monitor app on a fresh database of one dialect, with a movable clock and no worker (deliveries stay queued). */
export interface DialectApp extends MerchantRoutes {
  app: FastifyInstance;
  storage: Storage;
  clock: { now: Date };
  cookie: string;
  merchantId: number;
  /** PUT …/plan with a YAML body; fails the test on an error answer. */
  putPlan(yaml: string): Promise<void>;
  /** POST …/settlements; returns the kinds of the alerts the answer names. */
  pushSettlements(body: unknown): Promise<string[]>;
  /** The merchant's alerts in the order raised, of one kind or all. */
  alerts(
    kind?: string,
  ): Promise<
    { kind: string; amount_fen: number | null; message: string; details_json: string; dedup_key: string }[]
  >;
  /** The merchant's queued deliveries (alerts and digests) in the order queued. */
  deliveries(): Promise<{ kind: string; text: string }[]>;
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
  const routes = merchantRoutes(app, cookie, merchantId);
  return {
    ...routes,
    app,
    storage,
    clock,
    cookie,
    merchantId,
    async putPlan(yaml) {
      const res = await routes.putYaml('plan', yaml);
      if (res.statusCode !== 200) throw new Error(`plan: ${res.statusCode} ${res.body}`);
    },
    async pushSettlements(body) {
      const res = await routes.post('settlements', body as Record<string, unknown>);
      if (res.statusCode !== 201) throw new Error(`push: ${res.statusCode} ${res.body}`);
      return res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
    },
    async alerts(kind) {
      let query = storage.db
        .selectFrom('monitor_alerts')
        .select(['kind', 'amount_fen', 'message', 'details_json', 'dedup_key'])
        .where('merchant_id', '=', merchantId);
      if (kind !== undefined) query = query.where('kind', '=', kind);
      return query.orderBy('id').execute();
    },
    async deliveries() {
      return storage.db
        .selectFrom('alert_deliveries')
        .select(['kind', 'text'])
        .where('merchant_id', '=', merchantId)
        .orderBy('id')
        .execute();
    },
    async close() {
      await app.close();
      await cleanup();
    },
  };
}

/** Registers, in the calling test file, an afterEach closing the apps the returned `dialectApp` opened. */
export function dialectAppPerTest(): typeof dialectApp {
  const open: DialectApp[] = [];
  afterEach(async () => {
    while (open.length > 0) await open.pop()?.close();
  });
  return async (dialect, now) => {
    const a = await dialectApp(dialect, now);
    open.push(a);
    return a;
  };
}

/**
 * Registers, in the calling describe block, one DialectApp with `planYaml` saved for all its tests, opened
 * before the first and closed after the last; the returned function gives it to the tests.
 */
export function dialectAppPerSuite(dialect: DialectName, planYaml: string): () => DialectApp {
  let shared: DialectApp | undefined;
  beforeAll(async () => {
    shared = await dialectApp(dialect);
    await shared.putPlan(planYaml);
  });
  afterAll(async () => shared?.close());
  return () => {
    if (shared === undefined) throw new Error('the suite app is there only inside its tests');
    return shared;
  };
}
