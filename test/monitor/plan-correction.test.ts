import { describe, expect, it } from 'vitest';
import type { AlertKind } from '../../src/monitor/alert-kinds.js';
import { summariseAlerts } from '../../src/monitor/daily-digest.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { creditLine, PLAN_YAML, pricedCreditLines, RATE_AMOUNTS } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** The plan as the merchant first entered it (credit 0.60 %), and as corrected: the contract says 0.68 %. */
const WRONG_PLAN = PLAN_YAML;
const RIGHT_PLAN = PLAN_YAML.replace('card: credit, rate: 0.60%', 'card: credit, rate: 0.68%');

/** What the daily digest counts as lost over every alert the merchant has. */
async function digestLoss(t: DialectApp): Promise<number> {
  const alerts = await t.alerts();
  const keys = new Set(alerts.filter((a) => a.kind === 'fee_overcharge').map((a) => a.dedup_key));
  return summariseAlerts(
    alerts.map((a) => ({
      kind: a.kind as AlertKind,
      amountFen: a.amount_fen,
      details: JSON.parse(a.details_json) as Record<string, unknown>,
    })),
    keys,
  ).lossFen;
}

async function withChannel(t: DialectApp): Promise<void> {
  const res = await t.post('alert-channels', {
    type: 'webhook',
    url: 'http://127.0.0.1:9/hook',
    secret: 's',
  });
  expect(res.statusCode, res.body).toBe(201);
}

describe.each(DIALECTS)('a corrected plan takes back what the wrong one alerted, on %s', (dialect) => {
  it('an overcharge the corrected plan does not see is withdrawn: ¥0.00, the channel told, the digest clear', async () => {
    const t = await openApp(dialect);
    await t.putPlan(WRONG_PLAN);
    await withChannel(t);
    // Three ¥1,000.00 credit sales charged ¥6.80: 80 fen over 0.60 % each.
    expect(
      await t.pushSettlements(
        [1, 2, 3].map((n) => creditLine(100_000, 680, n, `2026-10-08T1${n}:00:00+08:00`)),
      ),
    ).toEqual(['fee_overcharge']);
    expect((await t.alerts('fee_overcharge')).map((a) => a.amount_fen)).toEqual([240]);
    expect(await digestLoss(t)).toBe(240);

    await t.putPlan(RIGHT_PLAN);
    const [alert] = await t.alerts('fee_overcharge');
    expect(alert?.amount_fen).toBe(0);
    expect(alert?.message).toMatch(/^2026-10-08 .*按现行费率方案未多扣手续费，此前提示的多扣 ¥2\.40 已撤销$/);
    expect(await digestLoss(t)).toBe(0);
    // The alert, then its withdrawal to the channel that was told of the money.
    expect((await t.deliveries()).map((d) => d.kind)).toEqual(['alert', 'update']);
    // Saving the right plan again changes nothing more.
    await t.putPlan(RIGHT_PLAN);
    expect((await t.alerts('fee_overcharge')).map((a) => a.amount_fen)).toEqual([0]);
    expect(await t.deliveries()).toHaveLength(2);
  });

  it('an overcharge the corrected plan prices lower is brought down to it', async () => {
    const t = await openApp(dialect);
    await t.putPlan(WRONG_PLAN);
    // ¥7.00 taken on ¥1,000.00: ¥1.00 over 0.60 %, ¥0.20 over 0.68 %.
    expect(await t.pushSettlements([creditLine(100_000, 700, 1, '2026-10-08T10:00:00+08:00')])).toEqual([
      'fee_overcharge',
    ]);
    await t.putPlan(RIGHT_PLAN);
    expect((await t.alerts('fee_overcharge')).map((a) => a.amount_fen)).toEqual([20]);
    expect(await digestLoss(t)).toBe(20);
  });

  it('an overcharge the corrected plan puts under another of its rates is superseded by that one', async () => {
    const t = await openApp(dialect);
    await t.putPlan(WRONG_PLAN);
    expect(await t.pushSettlements([creditLine(100_000, 700, 1, '2026-10-08T10:00:00+08:00')])).toEqual([
      'fee_overcharge',
    ]);
    // The contract moved to 0.68 % on 10-05: a second period, whose rule now prices the 10-08 sale.
    await t.putPlan(
      `${WRONG_PLAN}  - from: 2026-10-05\n    rates:\n      - { channel: card, card: credit, rate: 0.68% }\n`,
    );
    const alerts = await t.alerts('fee_overcharge');
    expect(alerts.map((a) => a.amount_fen)).toEqual([0, 20]);
    expect(alerts[0]?.message).toMatch(/^2026-10-08 .*此前提示的多扣 ¥1\.00 由新的提示取代$/);
    expect(await digestLoss(t)).toBe(20);
  });

  it('a rate change keeps its alert but no longer claims the overcharge of a rate the plan now agrees to', async () => {
    const t = await openApp(dialect);
    await t.putPlan(WRONG_PLAN);
    const line = pricedCreditLines('C');
    // 0.60 % up to 10-04, 0.68 % from 10-05: a rate change whose money is 0.08 % of the 10-05 sales.
    await t.pushSettlements(RATE_AMOUNTS.map((a) => line(a, 6_000, '2026-10-01')));
    expect(await t.pushSettlements(RATE_AMOUNTS.map((a) => line(a, 6_800, '2026-10-05')))).toEqual([
      'rate_change',
    ]);
    const [before] = await t.alerts('rate_change');
    expect(before?.amount_fen).toBeGreaterThan(0);
    expect(await digestLoss(t)).toBe(before?.amount_fen);

    // The contract moved to 0.68 % on 10-05: the plan is corrected with a second period.
    await t.putPlan(
      `${WRONG_PLAN}  - from: 2026-10-05\n    rates:\n      - { channel: card, card: debit, rate: 0.55%, cap: 20 }\n      - { channel: card, card: credit, rate: 0.68% }\n`,
    );
    const [after] = await t.alerts('rate_change');
    expect(after?.amount_fen).toBe(0);
    expect(after?.message).toContain('0.68%');
    expect(after?.message).not.toContain('多扣');
    expect(await t.alerts('fee_overcharge')).toEqual([]);
    expect(await digestLoss(t)).toBe(0);
  });

  it('a deduction the corrected plan agrees to is no longer unplanned', async () => {
    const t = await openApp(dialect);
    await t.putPlan(WRONG_PLAN);
    const simFee = {
      type: 'deduction',
      status: 'success',
      time: '2026-10-07T09:30:00+08:00',
      channel: 'other',
      card: 'unknown',
      amountFen: -9_900,
      label: '流量费',
      settleDate: '2026-10-08',
    };
    expect(await t.pushSettlements(simFee)).toEqual(['unplanned_deduction']);
    expect(await digestLoss(t)).toBe(9_900);
    await t.putPlan(
      `${WRONG_PLAN}charges:\n  - { name: 流量费, amount: 99, every: year, from: 2026-09-01 }\n`,
    );
    const [alert] = await t.alerts('unplanned_deduction');
    expect(alert?.amount_fen).toBe(0);
    expect(alert?.message).toBe(
      '2026-10-08 “流量费”按现行费率方案属约定收费，此前提示的未约定扣款 ¥99.00 已撤销',
    );
    expect(await digestLoss(t)).toBe(0);
  });
});
