import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { resolveWatchTarget, watchFolder } from '../../src/monitor/watch-folder.js';
import { settlementCsv } from '../server/sample-data.js';
import { monitorApp, ownerWithMerchant, waitFor } from './monitor-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const line = (ref: string) => ({
  time: '2026-10-08 10:00:00',
  merchant: '822584053110001',
  ref,
  card: '贷记卡' as const,
  amount: '1000.00',
  fee: '6.00',
  settled: '994.00',
  settleDate: '2026-10-09',
});

describe('posguard watch', () => {
  it('imports files already there and those that appear, each once by SHA-256', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    const { id } = await ownerWithMerchant(m, false);
    const dir = join(m.dir, 'inbox');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.csv'), settlementCsv([line('100000000001'), line('100000000002')]));
    const target = await resolveWatchTarget(m.storage.db, '822584053110001');
    expect('error' in target).toBe(false);
    if ('error' in target) return;
    expect(target.merchantId).toBe(id);
    const lines: string[] = [];
    const abort = new AbortController();
    const running = watchFolder({
      dir,
      db: m.storage.db,
      merchantId: target.merchantId,
      userId: target.userId,
      settleMs: 50,
      signal: abort.signal,
      say: (l) => lines.push(l),
      tmpDir: m.dir,
    });
    await waitFor(() => (lines.length >= 1 ? true : undefined), 10_000);
    expect(lines[0]).toMatch(/^✓ a\.csv: settlement 2 条记录入库/);
    writeFileSync(join(dir, 'b.csv'), settlementCsv([line('100000000003')]));
    // The same bytes under another name: already imported.
    writeFileSync(join(dir, 'a-copy.csv'), settlementCsv([line('100000000001'), line('100000000002')]));
    writeFileSync(join(dir, '.hidden.csv'), 'x');
    await waitFor(() => (lines.length >= 3 ? true : undefined), 10_000);
    abort.abort();
    await running;
    expect([...lines].sort()).toEqual([
      '= a-copy.csv: 已导入过（SHA-256 相同）/ already imported',
      '✓ a.csv: settlement 2 条记录入库 / 2 records stored',
      '✓ b.csv: settlement 1 条记录入库 / 1 records stored',
    ]);
    const n = await m.storage.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(3);
  });

  it('refuses a missing folder and an unknown merchant with one line and exit code 2', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    await ownerWithMerchant(m, false);
    const file = m.file;
    await m.stop();
    const noDir = await runCli(['watch', join(m.dir, 'nope'), '--db', file], { cwd: m.dir, env: {} });
    expect(noDir.exitCode).toBe(2);
    expect(noDir.stderr).toContain('nope');
    const noMerchant = await runCli(['watch', m.dir, '--db', file, '--merchant', '999'], {
      cwd: m.dir,
      env: {},
    });
    expect(noMerchant.exitCode).toBe(2);
    expect(noMerchant.stderr).toContain('999');
  });
});
