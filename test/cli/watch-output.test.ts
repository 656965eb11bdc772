import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.js';
import { runCli } from '../../src/cli/program.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';
import { creditStatementLine as line, MERCHANT_NO, waitFor } from '../monitor/monitor-harness.js';
import { scratchBuild } from '../scratch-build.js';
import { settlementCsv } from '../server/sample-data.js';

// QA: watch printed each file's line half in Chinese, half in English, with the record kind's internal code in
// the Chinese half ("✗ s.csv: settlement 0 条记录入库… / 0 records stored…"), and had no --format json for
// scripts. These run the built CLI on a real SQLite file and a real folder, and stop it with SIGINT as Ctrl+C does.

const SHOP = '鸿运小店';
const OTHER_NO = '822584053119999';

/** Two own sales (¥1,000.00 each) and one line of another merchant number: 2 records stored, 1 row set aside. */
const MIXED = settlementCsv([
  line('100000000001'),
  line('100000000002'),
  line('100000000003', { merchant: OTHER_NO }),
]);
/** Not a statement any preset reads. */
const BROKEN = 'hello\nworld\n';

let main = '';
beforeAll(async () => {
  main = join(await scratchBuild(), 'cli/main.js');
}, 180_000);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A new folder holding posguard.db with one merchant (SHOP, MERCHANT_NO) and its owner, and an empty inbox. */
async function setUp(): Promise<{ dir: string; inbox: string; db: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-watch-out-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'posguard.db');
  const storage = openDatabase({ dialect: 'sqlite', file: db });
  try {
    await migrateToLatest(storage);
    const at = '2026-10-01T00:00:00Z';
    const owner = await createUser(storage.db, {
      email: 'owner@example.com',
      passwordHash: 'not used',
      role: 'owner',
      mustChangePassword: false,
      at,
    });
    await createMerchant(storage.db, owner.id, { name: SHOP, merchantId: MERCHANT_NO, at });
  } finally {
    await storage.close();
  }
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox);
  return { dir, inbox, db };
}

/** `posguard watch` running as its own process; `lines()` is what it has printed on stdout so far. */
function startWatch(dir: string, args: string[], env: Record<string, string>) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [main, 'watch', 'inbox', '--db', 'posguard.db', '--settle', '50', ...args],
    { cwd: dir, env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: '', TMPDIR: dir, ...env } },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  cleanups.push(() => child.kill('SIGKILL'));
  const lines = (): string[] => out.split('\n').filter((l) => l !== '');
  return {
    lines,
    stderr: () => err,
    /** Waits until a printed line passes `test` (the watch reports each file once it settled). */
    saw: (test: (l: string) => boolean, what: string) =>
      waitFor(() => (lines().some(test) ? true : undefined), 30_000).catch(() => {
        throw new Error(`watch never printed ${what}; stdout:\n${out}\nstderr:\n${err}`);
      }),
    /** Ctrl+C: the watch finishes the import in flight, says it stopped and exits 0. */
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Puts MIXED and BROKEN in the inbox, waits for their lines, then a copy of MIXED (already imported). */
async function runThrough(
  inbox: string,
  w: ReturnType<typeof startWatch>,
  names: { mixed: RegExp; broken: RegExp; copy: RegExp },
): Promise<string[]> {
  writeFileSync(join(inbox, 'mixed.csv'), MIXED);
  writeFileSync(join(inbox, 'broken.csv'), BROKEN);
  await w.saw((l) => names.mixed.test(l), 'the line of mixed.csv');
  await w.saw((l) => names.broken.test(l), 'the line of broken.csv');
  writeFileSync(join(inbox, 'copy.csv'), MIXED);
  await w.saw((l) => names.copy.test(l), 'the line of copy.csv');
  expect(await w.stop()).toBe(0);
  return w.lines();
}

/** The line that begins with `prefix` (a mark and a file name), exactly one. */
function lineOf(lines: readonly string[], prefix: string): string {
  const found = lines.filter((l) => l.startsWith(prefix));
  expect(found, `one line starting ${prefix} in:\n${lines.join('\n')}`).toHaveLength(1);
  return found[0] ?? '';
}

describe('posguard watch prints in one language', () => {
  it('says every line in Chinese by default: no English half, no internal kind code', async () => {
    const { dir, inbox } = await setUp();
    const w = startWatch(dir, [], {});
    const lines = await runThrough(inbox, w, {
      mixed: /^⚠ mixed\.csv：/,
      broken: /^✗ broken\.csv：/,
      copy: /^= copy\.csv：/,
    });
    expect(lineOf(lines, '⚠ mixed.csv')).toBe('⚠ mixed.csv：对账单，2 条记录入库，1 行不属于本商户、未导入');
    expect(lineOf(lines, '= copy.csv')).toBe('= copy.csv：已导入过（SHA-256 相同），跳过');
    expect(lineOf(lines, '✗ broken.csv')).toMatch(/^✗ broken\.csv：未能导入：/);
    expect(lines[0]).toMatch(/^监视 .*inbox → 商户 鸿运小店（Ctrl\+C 停止）$/);
    expect(lines[lines.length - 1]).toMatch(/^已停止监视 .*inbox$/);
    for (const l of lines) {
      // What may be Latin in a Chinese line: the folder, file names, command lines and their flags (the
      // importer's advice names import's and audit's), proper names. No English word, no kind code.
      const rest = l
        .replaceAll(inbox, '')
        .replace(/\b[\w-]+\.csv\b/g, '')
        .replace(
          /--[a-z-]+|\b(import|audit)(?= 用)|SHA-256|Ctrl\+C|posguard (serve|watch)|CSV|XLSX|TXT/g,
          '',
        );
      expect(rest, l).not.toMatch(/[A-Za-z]{2,}/);
    }
  });

  it('says every line in English with LANG=en, and with --lang en', async () => {
    for (const [args, env] of [
      [[], { LANG: 'en_US.UTF-8' }],
      [['--lang', 'en'], { LANG: 'zh_CN.UTF-8' }],
    ] as const) {
      const { dir, inbox } = await setUp();
      const w = startWatch(dir, [...args], env);
      const lines = await runThrough(inbox, w, {
        mixed: /^⚠ mixed\.csv: /,
        broken: /^✗ broken\.csv: /,
        copy: /^= copy\.csv: /,
      });
      expect(lineOf(lines, '⚠ mixed.csv')).toBe(
        '⚠ mixed.csv: settlement statement, 2 records stored, 1 row of other merchants not imported',
      );
      expect(lineOf(lines, '= copy.csv')).toBe('= copy.csv: already imported (same SHA-256), skipped');
      expect(lineOf(lines, '✗ broken.csv')).toMatch(/^✗ broken\.csv: not imported: /);
      expect(lines[lines.length - 1]).toMatch(/^stopped watching .*inbox$/);
      // The merchant's name is data and stays as it was entered; nothing else is Chinese.
      for (const l of lines) expect(l.replaceAll(SHOP, ''), l).not.toMatch(/\p{Script=Han}|[，。：；（）]/u);
    }
  });
});

describe('posguard watch --format json', () => {
  it('prints one JSON object per event and nothing else on stdout', async () => {
    const { dir, inbox } = await setUp();
    const w = startWatch(dir, ['--format', 'json'], {});
    const lines = await runThrough(inbox, w, {
      mixed: /"file":"mixed\.csv"/,
      broken: /"file":"broken\.csv"/,
      copy: /"file":"copy\.csv"/,
    });
    // Every line parses: nothing but events on stdout.
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of events) expect(typeof e.at).toBe('string');
    expect(events[0]).toMatchObject({
      event: 'started',
      folder: join(inbox),
      merchant: { id: 1, name: SHOP, merchantNumber: MERCHANT_NO },
    });
    expect(events[events.length - 1]).toMatchObject({ event: 'stopped', folder: join(inbox) });
    const of = (file: string) => events.filter((e) => e.file === file);
    const sha = createHash('sha256').update(MIXED).digest('hex');
    expect(of('mixed.csv')).toEqual([
      {
        event: 'imported',
        at: expect.any(String),
        file: 'mixed.csv',
        sha256: sha,
        kind: 'settlement',
        stored: 2,
        alreadyStored: 0,
        updated: 0,
        rejected: 0,
        otherMerchantRows: 1,
        otherMerchants: [{ merchantNumber: OTHER_NO, rows: 1 }],
        alerts: 0,
        warnings: expect.any(Array),
        checkFailed: null,
      },
    ]);
    const [failed] = of('broken.csv');
    expect(of('broken.csv')).toHaveLength(1);
    expect(failed).toMatchObject({ event: 'failed', file: 'broken.csv', permanent: true });
    const reason = (failed as { reason: { zh: string; en: string } }).reason;
    expect(reason.zh).toMatch(/\p{Script=Han}/u);
    expect(reason.en).not.toMatch(/\p{Script=Han}/u);
    expect(of('copy.csv')).toEqual([
      {
        event: 'skipped',
        at: expect.any(String),
        file: 'copy.csv',
        sha256: sha,
        importId: expect.any(Number),
        reason: { code: 'already_imported', zh: expect.any(String), en: expect.any(String) },
      },
    ]);
    expect(events.map((e) => e.event).sort()).toEqual([
      'failed',
      'imported',
      'skipped',
      'started',
      'stopped',
    ]);
  });

  it('is described, with the event shapes, in both languages of --help', async () => {
    const zh = await runCli(['watch', '--help'], { env: {} });
    expect(zh.stdout).toContain('posguard watch ~/对账单 --format json');
    expect(zh.stdout).toMatch(/imported +\{ file, sha256, kind/);
    const en = await runCli(['watch', '--help', '--lang', 'en'], { env: {} });
    expect(en.stdout).toContain('posguard watch ~/statements --format json');
    expect(en.stdout).toMatch(/failed +\{ file, reason: \{ zh, en \}/);
  });
});
