import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

const M = '822584053110001';

/**
 * A 海科融通-style settlement statement as its portal saves it: GBK, two title lines (the merchant number only
 * there), a blank line, a rate column written the ways agents write it, a deduction and a totals row.
 */
const STATEMENT = [
  '海科融通商户结算明细表',
  `商户号：${M}  商户名称：光影摄影工作室  结算日期：2025-12-16`,
  '',
  '交易时间,结算日期,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额(元),手续费(元),结算金额(元),费率,备注',
  // 30,580.00 × 2.99% + 3 = 917.34 (DOMAIN.md §5): the 跳点 row.
  '2025-12-15 10:00:00,2025-12-16,T0001,100000000001,622588******1234,贷记卡,刷卡,消费,"30,580.00",917.34,"29,662.66",2.99%+3,',
  // 40,256.00 × 2.7% + 3 = 1,089.912 → 1,089.91 (万270+3, §5).
  '2025-12-15 10:05:00,2025-12-16,T0001,100000000002,622588******2345,贷记卡,刷卡,消费,"40,256.00","1,089.91","39,166.09",万270+3,',
  '2025-12-15 10:10:00,2025-12-16,T0001,100000000003,622588******3456,贷记卡,刷卡,消费,"10,000.00",268.00,"9,732.00",2.65%+3元,',
  // Debit cards capped at 20.00.
  '2025-12-15 10:15:00,2025-12-16,T0001,100000000004,621700******4567,借记卡,刷卡,消费,"8,000.00",20.00,"7,980.00",0.55%(封顶20元),',
  '2025-12-15 10:20:00,2025-12-16,T0001,100000000005,621700******5678,借记卡,刷卡,消费,"5,000.00",20.00,"4,980.00",0.60%封顶20,',
  '',
  '2025-12-15 10:25:00,2025-12-16,T0001,100000000006,622588******6789,贷记卡,刷卡,消费,"￥1,000.00",3.80元,996.20,万38,',
  '2025-12-15 10:30:00,2025-12-16,T0001,100000000007,622588******7890,贷记卡,刷卡,消费,"2,000.00",15.00,"1,985.00",０．６％＋３元,',
  '2025-12-15 10:35:00,2025-12-16,T0001,100000000008,622588******8901,贷记卡,刷卡,消费,500.00,3.00,497.00,0.60%,',
  // Two cells no notation makes a rate of: a word, and a bare number the column names no unit for.
  '2025-12-15 10:40:00,2025-12-16,T0001,100000000009,622588******9012,贷记卡,刷卡,消费,600.00,3.60,596.40,标准费率,',
  '2025-12-15 10:45:00,2025-12-16,T0001,100000000010,622588******0123,贷记卡,刷卡,消费,700.00,4.20,695.80,0.0060,',
  '2025-12-15 23:00:00,2025-12-16,T0001,,,,其他,扣款,-99.00,0.00,-99.00,,流量费（SIM卡）',
  '合计,,,,,,,,"98,537.00","2,344.85","96,192.15",,',
].join('\r\n');

const importStatement = async () =>
  importFiles([{ name: '结算明细_20251216.csv', bytes: iconv.encode(STATEMENT, 'gbk') }]);

describe('a statement whose rate column holds fee formulas', () => {
  it('keeps every row, with its amount, fee and settlement in fen', async () => {
    const result = await importStatement();
    expect(result.files[0]?.encoding).toBe('gbk');
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.source.row, r.type, r.amountFen, r.feeFen, r.settledFen])).toEqual([
      [5, 'sale', 3_058_000, 91_734, 2_966_266],
      [6, 'sale', 4_025_600, 108_991, 3_916_609],
      [7, 'sale', 1_000_000, 26_800, 973_200],
      [8, 'sale', 800_000, 2_000, 798_000],
      [9, 'sale', 500_000, 2_000, 498_000],
      [11, 'sale', 100_000, 380, 99_620],
      [12, 'sale', 200_000, 1_500, 198_500],
      [13, 'sale', 50_000, 300, 49_700],
      [14, 'sale', 60_000, 360, 59_640],
      [15, 'sale', 70_000, 420, 69_580],
      [16, 'deduction', -9_900, 0, -9_900],
    ]);
    expect(new Set(result.records.map((r) => r.merchantId))).toEqual(new Set([M]));
    // The totals row sums every line: none was lost.
    expect(result.warnings.map((w) => w.code)).not.toContain('totals.mismatch');
  });

  it('reads the percentage of each formula as the rate, in ppm', async () => {
    const result = await importStatement();
    expect(result.records.map((r) => [r.source.row, r.rate])).toEqual([
      [5, 29_900],
      [6, 27_000],
      [7, 26_500],
      [8, 5_500],
      [9, 6_000],
      [11, 3_800],
      [12, 6_000],
      [13, 6_000],
      [14, undefined],
      [15, undefined],
      [16, undefined],
    ]);
  });

  it('warns once about the cells it could not read, naming the column, the rows and the texts', async () => {
    const result = await importStatement();
    const unread = result.warnings.filter((w) => w.code === 'rate.unread');
    expect(unread).toHaveLength(1);
    expect(unread[0]?.message).toBe(
      '“费率”列有 2 行读不出费率（第 14、15 行：“标准费率”、“0.0060”），这些行照常导入，按金额和手续费核对，只是不记录费率' +
        '；不带单位的数字请在表头注明单位（如“费率（万分之一）”）或用 --mapping 的 units.rate 指定',
    );
    expect(unread[0]?.messageEn).toContain(
      'column "费率": 2 rows hold no readable rate (rows 14, 15: "标准费率", "0.0060")',
    );
  });

  it('quotes the first rows only when many cells are unreadable', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => `2025-12-15 10:0${i}:00,${M},10.00,0.06,见合同`);
    const text = ['交易时间,商户号,交易金额,手续费,费率', ...rows].join('\n');
    const result = await importFiles([{ name: 's.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.records).toHaveLength(7);
    expect(result.records.every((r) => r.rate === undefined)).toBe(true);
    const unread = result.warnings.filter((w) => w.code === 'rate.unread');
    expect(unread.map((w) => w.message)).toEqual([
      '“费率”列有 7 行读不出费率（第 2、3、4、5、6… 行：“见合同”），这些行照常导入，按金额和手续费核对，只是不记录费率',
    ]);
  });
});
