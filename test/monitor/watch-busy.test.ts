import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { resolveWatchTarget, watchFolder } from '../../src/monitor/watch-folder.js';
import { settlementCsv } from '../server/sample-data.js';
import {
  type Cleanups,
  cleanupAfterEach,
  creditStatementLine as line,
  MERCHANT_NO,
  type OwnerSession,
  ownerSession,
  waitFor,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

/**
 * Another writer on the app's SQLite file (the server storing a large upload, a second watcher): it holds the
 * write lock until `release`. The app's own connection waits only 50 ms for it, so the lock shows at once.
 */
async function holdWriteLock(s: OwnerSession, cleanups: Cleanups): Promise<{ release: () => void }> {
  await sql`pragma busy_timeout = 50`.execute(s.m.storage.db);
  const other = new Database(s.m.file);
  other.exec('BEGIN IMMEDIATE');
  let held = true;
  const release = (): void => {
    if (held) other.exec('COMMIT');
    held = false;
  };
  cleanups.push(async () => {
    release();
    other.close();
  });
  return { release };
}

/** Watches a new inbox holding one statement of two sales; `lines` gathers what the watcher says. */
async function watchInbox(s: OwnerSession, lang?: 'zh' | 'en') {
  const dir = join(s.m.dir, 'inbox');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.csv'), settlementCsv([line('100000000001'), line('100000000002')]));
  const target = await resolveWatchTarget(s.m.storage.db, MERCHANT_NO);
  if ('error' in target) throw new Error(target.error.en);
  const lines: string[] = [];
  const abort = new AbortController();
  const running = watchFolder({
    ...target,
    dir,
    db: s.m.storage.db,
    settleMs: 20,
    retryFirstMs: 20,
    signal: abort.signal,
    say: (l) => lines.push(l),
    tmpDir: s.m.dir,
    ...(lang === undefined ? {} : { lang }),
  });
  return {
    lines,
    /** Waits until the watcher said a line matching `pattern`. */
    saidMatching: (pattern: RegExp) => waitFor(() => (lines.some((l) => pattern.test(l)) ? true : undefined)),
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

async function storedRecords(s: OwnerSession): Promise<number> {
  const rows = await s.m.storage.db
    .selectFrom('records')
    .select('id')
    .where('merchant_id', '=', s.id)
    .execute();
  return rows.length;
}

describe('posguard watch while another program writes to the database', () => {
  it('waits the lock out and imports the file, saying in Chinese what is happening', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const lock = await holdWriteLock(s, cleanups);
    const w = await watchInbox(s);
    await w.saidMatching(/第 2 次重试/);
    // Nothing stored while the lock is held, and the file is not given up.
    expect(await storedRecords(s)).toBe(0);
    expect(w.lines.every((l) => !l.startsWith('✓') && !l.startsWith('✗'))).toBe(true);
    expect(w.lines[0]).toMatch(
      /^… a\.csv：导入暂时失败：数据库正被另一个程序写入或连接中断（SQLITE_BUSY）；\d+ 秒后自动重试（第 1 次重试）$/,
    );
    lock.release();
    await w.saidMatching(/^✓ a\.csv/);
    await w.stop();
    expect(w.lines[w.lines.length - 1]).toBe('✓ a.csv：对账单，2 条记录入库');
    expect(await storedRecords(s)).toBe(2);
  });

  it('stopped while the lock is held: says the file was not imported nor marked done, and what to do', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    await holdWriteLock(s, cleanups);
    const w = await watchInbox(s);
    await w.saidMatching(/暂时失败/);
    await w.stop();
    expect(w.lines[w.lines.length - 1]).toBe(
      '✗ a.csv：未能导入：数据库正被另一个程序写入或连接中断（SQLITE_BUSY）。该文件未标记为已处理，请确认没有其他程序长时间占用数据库（如正在导入大文件的 posguard serve），然后重新启动 posguard watch 或重新放入该文件',
    );
    expect(await storedRecords(s)).toBe(0);
  });

  it('says it in English with the language option', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    await holdWriteLock(s, cleanups);
    const w = await watchInbox(s, 'en');
    await w.saidMatching(/failed for now/);
    await w.stop();
    expect(w.lines[0]).toMatch(
      /^… a\.csv: the import failed for now: the database is busy with another program's writes or the connection was lost \(SQLITE_BUSY\); trying again in \d+ s \(retry 1\)$/,
    );
    expect(w.lines[w.lines.length - 1]).toMatch(
      /^✗ a\.csv: not imported: .*\(SQLITE_BUSY\)\. The file is not marked done; make sure no other program holds the database for long/,
    );
  });
});
