import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
let receiver: Server | undefined;
afterEach(async () => {
  await t.close();
  await new Promise<void>((done) => (receiver === undefined ? done() : receiver.close(() => done())));
  receiver = undefined;
});

/** A real local webhook endpoint: resolves with the first JSON body it receives. */
async function webhookReceiver(): Promise<{ url: string; first: Promise<unknown> }> {
  let deliver: (body: unknown) => void = () => undefined;
  const first = new Promise<unknown>((resolve) => {
    deliver = resolve;
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      deliver(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    });
  });
  receiver = server;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, first };
}

describe.each(DIALECTS)('a statement uploaded through the API on %s', (dialect: DialectName) => {
  it('is checked on arrival: the overcharge raises an alert and the webhook gets it at once', async () => {
    t = await testApp(dialect);
    const { cookie, id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    const hook = await webhookReceiver();
    const channel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/alert-channels`,
      headers: { cookie },
      payload: { type: 'webhook', url: hook.url },
    });
    expect(channel.statusCode, channel.body).toBe(201);

    const send = () => upload('结算明细-10月.csv', settlementCsv(OVERCHARGED));
    const uploaded = await send();
    expect(uploaded.statusCode, uploaded.body).toBe(201);

    const alerts = (await get(`/api/v1/merchants/${id}/alerts`)).json().alerts as {
      kind: string;
      amountFen: number | null;
    }[];
    const overcharges = alerts.filter((a) => a.kind === 'fee_overcharge');
    // Three credit sales of ¥1,000.00 charged 0.68% (¥6.80) instead of 0.60% (¥6.00): 80 fen each, all on
    // 2026-10-08, credit card, one plan rule. The monitor raises one alert per day, channel, card and rule,
    // for the day's total: 3 × (680 − 600) = 240 fen. The debit line (¥100 × 0.55% = ¥0.55) is right.
    expect(overcharges).toHaveLength(1);
    expect(overcharges[0]?.amountFen).toBe(240);
    expect(uploaded.json().alerts).toBe(alerts.length);

    // The real webhook receives it without waiting for a daily run.
    const body = await Promise.race([
      hook.first,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no webhook delivery')), 15_000)),
    ]);
    expect(JSON.stringify(body)).toContain('fee_overcharge');

    // The same file again is a duplicate: nothing is checked twice, no second alert.
    const again = await send();
    expect(again.statusCode).toBe(200);
    const after = (await get(`/api/v1/merchants/${id}/alerts`)).json().alerts as unknown[];
    expect(after).toHaveLength(alerts.length);
  }, 30_000);
  it('alerts once when the provider pushes a line the uploaded statement already raised', async () => {
    t = await testApp(dialect);
    const { cookie, id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    const first = OVERCHARGED[0];
    if (first === undefined) throw new Error('sample');
    const up = await upload('settlement.csv', settlementCsv([first]));
    // ¥1,000.00 on a credit card charged ¥6.80 where 0.60% gives ¥6.00: 80 fen over, alerted on upload.
    expect(up.json().alerts).toBe(1);
    const pushed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/settlements`,
      headers: { cookie },
      payload: {
        type: 'sale',
        status: 'success',
        time: '2026-10-08T10:00:00+08:00',
        merchantId: '898440153991234',
        terminalId: '12345678',
        refNo: first.ref,
        channel: 'card',
        card: 'credit',
        amountFen: 100_000,
        feeFen: 680,
      },
    });
    expect(pushed.statusCode, pushed.body).toBe(201);
    // The push is the same line (stored once) and its event is known: no second alert.
    expect(pushed.json().stored).toBe(0);
    expect(pushed.json().alerts).toEqual([]);
    const alerts = (await get(`/api/v1/merchants/${id}/alerts`)).json().alerts as {
      kind: string;
      amountFen: number | null;
    }[];
    expect(alerts.map((a) => [a.kind, a.amountFen])).toEqual([['fee_overcharge', 80]]);
  });
});
