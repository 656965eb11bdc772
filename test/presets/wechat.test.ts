import { describe, expect, it } from 'vitest';
import { importCopy, importFixture, only, snapshotOf } from './import-fixture.js';

const MAIN = 'wechat/1900000109_ALL_20261010.csv';
const LEGACY = 'wechat/1900000109_ALL_20261011_gbk.csv';
const HOSTILE = 'wechat/hostile-service-provider-wrong-total.csv';
const REFUND = 'wechat/1900000109_REFUND_20261012.csv';

describe('wechat preset', () => {
  it('reads the ALL trade bill to the exact records, leaving out the summary pair', async () => {
    const result = await importFixture(MAIN);
    expect(result.files[0]).toMatchObject({
      preset: 'wechat',
      encoding: 'utf-8',
      rows: 8,
      rejected: [],
      warnings: [],
    });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot('__snapshots__/wechat-all-20261010.json');
  });

  it('reads fee `0.60000 (元) as 60 fen and rate `0.60% as 6000 ppm', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', 'ORD20261010001')).toMatchObject({
      type: 'sale',
      amountFen: 10000,
      feeFen: 60,
      rate: 6000,
      channel: 'wechat',
      card: 'debit',
    });
  });

  it('reads a REFUND row as a separate negative record; the refunded order keeps its SUCCESS row', async () => {
    const { records } = await importFixture(MAIN);
    const refund = only(records, 'orderNo', 'RF20261010001');
    expect(refund).toMatchObject({
      type: 'refund',
      status: 'success',
      amountFen: -3000,
      feeFen: -18,
      originalOrderNo: 'ORD20261010001',
      time: '2026-10-10T15:40:05+08:00',
    });
    expect(only(records, 'orderNo', 'ORD20261010001')).toMatchObject({ type: 'sale', amountFen: 10000 });
  });

  it('reads REVOKED as a void and a PROCESSING refund as pending', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', 'RV20261010005')).toMatchObject({
      type: 'void',
      amountFen: -1200,
      feeFen: -7,
    });
    expect(only(records, 'orderNo', 'RF20261010003')).toMatchObject({
      type: 'refund',
      status: 'pending',
      amountFen: -28800,
      feeFen: -173,
    });
  });

  it('uses 应结订单金额 (after vouchers) as the amount', async () => {
    const { records } = await importFixture(MAIN);
    // 订单金额 50.00 − 代金券 5.00 = 45.00; 45.00 × 0.60% = 0.27.
    expect(only(records, 'orderNo', 'ORD20261010004')).toMatchObject({ amountFen: 4500, feeFen: 27 });
  });

  it('reads the legacy GBK bill (总金额, 子商户号, CRLF) and its summary without a warning', async () => {
    const result = await importFixture(LEGACY);
    expect(result.files[0]).toMatchObject({
      preset: 'wechat',
      encoding: 'gbk',
      rows: 3,
      rejected: [],
      warnings: [],
    });
    expect(result.files[0]!.columns['amount']).toBe('总金额');
    // 66.60 × 0.60% = 0.3996 → 0.40.
    expect(only(result.records, 'orderNo', 'ORD20261011012')).toMatchObject({ amountFen: 6660, feeFen: 40 });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot(
      '__snapshots__/wechat-all-20261011-gbk.json',
    );
  });

  it('uses 特约商户号 as the merchant on a service provider’s bill and ignores an unknown column', async () => {
    const result = await importFixture(HOSTILE);
    expect(result.records.map((r) => r.merchantId)).toEqual(['1900000201', '1900000202', '1900000201']);
    expect(only(result.records, 'orderNo', 'SP20261012003')).toMatchObject({ rate: 3800, feeFen: 4 });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot(
      '__snapshots__/wechat-hostile-service-provider.json',
    );
  });

  it('warns, naming the file, when 手续费总金额 disagrees with the rows (1.46 stated, 1.45 read)', async () => {
    const result = await importFixture(HOSTILE);
    expect(result.rejected).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['totals.mismatch']);
    expect(result.warnings[0]!.messageEn).toContain('hostile-service-provider-wrong-total.csv');
    expect(result.warnings[0]!.messageEn).toContain('total ¥1.46 ≠ ¥1.45');
  });

  it('warns when 总交易单数 disagrees with the rows', async () => {
    const result = await importCopy(MAIN, 'bill.csv', (bytes) =>
      Buffer.from(bytes.toString('utf8').replace('`8,`1503.80', '`9,`1503.80'), 'utf8'),
    );
    expect(result.files[0]!.preset).toBe('wechat');
    expect(result.warnings.map((w) => w.messageEn)).toEqual([expect.stringContaining('count 9 ≠ 8')]);
  });

  it('reads a REFUND bill: time from 退款申请时间, completedAt from 退款成功时间, CHANGE as failed', async () => {
    const result = await importFixture(REFUND);
    expect(result.files[0]).toMatchObject({ preset: 'wechat', rows: 2, rejected: [], warnings: [] });
    expect(only(result.records, 'orderNo', 'RF20261012021')).toMatchObject({
      type: 'refund',
      status: 'success',
      time: '2026-10-12T09:00:00+08:00',
      completedAt: '2026-10-12T09:00:05+08:00',
      amountFen: -2000,
      feeFen: -12,
      originalOrderNo: 'ORD20261011012',
    });
    const failed = only(result.records, 'orderNo', 'RF20261012022');
    expect(failed).toMatchObject({ status: 'failed', amountFen: -1000, card: 'credit' });
    expect(failed.completedAt).toBeUndefined();
    await expect(snapshotOf(result.records)).toMatchFileSnapshot('__snapshots__/wechat-refund-20261012.json');
  });
});
