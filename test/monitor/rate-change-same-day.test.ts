import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type DialectApp, dialectAppPerTest } from './dialect-app.js';
import { pricedCreditLines, RATE_AMOUNTS as AMOUNTS } from './monitor-harness.js';

const openApp = dialectAppPerTest();

/** A credit settlement line at `hhmm` Shanghai time on `day`, charged `ppm`. */
const line = pricedCreditLines('S');

const rateChanges = async (a: DialectApp) => (await a.alerts('rate_change')).map((r) => r.message);

describe.each(DIALECTS)('two rate changes on one day, on %s', (dialect: DialectName) => {
  it('a rate that goes up and comes back the same day is told twice', async () => {
    const a = await openApp(dialect);
    // No plan: only the inferred formula is watched. 0.60 % on 10-01; on 10-05 five sales at 0.78 % in the
    // morning, then five at 0.60 % again in the afternoon.
    await a.pushSettlements(AMOUNTS.map((x) => line(x, 6_000, '2026-10-01', '12:00')));
    expect(
      await a.pushSettlements(
        AMOUNTS.slice(0, 5).map((x, i) => line(x + 3, 7_800, '2026-10-05', `09:0${i}`)),
      ),
    ).toEqual(['rate_change']);
    expect(
      await a.pushSettlements(AMOUNTS.slice(5).map((x, i) => line(x + 5, 6_000, '2026-10-05', `15:0${i}`))),
    ).toEqual(['rate_change']);
    const messages = await rateChanges(a);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^2026-10-05 起 .*由 0\.60% 变为 0\.78%/);
    expect(messages[1]).toMatch(/^2026-10-05 起 .*由 0\.78% 变为 0\.60%/);
    expect(messages[1]).toContain('当日第 2 次');
    // More lines at 0.60 % on later days: nothing new.
    expect(await a.pushSettlements(AMOUNTS.map((x) => line(x + 9, 6_000, '2026-10-06', '12:00')))).toEqual(
      [],
    );
    expect(await rateChanges(a)).toHaveLength(2);
  });

  it('both changes of the day come out of one statement holding them all', async () => {
    const a = await openApp(dialect);
    const kinds = await a.pushSettlements([
      ...AMOUNTS.map((x) => line(x, 6_000, '2026-10-01', '12:00')),
      ...AMOUNTS.slice(0, 5).map((x, i) => line(x + 3, 7_800, '2026-10-05', `09:0${i}`)),
      ...AMOUNTS.slice(5).map((x, i) => line(x + 5, 6_000, '2026-10-05', `15:0${i}`)),
    ]);
    expect(kinds).toEqual(['rate_change', 'rate_change']);
  });

  it('a day arriving afternoon first is read in time order: one change, no made-up return', async () => {
    const a = await openApp(dialect);
    // The rate goes to 0.78 % at noon on 10-05; the provider sends the afternoon's lines before the morning's.
    await a.pushSettlements(AMOUNTS.map((x) => line(x, 6_000, '2026-10-01', '12:00')));
    await a.pushSettlements(AMOUNTS.slice(0, 5).map((x, i) => line(x + 3, 7_800, '2026-10-05', `15:0${i}`)));
    await a.pushSettlements(AMOUNTS.slice(5).map((x, i) => line(x + 5, 6_000, '2026-10-05', `09:0${i}`)));
    const messages = await rateChanges(a);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^2026-10-05 起 .*由 0\.60% 变为 0\.78%/);
  });
});
