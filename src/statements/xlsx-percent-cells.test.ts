import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { importFiles, percentText, xlsxLimits } from './import.js';

// A rate column typed in Excel holds fractions formatted as percentages: the cell is 0.006 and shows 0.60%. Read as
// the bare number, 0.006 has no unit the column could be read with, and every row's rate was lost (warned). The
// reader now takes what the sheet shows: the percentage.

const M = '822584053110001';

async function statementXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('结算明细');
  ws.addRow([
    '交易时间',
    '结算日期',
    '商户号',
    '终端号',
    '参考号',
    '卡类型',
    '支付方式',
    '交易类型',
    '交易金额',
    '手续费',
    '结算金额',
    '费率',
  ]);
  const rows: [string, number, number, number, number][] = [
    // ref, amount, fee, settled, rate (a fraction, shown as a percentage)
    ['100000000001', 1000, 6.3, 993.7, 0.0063],
    ['100000000002', 500, 2.75, 497.25, 0.0055],
    ['100000000003', 200, 0.76, 199.24, 0.0038],
  ];
  for (const [ref, amount, fee, settled, rate] of rows) {
    const row = ws.addRow([
      '2026-11-02 10:00:00',
      '2026-11-03',
      M,
      'T0001',
      ref,
      '贷记卡',
      '刷卡',
      '消费',
      amount,
      fee,
      settled,
      rate,
    ]);
    row.getCell(12).numFmt = '0.00%';
    // An amount formatted as money stays an amount: only a percentage format turns a number into a rate's text.
    row.getCell(9).numFmt = '#,##0.00';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('an XLSX rate column formatted as percentages', () => {
  it('reads 0.0063 shown as 0.63% as 0.63 % (6300 ppm), whole and streamed', async () => {
    const bytes = await statementXlsx();
    const whole = await importFiles([{ name: '结算明细.xlsx', bytes }]);
    expect(whole.rejected).toEqual([]);
    expect(whole.records.map((r) => [r.refNo, r.amountFen, r.feeFen, r.rate])).toEqual([
      ['100000000001', 100000, 630, 6300],
      ['100000000002', 50000, 275, 5500],
      ['100000000003', 20000, 76, 3800],
    ]);
    expect(whole.warnings.filter((w) => w.code === 'rate.unread')).toEqual([]);
    const saved = xlsxLimits.inMemoryBytes;
    xlsxLimits.inMemoryBytes = 0;
    try {
      const streamed = await importFiles([{ name: '结算明细.xlsx', bytes }]);
      expect(streamed.records.map((r) => r.rate)).toEqual([6300, 5500, 3800]);
    } finally {
      xlsxLimits.inMemoryBytes = saved;
    }
  });

  it('writes a fraction as the percentage it shows, without binary noise', () => {
    expect(percentText(0.006)).toBe('0.6%');
    expect(percentText(0.0038)).toBe('0.38%');
    expect(percentText(1)).toBe('100%');
    // Any rate of up to six decimals of a percent comes back as written.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), (ppm) => {
        const shown = `${ppm / 1_000_000}`;
        expect(percentText(ppm / 100_000_000)).toBe(`${shown}%`);
      }),
    );
  });
});
