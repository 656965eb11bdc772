import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { resolveWatchTarget, watchFolder } from '../../src/monitor/watch-folder.js';
import { openDatabase } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';
import { settlementCsv } from '../server/sample-data.js';
import {
  cleanupAfterEach,
  creditStatementLine as line,
  MERCHANT_NO,
  type OwnerSession,
  ownerSession,
  waitFor,
} from './monitor-harness.js';

// QA: a statement whose 商户号 is another merchant's was watched in as "✓ s.csv: settlement 0 条记录入库"
// (its lines silently not stored), and a watch on a new database said only "找不到商户".

const cleanups = cleanupAfterEach();

/** Another merchant's number: no merchant of the database has it. */
const OTHER_NO = '822000000000002';

/** Watches a new inbox holding `files` for the session's merchant until `count` lines are said. */
async function watchUntil(
  s: OwnerSession,
  files: Record<string, string>,
  count: number,
  lang: 'zh' | 'en' = 'zh',
): Promise<string[]> {
  const dir = join(s.m.dir, `inbox-${lang}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const target = await resolveWatchTarget(s.m.storage.db, MERCHANT_NO);
  if ('error' in target) throw new Error(target.error.en);
  const lines: string[] = [];
  const abort = new AbortController();
  const running = watchFolder({
    dir,
    db: s.m.storage.db,
    merchantId: target.merchantId,
    userId: target.userId,
    settleMs: 50,
    signal: abort.signal,
    say: (l) => lines.push(l),
    tmpDir: s.m.dir,
    lang,
  });
  try {
    await waitFor(() => (lines.length >= count ? true : undefined), 15_000);
    // Nothing more is said of these files.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    abort.abort();
    await running;
  }
  return lines;
}

async function storedAmounts(s: OwnerSession): Promise<number[]> {
  const rows = await s.m.storage.db
    .selectFrom('records')
    .select('amount_fen')
    .where('merchant_id', '=', s.id)
    .execute();
  return rows.map((r) => r.amount_fen);
}

describe('posguard watch: lines of another merchant number', () => {
  it('does not report a file of another merchant as a success, and says which number and what to do', async () => {
    const s = await ownerSession(cleanups, { worker: false }, { plan: false });
    const theirs = ['200000000001', '200000000002', '200000000003'].map((ref) =>
      line(ref, { merchant: OTHER_NO }),
    );
    const lines = await watchUntil(s, { 's.csv': settlementCsv(theirs) }, 2);
    expect(lines).toEqual([
      '✗ s.csv：对账单，0 条记录入库，3 行不属于本商户、未导入',
      `  s.csv：3 行的商户号是 ${OTHER_NO}，不是本商户「测试商户」（商户号 ${MERCHANT_NO}）的，这些行未导入。` +
        `如它们属于另一家店：该店还不是商户的，先在 posguard serve 的网页中点“新建商户”并填写商户号 ${OTHER_NO}；` +
        `再在网页中切换到该商户上传此文件，或把它放进 posguard watch 文件夹 --merchant ${OTHER_NO} 监视的文件夹。`,
    ]);
    expect(lines.some((l) => l.startsWith('✓'))).toBe(false);
    expect(await storedAmounts(s)).toEqual([]);
  });

  it('flags a file only part of which is this merchant’s: its lines stored, the rest named', async () => {
    const s = await ownerSession(cleanups, { worker: false }, { plan: false });
    const csv = settlementCsv([
      line('100000000001'),
      line('200000000001', { merchant: OTHER_NO }),
      line('100000000002', { amount: '250.00', fee: '1.50', settled: '248.50' }),
      line('300000000001', { merchant: '822000000000003' }),
      line('300000000002', { merchant: '822000000000003' }),
    ]);
    const lines = await watchUntil(s, { 'mixed.csv': csv }, 2, 'en');
    expect(lines[0]).toBe(
      '⚠ mixed.csv: settlement statement, 2 records stored, 3 rows of other merchants not imported',
    );
    expect(lines[1]).toBe(
      `  mixed.csv: 1 line(s) name merchant number ${OTHER_NO}, 2 line(s) name merchant number 822000000000003, ` +
        `not this merchant "测试商户" (merchant number ${MERCHANT_NO}); those lines were not imported. ` +
        `If they belong to another shop: unless it is a merchant already, create it in the posguard serve dashboard ("New merchant", merchant number ${OTHER_NO}); ` +
        `then upload this file under that merchant there, or put it in a folder watched with posguard watch FOLDER --merchant ${OTHER_NO}.`,
    );
    expect(lines).toHaveLength(2);
    // Only the merchant's own two sales: ¥1,000.00 and ¥250.00.
    expect((await storedAmounts(s)).sort((a, b) => a - b)).toEqual([25_000, 100_000]);
  });

  it('still says ✓ for a file of this merchant only', async () => {
    const s = await ownerSession(cleanups, { worker: false }, { plan: false });
    const lines = await watchUntil(s, { 'own.csv': settlementCsv([line('100000000001')]) }, 1);
    expect(lines).toEqual(['✓ own.csv：对账单，1 条记录入库']);
    expect(await storedAmounts(s)).toEqual([100_000]);
  });
});

describe('posguard watch: no merchant to import to', () => {
  function freshDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-watch-new-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'inbox'));
    return dir;
  }

  it('explains on a new database how to create a merchant, in Chinese and in English', async () => {
    const dir = freshDir();
    const zh = await runCli(['watch', 'inbox', '--db', 'new.db'], { cwd: dir, env: {} });
    expect(zh.exitCode).toBe(2);
    expect(zh.stderr).toBe(
      'posguard: 数据库里还没有商户，无处导入对账单。命令行不能新建商户：请用同一个数据库启动 posguard serve --db new.db，' +
        '在网页登录后点“新建商户”并填写商户号（或调用 POST /api/v1/merchants），然后重新运行 posguard watch（有多个商户时用 --merchant 商户号 指定）\n',
    );
    const en = await runCli(['--lang', 'en', 'watch', 'inbox', '--db', 'new.db'], { cwd: dir, env: {} });
    expect(en.exitCode).toBe(2);
    expect(en.stderr).toBe(
      'posguard: the database holds no merchant yet, so there is nowhere to import statements to; the CLI cannot create one: ' +
        'start posguard serve --db new.db on the same database, log in to the dashboard and use "New merchant" with its merchant number ' +
        '(or call POST /api/v1/merchants), then run posguard watch again (with --merchant MERCHANT-NUMBER when there are several)\n',
    );
    // The help says so too.
    const help = await runCli(['watch', '--help'], { cwd: dir, env: {} });
    expect(help.stdout).toContain('商户须先存在：用同一个数据库启动 posguard serve，在网页中“新建商户”');
  });

  it('lists the merchants there are when --merchant names none of them, and skips the demo merchant', async () => {
    const dir = freshDir();
    const file = join(dir, 'posguard.db');
    const storage = openDatabase({ dialect: 'sqlite', file });
    try {
      await migrateToLatest(storage);
      const owner = await createUser(storage.db, {
        email: 'owner@example.com',
        passwordHash: 'not used',
        role: 'owner',
        mustChangePassword: false,
        at: '2026-10-01T00:00:00Z',
      });
      const at = '2026-10-01T00:00:00Z';
      // `posguard serve` seeds a demo merchant on a new database: alone, it is no merchant to import to.
      await createMerchant(storage.db, owner.id, {
        name: '演示商户',
        merchantId: '898000000000001',
        demo: true,
        at,
      });
      const demoOnly = await resolveWatchTarget(storage.db, undefined);
      expect('error' in demoOnly && demoOnly.error.zh).toContain(
        '数据库里还没有商户（只有演示商户 「演示商户」（编号 1，商户号 898000000000001）',
      );
      const shop = await createMerchant(storage.db, owner.id, {
        name: '鸿运小店',
        merchantId: MERCHANT_NO,
        at,
      });
      const only = await resolveWatchTarget(storage.db, undefined);
      expect(only).toEqual({ merchantId: shop.id, userId: owner.id, name: '鸿运小店' });
    } finally {
      await storage.close();
    }
    const unknown = await runCli(['watch', 'inbox', '--db', 'posguard.db', '--merchant', '999'], {
      cwd: dir,
      env: {},
    });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toBe(
      'posguard: 找不到商户 999（--merchant 填商户编号或商户号）。数据库里的商户：「演示商户」（编号 1，商户号 898000000000001）、' +
        `「鸿运小店」（编号 2，商户号 ${MERCHANT_NO}）。如是新的商户，命令行不能新建商户：请用同一个数据库启动 posguard serve --db posguard.db，` +
        '在网页登录后点“新建商户”并填写商户号（或调用 POST /api/v1/merchants），然后运行 posguard watch --merchant 商户号\n',
    );
  });
});
