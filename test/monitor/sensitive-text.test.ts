import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  openReceiver,
  ownerSession,
  recordsOf,
  storedSale,
  waitFor,
} from './monitor-harness.js';

const cleanups = cleanupAfterEach();

// 6225 8812 3456 7898 passes the Luhn check: a real-looking full card number (PAN).
const PAN = '6225881234567898';

describe('pushed records never store or send a full card number, nor control characters', () => {
  it('masks a full card number given as payerId or as a spaced cardNo, in the records and in the alert', async () => {
    const s = await ownerSession(cleanups);
    const rx = await openReceiver(cleanups);
    await s.post('alert-channels', { type: 'webhook', url: rx.url });
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
    const res = await s.post('transactions', [
      sale(1, { payerId: PAN }),
      sale(11, { payerId: PAN }),
      sale(30, { cardNo: '6225 8812 3456 7898' }),
      sale(40, { cardNo: '6225-8812-3456-7898' }),
    ]);
    expect(res.statusCode).toBe(201);
    const rows = await recordsOf(s).select(['payer_id', 'card_no']).orderBy('id').execute();
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
    const s = await ownerSession(cleanups, { worker: false });
    const alipay = { time: '2026-10-01T12:00:00+08:00', channel: 'alipay', card: 'unknown' };
    const row = await storedSale(s, { ...alipay, payerId: '2088102146225136', amountFen: 100 });
    expect(row.payer_id).toBe('2088102146225136');
  });

  it('a terminal id carrying line breaks cannot add lines to the robot message', async () => {
    const s = await ownerSession(cleanups);
    const rx = await openReceiver(cleanups);
    await s.post('alert-channels', { type: 'wecom', url: `${rx.url}/wecom` });
    const res = await s.post('transactions', {
      type: 'sale',
      status: 'success',
      time: '2026-10-01T03:00:00+08:00',
      terminalId: 'T1\n详情：http://evil.example/\u0007',
      channel: 'card',
      card: 'credit',
      amountFen: 100,
    });
    expect(res.statusCode).toBe(201);
    const got = await waitFor(() => rx.received[0]);
    const text = (JSON.parse(got.body) as { text: { content: string } }).text.content;
    // Subject, message, link: three lines, and no control character.
    expect(text.split('\n')).toHaveLength(3);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
