import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// Subtotal rows labelled outside the first column, an unlabelled one, and a row short of its empty trailing 备注.
const gbk = (lines: readonly string[]) => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
const read = (lines: readonly string[]) =>
  importFiles([{ name: 's.csv', bytes: gbk(lines) }], { kind: 'settlement' });

describe('a statement with split date and time columns and daily subtotal rows', () => {
  const lines = [
    '交易日期,交易时间,终端号,参考号,卡类型,交易类型,交易金额,手续费,结算金额',
    '2026-11-03,09:00:00,74826033,500000000011,贷记卡,消费,100.00,0.60,99.40',
    '2026-11-03,,,,,当日小计,100.00,0.60,99.40',
    '2026-11-04,09:00:00,74826033,500000000012,贷记卡,消费,200.00,1.20,198.80',
    '2026-11-04,,,,,当日合计,200.00,1.20,198.80',
    '2026-11-04,,,,,,200.00,1.20,198.80',
  ];

  it('books only the two sales: ¥100.00 + ¥200.00', async () => {
    const result = await read(lines);
    expect(result.records.map((r) => [r.source.row, r.type, r.amountFen, r.feeFen])).toEqual([
      [2, 'sale', 10000, 60],
      [4, 'sale', 20000, 120],
    ]);
    expect(result.files[0]?.totals).toEqual({ amountFen: 30000, feeFen: 180, settledFen: 29820 });
  });

  it('skips the labelled subtotals with a note, and rejects the unlabelled one naming its row', async () => {
    const result = await read(lines);
    expect(result.warnings.filter((w) => w.code === 'rows.subtotals').map((w) => w.message)).toEqual([
      '跳过 2 行小计（如第 3 行“当日小计”），未作为交易导入',
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
    expect(result.rejected.map((r) => [r.file, r.row])).toEqual([['s.csv', 6]]);
    expect(result.rejected[0]?.reason).toContain('可能是未标注的小计行');
  });
});

describe('a statement with 小计 rows mid-file, labelled in the type or channel column', () => {
  const H = '交易时间,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注';
  const lines = [
    H,
    '2026-11-03 09:00:00,74826033,500000000001,贷记卡,刷卡,消费,100.00,0.60,99.40,',
    ',,,,,小计,100.00,0.60,99.40,',
    '2026-11-03 09:10:00,74826033,500000000002,贷记卡,刷卡,消费,100.00,0.60,99.40,',
    ',,,,小计,,100.00,0.60,99.40,',
    H,
    '2026-11-04 09:00:00,74826033,500000000003,贷记卡,刷卡,消费,200.00,1.20,198.80,',
    '2026-11-04 09:10:00,74826033,500000000004,贷记卡,刷卡,消费,50.00,0.30,49.70',
  ];

  it('does not check a subtotal against the whole file', async () => {
    const result = await read(lines);
    expect(result.warnings.filter((w) => w.code === 'totals.mismatch')).toEqual([]);
    expect(result.warnings.filter((w) => w.code === 'rows.subtotals')).toHaveLength(1);
  });

  it('reads a row short only of its empty trailing 备注, warned once', async () => {
    const result = await read(lines);
    expect(result.rejected).toEqual([]);
    // 100.00 + 100.00 + 200.00 + 50.00
    expect(result.files[0]?.totals?.amountFen).toBe(45000);
    expect(result.records.at(-1)?.source.row).toBe(8);
    expect(result.warnings.filter((w) => w.code === 'rows.short').map((w) => w.message)).toEqual([
      's.csv 有 1 行缺少行尾的空单元格（如第 8 行没有“备注”列），这些列按空值导入',
    ]);
  });

  it('still checks a 合计 row labelled in another column against every row', async () => {
    const result = await read([...lines, ',,,,,合计,400.00,2.40,397.60,']);
    const mismatch = result.warnings.filter((w) => w.code === 'totals.mismatch');
    expect(mismatch.map((w) => w.message)).toEqual([
      's.csv 第 9 行的合计与读到的明细不符：“交易金额”合计 ¥400.00，明细加总 ¥450.00；“手续费”合计 ¥2.40，明细加总 ¥2.70；“结算金额”合计 ¥397.60，明细加总 ¥447.30。可能有行被拒绝或文件不完整',
    ]);
  });

  it('still rejects a short row that lacks a money column', async () => {
    const result = await read([H, '2026-11-04 09:10:00,74826033,500000000004,贷记卡,刷卡,消费,50.00']);
    expect(result.records).toEqual([]);
    expect(result.rejected.map((r) => [r.row, r.column])).toEqual([[2, '手续费']]);
  });
});
