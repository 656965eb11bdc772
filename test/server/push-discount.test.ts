import { describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { recordsForAudit } from '../../src/storage/records-repo.js';
import { dialectAppPerTest } from '../monitor/dialect-app.js';
import { DIALECTS } from '../storage/test-storage.js';

const openApp = dialectAppPerTest();

const PLAN = `merchant: 测试小店
rounding: half-up
tolerance: 0
settlement: T1
periods:
  - from: 2026-09-01
    rates:
      - { channel: [wechat, alipay], rate: 0.38% }
`;

describe.each(DIALECTS)(
  'a pushed settlement line with a merchant discount, on %s',
  (dialect: DialectName) => {
    it('is taken with its discountFen, stored, and its fee checked on the amount the merchant received', async () => {
      const a = await openApp(dialect);
      await a.putPlan(PLAN);
      // A 60.00 order with the merchant's own 10.00 coupon: WeChat settles 50.00 and charges 0.38% of it, 0.19.
      const line = {
        type: 'sale',
        status: 'success',
        time: '2026-10-08T10:10:00+08:00',
        orderNo: 'ORD007',
        channel: 'wechat',
        card: 'unknown',
        amountFen: 5000,
        discountFen: 1000,
        feeFen: 19,
        settledFen: 4981,
      };
      expect(await a.pushSettlements(line)).toEqual([]);
      const { settlement } = await recordsForAudit(a.storage.db, 1, a.merchantId);
      expect(settlement.map((r) => [r.orderNo, r.amountFen, r.discountFen, r.feeFen])).toEqual([
        ['ORD007', 5000, 1000, 19],
      ]);
      // A discount is money, in whole fen.
      const refused = await a.post('settlements', { ...line, orderNo: 'ORD010', discountFen: 10.5 });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('discountFen');
    });
  },
);
