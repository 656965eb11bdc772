import { afterEach, describe, expect, it } from 'vitest';
import { naturalKey } from '../../src/monitor/natural-key.js';
import { localDateOf } from '../../src/time/shanghai.js';
import { settlementCsv } from '../server/sample-data.js';
import { multipartBody } from '../server/test-app.js';
import { monitorApp, ownerWithMerchant } from './monitor-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('a pushed record found again in an imported file', () => {
  it('is the same record, not a duplicate', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    const { cookie, id } = await ownerWithMerchant(m);
    const pushed = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: {
        type: 'sale',
        status: 'success',
        time: '2026-10-08T10:00:00+08:00',
        merchantId: '822584053110001',
        terminalId: '12345678',
        refNo: '100000000001',
        channel: 'card',
        card: 'credit',
        amountFen: 100_000,
        feeFen: 600,
      },
    });
    expect(pushed.statusCode).toBe(201);
    const csv = settlementCsv([
      {
        time: '2026-10-08 10:00:00',
        merchant: '822584053110001',
        ref: '100000000001',
        card: '贷记卡',
        amount: '1000.00',
        fee: '6.00',
        settled: '994.00',
        settleDate: '2026-10-09',
      },
      {
        time: '2026-10-08 11:00:00',
        merchant: '822584053110001',
        ref: '100000000002',
        card: '贷记卡',
        amount: '500.00',
        fee: '3.00',
        settled: '497.00',
        settleDate: '2026-10-09',
      },
    ]);
    const body = multipartBody('settlement.csv', csv, { kind: 'settlement' });
    const up = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements`,
      headers: { cookie, ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode).toBe(201);
    const refs = await m.storage.db
      .selectFrom('records')
      .select(['ref_no', 'import_id'])
      .where('merchant_id', '=', id)
      .orderBy('id')
      .execute();
    // The pushed line stays (no import), the file adds only the line that was not pushed.
    expect(refs.map((r) => [r.ref_no, r.import_id === null])).toEqual([
      ['100000000001', true],
      ['100000000002', false],
    ]);
    const claimed = await m.storage.db.selectFrom('pushed_records').selectAll().execute();
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
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    const { cookie, id } = await ownerWithMerchant(m);
    const res = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/transactions`,
      headers: { cookie },
      payload: {
        type: 'sale',
        status: 'success',
        time: '2026-10-08T20:30:00',
        terminalId: 'T1',
        channel: 'card',
        card: 'credit',
        amountFen: 100,
      },
    });
    expect(res.statusCode).toBe(201);
    const row = await m.storage.db
      .selectFrom('records')
      .select('time')
      .where('merchant_id', '=', id)
      .executeTakeFirstOrThrow();
    // Read back by the audit's own date function: 20:30 in Shanghai is on 2026-10-08 in any process zone.
    expect(localDateOf(row.time)).toBe('2026-10-08');
  });

  it('a record imported first and pushed afterwards is the same record too: stored once, checked once', async () => {
    const m = await monitorApp({ worker: false });
    cleanups.push(() => m.close());
    const { cookie, id } = await ownerWithMerchant(m);
    // The statement of 10-08 is uploaded first: ¥1,000.00 on a credit card charged ¥6.80 where the plan's 0.60 %
    // gives ¥6.00 (80 fen over).
    const csv = settlementCsv([
      {
        time: '2026-10-08 10:00:00',
        merchant: '822584053110001',
        ref: '100000000001',
        card: '贷记卡',
        amount: '1000.00',
        fee: '6.80',
        settled: '993.20',
        settleDate: '2026-10-09',
      },
    ]);
    const body = multipartBody('settlement.csv', csv, { kind: 'settlement' });
    const up = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements`,
      headers: { cookie, ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode).toBe(201);
    // The upload is checked on arrival: the overcharge is alerted there, once.
    expect(up.json<{ alerts: number }>().alerts).toBe(1);
    const imported = await m.storage.db
      .selectFrom('records')
      .select('id')
      .where('merchant_id', '=', id)
      .executeTakeFirstOrThrow();
    // The provider's push of the same line arrives late.
    const line = {
      type: 'sale',
      status: 'success',
      time: '2026-10-08T10:00:00+08:00',
      merchantId: '822584053110001',
      terminalId: '12345678',
      refNo: '100000000001',
      channel: 'card',
      card: 'credit',
      amountFen: 100_000,
      feeFen: 680,
    };
    const pushed = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: line,
    });
    expect(pushed.statusCode).toBe(201);
    const answer = pushed.json<{ stored: number; recordIds: number[]; alerts: { kind: string }[] }>();
    expect(answer.stored).toBe(0);
    expect(answer.recordIds).toEqual([imported.id]);
    // Checked on arrival all the same, as the imported record: its overcharge was alerted at the upload, so the
    // push raises no second alert.
    expect(answer.alerts).toEqual([]);
    const alerts = await m.storage.db
      .selectFrom('monitor_alerts')
      .select('kind')
      .where('merchant_id', '=', id)
      .execute();
    expect(alerts.map((a) => a.kind)).toEqual(['fee_overcharge']);
    const rows = await m.storage.db
      .selectFrom('records')
      .select('id')
      .where('merchant_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);
    // A second push of the line is a second record, as two pushes always are.
    const again = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: line,
    });
    expect(again.json<{ stored: number }>().stored).toBe(1);
  });
});
