import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { PLAN_YAML } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** A 预授权完成 (the completion that settles a pre-authorisation) on a credit card, 10-08 at `hhmm` Shanghai time. */
function completion(
  hhmm: string,
  amountFen: number,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'preauth-complete',
    status: 'success',
    time: `2026-10-08T${hhmm}:00+08:00`,
    terminalId: 'T001',
    channel: 'card',
    card: 'credit',
    amountFen,
    ...more,
  };
}

/** Pushes terminal transactions, expecting them stored; returns the kinds of the alerts raised. */
async function pushTerminal(t: DialectApp, records: Record<string, unknown>[]): Promise<string[]> {
  const res = await t.post('transactions', records);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
}

async function rules(t: DialectApp, yaml: string): Promise<void> {
  const res = await t.putYaml('monitor-rules', yaml);
  expect(res.statusCode, res.body).toBe(200);
}

describe.each(DIALECTS)(
  'a pre-authorisation completion is monitored as the sale it settles, on %s',
  (dialect) => {
    it('its fee is checked against the plan: an overcharge raises fee_overcharge', async () => {
      const t = await openApp(dialect);
      await t.putPlan(PLAN_YAML);
      // ¥1,000.00 on a credit card at 0.60 % is ¥6.00; ¥6.80 was taken.
      expect(
        await t.pushSettlements(
          completion('10:00', 100_000, { refNo: 'P1', feeFen: 680, settledFen: 99_320 }),
        ),
      ).toEqual(['fee_overcharge']);
      expect((await t.alerts('fee_overcharge')).map((a) => a.amount_fen)).toEqual([80]);
    });

    it('above the per-transaction limit it raises over_limit', async () => {
      const t = await openApp(dialect);
      await rules(t, 'limits:\n  - { from: 2026-09-01, perTransactionFen: 1000000, card: credit }\n');
      expect(await pushTerminal(t, [completion('10:00', 1_000_000)])).toEqual([]);
      expect(await pushTerminal(t, [completion('10:05', 1_000_001)])).toEqual(['over_limit']);
    });

    it('above the large-amount bar it raises large_amount', async () => {
      const t = await openApp(dialect);
      expect(await pushTerminal(t, [completion('10:00', 5_000_000)])).toEqual([]);
      expect(await pushTerminal(t, [completion('10:05', 5_000_001)])).toEqual(['large_amount']);
    });

    it('completions just under the limit by one payer count towards split_sales', async () => {
      const t = await openApp(dialect);
      await rules(
        t,
        'rules: { split_sales: { limitFen: 1000000, windowMinutes: 10, minCount: 3, marginPercent: 10 } }',
      );
      const payer = { payerId: 'P7' };
      expect(
        await pushTerminal(t, [
          completion('12:00', 990_000, payer),
          { ...completion('12:02', 980_000, payer), type: 'sale' },
          completion('12:04', 995_000, payer),
        ]),
      ).toEqual(['split_sales']);
      expect((await t.alerts('split_sales')).map((a) => a.amount_fen)).toEqual([990_000 + 980_000 + 995_000]);
    });
  },
);
