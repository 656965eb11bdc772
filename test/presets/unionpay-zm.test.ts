import { describe, expect, it } from 'vitest';
import { zmSettleDate } from '../../src/statements/presets/unionpay-zm.js';
import { importCopy, importFixture, only, snapshotOf } from './import-fixture.js';

const MAIN = 'unionpay-zm/INN26010288ZM_777290058110048';
const VARIANT = 'unionpay-zm/INN26070188ZM_898310148160568';

describe('unionpay-zm preset', () => {
  it('reads the fixed-width ZM file to the exact records', async () => {
    const result = await importFixture(MAIN);
    expect(result.files[0]).toMatchObject({
      preset: 'unionpay-zm',
      kind: 'settlement',
      rows: 6,
      rejected: [],
      warnings: [],
    });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot('__snapshots__/unionpay-zm-20260102.json');
  });

  it('reads a D-signed fee as charged (+) and C-signed settled as paid (+)', async () => {
    const { records } = await importFixture(MAIN);
    // D000000000077 / C000000012723 on a 128.00元 sale: 12800 × 0.60% = 76.8 → 77.
    expect(only(records, 'voucherNo', '100001')).toMatchObject({
      type: 'sale',
      amountFen: 12800,
      feeFen: 77,
      settledFen: 12723,
    });
  });

  it('reads a C-signed fee as returned (−) and D-signed settled as taken back (−) on a void', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'voucherNo', '100003')).toMatchObject({
      type: 'void',
      amountFen: -500000,
      feeFen: -3000,
      settledFen: -497000,
      originalVoucherNo: '100002',
    });
  });

  it('gives MMDDhhmmss the year that puts it before a January settlement date', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'voucherNo', '100001')).toMatchObject({
      time: '2025-12-31T23:59:59+08:00',
      settleDate: '2026-01-02',
    });
    expect(only(records, 'voucherNo', '100005').time).toBe('2026-01-02T00:05:01+08:00');
  });

  it('maps txnType 03/04 and card types 01/02/03', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'voucherNo', '100006')).toMatchObject({ type: 'preauth-complete', card: 'credit' });
    expect(only(records, 'voucherNo', '100004')).toMatchObject({
      type: 'refund',
      card: 'debit',
      amountFen: -3000,
      feeFen: -18,
    });
    // 准贷记卡 counts as credit.
    expect(only(records, 'voucherNo', '100005').card).toBe('credit');
  });

  it('keeps card numbers masked', async () => {
    const { records } = await importFixture(MAIN);
    for (const r of records) expect(r.cardNo).toMatch(/^\d{6}\*+\d{4}$/);
  });

  it('reads trimmed CRLF lines, and rejects a broken line with its row number while keeping the rest', async () => {
    const result = await importFixture(VARIANT);
    expect(result.records.map((r) => r.voucherNo)).toEqual(['200001', '200002', '200003']);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ row: 4, column: 'time' });
    expect(result.records.map((r) => r.settleDate)).toEqual(['2026-07-01', '2026-07-01', '2026-07-01']);
    await expect(snapshotOf(result.records)).toMatchFileSnapshot('__snapshots__/unionpay-zm-20260701.json');
  });

  it('is detected from the line shape under any file name', async () => {
    const result = await importCopy(MAIN, 'statement.txt');
    expect(result.files[0]!.preset).toBe('unionpay-zm');
    // Without the INNyymmdd name there is no settlement date, so the year cannot be placed: rows are rejected, not guessed.
    expect(result.records).toHaveLength(0);
    expect(result.rejected).toHaveLength(6);
  });

  it('takes the settlement date from an INNyymmdd88ZM_ file name', () => {
    expect(zmSettleDate('INN26010288ZM_777290058110048')).toBe('2026-01-02');
    expect(zmSettleDate('/a/b/INN25123188ZMA_777290058110048')).toBe('2025-12-31');
    expect(zmSettleDate('INN26130188ZM_777290058110048')).toBeUndefined();
    expect(zmSettleDate('statement.txt')).toBeUndefined();
  });
});
