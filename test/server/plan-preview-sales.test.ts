import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant } from './merchant-harness.js';
import { PLAN_YAML } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

const SHOP = { name: '测试小店', merchantId: '898440153991234' };

const HEADER =
  '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期';

/**
 * 10-08: a ¥1,000.00 credit sale charged ¥6.80 (0.60 % is ¥6.00: 80 fen over); a ¥2,000.00 credit
 * pre-authorisation completion charged ¥13.60 (¥12.00: 160 over); a ¥500.00 credit sale listed without its fee,
 * settled ¥496.60 (¥3.40 taken, ¥3.00 due: 40 over); a ¥100.00 debit sale charged the right ¥0.55.
 */
const CSV = `${[
  HEADER,
  '2026-10-08 10:00:00,898440153991234,12345678,100000000001,622202******0123,贷记卡,刷卡,消费,1000.00,6.80,993.20,2026-10-09',
  '2026-10-08 11:00:00,898440153991234,12345678,100000000002,622202******0123,贷记卡,刷卡,预授权完成,2000.00,13.60,1986.40,2026-10-09',
  '2026-10-08 12:00:00,898440153991234,12345678,100000000003,622202******0123,贷记卡,刷卡,消费,500.00,,496.60,2026-10-09',
  '2026-10-08 13:00:00,898440153991234,12345678,100000000004,622202******0456,借记卡,刷卡,消费,100.00,0.55,99.45,2026-10-09',
].join('\r\n')}\r\n`;

describe.each(DIALECTS)('POST /api/v1/merchants/{id}/plan/preview (%s)', (dialect: DialectName) => {
  it('prices the sales the monitor prices: pre-authorisation completions, and amount − settled without a fee', async () => {
    t = await testApp(dialect);
    const owner = await ownerWithMerchant(t, SHOP);
    expect((await owner.putPlan()).statusCode).toBe(200);
    const up = await owner.upload('结算明细.csv', CSV, { kind: 'settlement' });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json().landings[0].stored).toBe(4);

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${owner.id}/plan/preview`,
      headers: { cookie: owner.cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // Charged 680 + 1,360 + 340 + 55 = 2,435 fen; the plan gives 600 + 1,200 + 300 + 55 = 2,155: 280 more.
    expect(body).toMatchObject({
      ok: true,
      sales: 4,
      unpriced: 0,
      chargedFeeFen: 2_435,
      plannedFeeFen: 2_155,
      differenceFen: 280,
    });
    // The audit of the same lines under the same plan finds the same 80 + 160 + 40 = 280 fen.
    expect(body.proposed.overchargeFen).toBe(280);
    expect(body.current.overchargeFen).toBe(280);
  });
});
