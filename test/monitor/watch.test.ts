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

  it('waits for a CSV whose copy stalls mid-line instead of importing its truncated first half', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    await ownerWithMerchant(m, false);
    const dir = join(m.dir, 'inbox');
    mkdirSync(dir);
    const target = await resolveWatchTarget(m.storage.db, '822584053110001');
    if ('error' in target) throw new Error(target.error.en);
    const full = settlementCsv([line('100000000001'), line('100000000002'), line('100000000003')]);
    // The copy stops inside the third line's amount ("1000.00" cut to "10") for far longer than settleMs.
    const cut = full.indexOf('1000.00', full.indexOf('100000000003')) + 2;
    writeFileSync(join(dir, 'slow.csv'), full.slice(0, cut));
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
    await new Promise((r) => setTimeout(r, 600));
    writeFileSync(join(dir, 'slow.csv'), full);
    await waitFor(() => (lines.length >= 1 ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    await running;
    expect(lines).toEqual(['✓ slow.csv: settlement 3 条记录入库 / 3 records stored']);
    // Three sales of ¥1,000.00 each, nothing else: 300,000 fen.
    const rows = await m.storage.db.selectFrom('records').select('amount_fen').execute();
    expect(rows.map((r) => r.amount_fen)).toEqual([100_000, 100_000, 100_000]);
  });

  it('checks a watched statement on arrival: an overcharged line raises fee_overcharge, queued for delivery', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    const { cookie, id } = await ownerWithMerchant(m);
    const ch = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/alert-channels`,
      headers: { cookie },
      payload: { type: 'webhook', url: 'http://127.0.0.1:9/hook' },
    });
    expect(ch.statusCode).toBe(201);
    const dir = join(m.dir, 'inbox');
    mkdirSync(dir);
    // Credit 0.60 % of ¥1,000.00 is ¥6.00; ¥6.80 was taken on the second line: 80 fen over (tolerance 1 fen).
    writeFileSync(
      join(dir, 'day.csv'),
      settlementCsv([line('100000000001'), { ...line('100000000002'), fee: '6.80', settled: '993.20' }]),
    );
    const target = await resolveWatchTarget(m.storage.db, '822584053110001');
    if ('error' in target) throw new Error(target.error.en);
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
    abort.abort();
    await running;
    expect(lines).toEqual(['✓ day.csv: settlement 2 条记录入库，1 条告警 / 2 records stored, 1 alerts']);
    const alerts = await m.storage.db.selectFrom('monitor_alerts').select(['kind', 'amount_fen']).execute();
    expect(alerts).toEqual([{ kind: 'fee_overcharge', amount_fen: 80 }]);
    const queued = await m.storage.db.selectFrom('alert_deliveries').select('status').execute();
    expect(queued).toEqual([{ status: 'pending' }]);
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
