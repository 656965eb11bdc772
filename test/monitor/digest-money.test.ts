import { describe, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** A credit sale of whole yuan charged `ppm` (0.60 % = 6,000, the plan's; 0.63 % = 6,300), so every fee is exact. */
function creditSale(day: string, hour: number, yuan: number, ppm: number): Record<string, unknown> {
  return {
    type: 'sale',
    status: 'success',
    time: `${day}T${String(hour).padStart(2, '0')}:00:00+08:00`,
    refNo: `P${day.replaceAll('-', '')}${hour}`,
    channel: 'card',
    card: 'credit',
    amountFen: yuan * 100,
    feeFen: (yuan * 100 * ppm) / 1_000_000,
  };
}

/** A day's ¥1,000, ¥2,000, ¥3,000 and ¥5,000 credit sales: at 0.63 % 30 + 60 + 90 + 150 = 330 fen over the plan. */
const creditDay = (day: string, ppm: number) =>
  [1_000, 2_000, 3_000, 5_000].map((yuan, i) => creditSale(day, 10 + i, yuan, ppm));

/** A terminal sale (or void) at noon on 2026-11-30. */
function terminal(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'sale',
    status: 'success',
    time: '2026-11-30T12:00:00+08:00',
    terminalId: 'T001',
    channel: 'card',
    card: 'credit',
    ...fields,
  };
}

/** The digest of `date` as the merchant's first channel (or the channel `channelId`) is sent it. */
async function digestOf(a: DialectApp, date: string, channelId?: number) {
  let q = a.storage.db
    .selectFrom('alert_deliveries')
    .select(['text', 'payload_json'])
    .where('merchant_id', '=', a.merchantId)
    .where('kind', '=', 'digest');
  if (channelId !== undefined) q = q.where('channel_id', '=', channelId);
  const rows = await q.orderBy('channel_id').execute();
  const found = rows.find((r) => (JSON.parse(r.payload_json) as { date: string }).date === date);
  if (found === undefined) throw new Error(`no digest of ${date}`);
  return { text: found.text, payload: JSON.parse(found.payload_json) as Record<string, unknown> };
}

describe.each(DIALECTS)('the daily digest counts every fen lost once, on %s', (dialect: DialectName) => {
  it('overcharges, a rate change and an unplanned deduction add up; a missing statement is at risk, apart', async () => {
    const a = await openApp(dialect, '2026-12-06T02:00:00Z');
    await a.putPlan(PLAN_YAML);
    await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
    const english = await a.post('alert-channels', {
      type: 'wecom',
      url: 'http://127.0.0.1:9/robot',
      language: 'en',
    });
    expect(english.statusCode, english.body).toBe(201);
    // 12-01 to 12-03 at the plan's 0.60 %: nothing to say.
    expect(
      await a.pushSettlements(['2026-12-01', '2026-12-02', '2026-12-03'].flatMap((d) => creditDay(d, 6_000))),
    ).toEqual([]);
    // The first sale at 0.63 % is an overcharge of 30 fen before any change is confirmed: it keeps its alert.
    const [first, ...restOf1204] = creditDay('2026-12-04', 6_300);
    expect(await a.pushSettlements(first)).toEqual(['fee_overcharge']);
    // The rest of 12-04 and 12-05 confirm the change, which carries both days (330 fen each); 12-04 is also the
    // fee_overcharge alert's, brought up to the day's 330.
    expect(await a.pushSettlements([...restOf1204, ...creditDay('2026-12-05', 6_300)])).toEqual([
      'rate_change',
    ]);
    const [change] = await a.alerts('rate_change');
    expect(change?.amount_fen).toBe(660);
    expect(JSON.parse(change?.details_json ?? '{}')).toMatchObject({
      days: { '2026-12-04': 330, '2026-12-05': 330 },
    });
    expect((await a.alerts('fee_overcharge')).map((x) => x.amount_fen)).toEqual([330]);
    // A ¥299.00 deposit the plan does not agree to.
    expect(
      await a.pushSettlements({
        type: 'deduction',
        status: 'success',
        time: '2026-12-05T09:31:00+08:00',
        channel: 'other',
        card: 'unknown',
        amountFen: -29_900,
        label: '机具押金',
        settleDate: '2026-12-05',
      }),
    ).toEqual(['unplanned_deduction']);
    // 11-30: sales of ¥1,200.00, ¥345.67 and ¥88.00 — the last voided — and one the journal marks voided; no
    // statement line of that day ever came.
    const journal = await a.post('transactions', [
      terminal({ refNo: 'T1', amountFen: 120_000 }),
      terminal({ refNo: 'T2', amountFen: 34_567 }),
      terminal({ refNo: 'T3', amountFen: 8_800 }),
      terminal({ type: 'void', refNo: 'T4', originalRefNo: 'T3', amountFen: -8_800 }),
      terminal({ refNo: 'T5', status: 'voided', amountFen: 50_000 }),
    ]);
    expect(journal.statusCode, journal.body).toBe(201);

    const opts = { publicUrl: 'https://posguard.example' };
    const run = await runDailyChecks(a.storage.db, '2026-12-06', { ...opts, at: '2026-12-06T03:00:00Z' });
    expect(run.find((r) => r.merchantId === a.merchantId)?.missingStatements).toEqual(['2026-11-30']);
    // 120,000 + 34,567 = 154,567 fen of sales waiting for settlement.
    const [missing] = await a.alerts('missing_statement');
    expect(missing?.amount_fen).toBe(154_567);
    expect(missing?.message).toBe(
      '2026-11-30 有终端交易，但到 2026-12-01（T+1）仍未收到结算单：¥1,545.67 的交易仍待结算',
    );
    const en = await a.storage.db
      .selectFrom('monitor_alerts')
      .select('message_en')
      .where('merchant_id', '=', a.merchantId)
      .where('kind', '=', 'missing_statement')
      .executeTakeFirstOrThrow();
    expect(en.message_en).toBe(
      '2026-11-30 had terminal sales, but no statement has arrived by 2026-12-01 (T+1): ¥1,545.67 of sales still waiting for settlement',
    );

    await runDailyChecks(a.storage.db, '2026-12-07', { ...opts, at: '2026-12-07T02:00:00Z' });
    const digest = await digestOf(a, '2026-12-06');
    // Lost: 330 (the 12-04 overcharge) + 29,900 (the deposit) + 330 (12-05, the rate change's own day) = 30,560
    // fen. Not 30,890: 12-04 is counted once. The ¥1,545.67 waiting is not a loss.
    const lines = digest.text.split('\n');
    expect(lines.slice(1, 6)).toEqual([
      '手续费多扣 1 条，多扣 ¥3.30',
      '方案外扣费 1 条，未约定扣款 ¥299.00',
      '费率变化（疑似跳点） 1 条，多扣 ¥3.30（另有 ¥3.30 已计入手续费多扣）',
      '结算单未到 1 条，待结算交易 ¥1,545.67（尚未到账的风险金额，不计入损失）',
      '合计损失 ¥305.60（手续费多扣 ¥3.30 + 方案外扣费 ¥299.00 + 费率变化（疑似跳点） ¥3.30）',
    ]);
    // The channel set to English is sent the same figures in English.
    const inEnglish = await digestOf(a, '2026-12-06', english.json<{ id: number }>().id);
    expect(inEnglish.text.split('\n').slice(0, 6)).toEqual([
      '[posguard] Monitoring digest of 2026-12-06',
      'Fee overcharged: 1 alert, overcharged ¥3.30',
      'Unplanned deduction: 1 alert, deducted outside the plan ¥299.00',
      'Rate change (suspected fee jump): 1 alert, overcharged ¥3.30 (another ¥3.30 already counted under Fee overcharged)',
      'Statement missing: 1 alert, ¥1,545.67 of sales awaiting settlement (money at risk, not yet paid out; not counted as lost)',
      'Total lost ¥305.60 (Fee overcharged ¥3.30 + Unplanned deduction ¥299.00 + Rate change (suspected fee jump) ¥3.30)',
    ]);
    expect(inEnglish.text.split('\n').at(-1)).toBe(
      `Details: https://posguard.example/m/${a.merchantId}/alerts`,
    );
    expect(inEnglish.payload).toEqual(digest.payload);
    expect(digest.payload).toMatchObject({
      lossFen: 30_560,
      atRiskFen: 154_567,
      counts: {
        fee_overcharge: { n: 1, fen: 330 },
        unplanned_deduction: { n: 1, fen: 29_900 },
        rate_change: { n: 1, fen: 330, foldedFen: 330 },
        missing_statement: { n: 1, fen: 0, atRiskFen: 154_567 },
      },
    });

    // 12-06 at 0.63 % too: the rate change is brought up to 990 fen, in both languages.
    expect(await a.pushSettlements(creditDay('2026-12-06', 6_300))).toEqual([]);
    const grown = await a.storage.db
      .selectFrom('monitor_alerts')
      .select(['amount_fen', 'message', 'message_en'])
      .where('merchant_id', '=', a.merchantId)
      .where('kind', '=', 'rate_change')
      .executeTakeFirstOrThrow();
    expect(grown).toEqual({
      amount_fen: 990,
      message:
        '2026-12-04 起 刷卡贷记卡 实际扣费由 0.60% 变为 0.63%；按费率方案已多扣 ¥9.90（2026-12-04 至 2026-12-06）',
      message_en:
        'From 2026-12-04 the fee charged on credit card sales went from 0.60% to 0.63%; ¥9.90 overcharged against the plan so far (2026-12-04 to 2026-12-06)',
    });
  });
});
