import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { holdsAcrossFiles } from './leshua-holds-across-files.js';
import { rec } from './test-records.js';

// Sale B, 66600 fen, fee 366: settled 66600 − 366 = 66234, as leshua.ts reads its lines.
const M = '1000054321';
const DAY1 = 'trade_new_20261008.txt';
const DAY2 = 'trade_new_20261009.txt';
const b = { merchantId: M, orderNo: 'LS02', amountFen: 66600, time: '2026-10-08 19:45:20' };
/** B's 进账 line: the sale. */
const inB = (file: string, row = 2) =>
  rec('settlement', { ...b, feeFen: 366, settledFen: 66234, rate: 5500, label: '标准类' }, row, file);
/** B's 冻结 line read alone: the sale settled ¥0.00, 资金冻结. */
const frozenB = (file: string, row = 1) =>
  rec('settlement', { ...b, feeFen: 366, settledFen: 0, rate: 5500, label: '资金冻结' }, row, file);
/** B's 冻结 line after its 进账 line within one file: the deduction of the held money. */
const heldB = (file: string, row = 3) =>
  rec(
    'settlement',
    { ...b, type: 'deduction', amountFen: -66234, settledFen: -66234, label: '资金冻结' },
    row,
    file,
  );

const shape = (rs: readonly PosRecord[]) =>
  rs.map((r) => [r.source.file, r.type, r.amountFen, r.feeFen, r.settledFen, r.rate, r.label]);

describe('holdsAcrossFiles', () => {
  it('makes a lone 冻结 sale the deduction of its 进账 sale in another file, whatever their order', () => {
    for (const records of [
      [inB(DAY1), frozenB(DAY2)],
      [frozenB(DAY2), inB(DAY1)],
    ]) {
      const out = holdsAcrossFiles(records);
      expect(out.holds.map((h) => [h.frozen.source.file, h.settled.source.file, h.heldFen])).toEqual([
        [DAY2, DAY1, 66234],
      ]);
      const byFile = [...out.records].sort((x, y) => (x.source.file < y.source.file ? -1 : 1));
      expect(shape(byFile)).toEqual([
        [DAY1, 'sale', 66600, 366, 66234, 5500, '标准类'],
        [DAY2, 'deduction', -66234, undefined, -66234, undefined, '资金冻结'],
      ]);
    }
  });

  it('leaves alone two 进账 sales, a 冻结 sale in the 进账 line’s own file, and another amount', () => {
    const cases: PosRecord[][] = [
      [inB(DAY1), inB(DAY2)],
      [frozenB(DAY1), frozenB(DAY2)],
      [inB(DAY1), frozenB(DAY1, 3)],
      [inB(DAY1), { ...frozenB(DAY2), amountFen: 66500 }],
      [{ ...inB(DAY1), merchantId: '1000099999' }, frozenB(DAY2)],
    ];
    for (const records of cases) {
      const out = holdsAcrossFiles(records);
      expect(out.holds).toEqual([]);
      expect(out.records).toBe(records);
    }
  });

  it('does not hold again a 进账 sale its own file already holds', () => {
    const records = [inB(DAY1), heldB(DAY1), frozenB(DAY2)];
    expect(holdsAcrossFiles(records).records).toBe(records);
  });

  it('pairs each 冻结 line with one 进账 sale: a second 冻结 line of the order stays a sale', () => {
    const out = holdsAcrossFiles([inB(DAY1), frozenB(DAY2), frozenB('trade_new_20261010.txt')]);
    expect(out.holds.map((h) => h.frozen.source.file)).toEqual([DAY2]);
    expect(out.records.map((r) => r.type)).toEqual(['sale', 'deduction', 'sale']);
  });
});
