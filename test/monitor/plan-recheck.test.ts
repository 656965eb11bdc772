import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from '../server/sample-data.js';
import { DIALECTS } from '../storage/test-storage.js';
import { dialectAppPerTest } from './dialect-app.js';
import { creditLine } from './monitor-harness.js';

const openApp = dialectAppPerTest();

describe.each(DIALECTS)(
  'saving a plan re-checks the settlement lines that came before it, on %s',
  (dialect: DialectName) => {
    it('a statement uploaded before the plan raises its overcharge when the plan is saved, once', async () => {
      const a = await openApp(dialect, '2026-10-09T02:00:00Z');
      await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
      const up = await a.uploadStatement('结算明细-10月.csv', settlementCsv(OVERCHARGED));
      expect(up.statusCode, up.body).toBe(201);
      // No plan yet: nothing to check the fees against.
      expect(await a.alerts('fee_overcharge')).toEqual([]);

      await a.putPlan(PLAN_YAML);
      // Three ¥1,000.00 credit sales on 10-08 charged ¥6.80 where 0.60 % gives ¥6.00: 80 fen over each, one
      // alert for the day, channel, card and rule. The debit line (¥100 × 0.55 % = ¥0.55) is right.
      const after = await a.alerts('fee_overcharge');
      expect(after.map((x) => x.kind)).toEqual(['fee_overcharge']);
      expect(after[0]?.message).toContain('2026-10-08');
      expect(after[0]?.amount_fen).toBe(3 * 80);
      expect(await a.deliveries()).toHaveLength(1);

      // Saving the plan again (a new version, same rates) finds the same event: nothing new is raised or sent.
      await a.putPlan(PLAN_YAML);
      expect((await a.alerts('fee_overcharge')).map((x) => [x.kind, x.amount_fen])).toEqual([
        ['fee_overcharge', 240],
      ]);
      expect(await a.deliveries()).toHaveLength(1);
    });

    it('pushed lines are re-checked back to 90 days before the save date (Asia/Shanghai), not before', async () => {
      // Saved at 2026-10-10 10:00 Shanghai: the window starts on 2026-07-12 (10-10 minus 90 days).
      const a = await openApp(dialect, '2026-10-10T02:00:00Z');
      // ¥1,000.00 credit at 0.60 % is ¥6.00; ¥7.00 taken: 100 fen over, on each of these days.
      expect(
        await a.pushSettlements([
          creditLine(100_000, 700, 1, '2026-07-11T23:30:00+08:00'),
          creditLine(100_000, 700, 2, '2026-07-11T16:00:00Z'), // 2026-07-12 00:00 in Shanghai
          creditLine(100_000, 700, 3, '2026-10-10T09:00:00+08:00'),
        ]),
      ).toEqual([]);
      await a.putPlan(PLAN_YAML.replace('from: 2026-09-01', 'from: 2026-01-01'));
      const after = await a.alerts('fee_overcharge');
      expect(after.map((x) => x.dedup_key.split('|')[1])).toEqual(['2026-07-12', '2026-10-10']);
      expect(after.map((x) => x.amount_fen)).toEqual([100, 100]);
    });

    it('deductions pushed before the plan are checked against its charges when it is saved, once', async () => {
      const a = await openApp(dialect, '2026-12-10T02:00:00Z');
      const deduction = (label: string, amountFen: number) => ({
        type: 'deduction',
        status: 'success',
        time: '2026-12-07T09:30:00+08:00',
        channel: 'other',
        card: 'unknown',
        amountFen: -amountFen,
        label,
        settleDate: '2026-12-08',
      });
      expect(await a.pushSettlements([deduction('机具押金', 29_900), deduction('流量费', 9_900)])).toEqual(
        [],
      );
      const plan = `${PLAN_YAML}charges:\n  - { name: 流量费, amount: 99, every: year, from: 2026-09-01 }\n`;
      await a.putPlan(plan);
      // The SIM fee is the year's agreed ¥99.00; the ¥299.00 deposit is in no charge.
      const after = await a.alerts('unplanned_deduction');
      expect(after.map((x) => x.amount_fen)).toEqual([29_900]);
      expect(after[0]?.message).toContain(
        '2026-12-08 从结算款中扣除“机具押金” ¥299.00；费率方案未约定 ¥299.00',
      );
      await a.putPlan(plan);
      expect(await a.alerts('unplanned_deduction')).toHaveLength(1);
    });

    it('a plan whose periods do not cover the lines raises nothing', async () => {
      const a = await openApp(dialect, '2026-10-10T02:00:00Z');
      await a.pushSettlements([creditLine(100_000, 700, 1, '2026-08-20T10:00:00+08:00')]);
      // PLAN_YAML starts on 2026-09-01: the 08-20 line has no rate in force, so it is no overcharge.
      await a.putPlan(PLAN_YAML);
      expect(await a.alerts('fee_overcharge')).toEqual([]);
    });
  },
);
