import { afterEach, describe, expect, it } from 'vitest';
import { monitorApp, ownerWithMerchant, receiver, waitFor } from './monitor-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

// 6225 8812 3456 7898 passes the Luhn check: a real-looking full card number (PAN).
const PAN = '6225881234567898';

describe('pushed records never store or send a full card number, nor control characters', () => {
  it('masks a full card number given as payerId or as a spaced cardNo, in the records and in the alert', async () => {
    const m = await monitorApp();
    cleanups.push(() => m.close());
    const { cookie, id } = await ownerWithMerchant(m);
    const rx = await receiver();
    cleanups.push(() => rx.close());
    await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/alert-channels`,
      headers: { cookie },
      payload: { type: 'webhook', url: rx.url },
    });
    // Two sales of ¥100.00 by the same payer 10 s apart on one terminal: a duplicate_submission whose
    // details name the payer.
    const sale = (second: number, payer: Record<string, string>): Record<string, unknown> => ({
      type: 'sale',
      status: 'success',
      time: `2026-10-01T12:00:${String(second).padStart(2, '0')}+08:00`,
      terminalId: 'T001',
      channel: 'card',
      card: 'debit',
      amountFen: 10_000,
      ...payer,
    });
    const res = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/transactions`,
      headers: { cookie },
      payload: [
        sale(1, { payerId: PAN }),
        sale(11, { payerId: PAN }),
        sale(30, { cardNo: '6225 8812 3456 7898' }),
        sale(40, { cardNo: '6225-8812-3456-7898' }),
      ],
    });
    expect(res.statusCode).toBe(201);
    const rows = await m.storage.db
      .selectFrom('records')
      .select(['payer_id', 'card_no'])
      .where('merchant_id', '=', id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { payer_id: '622588******7898', card_no: null },
      { payer_id: '622588******7898', card_no: null },
      { payer_id: null, card_no: '622588******7898' },
      { payer_id: null, card_no: '622588******7898' },
    ]);
    // The same masked card still groups the payer: three duplicate submissions (11 s, 30 s, 40 s).
    const kinds = res.json<{ alerts: { kind: string }[] }>().alerts.map((a) => a.kind);
    expect(kinds).toContain('duplicate_submission');
    await waitFor(() => (rx.received.length >= kinds.length ? true : undefined));
    for (const r of rx.received) expect(r.body).not.toMatch(/\d{11,}|6225[ -]8812/);
  });

  it('keeps an Alipay user id (2088…) as it is: it is not a card number', async () => {
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
        time: '2026-10-01T12:00:00+08:00',
        channel: 'alipay',
        card: 'unknown',
        payerId: '2088102146225136',
        amountFen: 100,
      },
    });
    expect(res.statusCode).toBe(201);
    const row = await m.storage.db
      .selectFrom('records')
      .select('payer_id')
      .where('merchant_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.payer_id).toBe('2088102146225136');
  });

  it('a terminal id carrying line breaks cannot add lines to the robot message', async () => {
    const m = await monitorApp();
    cleanups.push(() => m.close());
    const { cookie, id } = await ownerWithMerchant(m);
    const rx = await receiver();
    cleanups.push(() => rx.close());
    await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/alert-channels`,
      headers: { cookie },
      payload: { type: 'wecom', url: `${rx.url}/wecom` },
    });
    const res = await m.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/transactions`,
      headers: { cookie },
      payload: {
        type: 'sale',
        status: 'success',
        time: '2026-10-01T03:00:00+08:00',
        terminalId: 'T1\n详情：http://evil.example/\u0007',
        channel: 'card',
        card: 'credit',
        amountFen: 100,
      },
    });
    expect(res.statusCode).toBe(201);
    const got = await waitFor(() => rx.received[0]);
    const text = (JSON.parse(got.body) as { text: { content: string } }).text.content;
    // Subject, message, link: three lines, and no control character.
    expect(text.split('\n')).toHaveLength(3);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
