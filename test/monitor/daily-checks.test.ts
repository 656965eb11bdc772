import { describe, expect, it } from 'vitest';
import { runDailyChecks, statementDueDate } from '../../src/monitor/daily-checks.js';
import { cleanupAfterEach, ownerSession } from './monitor-harness.js';

const cleanups = cleanupAfterEach();

const sale = (time: string, n: number) => ({
  type: 'sale',
  status: 'success',
  time,
  refNo: `R${n}`,
  channel: 'card',
  card: 'credit',
  amountFen: 10_000,
});

describe('daily reconciliation: missing_statement and the digest', () => {
  it('T+1 counts working days: a Friday statement is due on Monday', () => {
    expect(statementDueDate('2026-11-06', { basis: 'T', days: 1 })).toBe('2026-11-09');
    expect(statementDueDate('2026-11-06', { basis: 'D', days: 1 })).toBe('2026-11-07');
  });

  it('raises missing_statement once for a trade day with sales and no statement by T+N', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const { m, id } = s;
    // Thursday 11-05 and Friday 11-06 sold; only Thursday's statement came.
    await s.post('transactions', [
      sale('2026-11-05T12:00:00+08:00', 1),
      sale('2026-11-06T12:00:00+08:00', 2),
    ]);
    await s.post('settlements', { ...sale('2026-11-05T12:00:00+08:00', 1), feeFen: 60 });
    const opts = { publicUrl: 'https://posguard.example' };
    // Saturday: Friday's statement is due Monday (T+1 working day), so nothing yet.
    const sat = await runDailyChecks(m.storage.db, '2026-11-07', { ...opts, at: '2026-11-07T02:00:00Z' });
    expect(sat.find((r) => r.merchantId === id)?.missingStatements).toEqual([]);
    const mon = await runDailyChecks(m.storage.db, '2026-11-09', { ...opts, at: '2026-11-09T02:00:00Z' });
    expect(mon.find((r) => r.merchantId === id)?.missingStatements).toEqual(['2026-11-06']);
    expect(mon.find((r) => r.merchantId === id)?.alertsRaised).toBe(1);
    // The next day it is still missing but already alerted: no second alert.
    await s.post('alert-channels', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 's' });
    const tue = await runDailyChecks(m.storage.db, '2026-11-10', { ...opts, at: '2026-11-10T02:00:00Z' });
    expect(tue.find((r) => r.merchantId === id)?.alertsRaised).toBe(0);
    // Monday's alert goes into Tuesday's digest, one per channel.
    expect(tue.find((r) => r.merchantId === id)?.digestQueued).toBe(1);
    const digest = await m.storage.db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('kind', '=', 'digest')
      .executeTakeFirstOrThrow();
    expect(digest.text).toContain('2026-11-09 监控日报');
    expect(digest.text).toContain('结算单未到 1 条');
    // The daily reconciliation (the audit over 10-27…11-09) rides along in the digest.
    expect(tue.find((r) => r.merchantId === id)?.audit).toBeDefined();
    expect(digest.text).toContain('2026-10-27 至 2026-11-09 对账：发现');
    // A second run the same day queues no second digest.
    const again = await runDailyChecks(m.storage.db, '2026-11-10', { ...opts, at: '2026-11-10T03:00:00Z' });
    expect(again.find((r) => r.merchantId === id)?.digestQueued).toBe(0);
    const alerts = await s.get('alerts?kind=missing_statement');
    expect(alerts.json<{ alerts: { message: string }[] }>().alerts.map((a) => a.message)).toEqual([
      '2026-11-06 有终端交易，但到 2026-11-09（T+1）仍未收到结算单：¥100.00 的交易仍待结算',
    ]);
  });
});
