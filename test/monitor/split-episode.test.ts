import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';

const openApp = dialectAppPerTest();

/** ¥10,000 limit, 10 % margin (¥9,000 and up is "just under"), three sales within 10 minutes. */
const SPLIT_RULES =
  'rules: { split_sales: { limitFen: 1000000, windowMinutes: 10, minCount: 3, marginPercent: 10 } }';

/** A sale of payer P1 just under the limit on 10-08 at `hhmm` Shanghai time. */
function nearLimit(hhmm: string, amountFen: number): Record<string, unknown> {
  return {
    type: 'sale',
    status: 'success',
    time: `2026-10-08T${hhmm}:00+08:00`,
    terminalId: 'T001',
    channel: 'card',
    card: 'credit',
    payerId: 'P1',
    amountFen,
  };
}

/** Five sales four minutes apart: from the third on, every sale has two more within ten minutes before it. */
const EPISODE = [
  nearLimit('12:00', 990_000),
  nearLimit('12:04', 980_000),
  nearLimit('12:08', 995_000),
  nearLimit('12:12', 970_000),
  nearLimit('12:16', 999_000),
];
const EPISODE_FEN = 990_000 + 980_000 + 995_000 + 970_000 + 999_000;

async function setup(dialect: Parameters<typeof openApp>[0]): Promise<DialectApp> {
  const t = await openApp(dialect);
  const res = await t.putYaml('monitor-rules', SPLIT_RULES);
  expect(res.statusCode, res.body).toBe(200);
  return t;
}

async function push(t: DialectApp, records: Record<string, unknown>[]): Promise<string[]> {
  const res = await t.post('transactions', records);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
}

async function splitAlerts(
  t: DialectApp,
): Promise<{ amount: number | null; count: unknown; message: string }[]> {
  return (await t.alerts('split_sales')).map((a) => ({
    amount: a.amount_fen,
    count: (JSON.parse(a.details_json) as { count?: unknown }).count,
    message: a.message,
  }));
}

describe.each(DIALECTS)('split_sales raises one alert per episode, on %s', (dialect) => {
  it('sales pushed one by one: one alert, grown to the whole episode', async () => {
    const t = await setup(dialect);
    const kinds: string[] = [];
    for (const sale of EPISODE) kinds.push(...(await push(t, [sale])));
    expect(kinds).toEqual(['split_sales']);
    expect(await splitAlerts(t)).toEqual([
      {
        amount: EPISODE_FEN,
        count: 5,
        message:
          '2026-10-08 12:00 终端T001 起 同一付款人 5 笔接近限额 ¥10,000.00 的交易（相邻两笔间隔不超过 10 分钟），合计 ¥49,340.00，疑似拆单',
      },
    ]);
  });

  it('the episode in one push, newest first: one alert', async () => {
    const t = await setup(dialect);
    expect(await push(t, [...EPISODE].reverse())).toEqual(['split_sales']);
    expect((await splitAlerts(t)).map((a) => [a.amount, a.count])).toEqual([[EPISODE_FEN, 5]]);
  });

  it('a second episode of the same payer later that day is an alert of its own', async () => {
    const t = await setup(dialect);
    expect(await push(t, EPISODE)).toEqual(['split_sales']);
    const later = [nearLimit('15:00', 990_000), nearLimit('15:03', 990_000), nearLimit('15:06', 990_000)];
    expect(await push(t, later)).toEqual(['split_sales']);
    expect((await splitAlerts(t)).map((a) => [a.amount, a.count])).toEqual([
      [EPISODE_FEN, 5],
      [3 * 990_000, 3],
    ]);
  });
});
