import { describe, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';

const openApp = dialectAppPerTest();

/** A successful terminal transaction on the card of `day` at noon, Shanghai time. */
function terminal(type: string, day: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    status: 'success',
    time: `${day}T12:00:00+08:00`,
    terminalId: 'T001',
    channel: 'card',
    card: 'credit',
    ...fields,
  };
}

async function pushTerminal(t: DialectApp, records: Record<string, unknown>[]): Promise<void> {
  const res = await t.post('transactions', records);
  expect(res.statusCode, res.body).toBe(201);
}

/** The daily run on Monday 2026-11-09 (every statement of the week before is due by then, T+1). */
async function mondayRun(t: DialectApp): Promise<string[]> {
  const results = await runDailyChecks(t.storage.db, '2026-11-09', {
    at: '2026-11-09T02:00:00Z',
    publicUrl: 'https://posguard.example',
  });
  return results.find((r) => r.merchantId === t.merchantId)?.missingStatements ?? [];
}

describe.each(DIALECTS)('missing_statement only when a sale waits to be settled, on %s', (dialect) => {
  it('a day whose only sale was voided raises nothing; a day with a sale left raises its amount', async () => {
    const t = await openApp(dialect);
    await pushTerminal(t, [
      // Thursday: one sale, voided on the terminal the same day. Nothing is settled, no statement is owed.
      terminal('sale', '2026-11-05', { refNo: 'R1', amountFen: 10_000 }),
      terminal('void', '2026-11-05', { originalRefNo: 'R1', amountFen: -10_000 }),
      // Friday: a sale that stands.
      terminal('sale', '2026-11-06', { refNo: 'R2', amountFen: 25_000 }),
    ]);
    expect(await mondayRun(t)).toEqual(['2026-11-06']);
    expect((await t.alerts('missing_statement')).map((a) => [a.dedup_key, a.amount_fen])).toEqual([
      ['missing_statement|2026-11-06', 25_000],
    ]);
  });

  it('a day of pre-authorisation completions waits for its statement like a day of sales', async () => {
    const t = await openApp(dialect);
    await pushTerminal(t, [terminal('preauth-complete', '2026-11-04', { refNo: 'P1', amountFen: 88_800 })]);
    expect(await mondayRun(t)).toEqual(['2026-11-04']);
    expect((await t.alerts('missing_statement')).map((a) => a.amount_fen)).toEqual([88_800]);
  });
});
