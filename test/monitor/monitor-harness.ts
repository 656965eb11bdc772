import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../src/accounts/password.js';
import { configureMonitor, type MonitorSettings } from '../../src/monitor/monitor-settings.js';
import { buildApp } from '../../src/server/app.js';
import { openDatabase, type Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import type { MemberRole } from '../../src/storage/schema.js';
import { createUser } from '../../src/storage/users-repo.js';

export const PASSWORD = 'Correct-Horse-42';

/** The plan of the monitor tests: credit cards 0.60 %, debit 0.55 % capped at ¥20, T+1, tolerance 1 fen. */
export const PLAN_YAML = `merchant: 测试商户
rounding: half-up
tolerance: 0.01
settlement: T1
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: debit, rate: 0.55%, cap: 20 }
      - { channel: card, card: credit, rate: 0.60% }
`;

/** A monitor app on a SQLite file in its own temp dir; `reopen` builds a new app on the same file. */
export interface MonitorApp {
  app: FastifyInstance;
  storage: Storage;
  dir: string;
  file: string;
  addUser(email: string, role?: MemberRole): Promise<number>;
  login(email: string): Promise<string>;
  /** Stops the app (the worker with it) and closes the database, keeping the file. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

const FAST: Partial<MonitorSettings> = {
  pollMs: 50,
  backoffBaseMs: 100,
  maxAttempts: 5,
  timeoutMs: 3000,
  scheduler: false,
  publicUrl: 'https://posguard.example',
};

export async function monitorApp(
  settings: Partial<MonitorSettings> = {},
  reuse?: { dir: string; file: string },
): Promise<MonitorApp> {
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'posguard-monitor-'));
  const file = reuse?.file ?? join(dir, 'monitor.db');
  const storage = openDatabase({ dialect: 'sqlite', file });
  await migrateToLatest(storage);
  configureMonitor(storage.db, { ...FAST, ...settings });
  const app = await buildApp({ db: storage.db, tmpDir: dir });
  await app.ready();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await storage.close();
  };
  return {
    app,
    storage,
    dir,
    file,
    async addUser(email, role = 'owner') {
      const user = await createUser(storage.db, {
        email,
        passwordHash: await hashPassword(PASSWORD),
        role,
        mustChangePassword: false,
        at: new Date().toISOString(),
      });
      return user.id;
    },
    async login(email) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      const header = res.headers['set-cookie'];
      const all = Array.isArray(header) ? header : header === undefined ? [] : [header];
      const found = all.find((c) => c.startsWith('posguard_session='));
      if (found === undefined) throw new Error('no session cookie');
      return found.split(';')[0] ?? '';
    },
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An owner with a merchant (and the test plan); returns the cookie and merchant id. */
export async function ownerWithMerchant(m: MonitorApp, plan = true): Promise<{ cookie: string; id: number }> {
  await m.addUser('owner@example.com');
  const cookie = await m.login('owner@example.com');
  const res = await m.app.inject({
    method: 'POST',
    url: '/api/v1/merchants',
    headers: { cookie },
    payload: { name: '测试商户', merchantId: '822584053110001' },
  });
  const id = res.json<{ id: number }>().id;
  if (plan) {
    const put = await m.app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${id}/plan`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    if (put.statusCode >= 300) throw new Error(`plan: ${put.body}`);
  }
  return { cookie, id };
}

/** One request a local receiver saw. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP receiver on 127.0.0.1:0; `respond` decides each answer (default 200 `{}`). */
export interface Receiver {
  url: string;
  received: Received[];
  respond: (r: Received) => { status: number; body?: string };
  close(): Promise<void>;
}

export async function receiver(): Promise<Receiver> {
  const state: Receiver = {
    url: '',
    received: [],
    respond: () => ({ status: 200, body: '{}' }),
    close: async () => undefined,
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.received.push(r);
      const answer = state.respond(r);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Polls until `check` returns a value, or fails after `ms`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`nothing after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A settlement line of a credit-card sale on 2026-10-01 with the fee given. */
export function creditLine(
  amountFen: number,
  feeFen: number,
  n: number,
  time = '2026-10-01T10:00:00+08:00',
): Record<string, unknown> {
  return {
    type: 'sale',
    status: 'success',
    time,
    terminalId: 'T001',
    refNo: `R${String(n).padStart(8, '0')}`,
    channel: 'card',
    card: 'credit',
    cardNo: '622588******1234',
    amountFen,
    feeFen,
  };
}
