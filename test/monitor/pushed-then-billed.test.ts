import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImportedRecords } from '../../src/monitor/check-imported.js';
import { resolveWatchTarget, watchFolder } from '../../src/monitor/watch-folder.js';
import { type Line, settlementCsv } from '../server/sample-data.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { PLAN_YAML, waitFor } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** The provider's real-time notice of a ¥1,000.00 credit sale on 10-08, with the fee it announced, if any. */
function pushedSale(feeFen?: number): Record<string, unknown> {
  return {
    type: 'sale',
    status: 'success',
    time: '2026-10-08T10:00:00+08:00',
    terminalId: '12345678',
    refNo: '100000000001',
    channel: 'card',
    card: 'credit',
    amountFen: 100_000,
    ...(feeFen === undefined ? {} : { feeFen }),
  };
}

/** The statement line of the same sale (¥6.00 is the plan's 0.60 %), billed `fee`. */
function billedLine(fee: string, settled: string): Line {
  return {
    time: '2026-10-08 10:00:00',
    ref: '100000000001',
    card: '贷记卡',
    amount: '1000.00',
    fee,
    settled,
    settleDate: '2026-10-09',
  };
}

/** Another sale of the statement, never pushed, charged the plan's fee. */
const RIGHT_LINE: Line = {
  time: '2026-10-08 11:00:00',
  ref: '100000000002',
  card: '贷记卡',
  amount: '500.00',
  fee: '3.00',
  settled: '497.00',
  settleDate: '2026-10-09',
};

interface Landing {
  importId: number;
  stored: number;
  alreadyStored: number;
  updated: number;
}

async function upload(t: DialectApp, lines: readonly Line[]): Promise<{ landing: Landing; alerts: number }> {
  const res = await t.uploadStatement('结算明细.csv', settlementCsv(lines), { kind: 'settlement' });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json<{ landings: Landing[]; alerts: number }>();
  const landing = body.landings[0];
  if (landing === undefined) throw new Error('no landing');
  return { landing, alerts: body.alerts };
}

async function overcharges(t: DialectApp): Promise<[string, number | null][]> {
  return (await t.alerts('fee_overcharge')).map((a) => [a.message, a.amount_fen]);
}

describe.each(DIALECTS)('a pushed sale its statement bills, on %s', (dialect) => {
  it('takes the billed fee, settled amount and settle date, and the overcharge the push did not show is raised', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    // The notice carries no fee: nothing to check yet.
    expect(await t.pushSettlements(pushedSale())).toEqual([]);
    const { landing, alerts } = await upload(t, [billedLine('6.80', '993.20'), RIGHT_LINE]);
    expect(landing).toMatchObject({ stored: 1, alreadyStored: 0, updated: 1 });
    expect(alerts).toBe(1);
    const rows = await t.storage.db
      .selectFrom('records')
      .select(['ref_no', 'import_id', 'fee_fen', 'settled_fen', 'settle_date'])
      .where('merchant_id', '=', t.merchantId)
      .orderBy('id')
      .execute();
    // Still the pushed record (no import of its own), once, now with the bill's values.
    expect(rows).toEqual([
      {
        ref_no: '100000000001',
        import_id: null,
        fee_fen: 680,
        settled_fen: 99_320,
        settle_date: '2026-10-09',
      },
      {
        ref_no: '100000000002',
        import_id: landing.importId,
        fee_fen: 300,
        settled_fen: 49_700,
        settle_date: '2026-10-09',
      },
    ]);
    // ¥6.80 billed where 0.60 % of ¥1,000.00 is ¥6.00: 80 fen over.
    const [alert] = await t.alerts('fee_overcharge');
    expect(alert?.amount_fen).toBe(80);
    expect(alert?.message).toMatch(
      /^2026-10-08 .*交易 ¥1,000\.00 实扣手续费 ¥6\.80，按费率方案应为 ¥6\.00，多扣 ¥0\.80$/,
    );
    expect(await t.deliveries()).toEqual([]);
  });

  it('a statement of pushed sales only (nothing new stored) is checked on the billed fees', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    expect(await t.pushSettlements(pushedSale(600))).toEqual([]);
    const res = await t.uploadStatement('结算明细.csv', settlementCsv([billedLine('6.80', '993.20')]), {
      kind: 'settlement',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{
      landings: Landing[];
      alerts: number;
      files: { warnings: { code: string }[] }[];
    }>();
    expect(body.landings[0]).toMatchObject({ stored: 0, updated: 1 });
    expect(body.files[0]?.warnings.map((w) => w.code)).toContain('pushed_records_billed');
    // The upload route checked the import it billed, though it stored no line of its own.
    expect(body.alerts).toBe(1);
    expect((await overcharges(t)).map(([, fen]) => fen)).toEqual([80]);
    // Checking it again raises nothing new: the alert stands once.
    const again = await checkImportedRecords(t.storage.db, t.merchantId, body.landings[0]?.importId ?? 0, {
      at: t.clock.now.toISOString(),
      publicUrl: 'https://posguard.example',
    });
    expect(again).toEqual([]);
    expect((await overcharges(t)).map(([, fen]) => fen)).toEqual([80]);
  });

  it('a watched statement of pushed sales only raises the overcharge it bills', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    expect(await t.pushSettlements(pushedSale())).toEqual([]);
    const target = await resolveWatchTarget(t.storage.db, '898440153991234');
    if ('error' in target) throw new Error(target.error.en);
    const dir = mkdtempSync(join(tmpdir(), 'posguard-inbox-'));
    writeFileSync(join(dir, '结算明细.csv'), settlementCsv([billedLine('6.80', '993.20')]));
    const lines: string[] = [];
    const abort = new AbortController();
    const running = watchFolder({
      ...target,
      dir,
      db: t.storage.db,
      settleMs: 20,
      signal: abort.signal,
      say: (l) => lines.push(l),
    });
    await waitFor(() => (lines.length > 0 ? true : undefined));
    abort.abort();
    await running;
    rmSync(dir, { recursive: true, force: true });
    expect(lines).toEqual(['✓ 结算明细.csv：对账单，0 条记录入库，1 条告警']);
    expect((await overcharges(t)).map(([, fen]) => fen)).toEqual([80]);
  });

  it('a push announcing more than the bill charges: the overcharge it raised is withdrawn and the channel told', async () => {
    const t = await openApp(dialect);
    await t.putPlan(PLAN_YAML);
    await t.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
    expect(await t.pushSettlements(pushedSale(680))).toEqual(['fee_overcharge']);
    const { landing } = await upload(t, [billedLine('6.00', '994.00'), RIGHT_LINE]);
    expect(landing).toMatchObject({ stored: 1, updated: 1 });
    const [withdrawn] = await t.alerts('fee_overcharge');
    expect(withdrawn?.amount_fen).toBe(0);
    expect(withdrawn?.message).toMatch(
      /^2026-10-08 .*按现行费率方案未多扣手续费，此前提示的多扣 ¥0\.80 已撤销$/,
    );
    // The alert, then the word that its money is not owed.
    expect((await t.deliveries()).map((d) => d.kind)).toEqual(['alert', 'update']);
  });
});
