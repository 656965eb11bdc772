import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { DIALECTS, PG_URL } from '../storage/test-storage.js';
import { PLAN_YAML } from './sample-data.js';

// The served API (the real CLI, bundled with its import worker, in a child process): a big upload is read in a
// worker thread and stored in batches, so other merchants' requests are answered while it is imported; SIGTERM
// abandons an import under way, rolled back whole, and the server stops; a GZIP is bounded by what it unpacks to.

const ROOT = resolve(import.meta.dirname, '..', '..');
const EMAIL = 'owner@example.com';
const PASSWORD = 'Concurrency-Pass-1';
const CODE_A = '898440153991234';
const CODE_B = '898440153990001';
/** The upload limit of the served API: the big statements fit, a GZIP bomb of them does not. */
const LIMIT = 8 * 1024 * 1024;

let dir: string;

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Line i of a statement: a credit sale of ¥10.00 + (i mod 100,000) fen charged 0.60% rounded half up. */
function sale(i: number): { amountFen: number; feeFen: number } {
  const amountFen = 1000 + (i % 100_000);
  return { amountFen, feeFen: Math.floor((amountFen * 6 + 500) / 1000) };
}

/** A generic settlement CSV of `rows` credit sales of merchant A over October 2026, and its money. */
function statement(rows: number): { csv: Buffer; amountFen: number; feeFen: number } {
  const lines = [
    '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期',
  ];
  let amountFen = 0;
  let feeFen = 0;
  for (let i = 0; i < rows; i++) {
    const s = sale(i);
    amountFen += s.amountFen;
    feeFen += s.feeFen;
    const day = 1 + (i % 28);
    const second = i % 86_400;
    const clock = [Math.floor(second / 3600), Math.floor(second / 60) % 60, second % 60]
      .map((n) => String(n).padStart(2, '0'))
      .join(':');
    lines.push(
      [
        `2026-10-${String(day).padStart(2, '0')} ${clock}`,
        CODE_A,
        '12345678',
        String(200_000_000_000 + i),
        '622588******0123',
        '贷记卡',
        '刷卡',
        '消费',
        yuan(s.amountFen),
        yuan(s.feeFen),
        yuan(s.amountFen - s.feeFen),
        `2026-10-${String(Math.min(day + 1, 28)).padStart(2, '0')}`,
      ].join(','),
    );
  }
  return { csv: Buffer.from(`${lines.join('\n')}\n`), amountFen, feeFen };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-upload-concurrency-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'presets'), join(dir, 'presets'));
  const out = join(dir, 'dist', 'cli');
  mkdirSync(out, { recursive: true });
  const external = (id: string) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');
  // The CLI and, beside its chunks, the import worker it starts (`./import-worker.js` from the chunk that
  // starts it); `.js` there is ESM through the package.json.
  await build({
    input: join(ROOT, 'src', 'cli', 'main.ts'),
    external,
    platform: 'node',
    output: { dir: out, entryFileNames: 'main.mjs', chunkFileNames: '[name]-[hash].mjs', format: 'esm' },
  });
  await build({
    input: join(ROOT, 'src', 'server', 'import-worker.ts'),
    external,
    platform: 'node',
    output: {
      dir: out,
      entryFileNames: 'import-worker.js',
      chunkFileNames: 'w-[name]-[hash].mjs',
      format: 'esm',
    },
  });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  // The setup itself: the worker must be where the server looks for it, or the test would prove the fallback.
  expect(existsSync(join(out, 'import-worker.js'))).toBe(true);
  const starts = readdirSync(out).filter((f) =>
    readFileSync(join(out, f), 'utf8').includes('new URL("./import-worker.js", import.meta.url)'),
  );
  expect(starts.length).toBeGreaterThan(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A served API in a child process, on a fresh SQLite file or a fresh PostgreSQL database (DATABASE_URL names a
 * database; the server migrates its public schema).
 */
interface Served {
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The server's TMPDIR: its uploads and spools are written there. */
  tmp: string;
  dbFile?: string;
  /** The PostgreSQL URL of its database. */
  pgUrl?: string;
  out: () => string;
  cookie: string;
  stop(): Promise<void>;
}

let serial = 0;

async function serve(dialect: 'sqlite' | 'postgres', limit?: number): Promise<Served> {
  serial += 1;
  const base = join(dir, `server-${serial}`);
  const tmp = join(base, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: tmp,
    POSGUARD_ADMIN_EMAIL: EMAIL,
    POSGUARD_ADMIN_PASSWORD: PASSWORD,
    POSGUARD_DEMO: '0',
    LOG_LEVEL: 'warn',
  };
  if (limit !== undefined) env['POSGUARD_MAX_UPLOAD_BYTES'] = String(limit);
  const args = [join(dir, 'dist', 'cli', 'main.mjs'), 'serve', '--port', '0'];
  let dbFile: string | undefined;
  let database: string | undefined;
  let pgUrl: string | undefined;
  if (dialect === 'sqlite') {
    dbFile = join(base, 'posguard.db');
    args.push('--db', dbFile);
    delete env['DATABASE_URL'];
  } else {
    database = `posguard_conc_${process.pid}_${serial}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(PG_URL);
    url.pathname = `/${database}`;
    pgUrl = url.toString();
    env['DATABASE_URL'] = pgUrl;
  }
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    if (database !== undefined) {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  };
  try {
    const url = await waitFor(
      () => /posguard: (http:\/\/\S+)/.exec(out)?.[1],
      60_000,
      `the server to start (${out})`,
    );
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return {
      url,
      child,
      exited,
      tmp,
      ...(dbFile === undefined ? {} : { dbFile }),
      ...(pgUrl === undefined ? {} : { pgUrl }),
      out: () => out,
      cookie,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function createMerchant(s: Served, name: string, code: string): Promise<number> {
  const res = await fetch(`${s.url}/api/v1/merchants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: s.cookie },
    body: JSON.stringify({ name, merchantId: code }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

/** Starts an upload; `done` turns true the moment its answer has arrived. */
function upload(
  s: Served,
  merchantId: number,
  name: string,
  bytes: Buffer,
  query = '',
): { answer: Promise<{ status: number; body: unknown }>; done: () => boolean } {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  let finished = false;
  const answer = fetch(`${s.url}/api/v1/merchants/${merchantId}/statements${query}`, {
    method: 'POST',
    headers: { cookie: s.cookie },
    body: form,
  }).then(async (res) => {
    const body: unknown = await res.json();
    finished = true;
    return { status: res.status, body };
  });
  return { answer, done: () => finished };
}

/** The spool an import is reading the upload into: there once the file has arrived and its reading began. */
function spoolOf(s: Served): string | undefined {
  for (const upload of readdirSync(s.tmp).filter((d) => d.startsWith('posguard-upload-'))) {
    const at = join(s.tmp, upload);
    for (const spool of readdirSync(at).filter((d) => d.startsWith('posguard-spool-'))) {
      const file = join(at, spool, 'records.jsonl');
      if (existsSync(file) && statSync(file).size > 0) return file;
    }
  }
  return undefined;
}

/** What a merchant holds after the server stopped: imports and records, read from the database itself. */
async function storedOf(s: Served, merchantId: number): Promise<{ imports: number; records: number }> {
  const storage =
    s.dbFile !== undefined
      ? openDatabase({ dialect: 'sqlite', file: s.dbFile })
      : openDatabase({ dialect: 'postgres', url: s.pgUrl as string });
  try {
    const imports = await storage.db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirstOrThrow();
    const records = await storage.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id', '=', merchantId)
      .executeTakeFirstOrThrow();
    return { imports: Number(imports.n), records: Number(records.n) };
  } finally {
    await storage.close();
  }
}

/**
 * Resolves once the import of the file with this SHA-256 is storing records: on SQLite, when its first batches
 * outgrow the page cache and spill into the WAL; on PostgreSQL, when the connection holding the import's lock on
 * the file (imports-repo lockFile) is inserting records.
 */
async function storing(s: Served, sha256: string, answered: () => boolean): Promise<void> {
  const check = <T>(value: T | undefined): T | undefined => {
    if (value === undefined && answered())
      throw new Error('the upload was answered before it was seen storing');
    return value;
  };
  if (s.dbFile !== undefined) {
    const wal = `${s.dbFile}-wal`;
    const size = () => (existsSync(wal) ? statSync(wal).size : 0);
    const baseline = size();
    await waitFor(
      () => check(size() > baseline + 256 * 1024 ? true : undefined),
      180_000,
      'the records to be written',
    );
    return;
  }
  const client = new pg.Client({ connectionString: s.pgUrl });
  await client.connect();
  try {
    await waitFor(
      async () => {
        const found = await client.query(
          `select a.query from pg_locks l join pg_stat_activity a on a.pid = l.pid
           where l.database = (select oid from pg_database where datname = current_database())
             and l.locktype = 'advisory' and l.classid = $1 and l.objid = $2 and l.objsubid = 2`,
          [0x70736769, Number.parseInt(sha256.slice(0, 8), 16)],
        );
        const query = String(found.rows[0]?.query ?? '');
        return check(/^insert into "records"/i.test(query) ? true : undefined);
      },
      180_000,
      'the records to be inserted',
    );
  } finally {
    await client.end();
  }
}

describe.each(DIALECTS)('the served API on %s', (dialect) => {
  it('answers other merchants while a big upload is imported, and imports it whole', async () => {
    const s = await serve(dialect, LIMIT);
    try {
      const a = await createMerchant(s, 'A', CODE_A);
      const b = await createMerchant(s, 'B', CODE_B);
      const rows = 40_000;
      const file = statement(rows);
      const big = upload(s, a, 'big.csv', file.csv);
      await waitFor(() => spoolOf(s), 120_000, 'the upload to be read');
      expect(big.done()).toBe(false);
      // Merchant B's owner works on meanwhile: a plan, a pushed sale, the alerts.
      const others: { what: string; status: number; whileUploading: boolean }[] = [];
      const other = async (what: string, init: RequestInit & { path: string }) => {
        const res = await fetch(`${s.url}/api/v1/merchants/${b}${init.path}`, {
          ...init,
          headers: { cookie: s.cookie, ...(init.headers as Record<string, string>) },
        });
        await res.arrayBuffer();
        others.push({ what, status: res.status, whileUploading: !big.done() });
      };
      await other('PUT plan', {
        path: '/plan',
        method: 'PUT',
        headers: { 'content-type': 'application/yaml' },
        body: PLAN_YAML.replace(CODE_A, CODE_B),
      });
      await other('POST transactions', {
        path: '/transactions',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'sale',
          status: 'success',
          time: '2026-10-08T12:00:00+08:00',
          channel: 'card',
          card: 'credit',
          amountFen: 12_345,
          refNo: '900000000001',
        }),
      });
      await other('GET alerts', { path: '/alerts', method: 'GET' });
      expect(others).toEqual([
        { what: 'PUT plan', status: 200, whileUploading: true },
        { what: 'POST transactions', status: 201, whileUploading: true },
        { what: 'GET alerts', status: 200, whileUploading: true },
      ]);

      const answer = await big.answer;
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      const body = answer.body as {
        landings: { merchantId: number; stored: number }[];
        files: { totals: { amountFen: number; feeFen: number } }[];
      };
      expect(body.landings).toEqual([expect.objectContaining({ merchantId: a, stored: rows })]);
      // 40,000 sales of ¥10.00 to ¥409.99 (amount 1,000 + i fen), each charged 0.60% half up, summed by hand.
      expect(body.files[0]?.totals).toMatchObject({ amountFen: file.amountFen, feeFen: file.feeFen });
      expect(file.amountFen).toBe(40_000 * 1000 + (39_999 * 40_000) / 2);
      // B's pushed sale is B's only record; nothing of A's file went there.
      const records = await fetch(`${s.url}/api/v1/merchants/${b}/records?limit=10`, {
        headers: { cookie: s.cookie },
      }).then((r) => r.json() as Promise<{ records: { amountFen: number }[] }>);
      expect(records.records.map((r) => r.amountFen)).toEqual([12_345]);
      expect(await storedOf(s, a)).toEqual({ imports: 1, records: rows });

      // The limit bounds what a GZIP unpacks to, read in the worker: 13 MB of CSV in a GZIP under 8 MiB.
      const bomb = gzipSync(statement(100_000).csv);
      expect(bomb.length).toBeLessThan(LIMIT);
      const refused = await upload(s, a, 'huge.csv.gz', bomb, '?lang=en').answer;
      expect(refused).toEqual({
        status: 413,
        body: {
          error: {
            code: 'too_large',
            message: 'the file is larger than the upload limit of 8 MiB; split it, or upload it as a ZIP',
            details: {
              zh: '文件超过上传上限 8 MiB；请拆分后分别上传，或压缩为 ZIP 后上传',
              en: 'the file is larger than the upload limit of 8 MiB; split it, or upload it as a ZIP',
            },
          },
        },
      });
      // Refused before anything was stored: A still holds the one import.
      expect(await storedOf(s, a)).toEqual({ imports: 1, records: rows });
    } finally {
      await s.stop();
    }
  }, 300_000);

  it('stops on SIGTERM during an import, which is abandoned whole', async () => {
    const s = await serve(dialect);
    try {
      const a = await createMerchant(s, 'A', CODE_A);
      const file = statement(150_000);
      const big = upload(s, a, 'big.csv', file.csv);
      await storing(s, createHash('sha256').update(file.csv).digest('hex'), big.done);
      expect(big.done()).toBe(false);
      s.child.kill('SIGTERM');
      // Stopped by its own hand (exit code 0), not killed; the upload told why and that nothing was kept.
      expect(await s.exited).toEqual({ code: 0, signal: null });
      const answer = await big.answer;
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ error: { code: 'shutting_down' } });
      expect((answer.body as { error: { details: { en: string } } }).error.details.en).toMatch(
        /^the server is stopping; this import was cancelled and nothing of it was stored/,
      );
      expect(await storedOf(s, a)).toEqual({ imports: 0, records: 0 });
      // Nothing of the upload is left on disk either.
      expect(readdirSync(s.tmp).filter((d) => d.startsWith('posguard-'))).toEqual([]);
    } finally {
      await s.stop();
    }
  }, 300_000);
});
