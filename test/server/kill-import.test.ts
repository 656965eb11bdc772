import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { multipartBody } from './test-app.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const EMAIL = 'owner@example.com';
const PASSWORD = 'Kill-Test-Pass-1';
const ROWS = 80_000;

let dir: string;
let bigCsv: Buffer;

/** A generic settlement file of ROWS credit sales at 0.60%, ¥10.00 to ¥1,009.99 each, over October. */
function makeCsv(): Buffer {
  const lines = [
    '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期',
  ];
  for (let i = 0; i < ROWS; i++) {
    const amountFen = 1000 + (i % 100_000);
    // 0.60% rounded half up, in integer arithmetic: (amount × 6 + 500) div 1000.
    const feeFen = Math.floor((amountFen * 6 + 500) / 1000);
    const day = 1 + (i % 28);
    const second = i % 86_400;
    const clock = `${String(Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
    const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    lines.push(
      [
        `2026-10-${String(day).padStart(2, '0')} ${clock}`,
        '898440153991234',
        '12345678',
        String(200_000_000_000 + i),
        '622588******0123',
        '贷记卡',
        '刷卡',
        '消费',
        yuan(amountFen),
        yuan(feeFen),
        yuan(amountFen - feeFen),
        `2026-10-${String(Math.min(day + 1, 28)).padStart(2, '0')}`,
      ].join(','),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-kill-'));
  // The real CLI, bundled so a plain `node` child can run it; packages and presets resolve through symlinks.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'presets'), join(dir, 'presets'));
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  await build({
    input: join(ROOT, 'src', 'cli', 'main.ts'),
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    platform: 'node',
    output: {
      dir: join(dir, 'dist', 'cli'),
      entryFileNames: 'main.mjs',
      chunkFileNames: '[name]-[hash].mjs',
      format: 'esm',
    },
  });
  bigCsv = makeCsv();
  writeFileSync(join(dir, 'big.csv'), bigCsv);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function waitFor<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function inProcessAudit(dbFile: string): Promise<unknown> {
  const storage = openDatabase({ dialect: 'sqlite', file: dbFile });
  await migrateToLatest(storage);
  const app = await buildApp({ db: storage.db, tmpDir: dir });
  try {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: EMAIL, password: PASSWORD },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    let merchants = (
      await app.inject({ method: 'GET', url: '/api/v1/merchants', headers: { cookie } })
    ).json().merchants;
    if (merchants.length === 0) {
      await app.inject({
        method: 'POST',
        url: '/api/v1/merchants',
        headers: { cookie },
        payload: { name: 'M', merchantId: '898440153991234' },
      });
      merchants = (await app.inject({ method: 'GET', url: '/api/v1/merchants', headers: { cookie } })).json()
        .merchants;
    }
    const id = merchants[0].id as number;
    const { payload, headers } = multipartBody('big.csv', bigCsv);
    const up = await app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements`,
      headers: { ...headers, cookie },
      payload,
    });
    expect(up.statusCode).toBe(201);
    expect(up.json().landings[0].stored).toBe(ROWS);
    return (
      await app.inject({ method: 'GET', url: `/api/v1/merchants/${id}/audit`, headers: { cookie } })
    ).json();
  } finally {
    await app.close();
    await storage.close();
  }
}

describe('killing the server during an import', () => {
  it('leaves the import wholly absent, and re-importing gives the audit of an uninterrupted import', async () => {
    const dbFile = join(dir, 'killed.db');
    const child = spawn(
      process.execPath,
      [join(dir, 'dist', 'cli', 'main.mjs'), 'serve', '--port', '0', '--db', dbFile],
      {
        env: {
          ...process.env,
          // The killed server cannot clean its upload and spool: keep them inside this test's directory.
          TMPDIR: dir,
          POSGUARD_ADMIN_EMAIL: EMAIL,
          POSGUARD_ADMIN_PASSWORD: PASSWORD,
          POSGUARD_DEMO: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    try {
      const url = await waitFor(
        () => /posguard: (http:\/\/\S+)/.exec(out)?.[1],
        30_000,
        `the server to start (${out})`,
      );
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const merchant = await fetch(`${url}/api/v1/merchants`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ name: 'M', merchantId: '898440153991234' }),
      }).then((r) => r.json() as Promise<{ id: number }>);

      const wal = `${dbFile}-wal`;
      const walSize = () => {
        try {
          return statSync(wal).size;
        } catch {
          return 0;
        }
      };
      const baseline = walSize();
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bigCsv)]), 'big.csv');
      let answered = false;
      const upload = fetch(`${url}/api/v1/merchants/${merchant.id}/statements`, {
        method: 'POST',
        headers: { cookie },
        body: form,
      }).then(
        () => (answered = true),
        () => undefined,
      );
      // Uncommitted pages spill into the WAL once the transaction outgrows SQLite's cache: the insert is underway.
      await waitFor(
        () => (walSize() > baseline + 4 * 1024 * 1024 ? true : undefined),
        120_000,
        'the import to start writing',
      );
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      await upload;
      expect(answered).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }

    const storage = openDatabase({ dialect: 'sqlite', file: dbFile });
    try {
      const imports = await storage.db.selectFrom('imports').selectAll().execute();
      const records = await storage.db
        .selectFrom('records')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(imports).toEqual([]);
      expect(Number(records.n)).toBe(0);
    } finally {
      await storage.close();
    }

    const afterKill = await inProcessAudit(dbFile);
    const cleanFile = join(dir, 'clean.db');
    {
      // The same owner on a fresh database, then the same upload without interruption.
      const fresh = openDatabase({ dialect: 'sqlite', file: cleanFile });
      await migrateToLatest(fresh);
      const { ensureFirstOwner } = await import('../../src/accounts/first-owner.js');
      await ensureFirstOwner(
        fresh.db,
        { POSGUARD_ADMIN_EMAIL: EMAIL, POSGUARD_ADMIN_PASSWORD: PASSWORD },
        new Date(),
      );
      await fresh.close();
    }
    const uninterrupted = await inProcessAudit(cleanFile);
    expect(afterKill).toEqual(uninterrupted);
    expect((afterKill as { summary: { settlementRecords: number } }).summary.settlementRecords).toBe(ROWS);
  }, 300_000);
});
