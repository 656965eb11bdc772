import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../storage/test-storage.js';
import { dialectAppPerSuite } from './dialect-app.js';
import { creditLine, PLAN_YAML } from './monitor-harness.js';

/**
 * A provider pushes its settlement lines from several workers at once, and a terminal resubmits a sale before
 * its first request has answered. On PostgreSQL the requests run side by side: they must neither fail on each
 * other's alerts nor miss each other's records.
 */
describe.each(DIALECTS)('concurrent pushes for one merchant on %s', (dialect) => {
  const suiteApp = dialectAppPerSuite(dialect, PLAN_YAML);

  it('overcharged lines of one day pushed side by side are all stored, with one fee_overcharge alert', async () => {
    const t = suiteApp();
    // Credit 0.60 %: ¥1,000.00 (100,000 fen) should cost 600 fen; 800 charged = 200 fen over (tolerance 1 fen).
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) => t.post('settlements', [creditLine(100_000, 800, 100 + n)])),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 8 }, () => 201));
    const stored = await t.storage.db
      .selectFrom('records')
      .select('id')
      .where('merchant_id', '=', t.merchantId)
      .where('kind', '=', 'settlement')
      .execute();
    expect(stored).toHaveLength(8);
    expect(await t.alerts('fee_overcharge')).toHaveLength(1);
  });

  it('a sale resubmitted before the first request answered still raises duplicate_submission', async () => {
    const t = suiteApp();
    const sale = (second: number): Record<string, unknown> => ({
      type: 'sale',
      status: 'success',
      time: `2026-10-02T12:00:${String(second).padStart(2, '0')}+08:00`,
      terminalId: 'T009',
      payerId: 'PAYER-RACE',
      channel: 'card',
      card: 'credit',
      amountFen: 12_345,
    });
    const answers = await Promise.all([1, 3].map((s) => t.post('transactions', sale(s))));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201]);
    expect(await t.alerts('duplicate_submission')).toHaveLength(1);
  });
});
