import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../storage/test-storage.js';
import { dialectAppPerSuite } from './dialect-app.js';
import { creditLine, PLAN_YAML } from './monitor-harness.js';

describe.each(DIALECTS)('ingest on %s', (dialect) => {
  const suiteApp = dialectAppPerSuite(dialect, PLAN_YAML);

  it('stores once under concurrent retries, answers them alike, and raises the overcharge once', async () => {
    const t = suiteApp();
    const retry = { 'idempotency-key': 'pg-1' };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.post('settlements', [creditLine(100_000, 800, 1), creditLine(50_000, 300, 2)], retry),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    for (const a of answers) expect(a.json()).toEqual(answers[0]?.json());
    const rows = await t.storage.db
      .selectFrom('records')
      .select(['amount_fen', 'fee_fen'])
      .where('merchant_id', '=', t.merchantId)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { amount_fen: 100_000, fee_fen: 800 },
      { amount_fen: 50_000, fee_fen: 300 },
    ]);
    const alerts = await t.storage.db.selectFrom('monitor_alerts').select(['kind', 'amount_fen']).execute();
    expect(alerts).toEqual([{ kind: 'fee_overcharge', amount_fen: 200 }]);
    const conflict = await t.post('settlements', creditLine(1, 0, 3), retry);
    expect(conflict.statusCode).toBe(409);
  });
});
