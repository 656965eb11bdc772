import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { importCopy, importFixture, only, snapshotOf } from './import-fixture.js';

const MAIN = 'leshua/8000123456_trade_new_20261010.txt';
const GLUED = 'leshua/8000123456_trade_new_20261011.txt';
const HOSTILE = 'leshua/hostile-reordered-extra-columns.txt';

describe('leshua preset', () => {
  it('reads the daily trade file (BT title row, BV rows) to the exact records', async () => {
    const result = await importFixture(MAIN);
    const file = result.files[0]!;
    expect(file.preset).toBe('leshua');
    expect(file.encoding).toBe('utf-8');
    expect(file.kind).toBe('settlement');
    // 13 BV rows, 13 records: the 冻结 line is a sale whose money is held (warned about below).
    expect(file.rows).toBe(13);
    expect(file.skipped ?? 0).toBe(0);
    expect(result.rejected).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['leshua.frozen']);
    await expect(snapshotOf(result.records)).toMatchFileSnapshot(
      '__snapshots__/leshua-trade-new-20261010.json',
    );
  });

  it('reads the documented example: 500 fen at 38 (万分之一) → fee 2 → settled 498', async () => {
    const { records } = await importFixture(MAIN);
    const r = only(records, 'orderNo', 'LS202610100000001');
    // 500 × 38 / 10000 = 1.9 fen, rounded to 2 by Leshua; 500 − 2 = 498.
    expect(r).toMatchObject({
      amountFen: 500,
      feeFen: 2,
      settledFen: 498,
      rate: 3800,
      card: 'debit',
      channel: 'card',
    });
    expect(r.source.row).toBe(2);
    // 第三方订单号 is `*` on a card row: the UnionPay upstream order number is used.
    expect(r.providerOrderNo).toBe('UP20261010091530000001');
  });

  it('maps 消费撤销 to a void and 消费充正 to a reversal, money and fee going back (negative)', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', 'LS202610100000004')).toMatchObject({
      type: 'void',
      amountFen: -3000,
      feeFen: -18,
      settledFen: -2982,
    });
    expect(only(records, 'orderNo', 'LS202610100000005')).toMatchObject({
      type: 'reversal',
      amountFen: -5000,
      feeFen: -30,
      settledFen: -4970,
    });
  });

  it('keeps a T0 row’s 交易时间 (settlement, after midnight) as time and 支付时间 as completedAt', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', 'LS202610100000010')).toMatchObject({
      time: '2026-10-11T00:00:12+08:00',
      completedAt: '2026-10-10T23:58:41+08:00',
      amountFen: 800000,
      feeFen: 4400,
      rate: 5500,
    });
  });

  it('reads 退货成功 / 退货中 / 退货失败 as refunds that succeeded, are pending, failed', async () => {
    const { records } = await importFixture(MAIN);
    expect(only(records, 'orderNo', 'LS202610100000008')).toMatchObject({
      type: 'refund',
      status: 'success',
      amountFen: -1000,
    });
    expect(only(records, 'orderNo', 'LS202610100000013')).toMatchObject({
      type: 'refund',
      status: 'pending',
      amountFen: -10000,
    });
    expect(only(records, 'orderNo', 'LS202610100000009')).toMatchObject({
      type: 'refund',
      status: 'failed',
      amountFen: -500,
    });
  });

  // QA: a sale whose only line is 冻结 was dropped in silence, and the audit called it missing from the statement.
  // Then, read with its settled money, the audit expected that money at the bank the same day.
  it('reads a 冻结 (frozen) line as the sale it is, settled ¥0.00 that day (资金冻结), naming the money held', async () => {
    const { records, warnings } = await importFixture(MAIN);
    // 66600 × 0.55% = 366.3 → 366; the file settles 66600 − 366 = 66234, which Leshua holds: 0 reaches the bank.
    expect(only(records, 'orderNo', 'LS202610100000012')).toMatchObject({
      type: 'sale',
      amountFen: 66600,
      feeFen: 366,
      settledFen: 0,
      label: '资金冻结',
      refNo: '628319452066',
      terminalId: '50054321',
    });
    expect(warnings.map((w) => w.message)).toEqual([
      'leshua/8000123456_trade_new_20261010.txt 中有 1 笔交易的资金流向为“冻结”（第 13 行 LS202610100000012 ¥666.00）：已作为交易导入，但结算款共 ¥662.34 由乐刷暂扣，当天结算记为 ¥0.00（资金冻结），“解冻”前不会打款到账，请向服务商询问冻结原因',
    ]);
    expect(warnings[0]?.file).toContain('8000123456_trade_new_20261010.txt');
  });

  it('reads a 解冻 (released) line as money given back that day (资金解冻), not as a second sale, and names it', async () => {
    // The day after: the frozen sale released, and one new sale.
    const result = await importCopy(MAIN, '8000123456_trade_new_20261011.txt', (bytes) => {
      const lines = bytes.toString('utf8').split('\n');
      const frozen = lines.find((l) => l.includes(',冻结,')) ?? '';
      const sale = lines.find((l) => l.includes('LS202610100000001')) ?? '';
      return Buffer.from([lines[0], frozen.replace(',冻结,', ',解冻,'), sale, ''].join('\n'), 'utf8');
    });
    // The release: 结算金额 66234 (66600 − 366), no fee of its own, keyed by the sale's order number.
    expect(
      result.records.map((r) => [r.orderNo, r.type, r.amountFen, r.feeFen, r.settledFen, r.label]),
    ).toEqual([
      ['LS202610100000012', 'rebate', 66234, undefined, 66234, '资金解冻'],
      ['LS202610100000001', 'sale', 500, 2, 498, '优惠类'],
    ]);
    expect(result.records[0]).toMatchObject({
      merchantId: '1000054321',
      refNo: '628319452066',
      source: { row: 2 },
    });
    expect(result.records[0]?.rate).toBeUndefined();
    expect(result.files[0]).toMatchObject({ rows: 2 });
    expect(result.files[0]?.skipped ?? 0).toBe(0);
    expect(result.warnings.map((w) => w.messageEn)).toEqual([
      "8000123456_trade_new_20261011.txt: 1 line is marked 解冻 (released) in 资金流向 (row 2 LS202610100000012 ¥666.00): the settled money of sales frozen before, ¥662.34 in all, is released; imported as money given back that day (资金解冻), counted in that day's payout and set only against money frozen; the sale itself is on the statement of the day it was frozen and is not imported again as a sale",
    ]);
    expect(result.warnings[0]?.message).not.toContain('未导入');
    expect(result.warnings[0]?.message).toContain('已作为当天的返还（资金解冻）导入');
  });

  it('reads the GBK file with glued date-times (2026-10-1116:07:27) and 信用卡', async () => {
    const result = await importFixture(GLUED);
    expect(result.files[0]).toMatchObject({ preset: 'leshua', encoding: 'gbk', rows: 4, rejected: [] });
    expect(only(result.records, 'orderNo', 'LS202610110000003')).toMatchObject({
      time: '2026-10-11T16:07:27+08:00',
      completedAt: '2026-10-11T16:07:25+08:00',
      card: 'credit',
      // 3000 × 0.55% = 16.5 → 17
      feeFen: 17,
      settledFen: 2983,
    });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot(
      '__snapshots__/leshua-trade-new-20261011-gbk.json',
    );
  });

  it('reads reordered columns with unknown extras, and checks the rows against the 合计 row', async () => {
    const result = await importFixture(HOSTILE);
    const file = result.files[0]!;
    expect(file).toMatchObject({ preset: 'leshua', rows: 3, rejected: [], warnings: [] });
    // 合计: 2000 + 88800 + 1234 = 92034; 12 + 533 + 5 = 550; 1988 + 88267 + 1229 = 91484 — as read.
    expect(file.totals).toEqual({ amountFen: 92034, feeFen: 550, settledFen: 91484 });
    await expect(snapshotOf(result.records)).toMatchFileSnapshot(
      '__snapshots__/leshua-hostile-reordered.json',
    );
  });

  it('warns, naming the file, when the 合计 row disagrees with the rows', async () => {
    const result = await importCopy(HOSTILE, 'agent_trade_new_20261012.txt', (bytes) =>
      Buffer.from(bytes.toString('utf8').replace('合计,,,92034,550,91484', '合计,,,92034,551,91484'), 'utf8'),
    );
    expect(result.records).toHaveLength(3);
    expect(result.warnings.map((w) => w.code)).toEqual(['totals.mismatch']);
    expect(result.warnings[0]!.messageEn).toContain('agent_trade_new_20261012.txt');
    expect(result.warnings[0]!.messageEn).toContain('total ¥5.51 ≠ ¥5.50');
  });

  it('is detected from the content alone, under any file name', async () => {
    const result = await importCopy(GLUED, 'download.txt');
    expect(result.files[0]!.preset).toBe('leshua');
    expect(result.records).toHaveLength(4);
  });

  it('reads a GBK file whose title row is the BT row (no 记录类型 cell)', async () => {
    const result = await importCopy(MAIN, 'x_trade_new_20261010.txt', (bytes) =>
      iconv.encode(bytes.toString('utf8'), 'gbk'),
    );
    expect(result.files[0]).toMatchObject({ preset: 'leshua', encoding: 'gbk', rows: 13 });
  });
});
