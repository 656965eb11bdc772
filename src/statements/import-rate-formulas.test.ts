import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// A rate column holding fee formulas: the record keeps the percentage, and the fixed part and cap are warned of.
const gbk = (lines: readonly string[]) => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
const STATEMENT = gbk([
  '交易时间,终端号,参考号,卡类型,交易类型,交易金额,手续费,结算金额,费率',
  '2026-11-03 11:00:00,74826033,400000000000,贷记卡,消费,100.00,0.60,99.40,0.60%',
  '2026-11-03 11:08:00,74826033,400000000008,贷记卡,消费,100.00,3.55,96.45,0.55%+3',
  '2026-11-03 11:09:00,74826033,400000000009,借记卡,消费,100.00,0.55,99.45,0.55%封顶20',
]);

describe('rate cells written as fee formulas', () => {
  it('keep the percentage as the rate, in ppm', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.records.map((r) => [r.source.row, r.rate, r.feeFen])).toEqual([
      [2, 6000, 60],
      [3, 5500, 355],
      [4, 5500, 55],
    ]);
  });

  it('are warned of once: the fixed part and the cap were not kept', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.warnings.filter((w) => w.code === 'rate.formula').map((w) => w.message)).toEqual([
      '“费率”列有 2 行写的是带固定费用或封顶的公式（如第 3 行“0.55%+3”），只记录了其中的百分比费率，固定部分和封顶未记录；这些行的手续费照常按手续费列核对',
    ]);
    expect(result.warnings.filter((w) => w.code === 'rate.unread')).toEqual([]);
  });
});
