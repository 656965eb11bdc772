import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, expect } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { configureMonitor, type MonitorSettings } from '../../src/monitor/monitor-settings.js';
import { buildApp } from '../../src/server/app.js';
import { openDatabase, type Storage } from '../../src/storage/database.js';
import { grantMembership } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import type { MemberRole } from '../../src/storage/schema.js';
import { createUser } from '../../src/storage/users-repo.js';
import type { Line } from '../server/sample-data.js';
import { multipartBody } from '../server/test-app.js';

export const PASSWORD = 'Correct-Horse-42';

/** The merchant number `ownerWithMerchant` registers, which the statement lines below carry. */
export const MERCHANT_NO = '822584053110001';

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
    payload: { name: '测试商户', merchantId: MERCHANT_NO },
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

/**
 * What a test leaves to undo, run newest first: each thing goes before what it was built on (an app reopened on
 * a first app's files before those files are removed).
 */
export type Cleanups = (() => Promise<void>)[];

/** Registers, in the calling test file, an afterEach that runs and empties the returned list. */
export function cleanupAfterEach(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  return cleanups;
}

type Answer = Promise<LightMyRequestResponse>;

/** The routes under /api/v1/merchants/{id}/, called with one user's session cookie. */
export interface MerchantRoutes {
  post(
    path: string,
    payload: NonNullable<InjectOptions['payload']>,
    headers?: Record<string, string>,
  ): Answer;
  get(path: string): Answer;
  delete(path: string): Answer;
  /** PUT with a YAML body, as the plan and monitor-rules routes take it. */
  putYaml(path: string, yaml: string): Answer;
  /** POST …/statements with one file, as the upload form sends it. */
  uploadStatement(fileName: string, content: string, fields?: Record<string, string>): Answer;
}

export function merchantRoutes(app: FastifyInstance, cookie: string, id: number): MerchantRoutes {
  const url = (path: string): string => `/api/v1/merchants/${id}/${path}`;
  return {
    post: (path, payload, headers = {}) =>
      app.inject({ method: 'POST', url: url(path), headers: { cookie, ...headers }, payload }),
    get: (path) => app.inject({ method: 'GET', url: url(path), headers: { cookie } }),
    delete: (path) => app.inject({ method: 'DELETE', url: url(path), headers: { cookie } }),
    putYaml: (path, yaml) =>
      app.inject({
        method: 'PUT',
        url: url(path),
        headers: { cookie, 'content-type': 'application/yaml' },
        payload: yaml,
      }),
    uploadStatement: (fileName, content, fields = {}) => {
      const body = multipartBody(fileName, content, fields);
      return app.inject({
        method: 'POST',
        url: url('statements'),
        headers: { cookie, ...body.headers },
        payload: body.payload,
      });
    },
  };
}

/** The owner of the harness merchant, signed in on a monitor app that is closed after the test. */
export interface OwnerSession extends MerchantRoutes {
  m: MonitorApp;
  cookie: string;
  id: number;
}

export async function ownerSession(
  cleanups: Cleanups,
  settings: Partial<MonitorSettings> = {},
  { plan = true }: { plan?: boolean } = {},
): Promise<OwnerSession> {
  const m = await monitorApp(settings);
  cleanups.push(() => m.close());
  const { cookie, id } = await ownerWithMerchant(m, plan);
  return { m, cookie, id, ...merchantRoutes(m.app, cookie, id) };
}

/** The records of the session's merchant, to select from. */
export function recordsOf(s: OwnerSession) {
  return s.m.storage.db.selectFrom('records').where('merchant_id', '=', s.id);
}

/** Pushes one successful sale made of `fields`, expecting it stored, and reads back the merchant's record. */
export async function storedSale(s: OwnerSession, fields: Record<string, unknown>) {
  const res = await s.post('transactions', { type: 'sale', status: 'success', ...fields });
  expect(res.statusCode).toBe(201);
  return recordsOf(s).selectAll().executeTakeFirstOrThrow();
}

/** A local receiver that is closed after the test. */
export async function openReceiver(cleanups: Cleanups): Promise<Receiver> {
  const rx = await receiver();
  cleanups.push(() => rx.close());
  return rx;
}

/** Makes staff@example.com read-only staff of the owner's merchant `merchantId`; returns their session cookie. */
export async function signInStaff(m: MonitorApp, merchantId: number): Promise<string> {
  const staffId = await m.addUser('staff@example.com', 'staff');
  const owner = await m.storage.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'owner@example.com')
    .executeTakeFirstOrThrow();
  await grantMembership(m.storage.db, owner.id, {
    merchantId,
    userId: staffId,
    role: 'staff',
    at: '2026-10-01T00:00:00Z',
  });
  return m.login('staff@example.com');
}

/** A statement line of a ¥1,000.00 credit sale of MERCHANT_NO at 10:00 on 2026-10-08, charged the plan's ¥6.00. */
export function creditStatementLine(ref: string, changes: Partial<Line> = {}): Line {
  return {
    time: '2026-10-08 10:00:00',
    merchant: MERCHANT_NO,
    ref,
    card: '贷记卡',
    amount: '1000.00',
    fee: '6.00',
    settled: '994.00',
    settleDate: '2026-10-09',
    ...changes,
  };
}

/** Ten sale amounts of different sizes, so that a rate is inferred from more than one amount. */
export const RATE_AMOUNTS = [
  123_456, 88_800, 250_000, 31_415, 77_777, 160_000, 99_999, 45_678, 210_000, 54_321,
];

/** Half-up fee of amount at ppm, in integer arithmetic. */
export const feeAtPpm = (amountFen: number, ppm: number): number =>
  Math.floor((amountFen * ppm + 500_000) / 1_000_000);

/**
 * Credit settlement lines charged at a rate in ppm, with reference numbers `${prefix}1`, `${prefix}2`, … so that
 * no two lines are the same record; without `hhmm` the n-th line is at 12:(n mod 60) Shanghai time.
 */
export function pricedCreditLines(
  prefix: string,
): (amountFen: number, ppm: number, day: string, hhmm?: string) => Record<string, unknown> {
  let n = 0;
  return (amountFen, ppm, day, hhmm) => {
    n += 1;
    return {
      type: 'sale',
      status: 'success',
      time: `${day}T${hhmm ?? `12:${String(n % 60).padStart(2, '0')}`}:00+08:00`,
      refNo: `${prefix}${n}`,
      channel: 'card',
      card: 'credit',
      amountFen,
      feeFen: feeAtPpm(amountFen, ppm),
    };
  };
}
