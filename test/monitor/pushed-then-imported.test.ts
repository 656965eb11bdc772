import { afterEach, describe, expect, it } from 'vitest';
import { naturalKey } from '../../src/monitor/natural-key.js';
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
});
