import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { buildApp } from '../../src/server/app.js';
import { simulate } from '../../src/simulate/simulate.js';
import { openDatabase, type Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';

/** What every dashboard browser test shares: Debian's Chromium, a freshly built web app and a real server. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROOT = resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
export const PASSWORD = 'Correct-Horse-42';

const haveChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is there or CI demands it (then a missing browser fails); `describe.skip` otherwise. */
export function browserSuite(): typeof describe | typeof describe.skip {
  if (!haveChromium && process.env['CI'] !== 'true') {
    console.warn(
      `dashboard e2e: ${CHROMIUM} not found — skipping locally (apt-get install chromium); CI fails instead`,
    );
  }
  return haveChromium || process.env['CI'] === 'true' ? describe : describe.skip;
}

export interface DashboardHarness {
  work: string;
  storage: Storage;
  app: FastifyInstance;
  base: string;
  /** The simulated merchant's directory (terminal.csv, settlement.csv, plan.yaml, devices.yaml…). */
  sim: string;
  /** Requests the pages tried to make beyond the server: each is refused and recorded. */
  externalRequests: string[];
  withBrowser(
    viewport: { width: number; height: number },
    mobile: boolean,
    run: (page: Page, context: BrowserContext) => Promise<void>,
  ): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the web app into a temp dir (never a stale dist/web), starts the API on 127.0.0.1 with a temp SQLite
 * file, creates owners with {@link PASSWORD} (an address starting with `phone` must change it first), and
 * simulates a merchant with a silent rate change to upload.
 */
export async function startDashboard(prefix: string, emails: readonly string[]): Promise<DashboardHarness> {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing; CI must install chromium`);
  const work = mkdtempSync(join(tmpdir(), prefix));
  const webDir = join(work, 'web');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, env: { ...process.env, POSGUARD_WEB_OUT: webDir }, stdio: 'pipe' },
  );
  process.env['POSGUARD_WEB_DIR'] = webDir;
  const storage = openDatabase({ dialect: 'sqlite', file: join(work, 'e2e.db') });
  await migrateToLatest(storage);
  for (const email of emails) {
    await createUser(storage.db, {
      email,
      passwordHash: await hashPassword(PASSWORD),
      role: 'owner',
      mustChangePassword: email.startsWith('phone'),
      at: new Date().toISOString(),
    });
  }
  const app = await buildApp({ db: storage.db, tmpDir: work });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const simRoot = join(work, 'sim');
  const result = simulate({
    out: simRoot,
    merchants: 1,
    terminals: 2,
    days: 30,
    perDay: 20,
    start: '2026-09-20',
    seed: 'posguard-e2e',
    scenarios: ['silent-rate-change'],
    preset: 'generic',
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  const externalRequests: string[] = [];

  return {
    work,
    storage,
    app,
    base,
    sim: join(simRoot, result.merchants[0]?.merchantId ?? ''),
    externalRequests,
    async withBrowser(viewport, mobile, run) {
      const profile = mkdtempSync(join(tmpdir(), 'posguard-chromium-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport,
        isMobile: mobile,
        hasTouch: mobile,
        acceptDownloads: true,
        locale: 'zh-CN',
      });
      try {
        // The dashboard must need nothing beyond the server: every other request is recorded and refused.
        await context.route('**/*', async (route) => {
          const url = route.request().url();
          if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:'))
            return route.continue();
          externalRequests.push(url);
          return route.abort();
        });
        const page = context.pages()[0] ?? (await context.newPage());
        await run(page, context);
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    async close() {
      delete process.env['POSGUARD_WEB_DIR'];
      await app.close();
      await storage.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
