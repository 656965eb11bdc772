import { describe, expect, it } from 'vitest';
import { naturalKey } from '../../src/monitor/natural-key.js';
import { localDateOf } from '../../src/time/shanghai.js';
import { settlementCsv } from '../server/sample-data.js';
import {
  cleanupAfterEach,
  creditStatementLine,
  MERCHANT_NO,
  ownerSession,
  recordsOf,
  storedSale,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

/** The provider's push of the statement's first line (¥1,000.00 on a credit card), charged `feeFen`. */
function pushedFirstLine(feeFen: number): Record<string, unknown> {
  return {
    type: 'sale',
    status: 'success',
    time: '2026-10-08T10:00:00+08:00',
    merchantId: MERCHANT_NO,
    terminalId: '12345678',
    refNo: '100000000001',
    channel: 'card',
    card: 'credit',
    amountFen: 100_000,
    feeFen,
  };
}

describe('a pushed record found again in an imported file', () => {
  it('is the same record, not a duplicate', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const pushed = await s.post('settlements', pushedFirstLine(600));
    expect(pushed.statusCode).toBe(201);
    const csv = settlementCsv([
      creditStatementLine('100000000001'),
      creditStatementLine('100000000002', {
        time: '2026-10-08 11:00:00',
        amount: '500.00',
        fee: '3.00',
        settled: '497.00',
      }),
    ]);
    const up = await s.uploadStatement('settlement.csv', csv, { kind: 'settlement' });
    expect(up.statusCode).toBe(201);
    const refs = await recordsOf(s).select(['ref_no', 'import_id']).orderBy('id').execute();
    // The pushed line stays (no import), the file adds only the line that was not pushed.
    expect(refs.map((r) => [r.ref_no, r.import_id === null])).toEqual([
      ['100000000001', true],
      ['100000000002', false],
    ]);
    const claimed = await s.m.storage.db.selectFrom('pushed_records').selectAll().execute();
    expect(claimed[0]?.claimed_import_id).toBe(up.json<{ importId: number }>().importId);
  });

  it('natural keys: the strongest identifier, with kind, type and amount; none without an identifier', () => {
    const base = {
      kind: 'settlement',
      type: 'sale',
      status: 'success',
      time: '2026-10-08T10:00:00+08:00',
      channel: 'card',
      card: 'credit',
      amountFen: 100,
      source: { file: 'api', row: 1 },
    } as const;
    expect(naturalKey({ ...base, refNo: 'R1', orderNo: 'O1' })).toBe('settlement|sale|100|ref:R1');
    expect(naturalKey({ ...base, terminalId: 'T', batchNo: 'B', voucherNo: 'V' })).toBe(
      'settlement|sale|100|tbv:T/B/V/2026-10-08',
    );
    expect(naturalKey({ ...base, orderNo: 'O1' })).toBe('settlement|sale|100|order:O1');
    expect(naturalKey({ ...base })).toBeUndefined();
  });

  it('a time written without an offset is Shanghai wall time in the key, whatever TZ the process runs in', () => {
    const base = {
      kind: 'terminal',
      type: 'sale',
      status: 'success',
      channel: 'card',
      card: 'credit',
      amountFen: 100,
      terminalId: 'T1',
      batchNo: 'B1',
      voucherNo: '000123',
      source: { file: 'api', row: 1 },
    } as const;
    // 20:30 in Shanghai is 12:30 UTC the same day: the voucher's day is 2026-10-08 however it is written.
    const key = 'terminal|sale|100|tbv:T1/B1/000123/2026-10-08';
    expect(naturalKey({ ...base, time: '2026-10-08T20:30:00' })).toBe(key);
    expect(naturalKey({ ...base, time: '2026-10-08T20:30:00+08:00' })).toBe(key);
    expect(naturalKey({ ...base, time: '2026-10-08T12:30:00Z' })).toBe(key);
    // 00:30 in Shanghai is still the evening before in UTC.
    expect(naturalKey({ ...base, time: '2026-10-09T00:30:00' })).toBe(
      'terminal|sale|100|tbv:T1/B1/000123/2026-10-09',
    );
  });

  it('a pushed time without an offset is stored as Shanghai time, so an evening sale stays on its day', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    const evening = { time: '2026-10-08T20:30:00', terminalId: 'T1', channel: 'card', card: 'credit' };
    const row = await storedSale(s, { ...evening, amountFen: 100 });
    // Read back by the audit's own date function: 20:30 in Shanghai is on 2026-10-08 in any process zone.
    expect(localDateOf(row.time)).toBe('2026-10-08');
  });

  it('a record imported first and pushed afterwards is the same record too: stored once, checked once', async () => {
    const s = await ownerSession(cleanups, { worker: false });
    // The statement of 10-08 is uploaded first: ¥1,000.00 on a credit card charged ¥6.80 where the plan's 0.60 %
    // gives ¥6.00 (80 fen over).
    const csv = settlementCsv([creditStatementLine('100000000001', { fee: '6.80', settled: '993.20' })]);
    const up = await s.uploadStatement('settlement.csv', csv, { kind: 'settlement' });
    expect(up.statusCode).toBe(201);
    // The upload is checked on arrival: the overcharge is alerted there, once.
    expect(up.json<{ alerts: number }>().alerts).toBe(1);
    const imported = await recordsOf(s).select('id').executeTakeFirstOrThrow();
    // The provider's push of the same line arrives late.
    const line = pushedFirstLine(680);
    const pushed = await s.post('settlements', line);
    expect(pushed.statusCode).toBe(201);
    const answer = pushed.json<{ stored: number; recordIds: number[]; alerts: { kind: string }[] }>();
    expect(answer.stored).toBe(0);
    expect(answer.recordIds).toEqual([imported.id]);
    // Checked on arrival all the same, as the imported record: its overcharge was alerted at the upload, so the
    // push raises no second alert.
    expect(answer.alerts).toEqual([]);
    const alerts = await s.m.storage.db
      .selectFrom('monitor_alerts')
      .select('kind')
      .where('merchant_id', '=', s.id)
      .execute();
    expect(alerts.map((a) => a.kind)).toEqual(['fee_overcharge']);
    expect(await recordsOf(s).select('id').execute()).toHaveLength(1);
    // A second push of the line is a second record, as two pushes always are.
    const again = await s.post('settlements', line);
    expect(again.json<{ stored: number }>().stored).toBe(1);
  });
});
