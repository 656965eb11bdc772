import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// A statement download that stopped inside a quoted cell: the last row ends in an open quote and no line break.
const HEADER = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const ROW =
  '2026-10-12 09:00:00,2026-10-13,822000000000077,10000077,000007700001,贷记卡,刷卡,消费,1000.00,6.00,994.00';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('a text statement cut off inside a quoted cell', () => {
  it('rejects the last row as a cut-off file and marks the summary truncated', async () => {
    const cut = `${HEADER}\n${ROW}\n2026-10-12 10:00:00,2026-10-13,822000000000077,10000077,000007700002,贷记卡,刷卡,消费,"1,2`;
    const result = await importFiles([{ name: 's.csv', bytes: bytes(cut) }], { kind: 'settlement' });
    expect(result.records.map((r) => r.amountFen)).toEqual([100000]);
    expect(result.files[0]?.truncated).toBe(true);
    expect(result.rejected.map((r) => [r.row, r.reason])).toEqual([
      [
        3,
        '文件似乎不完整/被截断：最后一行的引号没有闭合（只有 9 个单元格，表头有 11 列）且文件没有以换行结束，未导入；请重新下载',
      ],
    ]);
    expect(result.files[0]?.warnings.map((w) => w.code)).toContain('file.truncated');
  });

  it('leaves a whole file without its final newline alone', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: bytes(`${HEADER}\n${ROW}`) }], {
      kind: 'settlement',
    });
    expect(result.records.map((r) => r.amountFen)).toEqual([100000]);
    expect(result.files[0]?.truncated).toBeUndefined();
    expect(result.rejected).toEqual([]);
  });
});
