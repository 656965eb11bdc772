import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// Settlement exports name the settled amount 清算金额 (银联商务), 实际清算金额, 应结算金额, and the rate 扣率.
const MERCHANT = '822841054119608';
const bytes = (lines: readonly string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');

describe('the generic reader’s names for the settled amount and the rate', () => {
  for (const settled of ['清算金额', '实际清算金额', '应结算金额', '实际结算金额']) {
    it(`reads ${settled} as the settled amount`, async () => {
      const statement = bytes([
        `交易时间,商户号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,${settled},结算日期`,
        `2026-10-13 09:00:00,${MERCHANT},101300000001,622848******0001,贷记卡,刷卡,消费,"1,000.00",6.00,990.00,2026-10-14`,
      ]);
      const result = await importFiles([{ name: 's.csv', bytes: statement }]);
      expect(result.files[0]?.columns.settled).toBe(settled);
      expect(result.records.map((r) => [r.amountFen, r.feeFen, r.settledFen])).toEqual([
        [100000, 600, 99000],
      ]);
      expect(result.files[0]?.totals?.settledFen).toBe(99000);
    });
  }

  it('reads 扣率(%) as the rate, in percent', async () => {
    const statement = bytes([
      '交易时间,商户号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,实际清算金额,结算日期,扣率(%)',
      `2026-10-13 09:00:00,${MERCHANT},101300000001,622848******0001,贷记卡,刷卡,消费,1000.00,6.00,994.00,2026-10-14,0.60`,
    ]);
    const result = await importFiles([{ name: 's.csv', bytes: statement }]);
    expect(result.files[0]?.columns.rate).toBe('扣率(%)');
    // Parts per million: 0.60% is 6,000.
    expect(result.records[0]?.rate).toBe(6000);
  });

  it('keeps 结算金额 first when a file has it beside 清算金额', async () => {
    const statement = bytes([
      '交易时间,商户号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,清算金额,结算金额,结算日期',
      `2026-10-13 09:00:00,${MERCHANT},101300000001,622848******0001,贷记卡,刷卡,消费,1000.00,6.00,1000.00,994.00,2026-10-14`,
    ]);
    const result = await importFiles([{ name: 's.csv', bytes: statement }]);
    expect(result.files[0]?.columns.settled).toBe('结算金额');
    expect(result.records[0]?.settledFen).toBe(99400);
  });
});
