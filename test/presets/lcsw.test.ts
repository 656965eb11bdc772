import { describe, expect, it } from 'vitest';
import { importCopy, importFixture, only, snapshotOf } from './import-fixture.js';

const MAIN = 'lcsw/lcsw_853100012345_20261010.txt';
const GBK = 'lcsw/lcsw_853100012345_20261011.txt';

describe('lcsw preset', () => {
  it('reads the headerless statement to the exact records', async () => {
    const result = await importFixture(MAIN);
    expect(result.files[0]).toMatchObject({
      preset: 'lcsw',
      kind: 'settlement',
      rows: 8,
      rejected: [],
      warnings: [],
    });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot('__snapshots__/lcsw-20261010.json');
  });

  it('maps 支付方式 codes 1 微信, 2 支付宝, 3 银行卡, 11 云闪付, 16 数字人民币', async () => {
    const { records } = await importFixture(MAIN);
    expect(records.slice(0, 5).map((r) => r.channel)).toEqual([
      'wechat',
      'alipay',
      'card',
      'unionpay-qr',
      'ecny',
    ]);
  });

  it('reads amounts in fen: 8800 at 0.60% → fee 53 (52.8), 结余金额 8747', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', '100010261010091200002')).toMatchObject({
      amountFen: 8800,
      feeFen: 53,
      settledFen: 8747,
    });
  });

  it('reads a refund row as −退款金额 (not the original 交易金额), with the fee returned and the original order', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', '100010261010130000006')).toMatchObject({
      type: 'refund',
      status: 'success',
      amountFen: -1000,
      feeFen: -6,
      settledFen: -994,
      originalOrderNo: '100010261010083015001',
      time: '2026-10-10T13:00:00+08:00',
      completedAt: '2026-10-10T13:00:03+08:00',
    });
  });

  it('keeps a failed payment as a failed record', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', '100010261010140000007')).toMatchObject({
      status: 'failed',
      type: 'sale',
      amountFen: 2000,
    });
  });

  it('reads the GBK variant: CRLF, a quoted store name with a comma, an extra 29th column', async () => {
    const result = await importFixture(GBK);
    expect(result.files[0]).toMatchObject({
      preset: 'lcsw',
      encoding: 'gbk',
      rows: 3,
      rejected: [],
      warnings: [],
    });
    expect(result.records.map((r) => r.counterparty)).toEqual(['海淀店,二层', '海淀店,二层', '海淀店,二层']);
    // Next-day partial refund of a card sale: 50000 × 0.60% = 300 returned.
    expect(only(result.records, 'orderNo', '100010261011110000003')).toMatchObject({
      channel: 'card',
      card: 'credit',
      amountFen: -50000,
      feeFen: -300,
      settledFen: -49700,
    });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot('__snapshots__/lcsw-20261011-gbk.json');
  });

  it('is detected from the row shape under any file name', async () => {
    const result = await importCopy(MAIN, 'duizhangdan.txt');
    expect(result.files[0]!.preset).toBe('lcsw');
    expect(result.records).toHaveLength(8);
  });
});
