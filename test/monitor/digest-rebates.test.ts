import { describe, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { merchantRoutes, PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** The merchant number dialectApp registers, and a second merchant's. */
const MERCHANT = '898440153991234';
const OTHER = '898440153995678';

const HEADER = '交易时间,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期';

/** A ¥1,000.00 credit sale charged ¥6.80 where the plan's 0.60 % is ¥6.00: 80 fen over. */
const overcharged = (merchant: string, ref: string, time: string, settleDate: string) =>
  `${time},${merchant},LS000300,${ref},贷记卡,刷卡,消费,1000.00,6.80,993.20,${settleDate}`;

/** A line of money the provider gives back, with its settle day (or none). */
const rebate = (merchant: string, time: string, label: string, yuan: string, settleDate = '') =>
  `${time},${merchant},,,,,${label},${yuan},,${yuan},${settleDate}`;

const csv = (lines: readonly string[]) => `${[HEADER, ...lines].join('\r\n')}\r\n`;

/** The digest of `date` as the channel `channelId` of merchant `merchantId` is sent it, or undefined. */
async function digestOf(a: DialectApp, merchantId: number, date: string, channelId?: number) {
  let q = a.storage.db
    .selectFrom('alert_deliveries')
    .select(['text', 'payload_json'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'digest');
  if (channelId !== undefined) q = q.where('channel_id', '=', channelId);
  const rows = await q.orderBy('channel_id').execute();
  const found = rows.find((r) => (JSON.parse(r.payload_json) as { date: string }).date === date);
  if (found === undefined) return undefined;
  return {
    lines: found.text.split('\n'),
    payload: JSON.parse(found.payload_json) as Record<string, unknown>,
  };
}

const opts = { publicUrl: 'https://posguard.example' };

describe.each(DIALECTS)(
  'the daily digest tells what the provider gave back, on %s',
  (dialect: DialectName) => {
    it('names the rebate lines of its day (settle day, else trade day), apart from the loss, in both languages', async () => {
      // Uploaded on 2026-12-06 (Shanghai): the overcharge's alert is of that day, its digest goes out on 12-07.
      const a = await openApp(dialect, '2026-12-06T02:00:00Z');
      await a.putPlan(PLAN_YAML);
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
      const up = await a.uploadStatement(
        '结算明细-12月.csv',
        csv([
          overcharged(MERCHANT, '634300555001', '2026-12-05 10:00:00', '2026-12-06'),
          // Of 12-06 by their settle day, whatever their trade day: 50 + 1,200 fen.
          rebate(MERCHANT, '2026-12-05 08:00:00', '手续费返还', '0.50', '2026-12-06'),
          rebate(MERCHANT, '2026-12-04 09:00:00', '流量费返还', '12.00', '2026-12-06'),
          // No settle day: of 12-06 by its trade day, late in the Shanghai evening (30 fen); the minute before 12-06
          // and the hour after it are other days'.
          rebate(MERCHANT, '2026-12-06 23:30:00', '手续费返还', '0.30'),
          rebate(MERCHANT, '2026-12-05 23:59:00', '流量费返还', '0.20'),
          rebate(MERCHANT, '2026-12-07 01:00:00', '手续费返还', '0.10'),
          // Traded on 12-06 but settled on another day: not 12-06's.
          rebate(MERCHANT, '2026-12-06 09:00:00', '激活返现', '50.00', '2026-12-07'),
          rebate(MERCHANT, '2026-12-06 09:30:00', '手续费返还', '2.00', '2026-12-05'),
        ]),
      );
      expect(up.statusCode, up.body).toBe(201);
      expect((await a.alerts()).map((x) => [x.kind, x.amount_fen])).toEqual([['fee_overcharge', 80]]);

      await runDailyChecks(a.storage.db, '2026-12-07', { ...opts, at: '2026-12-07T02:00:00Z' });
      const digest = await digestOf(a, a.merchantId, '2026-12-06', zh.json<{ id: number }>().id);
      // 50 + 1,200 + 30 = 1,280 fen given back in 3 lines; the loss is the 80 fen overcharge alone.
      expect(digest?.lines.slice(1, 4)).toEqual([
        '手续费多扣 1 条，多扣 ¥0.80',
        '合计损失 ¥0.80',
        '服务商返还 3 笔 ¥12.80（手续费返还 ¥0.80、流量费返还 ¥12.00）',
      ]);
      expect(digest?.payload).toMatchObject({
        lossFen: 80,
        counts: { fee_overcharge: { n: 1, fen: 80 } },
        withdrawn: { n: 0, fen: 0 },
        returned: { n: 3, fen: 1_280 },
      });
      const inEnglish = await digestOf(a, a.merchantId, '2026-12-06', en.json<{ id: number }>().id);
      expect(inEnglish?.lines.slice(1, 4)).toEqual([
        'Fee overcharged: 1 alert, overcharged ¥0.80',
        'Total lost ¥0.80',
        'Given back by the provider: 3 lines, ¥12.80 (手续费返还 ¥0.80, 流量费返还 ¥12.00)',
      ]);
      expect(inEnglish?.payload).toEqual(digest?.payload);

      // 12-07 raised no alert; its digest goes out for the reconciliation's finding and tells the early-morning
      // fee rebate and the 激活返现, in the statement's order: 10 + 5,000 fen.
      const quiet = await runDailyChecks(a.storage.db, '2026-12-08', { ...opts, at: '2026-12-08T02:00:00Z' });
      expect(quiet.find((r) => r.merchantId === a.merchantId)?.audit?.findings).toBeGreaterThan(0);
      const of1207 = await digestOf(a, a.merchantId, '2026-12-07', zh.json<{ id: number }>().id);
      expect(of1207?.lines.filter((l) => l.startsWith('服务商返还'))).toEqual([
        '服务商返还 2 笔 ¥50.10（手续费返还 ¥0.10、激活返现 ¥50.00）',
      ]);
      expect(of1207?.payload).toMatchObject({ lossFen: 0, counts: {}, returned: { n: 2, fen: 5_010 } });
      const of1207En = await digestOf(a, a.merchantId, '2026-12-07', en.json<{ id: number }>().id);
      expect(of1207En?.lines).toContain(
        'Given back by the provider: 2 lines, ¥50.10 (手续费返还 ¥0.10, 激活返现 ¥50.00)',
      );

      // 12-08 has no rebate line: its digest says nothing of one.
      await runDailyChecks(a.storage.db, '2026-12-09', { ...opts, at: '2026-12-09T02:00:00Z' });
      const of1208 = await digestOf(a, a.merchantId, '2026-12-08');
      expect(of1208?.lines.some((l) => l.includes('返还') || l.includes('Given back'))).toBe(false);
      expect(of1208?.payload['returned']).toEqual({ n: 0, fen: 0 });
    });

    it('is sent for a day whose only news is money given back', async () => {
      const a = await openApp(dialect, '2026-12-06T02:00:00Z');
      await a.putPlan(PLAN_YAML);
      const hook = await a.post('alert-channels', {
        type: 'webhook',
        url: 'http://127.0.0.1:9/h',
        secret: 's',
      });
      expect(hook.statusCode).toBe(201);
      // No sale, no alert: only the provider giving back ¥5.00 of fees, settled 12-06.
      const up = await a.uploadStatement(
        '返还-12月.csv',
        csv([rebate(MERCHANT, '2026-12-05 08:00:00', '手续费返还', '5.00', '2026-12-06')]),
      );
      expect(up.statusCode, up.body).toBe(201);
      expect(await a.alerts()).toEqual([]);
      await runDailyChecks(a.storage.db, '2026-12-07', { ...opts, at: '2026-12-07T02:00:00Z' });
      const digest = await digestOf(a, a.merchantId, '2026-12-06');
      expect(digest?.lines).toContain('服务商返还 1 笔 ¥5.00（手续费返还 ¥5.00）');
      expect(digest?.payload).toMatchObject({ lossFen: 0, counts: {}, returned: { n: 1, fen: 500 } });
    });

    it("a merchant's rebates show in its own digest only", async () => {
      const a = await openApp(dialect, '2026-12-06T02:00:00Z');
      await a.putPlan(PLAN_YAML);
      expect(
        (await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/a', secret: 's' }))
          .statusCode,
      ).toBe(201);
      const created = await a.app.inject({
        method: 'POST',
        url: '/api/v1/merchants',
        headers: { cookie: a.cookie },
        payload: { name: '隔壁小店', merchantId: OTHER },
      });
      expect(created.statusCode, created.body).toBe(201);
      const otherId = created.json<{ id: number }>().id;
      const other = merchantRoutes(a.app, a.cookie, otherId);
      expect((await other.putYaml('plan', PLAN_YAML)).statusCode).toBe(200);
      expect(
        (await other.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/b', secret: 's' }))
          .statusCode,
      ).toBe(201);

      // Both overcharged on 12-05; only the other merchant is given back ¥7.00 on 12-06, and this one ¥0.50.
      const mine = await a.uploadStatement(
        '结算明细-本店.csv',
        csv([
          overcharged(MERCHANT, '634300555001', '2026-12-05 10:00:00', '2026-12-06'),
          rebate(MERCHANT, '2026-12-05 08:00:00', '手续费返还', '0.50', '2026-12-06'),
        ]),
      );
      expect(mine.statusCode, mine.body).toBe(201);
      const theirs = await other.uploadStatement(
        '结算明细-隔壁.csv',
        csv([
          overcharged(OTHER, '634300666001', '2026-12-05 11:00:00', '2026-12-06'),
          rebate(OTHER, '2026-12-05 08:00:00', '服务费返还', '7.00', '2026-12-06'),
        ]),
      );
      expect(theirs.statusCode, theirs.body).toBe(201);

      await runDailyChecks(a.storage.db, '2026-12-07', { ...opts, at: '2026-12-07T02:00:00Z' });
      const own = await digestOf(a, a.merchantId, '2026-12-06');
      const next = await digestOf(a, otherId, '2026-12-06');
      expect(own?.lines.filter((l) => l.startsWith('服务商返还'))).toEqual([
        '服务商返还 1 笔 ¥0.50（手续费返还 ¥0.50）',
      ]);
      expect(own?.payload).toMatchObject({ lossFen: 80, returned: { n: 1, fen: 50 } });
      expect(next?.lines.filter((l) => l.startsWith('服务商返还'))).toEqual([
        '服务商返还 1 笔 ¥7.00（服务费返还 ¥7.00）',
      ]);
      expect(next?.payload).toMatchObject({ lossFen: 80, returned: { n: 1, fen: 700 } });
    });
  },
);
