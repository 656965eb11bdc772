import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { ownerWithMerchant } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

/** The merchant's own 商户号. */
const OWN_NUMBER = '898440153991234';
/** Another shop's number, written in the proposed plan by mistake. */
const OTHER_NUMBER = '822000000000999';

const SHOP = { name: '测试小店', merchantId: OWN_NUMBER };

/** Credit cards 0.60 %, no tolerance, naming another merchant number. */
const PLAN_FOR_OTHER_NUMBER = `merchant: 测试小店
merchantId: "${OTHER_NUMBER}"
rounding: half-up
tolerance: 0
settlement: T1
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

/** 10-08: a ¥1,000.00 credit sale charged ¥6.80 (0.60 % is ¥6.00: 80 fen over). */
const CSV = `${[
  '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,结算日期',
  `2026-10-08 10:00:00,${OWN_NUMBER},12345678,100000000001,622202******0123,贷记卡,刷卡,消费,1000.00,6.80,993.20,2026-10-09`,
].join('\r\n')}\r\n`;

interface Preview {
  ok: boolean;
  warnings: { code: string; path: string; zh: string; en: string; text: string }[];
  chargedFeeFen: number;
  plannedFeeFen: number;
  differenceFen: number;
  proposed: { overchargeFen: number; findingsByKind: Record<string, number> };
}

describe.each(DIALECTS)(
  'plan preview of a plan naming another merchant number (%s)',
  (dialect: DialectName) => {
    async function preview(plan: string, lang: 'zh' | 'en' = 'zh'): Promise<Preview> {
      t = await testApp(dialect);
      const owner = await ownerWithMerchant(t, SHOP);
      const up = await owner.upload('结算明细.csv', CSV, { kind: 'settlement' });
      expect(up.statusCode, up.body).toBe(201);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${owner.id}/plan/preview?lang=${lang}`,
        headers: { cookie: owner.cookie, 'content-type': 'application/yaml' },
        payload: plan,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Preview>();
    }

    it("audits the merchant's lines under the plan all the same, and warns of the other number", async () => {
      const body = await preview(PLAN_FOR_OTHER_NUMBER);
      expect(body).toMatchObject({ ok: true, chargedFeeFen: 680, plannedFeeFen: 600, differenceFen: 80 });
      // The audit under the proposed plan finds the same 680 − 600 = 80 fen, on the plan's basis.
      expect(body.proposed.overchargeFen).toBe(80);
      expect(body.proposed.findingsByKind['fee_overcharge']).toBe(1);
      expect(body.warnings).toEqual([
        expect.objectContaining({
          code: 'merchant_id_mismatch',
          path: 'merchantId',
          zh: expect.stringContaining(OTHER_NUMBER),
          en: expect.stringContaining(OWN_NUMBER),
          text: expect.stringContaining(OTHER_NUMBER),
        }),
      ]);
    });

    it('gives the warning line in English when asked', async () => {
      const body = await preview(PLAN_FOR_OTHER_NUMBER, 'en');
      expect(body.warnings.map((w) => w.text)).toEqual([
        expect.stringContaining(
          `the plan's merchantId ${OTHER_NUMBER} is not this merchant's number (${OWN_NUMBER})`,
        ),
      ]);
    });

    it('brings no warning for a plan naming the merchant itself', async () => {
      const body = await preview(PLAN_FOR_OTHER_NUMBER.replace(OTHER_NUMBER, OWN_NUMBER));
      expect(body.warnings).toEqual([]);
      expect(body.proposed.overchargeFen).toBe(80);
    });
  },
);
