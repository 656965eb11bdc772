import { afterEach, describe, expect, it } from 'vitest';
import { ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

/** A ¥20.00 credit-card sale at noon, Shanghai time, as a POS pushes it. */
const sale = (n: number, merchantId?: string): Record<string, unknown> => ({
  type: 'sale',
  status: 'success',
  time: '2026-10-01T12:00:00+08:00',
  terminalId: 'T001',
  refNo: `30000000000${n}`,
  channel: 'card',
  card: 'credit',
  amountFen: 2_000,
  ...(merchantId === undefined ? {} : { merchantId }),
});

describe('a pushed record naming another merchant number', () => {
  it("is refused (400, index and number named) and nothing is stored under the route's merchant", async () => {
    t = await testApp();
    const { cookie, id, get } = await ownerWithMerchant(t, SAMPLE_MERCHANT);
    const push = (payload: Record<string, unknown>[]) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${id}/transactions`,
        headers: { cookie },
        payload,
      });

    const res = await push([sale(1, '898440153991234'), sale(2, '822841054119608')]);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('invalid_record');
    expect(error.message).toContain('[1].merchantId');
    expect(error.message).toContain('822841054119608');
    expect(error.details.problems).toEqual([
      {
        index: 1,
        path: 'merchantId',
        zh: '[1].merchantId：822841054119608 不是本商户的商户号（898440153991234）',
        en: "[1].merchantId: 822841054119608 is not this merchant's number (898440153991234)",
      },
    ]);
    expect((await get(`/api/v1/merchants/${id}`)).json().records).toBe(0);

    // Its own number, or none at all, is taken.
    const ok = await push([sale(1, '898440153991234'), sale(2)]);
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await get(`/api/v1/merchants/${id}`)).json().records).toBe(2);
  });
});
