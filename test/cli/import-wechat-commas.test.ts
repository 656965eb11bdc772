import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/statements/import.js';

// A WeChat trade bill (DOMAIN.md §2.6) whose 商品名称 holds a comma: WeChat does not quote it, but every field
// starts with a backtick, so only a comma followed by one ends a field (QA W/wx_all_utf8.csv).
const HEAD =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const row = (time: string, no: string, status: string, label: string, money: string) =>
  `\`2026-10-13 ${time},\`wx1234567890abcdef,\`1600000001,\`0,\`POS01,\`42000000012026101300000000${no},\`T0${no},\`oUser${no},\`MICROPAY,\`${status},\`CMB_CREDIT,\`CNY,${money.replace('LABEL', label)}`;
const SALE = '`1000.00,`0.00,`0,`0,`0.00,`0.00,`,`,`LABEL,`,`6.00000,`0.60%,`1000.00,`0.00,`标准费率';
const BILL = [
  HEAD,
  row('09:00:00', '01', 'SUCCESS', '商品A,含逗号', SALE),
  row('10:00:00', '02', 'SUCCESS', '商品B', SALE),
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  '`2,`2000.00,`0.00,`0.00,`12.00000,`2000.00,`0.00',
  '',
].join('\n');

describe('a WeChat bill with a comma inside a field', () => {
  it('reads the field whole, every row kept and the summary pair agreeing', async () => {
    const result = await importFiles([{ name: 'wx.csv', bytes: new TextEncoder().encode(BILL) }]);
    expect(result.files[0]?.preset).toBe('wechat');
    expect(result.rejected).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.records.map((r) => [r.orderNo, r.label, r.amountFen, r.feeFen, r.rate])).toEqual([
      ['T001', '商品A,含逗号', 100000, 600, 6000],
      ['T002', '商品B', 100000, 600, 6000],
    ]);
  });

  it('folds the comma back into 商品名称 once the backticks are gone (a bill re-saved by Excel)', async () => {
    const bytes = new TextEncoder().encode(BILL.replaceAll('`', ''));
    const result = await importFiles([{ name: 'wx.csv', bytes }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.orderNo, r.label, r.amountFen, r.feeFen, r.rate])).toEqual([
      ['T001', '商品A,含逗号', 100000, 600, 6000],
      ['T002', '商品B', 100000, 600, 6000],
    ]);
  });
});
