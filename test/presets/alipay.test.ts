import { describe, expect, it } from 'vitest';
import { importCopy, importFixture, only, snapshotOf } from './import-fixture.js';

const ZIP = 'alipay/20881234567890120156_20261010.csv.zip';
const HOSTILE = 'alipay/20881234567890120156_20261011_业务明细.csv';

describe('alipay preset', () => {
  it('reads the 业务明细 ZIP (GBK, # blocks, tab padding) to the exact records', async () => {
    const result = await importFixture(ZIP);
    const file = result.files[0]!;
    expect(file).toMatchObject({
      preset: 'alipay',
      encoding: 'gbk',
      kind: 'settlement',
      rows: 4,
      rejected: [],
    });
    // The 汇总 entry is a summary table, not detail rows; the footer agrees with the rows (no totals warning).
    expect(result.warnings.map((w) => w.code)).toEqual(['zip.summary-skipped']);
    await expect(snapshotOf(result.records)).toMatchFileSnapshot('__snapshots__/alipay-20261010-zip.json');
  });

  it('turns 服务费 written −0.53 into a fee charged of 53 fen, and takes the account from #账号', async () => {
    const { records } = await importFixture(ZIP);
    // 商家实收 88.00 is before 服务费: 88.00 − 0.53 reaches the merchant (the 汇总 table's 实收净额).
    expect(only(records, 'orderNo', 'T20261010001')).toMatchObject({
      type: 'sale',
      channel: 'alipay',
      amountFen: 8800,
      feeFen: 53,
      settledFen: 8747,
      merchantId: '2088123456789012',
      source: { row: 6 },
    });
  });

  it('reads a 退款 row as a negative amount, the fee returned negative, dated by its 完成时间', async () => {
    const { records } = await importFixture(ZIP);
    expect(only(records, 'orderNo', 'RF20261010001')).toMatchObject({
      type: 'refund',
      amountFen: -3000,
      settledFen: -2982,
      feeFen: -18,
      originalOrderNo: 'T20261010001',
      time: '2026-10-10T20:15:30+08:00',
    });
  });

  it('takes 商家实收 as the amount and the 商家优惠 discount apart when one applies', async () => {
    const { records } = await importFixture(ZIP);
    // 25.00 − 2.00 商家优惠 = 23.00 实收, the fee base: 23.00 × 0.60% = 0.138 → 0.14; 23.00 − 0.14 settled.
    expect(only(records, 'orderNo', 'T20261010003')).toMatchObject({
      amountFen: 2300,
      discountFen: 200,
      settledFen: 2286,
      feeFen: 14,
    });
  });

  it('reads a re-saved UTF-8 CSV with reordered columns and an unknown extra column', async () => {
    const result = await importFixture(HOSTILE);
    expect(result.files[0]).toMatchObject({ preset: 'alipay', encoding: 'utf-8', rows: 3, rejected: [] });
    expect(only(result.records, 'orderNo', 'RF20261011011')).toMatchObject({ amountFen: -5000, feeFen: -30 });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot(
      '__snapshots__/alipay-20261011-hostile.json',
    );
  });

  it('reads a partial refund whose 订单金额 is the original order (positive) by its 商家实收', async () => {
    const partial = (bytes: Buffer): Buffer =>
      Buffer.from(
        bytes
          .toString('utf8')
          .replace(
            '退款,2026101122001412340000000011,T20261011011,-50.00,-50.00,0.30',
            '退款,2026101122001412340000000011,T20261011011,50.00,-20.00,0.12',
          ),
      );
    const { records } = await importCopy(HOSTILE, 'partial_业务明细.csv', partial);
    // 20.00 of the 50.00 order given back: amount −2000, not the order's −5000; 0.12 of the fee returned.
    expect(only(records, 'orderNo', 'RF20261011011')).toMatchObject({
      type: 'refund',
      amountFen: -2000,
      settledFen: -1988,
      feeFen: -12,
      originalOrderNo: 'T20261011011',
    });
  });

  it('warns, naming the file, when #交易合计 disagrees with the rows', async () => {
    const result = await importFixture(HOSTILE);
    // Stated 79.90 − 50.00 = 29.90; read 50.00 + 19.90 − 50.00 = 19.90.
    expect(result.warnings.map((w) => w.code)).toEqual(['totals.mismatch']);
    expect(result.warnings[0]!.messageEn).toContain('20881234567890120156_20261011_业务明细.csv');
    expect(result.warnings[0]!.messageEn).toContain('total ¥29.90 ≠ ¥19.90');
  });

  it('is detected from the header under any file name', async () => {
    const result = await importCopy(HOSTILE, 'export.csv');
    expect(result.files[0]!.preset).toBe('alipay');
  });
});
