import { describe, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { creditLine, PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** The plan as first entered (credit 0.60 %, no charges), and as corrected: 0.68 %, and a ¥99 SIM fee a year. */
const WRONG_PLAN = PLAN_YAML;
const RIGHT_PLAN = `${PLAN_YAML.replace('card: credit, rate: 0.60%', 'card: credit, rate: 0.68%')}charges:\n  - { name: 流量费, amount: 99, every: year, from: 2026-09-01 }\n`;

/** The digest of `date` as the channel `channelId` is sent it. */
async function digestOf(a: DialectApp, date: string, channelId: number) {
  const rows = await a.storage.db
    .selectFrom('alert_deliveries')
    .select(['text', 'payload_json'])
    .where('merchant_id', '=', a.merchantId)
    .where('kind', '=', 'digest')
    .where('channel_id', '=', channelId)
    .execute();
  const found = rows.find((r) => (JSON.parse(r.payload_json) as { date: string }).date === date);
  if (found === undefined) throw new Error(`no digest of ${date}`);
  return {
    lines: found.text.split('\n'),
    payload: JSON.parse(found.payload_json) as Record<string, unknown>,
  };
}

describe.each(DIALECTS)('the daily digest leaves withdrawn alerts out, on %s', (dialect: DialectName) => {
  it('counts only the alerts that stand, and says apart how many were withdrawn and what they had claimed', async () => {
    // Everything happens on 2026-10-10 (Shanghai); the digest of that day goes out on 10-11.
    const a = await openApp(dialect, '2026-10-10T02:00:00Z');
    await a.putPlan(WRONG_PLAN);
    const zh = await a.post('alert-channels', {
      type: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      secret: 's',
    });
    const en = await a.post('alert-channels', {
      type: 'wecom',
      url: 'http://127.0.0.1:9/robot',
      language: 'en',
    });
    expect([zh.statusCode, en.statusCode]).toEqual([201, 201]);
    // 10-08: three ¥1,000.00 credit sales charged ¥6.80, 80 fen over 0.60 % each (240); 10-09: one charged ¥7.00,
    // 100 over; a ¥99.00 SIM fee the plan does not agree to.
    expect(
      await a.pushSettlements(
        [1, 2, 3].map((n) => creditLine(100_000, 680, n, `2026-10-08T1${n}:00:00+08:00`)),
      ),
    ).toEqual(['fee_overcharge']);
    expect(await a.pushSettlements([creditLine(100_000, 700, 4, '2026-10-09T10:00:00+08:00')])).toEqual([
      'fee_overcharge',
    ]);
    expect(
      await a.pushSettlements({
        type: 'deduction',
        status: 'success',
        time: '2026-10-07T09:30:00+08:00',
        channel: 'other',
        card: 'unknown',
        amountFen: -9_900,
        label: '流量费',
        settleDate: '2026-10-08',
      }),
    ).toEqual(['unplanned_deduction']);

    // The corrected plan: 10-08 is not overcharged (withdrawn, 240), 10-09 is 20 over 0.68 %, the SIM fee is
    // agreed (withdrawn, 9,900).
    await a.putPlan(RIGHT_PLAN);
    expect((await a.alerts()).map((x) => [x.kind, x.amount_fen])).toEqual([
      ['fee_overcharge', 0],
      ['fee_overcharge', 20],
      ['unplanned_deduction', 0],
    ]);

    const opts = { publicUrl: 'https://posguard.example' };
    await runDailyChecks(a.storage.db, '2026-10-11', { ...opts, at: '2026-10-11T02:00:00Z' });
    const digest = await digestOf(a, '2026-10-10', zh.json<{ id: number }>().id);
    // One overcharge alert stands, 20 fen; the two withdrawn ones had claimed 240 + 9,900 = 10,140 fen.
    expect(digest.lines.slice(1, 4)).toEqual([
      '手续费多扣 1 条，多扣 ¥0.20',
      '合计损失 ¥0.20',
      '已撤销告警 2 条（此前提示的 ¥101.40 不计入损失）',
    ]);
    expect(digest.lines.join('\n')).not.toContain('方案外扣费');
    expect(digest.payload).toMatchObject({
      lossFen: 20,
      counts: { fee_overcharge: { n: 1, fen: 20 } },
      withdrawn: { n: 2, fen: 10_140 },
    });
    expect(Object.keys(digest.payload['counts'] as object)).toEqual(['fee_overcharge']);
    const inEnglish = await digestOf(a, '2026-10-10', en.json<{ id: number }>().id);
    expect(inEnglish.lines.slice(1, 4)).toEqual([
      'Fee overcharged: 1 alert, overcharged ¥0.20',
      'Total lost ¥0.20',
      'Withdrawn: 2 alerts (the ¥101.40 reported before is not counted as lost)',
    ]);
    expect(inEnglish.payload).toEqual(digest.payload);
  });
});
