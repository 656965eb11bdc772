import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { type Line, settlementCsv } from '../server/sample-data.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import {
  cleanupAfterEach,
  MERCHANT_NO,
  openReceiver,
  ownerSession,
  PLAN_YAML,
  waitFor,
} from './monitor-harness.js';

const openApp = dialectAppPerTest();
const cleanups = cleanupAfterEach();

/** Four credit sales a day of ¥1,000, ¥2,000, ¥3,000 and ¥5,000. */
const YUAN = [1_000, 2_000, 3_000, 5_000];

/**
 * A day's four credit sales charged `ppm` (whole-yuan amounts, so every fee is exact): at 0.60 % the plan's
 * ¥6.00 + ¥12.00 + ¥18.00 + ¥30.00; at 0.63 % ¥0.30 + ¥0.60 + ¥0.90 + ¥1.50 = 330 fen over a day.
 */
function creditDay(day: string, ppm: number, merchant?: string): Line[] {
  return YUAN.map((yuan, i) => {
    const feeFen = (yuan * 100 * ppm) / 1_000_000;
    return {
      time: `${day} 1${i}:00:00`,
      ...(merchant === undefined ? {} : { merchant }),
      ref: `${day.replaceAll('-', '')}${ppm}${i}`,
      card: '贷记卡',
      amount: `${yuan}.00`,
      fee: (feeFen / 100).toFixed(2),
      settled: ((yuan * 100 - feeFen) / 100).toFixed(2),
      settleDate: day,
    };
  });
}

/** The same four sales as pushed settlement records. */
function pushedDay(day: string, ppm: number): Record<string, unknown>[] {
  return YUAN.map((yuan, i) => ({
    type: 'sale',
    status: 'success',
    time: `${day}T1${i}:00:00+08:00`,
    refNo: `P${day.replaceAll('-', '')}${i}`,
    channel: 'card',
    card: 'credit',
    amountFen: yuan * 100,
    feeFen: (yuan * 100 * ppm) / 1_000_000,
  }));
}

const upTo1205 = (merchant?: string): Line[] => [
  ...['2026-12-01', '2026-12-02', '2026-12-03'].flatMap((d) => creditDay(d, 6_000, merchant)),
  ...['2026-12-04', '2026-12-05'].flatMap((d) => creditDay(d, 6_300, merchant)),
];

async function alertsOf(a: DialectApp) {
  return (await a.alerts()).map((x) => ({ kind: x.kind, amountFen: x.amount_fen, message: x.message }));
}

describe.each(DIALECTS)('one rate change is one alert carrying its money, on %s', (dialect: DialectName) => {
  it('the days a rate change explains are folded into it; it is sent again when the money doubles', async () => {
    const a = await openApp(dialect, '2026-12-09T02:00:00Z');
    await a.putPlan(PLAN_YAML);
    await a.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
    const up = await a.uploadStatement('结算明细_1201_1205.csv', settlementCsv(upTo1205()));
    expect(up.statusCode, up.body).toBe(201);
    // 0.60 % to 12-03, 0.63 % from 12-04: one rate change, carrying 12-04 and 12-05, 330 fen over each.
    const alerts = await alertsOf(a);
    expect(alerts.map((x) => [x.kind, x.amountFen])).toEqual([['rate_change', 660]]);
    expect(alerts[0]?.message).toMatch(/^2026-12-04 起 刷卡贷记卡 实际扣费由 0\.60% 变为 0\.63%/);
    expect(alerts[0]?.message).toContain('按费率方案已多扣 ¥6.60（2026-12-04 至 2026-12-05）');
    expect((await a.deliveries()).map((d) => d.kind)).toEqual(['alert']);

    // 12-06 at 0.63 %: no new alert, the change now carries 990 fen, short of twice the 660 it was sent with.
    expect(await a.pushSettlements(pushedDay('2026-12-06', 6_300))).toEqual([]);
    expect((await alertsOf(a)).map((x) => [x.kind, x.amountFen])).toEqual([['rate_change', 990]]);
    expect(await a.deliveries()).toHaveLength(1);

    // 12-07 and 12-08: 1,650 fen, past 2 × 660: the change is sent again with the money so far.
    expect(
      await a.pushSettlements([...pushedDay('2026-12-07', 6_300), ...pushedDay('2026-12-08', 6_300)]),
    ).toEqual([]);
    expect((await alertsOf(a)).map((x) => [x.kind, x.amountFen])).toEqual([['rate_change', 1_650]]);
    const deliveries = await a.deliveries();
    expect(deliveries.map((d) => d.kind)).toEqual(['alert', 'update']);
    expect(deliveries[1]?.text).toContain('按费率方案已多扣 ¥16.50（2026-12-04 至 2026-12-08）');
  });
});

describe.each(DIALECTS)('a rate change kept beyond the detection window, on %s', (dialect: DialectName) => {
  it('still explains the overcharges once its first lines have left the window', async () => {
    const a = await openApp(dialect, '2027-03-01T02:00:00Z');
    await a.putPlan(PLAN_YAML);
    expect((await a.uploadStatement('结算明细.csv', settlementCsv(upTo1205()))).statusCode).toBe(201);
    // 75 more days at 0.63 % from 12-06: 300 lines, as many as the window keeps, so the change has left it.
    const days = Array.from({ length: 75 }, (_, k) =>
      new Date(Date.UTC(2026, 11, 6 + k)).toISOString().slice(0, 10),
    );
    expect(await a.pushSettlements(days.flatMap((d) => pushedDay(d, 6_300)))).toEqual([]);
    // 660 + 75 × 330 = 25,410 fen, all on the one rate change.
    expect((await alertsOf(a)).map((x) => [x.kind, x.amountFen])).toEqual([['rate_change', 25_410]]);
    expect(await a.pushSettlements(pushedDay('2027-02-19', 6_300))).toEqual([]);
    expect((await alertsOf(a)).map((x) => [x.kind, x.amountFen])).toEqual([['rate_change', 25_740]]);
  });
});

describe('the rate change reaches the robot before the overcharges it does not explain', () => {
  it('a statement with a rate change and a debit overcharge: rate_change first, then fee_overcharge', async () => {
    const s = await ownerSession(cleanups);
    const rx = await openReceiver(cleanups);
    expect((await s.post('alert-channels', { type: 'webhook', url: `${rx.url}/hook` })).statusCode).toBe(201);
    // ¥100.00 on a debit card: 0.55 % is ¥0.55; ¥1.00 taken, 45 fen over — nothing to do with the credit rate.
    const debit: Line = {
      time: '2026-12-05 18:00:00',
      merchant: MERCHANT_NO,
      ref: '700000000001',
      card: '借记卡',
      amount: '100.00',
      fee: '1.00',
      settled: '99.00',
      settleDate: '2026-12-06',
    };
    const up = await s.uploadStatement('结算明细.csv', settlementCsv([...upTo1205(MERCHANT_NO), debit]));
    expect(up.statusCode, up.body).toBe(201);
    const kinds = await waitFor(() =>
      rx.received.length >= 2
        ? rx.received.map((r) => (JSON.parse(r.body) as { kind: string; amountFen: number }).kind)
        : undefined,
    );
    expect(kinds).toEqual(['rate_change', 'fee_overcharge']);
  });
});
