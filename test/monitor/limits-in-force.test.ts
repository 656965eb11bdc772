import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';

const openApp = dialectAppPerTest();

/** The bank raised the per-transaction limit from ¥10,000 to ¥50,000 on 12-01; one card keeps ¥20,000. */
const RAISED = `limits:
  - { from: 2026-09-01, perTransactionFen: 1000000 }
  - { from: 2026-12-01, perTransactionFen: 5000000 }
  - { from: 2026-10-15, perTransactionFen: 2000000, card: credit, cardNo: "622588******1234" }
`;

/** Pushes credit-card sales (payer P1 unless a card number is given); returns the alert kinds raised. */
async function sales(
  a: DialectApp,
  list: { time: string; amountFen: number; cardNo?: string }[],
): Promise<string[]> {
  const res = await a.post(
    'transactions',
    list.map((x, i) => ({
      type: 'sale',
      status: 'success',
      time: `${x.time}+08:00`,
      terminalId: 'T001',
      refNo: `L${x.time.replace(/\D/g, '')}${i}`,
      channel: 'card',
      card: 'credit',
      amountFen: x.amountFen,
      ...(x.cardNo === undefined ? { payerId: 'P1' } : { cardNo: x.cardNo }),
    })),
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ alerts: { kind: string }[] }>().alerts.map((x) => x.kind);
}

describe.each(DIALECTS)('the limit in force is the latest of its scope, on %s', (dialect: DialectName) => {
  it('a raised limit holds from its date: ¥30,000 is over ¥10,000 on 11-30 and within ¥50,000 on 12-07', async () => {
    const a = await openApp(dialect, '2026-12-08T02:00:00Z');
    expect((await a.putYaml('monitor-rules', RAISED)).statusCode).toBe(200);
    expect(await sales(a, [{ time: '2026-11-30T10:00:00', amountFen: 3_000_000 }])).toEqual(['over_limit']);
    expect(await sales(a, [{ time: '2026-12-07T10:00:00', amountFen: 3_000_000 }])).toEqual([]);
    expect(await sales(a, [{ time: '2026-12-07T11:00:00', amountFen: 5_000_001 }])).toEqual(['over_limit']);
    const over = await a.alerts('over_limit');
    expect(over.map((x) => x.message)).toEqual([
      expect.stringContaining('超过 2026-09-01 起生效的单笔限额 ¥10,000.00'),
      expect.stringContaining('超过 2026-12-01 起生效的单笔限额 ¥50,000.00'),
    ]);
    // Another scope is another limit, and both apply: the card limited to ¥20,000 stays limited.
    expect(
      await sales(a, [{ time: '2026-12-07T12:00:00', amountFen: 3_000_000, cardNo: '622588******1234' }]),
    ).toEqual(['over_limit']);
  });

  it('split sales are judged against the raised limit: three ¥48,000 sales in minutes, not ¥9,500 ones', async () => {
    const a = await openApp(dialect, '2026-12-08T02:00:00Z');
    expect((await a.putYaml('monitor-rules', RAISED)).statusCode).toBe(200);
    // Within 10 % under ¥50,000 (≥ ¥45,000), three in ten minutes by one payer.
    expect(
      await sales(a, [
        { time: '2026-12-07T10:00:00', amountFen: 4_800_000 },
        { time: '2026-12-07T10:03:00', amountFen: 4_800_000 },
        { time: '2026-12-07T10:06:00', amountFen: 4_800_000 },
      ]),
    ).toEqual(['split_sales']);
    // Just under the old ¥10,000 limit, which no longer holds.
    expect(
      await sales(a, [
        { time: '2026-12-07T14:00:00', amountFen: 950_000 },
        { time: '2026-12-07T14:03:00', amountFen: 950_000 },
        { time: '2026-12-07T14:06:00', amountFen: 950_000 },
      ]),
    ).toEqual([]);
  });

  it('a sale over the limit is told as over the limit only, not again as a large amount', async () => {
    const a = await openApp(dialect, '2026-12-08T02:00:00Z');
    expect((await a.putYaml('monitor-rules', RAISED)).statusCode).toBe(200);
    // ¥50,000.01: over the ¥50,000 limit and over the ¥50,000 large-amount threshold — one event.
    expect(await sales(a, [{ time: '2026-12-07T10:00:00', amountFen: 5_000_001 }])).toEqual(['over_limit']);
    expect(await a.deliveries()).toHaveLength(0);
    // Without a limit it is a large amount.
    expect((await a.putYaml('monitor-rules', 'limits: []\n')).statusCode).toBe(200);
    expect(await sales(a, [{ time: '2026-12-07T11:00:00', amountFen: 5_000_001 }])).toEqual(['large_amount']);
  });
});
