import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Lang } from '../../src/cli/lang.js';
import { type CliRun, runCli } from '../../src/cli/program.js';
import { type SimulateOptions, simulate } from '../../src/simulate/simulate.js';
import { openDatabase } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import type { MemberRole } from '../../src/storage/schema.js';
import { createUser } from '../../src/storage/users-repo.js';
import { multipartBody, type TestApp, testApp } from '../server/test-app.js';

// The merchant the case, device and compare tests work on, set up either as a database file for the CLI or
// through the API, each in a temp dir of its own so that test files can run side by side.

/** What a test chooses of a simulated history; one merchant from 2026-09-01 on the generic preset is fixed. */
export type SimulatedHistory = Pick<SimulateOptions, 'terminals' | 'days' | 'perDay' | 'seed' | 'scenarios'>;

/** Simulates one merchant into `out` and returns its directory (terminal.csv, settlement.csv, plan.yaml…). */
export function simulateMerchant(out: string, history: SimulatedHistory): string {
  const result = simulate({ out, merchants: 1, start: '2026-09-01', preset: 'generic', ...history });
  return join(out, result.merchants[0]?.merchantId ?? '');
}

/** Runs `posguard <args>` as if typed in `cwd`, on that database file and merchant. */
export type MerchantCli = (...args: string[]) => Promise<CliRun>;

/** For a database file a test made some other way, such as through the API. */
export function cliOn(target: { db: string; merchant: string; cwd: string; lang?: Lang }): MerchantCli {
  const lang = target.lang === undefined ? [] : ['--lang', target.lang];
  return (...args) =>
    runCli([...args, '--db', target.db, '--merchant', target.merchant, ...lang], { cwd: target.cwd });
}

/** A migrated SQLite file in its own temp dir, as `posguard` finds it once a shop is set up. */
export interface CliMerchant {
  dir: string;
  db: string;
  /** The merchant's id, as `--merchant` takes it. */
  merchant: string;
  cli: MerchantCli;
}

/**
 * Makes a {@link CliMerchant} before the tests of the file or `describe` block this is called in, and removes
 * it after them. The shop only exists from the first hook to the last, so its fields are read then, not when
 * the file loads.
 *
 * owner@example.com owns 鸿运便利店 and staff@example.com works there as staff, so that the CLI has an owner to
 * act as by default and a `--user` whose writes it must refuse.
 */
export function cliMerchantForTests(prefix: string, lang?: Lang): CliMerchant {
  // Kept apart from the shop so that a set-up failing half-way still has its temp dir removed.
  let dir: string | undefined;
  let shop: CliMerchant | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    shop = await setUpShop(dir, lang);
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  const current = (): CliMerchant => {
    if (shop === undefined) throw new Error(`${prefix}: the shop is read before its beforeAll ran`);
    return shop;
  };
  return {
    get dir() {
      return current().dir;
    },
    get db() {
      return current().db;
    },
    get merchant() {
      return current().merchant;
    },
    cli: (...args) => current().cli(...args),
  };
}

async function setUpShop(dir: string, lang: Lang | undefined): Promise<CliMerchant> {
  const db = join(dir, 'posguard.db');
  const storage = openDatabase({ dialect: 'sqlite', file: db });
  await migrateToLatest(storage);
  const at = '2026-10-01T04:00:00.000Z';
  const user = (email: string, role: MemberRole) =>
    createUser(storage.db, { email, passwordHash: 'x', role, mustChangePassword: false, at });
  const owner = await user('owner@example.com', 'owner');
  const staff = await user('staff@example.com', 'staff');
  const created = await createMerchant(storage.db, owner.id, { name: '鸿运便利店', at });
  await storage.db
    .insertInto('memberships')
    .values({ user_id: staff.id, merchant_id: created.id, role: 'staff', created_at: at })
    .execute();
  await storage.close();
  const merchant = String(created.id);
  return {
    dir,
    db,
    merchant,
    cli: cliOn({ db, merchant, cwd: dir, ...(lang === undefined ? {} : { lang }) }),
  };
}

/** What of the simulated files the API is given, and the merchant's name. */
export interface MerchantUploads {
  name: string;
  /** Uploaded in this order, each as `<kind>.csv`. */
  statements: readonly ('settlement' | 'terminal')[];
  plan: boolean;
}

/** A test app in which owner@example.com (logged in) has one merchant, fed a simulated history. */
export interface ApiMerchant {
  t: TestApp;
  /** The temp dir the simulator wrote into. */
  dir: string;
  /** The merchant's simulated files. */
  sim: string;
  /** The owner's session cookie. */
  owner: string;
  merchantId: number;
  close(): Promise<void>;
}

export async function apiMerchant(
  prefix: string,
  history: SimulatedHistory,
  uploads: MerchantUploads,
): Promise<ApiMerchant> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let t: TestApp | undefined;
  const close = async (): Promise<void> => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sim = simulateMerchant(dir, history);
    t = await testApp();
    const { owner, merchantId } = await feedMerchant(t, sim, uploads);
    return { t, dir, sim, owner, merchantId, close };
  } catch (error) {
    // A caller whose set-up failed has no handle to close, so nothing would remove the app or the temp dir.
    await close();
    throw error;
  }
}

async function feedMerchant(
  t: TestApp,
  sim: string,
  uploads: MerchantUploads,
): Promise<{ owner: string; merchantId: number }> {
  await t.addUser('owner@example.com');
  const owner = await t.login('owner@example.com');
  const asOwner = (
    method: 'POST' | 'PUT',
    url: string,
    payload: NonNullable<InjectOptions['payload']>,
    headers: Record<string, string> = {},
  ) => t.app.inject({ method, url, headers: { cookie: owner, ...headers }, payload });
  const created = await asOwner('POST', '/api/v1/merchants', { name: uploads.name });
  const merchantId = (JSON.parse(created.body) as { id: number }).id;
  for (const kind of uploads.statements) {
    const file = `${kind}.csv`;
    const upload = multipartBody(file, readFileSync(join(sim, file)), { kind });
    const url = `/api/v1/merchants/${merchantId}/statements`;
    const res = await asOwner('POST', url, upload.payload, upload.headers);
    expect(res.statusCode, res.body).toBe(201);
  }
  if (uploads.plan) {
    const yaml = readFileSync(join(sim, 'plan.yaml'), 'utf8');
    const plan = await asOwner('PUT', `/api/v1/merchants/${merchantId}/plan`, yaml, {
      'content-type': 'application/yaml',
    });
    expect(plan.statusCode, plan.body).toBeLessThan(300);
  }
  return { owner, merchantId };
}
