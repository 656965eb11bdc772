import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { resolveWatchTarget, watchFolder } from '../../src/monitor/watch-folder.js';
import { settlementCsv } from '../server/sample-data.js';
import {
  cleanupAfterEach,
  creditStatementLine as line,
  MERCHANT_NO,
  type MonitorApp,
  ownerSession,
  waitFor,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

/**
 * Writes `files` into a new inbox folder of the app's temp dir, then watches it for MERCHANT_NO as `posguard
 * watch` does; `lines` gathers what the watcher says.
 */
async function watchInbox(m: MonitorApp, files: Record<string, string>) {
  const dir = join(m.dir, 'inbox');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const target = await resolveWatchTarget(m.storage.db, MERCHANT_NO);
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
  return {
    dir,
    target,
    lines,
    /** Waits until the watcher has said `count` lines. */
    said: (count: number) => waitFor(() => (lines.length >= count ? true : undefined), 10_000),
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

describe('posguard watch', () => {
  it('imports files already there and those that appear, each once by SHA-256', async () => {
    const s = await ownerSession(cleanups, { worker: false }, { plan: false });
    const w = await watchInbox(s.m, {
      'a.csv': settlementCsv([line('100000000001'), line('100000000002')]),
    });
    expect('error' in w.target).toBe(false);
    expect(w.target.merchantId).toBe(s.id);
    await w.said(1);
    expect(w.lines[0]).toMatch(/^✓ a\.csv：对账单，2 条记录入库$/);
    writeFileSync(join(w.dir, 'b.csv'), settlementCsv([line('100000000003')]));
    // The same bytes under another name: already imported.
    writeFileSync(join(w.dir, 'a-copy.csv'), settlementCsv([line('100000000001'), line('100000000002')]));
    writeFileSync(join(w.dir, '.hidden.csv'), 'x');
    await w.said(3);
    await w.stop();
    expect([...w.lines].sort()).toEqual([
      '= a-copy.csv：已导入过（SHA-256 相同），跳过',
      '✓ a.csv：对账单，2 条记录入库',
      '✓ b.csv：对账单，1 条记录入库',
    ]);
    const n = await s.m.storage.db
      .selectFrom('records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(3);
  });

  it('waits for a CSV whose copy stalls mid-line instead of importing its truncated first half', async () => {
    const s = await ownerSession(cleanups, { worker: false }, { plan: false });
    const full = settlementCsv([line('100000000001'), line('100000000002'), line('100000000003')]);
    // The copy stops inside the third line's amount ("1000.00" cut to "10") for far longer than settleMs.
    const cut = full.indexOf('1000.00', full.indexOf('100000000003')) + 2;
    const w = await watchInbox(s.m, { 'slow.csv': full.slice(0, cut) });
    await new Promise((r) => setTimeout(r, 600));
    writeFileSync(join(w.dir, 'slow.csv'), full);
    await w.said(1);
    await new Promise((r) => setTimeout(r, 300));
    await w.stop();
    expect(w.lines).toEqual(['✓ slow.csv：对账单，3 条记录入库']);
    // Three sales of ¥1,000.00 each, nothing else: 300,000 fen.
    const rows = await s.m.storage.db.selectFrom('records').select('amount_fen').execute();
    expect(rows.map((r) => r.amount_fen)).toEqual([100_000, 100_000, 100_000]);
  });

  it('checks a watched statement on arrival: an overcharged line raises fee_overcharge, queued for delivery', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const ch = await s.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook' });
    expect(ch.statusCode).toBe(201);
    // Credit 0.60 % of ¥1,000.00 is ¥6.00; ¥6.80 was taken on the second line: 80 fen over (tolerance 1 fen).
    const w = await watchInbox(s.m, {
      'day.csv': settlementCsv([
        line('100000000001'),
        line('100000000002', { fee: '6.80', settled: '993.20' }),
      ]),
    });
    await w.said(1);
    await w.stop();
    expect(w.lines).toEqual(['✓ day.csv：对账单，2 条记录入库，1 条告警']);
    const alerts = await s.m.storage.db.selectFrom('monitor_alerts').select(['kind', 'amount_fen']).execute();
    expect(alerts).toEqual([{ kind: 'fee_overcharge', amount_fen: 80 }]);
    const queued = await s.m.storage.db.selectFrom('alert_deliveries').select('status').execute();
    expect(queued).toEqual([{ status: 'pending' }]);
  });

  it('refuses a missing folder and an unknown merchant with one line and exit code 2', async () => {
    const { m } = await ownerSession(cleanups, { worker: false }, { plan: false });
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
