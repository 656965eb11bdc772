import { describe, expect, it } from 'vitest';
import { runDailyChecks } from '../../src/monitor/daily-checks.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';

const openApp = dialectAppPerTest();

/** A successful card transaction on terminal T001 at `time` (Shanghai). */
function terminal(type: string, time: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    type,
    status: 'success',
    time: `${time}+08:00`,
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

describe.each(DIALECTS)(
  'missing_statement and a void that repeats its sale’s own 参考号, on %s',
  (dialect) => {
    it('a void naming no original but repeating the sale’s 参考号 and amount cancels it: nothing owed that day', async () => {
      const t = await openApp(dialect);
      await pushTerminal(t, [
        // Thursday: ¥100.00 sold, then voided on the same terminal; the journal gives the void the sale's own
        // 参考号 and no 原参考号/原凭证号/原订单号. Nothing is settled, no statement is owed.
        terminal('sale', '2026-11-05T12:00:00', { refNo: '000000000101', amountFen: 10_000 }),
        terminal('void', '2026-11-05T12:03:00', { refNo: '000000000101', amountFen: -10_000 }),
        // Friday: ¥250.00 that stands, so the run is seen to alert at all.
        terminal('sale', '2026-11-06T12:00:00', { refNo: '000000000102', amountFen: 25_000 }),
      ]);
      expect(await mondayRun(t)).toEqual(['2026-11-06']);
      expect((await t.alerts('missing_statement')).map((a) => [a.dedup_key, a.amount_fen])).toEqual([
        ['missing_statement|2026-11-06', 25_000],
      ]);
    });

    it('a line of another amount, or of another terminal, repeating the 参考号 cancels nothing: the sale waits', async () => {
      const t = await openApp(dialect);
      await pushTerminal(t, [
        // Wednesday: ¥100.00 sold; a ¥50.00 void with its 参考号 is no void of it (a void is for the full amount).
        terminal('sale', '2026-11-04T12:00:00', { refNo: '000000000201', amountFen: 10_000 }),
        terminal('void', '2026-11-04T12:03:00', { refNo: '000000000201', amountFen: -5_000 }),
        // Thursday: ¥300.00 sold on T001; a ¥300.00 void with its 参考号 on T002 is no void of it.
        terminal('sale', '2026-11-05T12:00:00', { refNo: '000000000202', amountFen: 30_000 }),
        terminal('void', '2026-11-05T12:03:00', {
          refNo: '000000000202',
          amountFen: -30_000,
          terminalId: 'T002',
        }),
      ]);
      expect(await mondayRun(t)).toEqual(['2026-11-04', '2026-11-05']);
      expect((await t.alerts('missing_statement')).map((a) => [a.dedup_key, a.amount_fen])).toEqual([
        ['missing_statement|2026-11-04', 10_000],
        ['missing_statement|2026-11-05', 30_000],
      ]);
    });
  },
);
