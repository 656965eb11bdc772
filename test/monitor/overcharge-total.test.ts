import { describe, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import type { DialectName } from '../../src/storage/database.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from '../server/sample-data.js';
import { DIALECTS } from '../storage/test-storage.js';
import { dialectAppPerTest } from './dialect-app.js';
import { creditLine } from './monitor-harness.js';

const openApp = dialectAppPerTest();

describe.each(DIALECTS)(
  'a fee_overcharge alert carries the day total of its key, on %s',
  (dialect: DialectName) => {
    it('sums every overcharged line of the day, adds later lines without a second message, and the digest says so', async () => {
      // Everything arrives on 2026-10-09 (10:00 Shanghai); the digest of 10-09 runs on 10-10.
      const a = await openApp(dialect, '2026-10-09T02:00:00Z');
      await a.putPlan(PLAN_YAML);
      await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
      const up = await a.uploadStatement('结算明细-10月.csv', settlementCsv(OVERCHARGED));
      expect(up.statusCode, up.body).toBe(201);
      // Three ¥1,000.00 credit sales on 10-08 charged ¥6.80; 0.60 % gives ¥6.00: 80 fen over each, 240 in all.
      let alerts = await a.alerts();
      expect(alerts.map((x) => [x.kind, x.amount_fen])).toEqual([['fee_overcharge', 240]]);
      expect(alerts[0]?.message).toContain('3 笔');
      expect(alerts[0]?.message).toContain('¥2.40');

      // A pushed fourth line of the same day and card: ¥500.00 charged ¥3.50 where 0.60 % gives ¥3.00, 50 fen
      // over. Same key: no new alert, no second message; the total is 240 + 50 = 290.
      expect(await a.pushSettlements(creditLine(50_000, 350, 9, '2026-10-08T15:00:00+08:00'))).toEqual([]);
      // A correctly charged line (¥300.00 × 0.60 % = ¥1.80) and the provider pushing a line the uploaded file
      // already brought (same reference number: the same record, not a second overcharge) change nothing.
      expect(await a.pushSettlements(creditLine(30_000, 180, 10, '2026-10-08T16:00:00+08:00'))).toEqual([]);
      expect(
        await a.pushSettlements({
          type: 'sale',
          status: 'success',
          time: '2026-10-08T10:00:00+08:00',
          terminalId: '12345678',
          refNo: '100000000001',
          channel: 'card',
          card: 'credit',
          amountFen: 100_000,
          feeFen: 680,
        }),
      ).toEqual([]);
      alerts = await a.alerts();
      expect(alerts.map((x) => [x.kind, x.amount_fen])).toEqual([['fee_overcharge', 290]]);
      expect(alerts[0]?.message).toContain('4 笔');
      expect(alerts[0]?.message).toContain('¥2.90');
      expect(JSON.parse(alerts[0]?.details_json ?? '{}')).toMatchObject({
        lines: 4,
        totalOverchargeFen: 290,
      });
      expect((await a.deliveries()).filter((d) => d.kind === 'alert')).toHaveLength(1);

      // Another day is another key: 10-09, ¥1,000.00 charged ¥6.10, 10 fen over (tolerance 1 fen).
      expect(await a.pushSettlements(creditLine(100_000, 610, 11, '2026-10-09T09:00:00+08:00'))).toEqual([
        'fee_overcharge',
      ]);

      const run = await runDailyChecks(a.storage.db, '2026-10-10', {
        at: '2026-10-10T02:00:00Z',
        publicUrl: 'https://posguard.example',
      });
      expect(run.find((r) => r.merchantId === a.merchantId)?.digestQueued).toBe(1);
      const digest = (await a.deliveries()).find((d) => d.kind === 'digest');
      // Two alerts raised on 10-09: 290 + 10 = 300 fen.
      expect(digest?.text).toContain('手续费多扣 2 条，多扣 ¥3.00');
    });
  },
);
