import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { ExportCopies, isSameLineInAnotherExport } from './export-copies.js';
import { rec } from './test-records.js';

const LINE = rec(
  'settlement',
  {
    time: '2026-11-04 10:00:00',
    settleDate: '2026-11-05',
    merchantId: '898440153991234',
    terminalId: '12345678',
    batchNo: '000001',
    voucherNo: '000012',
    refNo: '100000000003',
    cardNo: '622848******0228',
    amountFen: 123_456,
    feeFen: 840,
    settledFen: 122_616,
  },
  2,
  'a.csv',
);
const OPTIONAL = [
  'settleDate',
  'terminalId',
  'batchNo',
  'voucherNo',
  'cardNo',
  'feeFen',
  'settledFen',
] as const;

/** The line as another export shows it: some columns left out, from another file. */
function exportedWithout(fields: readonly (typeof OPTIONAL)[number][]): PosRecord {
  const copy: Record<string, unknown> = { ...LINE, source: { file: 'b.csv', row: 7 } };
  for (const f of fields) delete copy[f];
  return copy as PosRecord;
}

describe('isSameLineInAnotherExport', () => {
  it('takes the line with any columns left out, in another file, as the same line', () => {
    fc.assert(
      fc.property(fc.subarray([...OPTIONAL]), (left) => {
        expect(isSameLineInAnotherExport(LINE, exportedWithout(left))).toBe(true);
        expect(isSameLineInAnotherExport(exportedWithout(left), LINE)).toBe(true);
      }),
    );
  });

  it('tells a line apart when anything both exports show differs', () => {
    const other = { ...exportedWithout(['batchNo']) };
    const variants: Partial<PosRecord>[] = [
      { settleDate: '2026-11-10' },
      { feeFen: 841 },
      { settledFen: 122_615 },
      { amountFen: 123_457 },
      { time: '2026-11-04T10:00:01+08:00' },
      { terminalId: '12345679' },
      { cardNo: '622848******0229' },
      { type: 'refund' },
      { card: 'debit' },
    ];
    for (const v of variants) expect(isSameLineInAnotherExport(LINE, { ...other, ...v })).toBe(false);
  });

  it('never takes two lines of one file, however alike, for copies', () => {
    expect(isSameLineInAnotherExport(LINE, { ...LINE, source: { file: 'a.csv', row: 3 } })).toBe(false);
  });

  it('accepts a card masked another way, an unknown card type and a date given without its time', () => {
    const copy: PosRecord = {
      ...LINE,
      cardNo: '6228****0228',
      card: 'unknown',
      time: '2026-11-04T00:00:00+08:00',
      source: { file: 'b.csv', row: 1 },
    };
    expect(isSameLineInAnotherExport(LINE, copy)).toBe(true);
    expect(isSameLineInAnotherExport(LINE, { ...copy, time: '2026-11-05T00:00:00+08:00' })).toBe(false);
  });

  it('reads 参考号, 凭证号, 批次号 and 终端号 with or without the zeros one export pads them with', () => {
    const copy: PosRecord = {
      ...LINE,
      refNo: '000100000000003',
      voucherNo: '12',
      batchNo: '1',
      source: { file: 'b.csv', row: 1 },
    };
    expect(isSameLineInAnotherExport({ ...LINE, refNo: '0003' }, { ...copy, refNo: '3' })).toBe(true);
    expect(isSameLineInAnotherExport(LINE, { ...copy, refNo: LINE.refNo ?? '' })).toBe(true);
    expect(
      isSameLineInAnotherExport(
        { ...LINE, terminalId: '00123456' },
        { ...copy, terminalId: '123456', refNo: LINE.refNo ?? '' },
      ),
    ).toBe(true);
    // Zeros inside a number, or another number, are another line.
    expect(isSameLineInAnotherExport(LINE, { ...copy, refNo: '10000000003' })).toBe(false);
    expect(isSameLineInAnotherExport(LINE, { ...copy, refNo: LINE.refNo ?? '', voucherNo: '120' })).toBe(
      false,
    );
  });
});

describe('ExportCopies', () => {
  it('leaves an identical line in another file to the import, which kept it as a settlement again', () => {
    const copies = new ExportCopies();
    expect(copies.take(LINE, { ...LINE, source: { file: 'b.csv', row: 2 } })).toBe(false);
    expect([...copies.pairs]).toEqual([]);
  });

  it('takes as many copies from each other export as the first file had of the line', () => {
    const copies = new ExportCopies();
    const copy = exportedWithout(['batchNo']);
    expect(copies.take(LINE, copy)).toBe(true);
    expect(copies.take(LINE, { ...copy, source: { file: 'b.csv', row: 8 } })).toBe(false);
    copies.noteRepeat(LINE);
    expect(copies.take(LINE, { ...copy, source: { file: 'b.csv', row: 9 } })).toBe(true);
    expect(copies.take(LINE, { ...copy, source: { file: 'c.csv', row: 1 } })).toBe(true);
    expect([...copies.pairs]).toEqual(['b.csv\u0000a.csv', 'c.csv\u0000a.csv']);
  });
});
