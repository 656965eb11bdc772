import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';
import { namesMoney } from './presets/unmapped-money.js';
import { normaliseHeader } from './header-match.js';

// Money in a column no field reads (优惠金额, 服务费, 流量费, 其他扣款) was ignored without a word: a deduction there
// escaped every check. The import now names such a column when it holds amounts other than zero.

const bytes = (lines: readonly string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const M = '822841054119608';

async function warningsOf(lines: readonly string[], name = 'statement.csv') {
  const result = await importFiles([{ name, bytes: bytes(lines) }], { kind: 'settlement' });
  return result.files[0]?.warnings.filter((w) => w.code === 'column.unmapped-money') ?? [];
}

describe('unmapped money columns', () => {
  it('warns, naming file and column, when 流量费 and 其他扣款 hold amounts; not for zeros, balances or copies', async () => {
    const warnings = await warningsOf([
      '交易时间,商户号,参考号,支付方式,卡类型,交易类型,交易金额,优惠金额,手续费,流量费,其他扣款,账户余额,原始金额,结算金额',
      `2026-10-13 09:00:00,${M},628300000001,刷卡,贷记卡,消费,1000.00,0.00,5.50,0.00,,994.50,1000.00,994.50`,
      // 500.00 − 2.75 fee − 99.00 流量费 − 3.00 其他扣款 = 395.25.
      `2026-10-13 09:10:00,${M},628300000002,刷卡,贷记卡,消费,500.00,0,2.75,99.00,3.00,1389.75,500.00,395.25`,
      `2026-10-13 09:20:00,${M},628300000003,刷卡,贷记卡,消费,200.00,-,1.10,,1.50,1588.15,200.00,197.40`,
    ]);
    expect(warnings.map((w) => [w.file, w.message])).toEqual([
      [
        'statement.csv',
        'statement.csv 中的“流量费”列未被读取，但有 1 行金额不为 0（合计 ¥99.00，首见第 3 行）：若这是从结算款中扣除的钱（优惠、服务费、流量费、其他扣款等），核对会漏掉它。请用 --mapping 映射该列，或向服务商确认其含义',
      ],
      [
        'statement.csv',
        // 3.00 + 1.50 = 4.50.
        'statement.csv 中的“其他扣款”列未被读取，但有 2 行金额不为 0（合计 ¥4.50，首见第 3 行）：若这是从结算款中扣除的钱（优惠、服务费、流量费、其他扣款等），核对会漏掉它。请用 --mapping 映射该列，或向服务商确认其含义',
      ],
    ]);
    expect(warnings[0]?.messageEn).toBe(
      'statement.csv: column "流量费" was not read, yet 1 line holds a non-zero amount in it (¥99.00 in all, first on row 3): if it is money taken from the payout (a discount, service fee, SIM fee or other deduction), the audit misses it. Map the column with --mapping, or ask the provider what it means',
    );
  });

  it('warns for a 优惠金额 with amounts, in the unit its header names', async () => {
    const warnings = await warningsOf([
      '交易时间,商户号,订单号,支付方式,交易类型,交易金额(元),商户优惠金额(分),手续费(元),结算金额(元)',
      `2026-10-13 09:00:00,${M},O1,微信,消费,100.00,500,0.36,94.64`,
    ]);
    expect(warnings.map((w) => w.message)).toEqual([
      'statement.csv 中的“商户优惠金额(分)”列未被读取，但有 1 行金额不为 0（合计 ¥5.00，首见第 2 行）：若这是从结算款中扣除的钱（优惠、服务费、流量费、其他扣款等），核对会漏掉它。请用 --mapping 映射该列，或向服务商确认其含义',
    ]);
  });

  it('stays quiet for mapped aliases, numbers, banks and text columns that mention money', async () => {
    const warnings = await warningsOf([
      '交易时间,商户号,订单号,退款单号,付款银行,支付方式,交易类型,交易金额,订单金额,手续费,手续费率,结算金额,扣款说明',
      `2026-10-13 09:00:00,${M},O1,2026101300000000001,中国银行,微信,消费,100.00,120.00,0.38,0.38%,99.62,无`,
      `2026-10-13 09:01:00,${M},O2,R2,中国银行,微信,消费,50.00,50.00,0.19,0.38%,49.81,扣流量费`,
    ]);
    expect(warnings).toEqual([]);
  });

  it('stays quiet on the providers’ own layouts (WeChat coupons are no deduction)', async () => {
    const header =
      '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
    const line =
      '`2026-10-13 09:00:00,`wx1,`1600000001,`0,`,`4200000001,`O1,`u1,`NATIVE,`SUCCESS,`CMB_DEBIT,`CNY,`95.00,`5.00,`0,`0,`0.00,`0.00,`,`,`咖啡,`,`0.57000,`0.60%,`100.00,`0.00,`';
    const warnings = await warningsOf([header, line], 'wechat.csv');
    expect(warnings).toEqual([]);
  });

  it('names money by its header', () => {
    const money = (h: string) => {
      const { key, unit } = normaliseHeader(h);
      return namesMoney(key, unit);
    };
    for (const h of ['优惠金额', '服务费', '流量费', '其他扣款', '商家优惠（元）', '分润（元）', '押金'])
      expect([h, money(h)]).toEqual([h, true]);
    for (const h of [
      '费率(万分之一)',
      '消费者标识',
      '付款银行',
      '第三方退款号',
      '账户余额',
      '扣款时间',
      '交易笔数',
    ])
      expect([h, money(h)]).toEqual([h, false]);
  });
});
