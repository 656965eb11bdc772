import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';
import type { ImportWarning } from './import-types.js';

const JOURNAL = '交易日期,交易时间,终端号,批次号,凭证号,参考号,卡号,交易类型,应答码,交易金额';
const line = (ref: string, amount: string) =>
  `20261012,100000,10000001,000001,000101,${ref},622588******0001,消费,00,${amount}`;

const importCsv = (lines: string[], name = 't.csv') =>
  importFiles([{ name, bytes: Buffer.from(lines.join('\n'), 'utf8') }]);
const amounts = (records: { amountFen: number }[]) => records.map((r) => r.amountFen);
const paddedWarnings = (warnings: ImportWarning[]) => warnings.filter((w) => w.code === 'amount.padded-fen');

describe('a money column of zero-padded fen (UnionPay n12, DOMAIN.md §2.3)', () => {
  it('is read in fen, with one warning naming the column (QA defect 6)', async () => {
    const result = await importCsv([
      JOURNAL,
      line('000000240001', '000000015300'),
      line('000000240002', '000000200000'),
    ]);
    expect(result.rejected).toEqual([]);
    expect(amounts(result.records)).toEqual([15300, 200000]);
    expect(paddedWarnings(result.warnings)).toEqual([
      {
        code: 'amount.padded-fen',
        file: 't.csv',
        message:
          '“交易金额”列是补零的定长整数（如 000000015300），没有小数点，已按分读取（000000015300 = ¥153.00）；如果该列以元为单位，请在表头注明（如“交易金额（元）”）或在 --mapping 的列名中注明单位（如 交易金额(元)）',
        messageEn:
          'column "交易金额" holds zero-padded fixed-width whole numbers (like 000000015300) without a decimal point, read as fen (000000015300 = ¥153.00); if it is in yuan, name the unit in the header (e.g. 交易金额（元）) or in the --mapping column name (e.g. 交易金额(元))',
      },
    ]);
  });

  it('decides each money column on its own, past padded zeros, for the fee and the settled amount too', async () => {
    const result = await importCsv([
      '交易时间,交易金额,手续费,结算金额',
      // A zero fee reads 0 in either unit: the column is decided on its first other cell.
      '2026-10-12 10:00:00,1000.00,000000000000,0000000100000',
      '2026-10-12 10:01:00,2000.00,000000001200,0000000198800',
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.amountFen, r.feeFen, r.settledFen])).toEqual([
      [100000, 0, 100000],
      [200000, 1200, 198800],
    ]);
    expect(paddedWarnings(result.warnings).map((w) => w.message.slice(0, w.message.indexOf('列')))).toEqual([
      '“结算金额”',
      '“手续费”',
    ]);
  });

  it('leaves whole yuan, decimals, numbers without a leading zero and columns of a named unit as they are', async () => {
    const plain = await importCsv([
      JOURNAL,
      line('1', '153'),
      line('2', '2000'),
      // The column is decided by its first cell: whole yuan.
      line('3', '000000015300'),
      line('4', '153.00'),
      line('5', '2000000000'),
    ]);
    expect(amounts(plain.records)).toEqual([15300, 200000, 1530000, 15300, 200000000000]);
    expect(paddedWarnings(plain.warnings)).toEqual([]);
    const decimals = await importCsv([JOURNAL, line('1', '0000015300.00')]);
    expect(amounts(decimals.records)).toEqual([1530000]);
    expect(paddedWarnings(decimals.warnings)).toEqual([]);
    // A unit the header or a title line names wins over what the cells look like.
    const yuanHeader = await importCsv([
      JOURNAL.replace('交易金额', '交易金额(元)'),
      line('1', '000000015300'),
    ]);
    expect(amounts(yuanHeader.records)).toEqual([1530000]);
    expect(paddedWarnings(yuanHeader.warnings)).toEqual([]);
    const yuanTitle = await importCsv(['金额单位：元', JOURNAL, line('1', '000000015300')]);
    expect(amounts(yuanTitle.records)).toEqual([1530000]);
    expect(paddedWarnings(yuanTitle.warnings)).toEqual([]);
    const fenTitle = await importCsv(['单位：分', JOURNAL, line('1', '000000015300')]);
    expect(amounts(fenTitle.records)).toEqual([15300]);
    expect(paddedWarnings(fenTitle.warnings)).toEqual([]);
    // The same cell with no unit named anywhere is fen.
    const unnamed = await importCsv([JOURNAL, line('1', '000000015300')]);
    expect(amounts(unnamed.records)).toEqual([15300]);
  });
});
