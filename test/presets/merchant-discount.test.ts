import { describe, expect, it } from 'vitest';
import { orderTotalFen } from '../../src/records/index.js';
import { importFiles } from '../../src/statements/import.js';
import {
  ALIPAY_D2,
  alipayDetail,
  type AlipayRow,
  LCSW_DISCOUNTED_SALE,
  lcswStatement,
  type LcswRow,
  WECHAT_D3,
  WECHAT_ORD007_REFUND,
  wechatBill,
} from './discount-fixtures.js';
import { only } from './import-fixture.js';

const read = async (name: string, bytes: Buffer) => {
  const result = await importFiles([{ name, bytes }]);
  expect(result.rejected).toEqual([]);
  return result;
};

describe('alipay 业务明细: 商家实收 is the fee base, the merchant discount apart, 服务费 taken from it', () => {
  it('reads the D2 row 60.00 / 商家优惠 10.00 / 商家实收 50.00 / 服务费 −0.19 as 5000 + 1000 discount, settled 4981', async () => {
    const result = await read('20881234123412340156_20261008_业务明细.csv', alipayDetail(ALIPAY_D2));
    expect(result.files[0]?.preset).toBe('alipay');
    // The footer's 商家实收 totals still agree with the rows.
    expect(result.warnings).toEqual([]);
    const a006 = only(result.records, 'orderNo', 'A006');
    expect(a006).toMatchObject({
      type: 'sale',
      amountFen: 5000,
      discountFen: 1000,
      feeFen: 19,
      settledFen: 4981,
    });
    expect(orderTotalFen(a006)).toBe(6000);
    // No discount: no field; 商家实收 100.00 less 服务费 0.38 reaches the merchant.
    const a001 = only(result.records, 'orderNo', 'A001');
    expect(a001).toMatchObject({ amountFen: 10000, feeFen: 38, settledFen: 9962 });
    expect(a001).not.toHaveProperty('discountFen');
    // The refund (订单金额 the original 100.00) gives back 30.00 and 0.11 of the fee.
    expect(only(result.records, 'orderNo', 'A001R1')).toMatchObject({
      type: 'refund',
      amountFen: -3000,
      feeFen: -11,
      settledFen: -2989,
      originalOrderNo: 'A001',
    });
  });

  it('keeps the discount of a refunded discounted order, negative, whichever way 订单金额 is written', async () => {
    const sale: AlipayRow = {
      order: 'B001',
      type: '交易',
      time: '2026-10-08 11:00:00',
      orderFen: 6000,
      receivedFen: 5000,
      discountFen: 1000,
      feeFen: -19,
    };
    const refund = (orderFen: number): AlipayRow => ({
      order: 'B001',
      type: '退款',
      time: '2026-10-08 11:00:00',
      done: '2026-10-08 15:00:00',
      orderFen,
      receivedFen: -5000,
      discountFen: 1000,
      feeFen: 19,
      batch: 'B001R1',
    });
    for (const orderFen of [-6000, 6000]) {
      const result = await read('a_业务明细.csv', alipayDetail([sale, refund(orderFen)]));
      expect(only(result.records, 'orderNo', 'B001R1')).toMatchObject({
        type: 'refund',
        amountFen: -5000,
        discountFen: -1000,
        feeFen: -19,
        settledFen: -4981,
      });
    }
  });

  it('takes no discount from a partial refund whose 订单金额 is the whole order and which states no 商家优惠', async () => {
    const result = await read(
      'p_业务明细.csv',
      alipayDetail([
        {
          order: 'C001',
          type: '退款',
          time: '2026-10-08 11:00:00',
          orderFen: -10000,
          receivedFen: -3000,
          discountFen: 0,
          feeFen: 11,
          batch: 'C001R1',
        },
      ]),
    );
    const r = only(result.records, 'orderNo', 'C001R1');
    expect(r).toMatchObject({ amountFen: -3000, settledFen: -2989 });
    expect(r).not.toHaveProperty('discountFen');
  });
});

describe('wechat ALL bill: 应结订单金额 stays the fee base, 订单金额 − 应结订单金额 is the merchant discount', () => {
  it('reads ORD007 (订单 60.00, 代金券 10.00, 应结 50.00) as 5000 + 1000 discount', async () => {
    const result = await read('wechat_all.csv', wechatBill(WECHAT_D3));
    expect(result.files[0]?.preset).toBe('wechat');
    expect(result.warnings).toEqual([]);
    expect(only(result.records, 'orderNo', 'ORD007')).toMatchObject({
      amountFen: 5000,
      discountFen: 1000,
      feeFen: 19,
    });
    expect(only(result.records, 'orderNo', 'ORD008')).not.toHaveProperty('discountFen');
  });

  it('reads a refund whose 申请退款金额 60.00 exceeds 退款金额 50.00 as −5000 with a −1000 discount', async () => {
    const result = await read('wechat_all.csv', wechatBill([...WECHAT_D3, WECHAT_ORD007_REFUND]));
    expect(only(result.records, 'orderNo', 'RF007')).toMatchObject({
      type: 'refund',
      amountFen: -5000,
      discountFen: -1000,
      feeFen: -19,
      originalOrderNo: 'ORD007',
    });
  });
});

describe('利楚/扫呗: 商家实收金额 is the fee base, 商家优惠金额 the merchant discount', () => {
  const plain: LcswRow = {
    time: '2026-10-08 10:00:00',
    order: 'L001',
    amountFen: 10000,
    feeFen: 38,
    refundFen: 0,
    balanceFen: 9962,
    type: '支付',
    merchantDiscountFen: 0,
    receivedFen: 10000,
    paidFen: 10000,
    platformDiscountFen: 0,
  };
  const discounted = LCSW_DISCOUNTED_SALE;
  // 平台优惠 is paid by the platform: the merchant receives the whole 30.00.
  const platform: LcswRow = {
    time: '2026-10-08 10:20:00',
    order: 'L003',
    amountFen: 3000,
    feeFen: 11,
    refundFen: 0,
    balanceFen: 2989,
    type: '支付',
    merchantDiscountFen: 0,
    receivedFen: 3000,
    paidFen: 2500,
    platformDiscountFen: 500,
  };
  const refund: LcswRow = {
    time: '2026-10-08 15:00:00',
    order: 'L004',
    original: 'L002',
    amountFen: 6000,
    feeFen: -19,
    refundFen: 6000,
    balanceFen: -4981,
    type: '退款',
    merchantDiscountFen: 1000,
    receivedFen: -5000,
    paidFen: -5000,
    platformDiscountFen: 0,
  };

  it('splits a discounted sale and its refund, and leaves platform-funded discounts in the amount', async () => {
    const result = await read('lcsw_20261008.txt', lcswStatement([plain, discounted, platform, refund]));
    expect(result.files[0]?.preset).toBe('lcsw');
    expect(only(result.records, 'orderNo', 'L001')).not.toHaveProperty('discountFen');
    expect(only(result.records, 'orderNo', 'L002')).toMatchObject({
      amountFen: 5000,
      discountFen: 1000,
      feeFen: 19,
      settledFen: 4981,
    });
    const byPlatform = only(result.records, 'orderNo', 'L003');
    expect(byPlatform).toMatchObject({ amountFen: 3000, settledFen: 2989 });
    expect(byPlatform).not.toHaveProperty('discountFen');
    expect(only(result.records, 'orderNo', 'L004')).toMatchObject({
      type: 'refund',
      amountFen: -5000,
      discountFen: -1000,
      feeFen: -19,
      settledFen: -4981,
      originalOrderNo: 'L002',
    });
  });
});
