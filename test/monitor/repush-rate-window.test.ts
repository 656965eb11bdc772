import { describe, expect, it } from 'vitest';
import { formatFen } from '../../src/money/index.js';
import { type Line, settlementCsv } from '../server/sample-data.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { feeAtPpm, RATE_AMOUNTS } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** A credit sale as the statement lists it and as the provider pushes it: the same reference, amount and fee. */
interface Sale {
  ref: string;
  time: string;
  amountFen: number;
  feeFen: number;
}

/**
 * Ten sales on 10-08 charged 0.60 %, then two on 10-09 charged 0.78 %: two lines are strays, not a rate change
 * (a change needs three lines the old rate cannot give).
 */
const SALES: Sale[] = [
  ...RATE_AMOUNTS.map((amountFen, i) => ({
    ref: `6343000000${String(i + 10)}`,
    time: `2026-10-08 10:${String(i + 10)}:00`,
    amountFen,
    feeFen: feeAtPpm(amountFen, 6_000),
  })),
  ...RATE_AMOUNTS.slice(0, 2).map((amountFen, i) => ({
    ref: `6343000000${String(i + 30)}`,
    time: `2026-10-09 10:${String(i + 30)}:00`,
    amountFen,
    feeFen: feeAtPpm(amountFen, 7_800),
  })),
];

/** "1234.56", as the statement writes fen. */
const yuan = (fen: number): string => formatFen(fen).replace(/[¥,]/g, '');

function statementLine(s: Sale): Line {
  return {
    time: s.time,
    ref: s.ref,
    card: '贷记卡',
    amount: yuan(s.amountFen),
    fee: yuan(s.feeFen),
    settled: yuan(s.amountFen - s.feeFen),
    settleDate: '2026-10-10',
  };
}

function pushed(s: Sale): Record<string, unknown> {
  return {
    type: 'sale',
    status: 'success',
    time: `${s.time.replace(' ', 'T')}+08:00`,
    terminalId: '12345678',
    refNo: s.ref,
    channel: 'card',
    card: 'credit',
    amountFen: s.amountFen,
    feeFen: s.feeFen,
    settledFen: s.amountFen - s.feeFen,
    settleDate: '2026-10-10',
  };
}

async function upload(t: DialectApp, lines: readonly Line[]): Promise<{ stored: number }> {
  const res = await t.uploadStatement('结算明细.csv', settlementCsv(lines), { kind: 'settlement' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ landings: { stored: number }[] }>().landings[0] ?? { stored: -1 };
}

/** The window of the credit group as the rate-change check keeps it: one entry per record. */
async function windowLines(t: DialectApp): Promise<number> {
  const rows = await t.storage.db
    .selectFrom('monitor_rate_state')
    .select('lines_json')
    .where('merchant_id', '=', t.merchantId)
    .execute();
  return rows.reduce((n, r) => n + (JSON.parse(r.lines_json) as unknown[]).length, 0);
}

describe.each(DIALECTS)('lines checked again are not compared with themselves, on %s', (dialect) => {
  it('a push of the lines a statement already brought raises no rate change', async () => {
    // No plan: the inferred formula alone is watched.
    const t = await openApp(dialect);
    expect((await upload(t, SALES.map(statementLine))).stored).toBe(12);
    expect(await t.alerts()).toEqual([]);
    // The provider pushes the same twelve lines afterwards: they are the records the statement brought.
    expect(await t.pushSettlements(SALES.map(pushed))).toEqual([]);
    expect(await t.alerts()).toEqual([]);
    const records = await t.storage.db
      .selectFrom('records')
      .select('id')
      .where('merchant_id', '=', t.merchantId)
      .execute();
    expect(records).toHaveLength(12);
    expect(await windowLines(t)).toBe(12);
  });

  it('pushed lines a statement finds again are checked once more without counting twice', async () => {
    const t = await openApp(dialect);
    expect(await t.pushSettlements(SALES.map(pushed))).toEqual([]);
    // The statement lists the twelve pushed sales and one more of 10-08: the pushed ones are checked again.
    const more: Sale = { ref: '634300000099', time: '2026-10-08 11:00:00', amountFen: 66_600, feeFen: 400 };
    expect((await upload(t, [...SALES, more].map(statementLine))).stored).toBe(1);
    expect(await t.alerts()).toEqual([]);
    expect(await windowLines(t)).toBe(13);
  });
});
