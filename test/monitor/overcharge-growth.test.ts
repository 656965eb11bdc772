import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { creditLine, PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** A credit settlement line on 2026-12-07 at `hhmm` Shanghai time. */
const on1207 = (amountFen: number, feeFen: number, n: number, hhmm: string) =>
  creditLine(amountFen, feeFen, n, `2026-12-07T${hhmm}:00+08:00`);

async function dayAlert(a: DialectApp) {
  const [alert, ...more] = await a.alerts('fee_overcharge');
  expect(more).toEqual([]);
  return {
    amountFen: alert?.amount_fen,
    details: JSON.parse(alert?.details_json ?? '{}') as Record<string, unknown>,
  };
}

const sent = async (a: DialectApp) => (await a.deliveries()).filter((d) => d.kind !== 'digest');

describe.each(DIALECTS)(
  'a day whose overcharge grows materially is sent again, on %s',
  (dialect: DialectName) => {
    it('a later line over ¥100.00 sends the day’s new total once; small lines after it send nothing', async () => {
      const a = await openApp(dialect, '2026-12-08T02:00:00Z');
      await a.putPlan(PLAN_YAML);
      await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
      // ¥10,000.00 at 0.60 % is ¥60.00; ¥63.00 taken: 300 fen over.
      expect(await a.pushSettlements(on1207(1_000_000, 6_300, 1, '08:05'))).toEqual(['fee_overcharge']);
      expect((await sent(a)).map((d) => d.kind)).toEqual(['alert']);

      // Same day and card: ¥30,580.00 at 0.60 % is ¥183.48; ¥917.34 taken: 73,386 fen over, one line past ¥100.00.
      expect(await a.pushSettlements(on1207(3_058_000, 91_734, 2, '09:30'))).toEqual([]);
      expect(await dayAlert(a)).toMatchObject({ amountFen: 300 + 73_386, details: { notifiedFen: 73_686 } });
      const afterBig = await sent(a);
      expect(afterBig.map((d) => d.kind)).toEqual(['alert', 'update']);
      expect(afterBig[1]?.text).toContain('金额更新');
      expect(afterBig[1]?.text).toContain('合计多扣 ¥736.86');

      // ¥1,000.00 charged ¥6.50: 50 fen more. Far from doubling ¥736.86, and a small line: no third message.
      expect(await a.pushSettlements(on1207(100_000, 650, 3, '10:00'))).toEqual([]);
      expect(await dayAlert(a)).toMatchObject({ amountFen: 73_736, details: { notifiedFen: 73_686 } });
      expect(await sent(a)).toHaveLength(2);
    });

    it('a total reaching twice what was sent is sent again, however small each line (rules: updateMultiple)', async () => {
      const a = await openApp(dialect, '2026-12-08T02:00:00Z');
      await a.putPlan(PLAN_YAML);
      await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
      // ¥1,000.00 at 0.60 % is ¥6.00 each time.
      expect(await a.pushSettlements(on1207(100_000, 900, 1, '08:00'))).toEqual(['fee_overcharge']); // 300 over
      expect(await a.pushSettlements(on1207(100_000, 800, 2, '08:10'))).toEqual([]); // 200 more: 500 < 2 × 300
      expect(await sent(a)).toHaveLength(1);
      expect(await a.pushSettlements(on1207(100_000, 700, 3, '08:20'))).toEqual([]); // 100 more: 600 = 2 × 300
      expect((await sent(a)).map((d) => d.kind)).toEqual(['alert', 'update']);
      expect((await sent(a))[1]?.text).toContain('合计多扣 ¥6.00');

      // A merchant asking for three times: 600 → 1,500 sends nothing until 1,800.
      const put = await a.putYaml('monitor-rules', 'rules:\n  fee_overcharge: { updateMultiple: 3 }\n');
      expect(put.statusCode, put.body).toBe(200);
      expect(await a.pushSettlements(on1207(100_000, 1_500, 4, '08:30'))).toEqual([]); // 900 more: 1,500
      expect(await sent(a)).toHaveLength(2);
      expect(await a.pushSettlements(on1207(100_000, 900, 5, '08:40'))).toEqual([]); // 300 more: 1,800
      expect(await sent(a)).toHaveLength(3);
    });
  },
);
