import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { compareTimeThenSource, matchRecords, namesAnotherSale, prepare } from './match-records.js';
import { rec } from './test-records.js';

// A cashier's journal and a provider's statement name one sale with different kinds of order number: the
// journal's 订单号 is the WeChat transaction id (the statement's 第三方订单号, providerOrderNo), the statement's
// 订单号 is the provider's own LS… number.
const WECHAT_ID = '4200002026110312345678901234';
const OTHER_WECHAT_ID = '4200002026110398765432109876';
const ALIPAY_ID = '2026110322001412345678901234';

const journal = (row: number, time: string, fields: Partial<PosRecord> = {}) =>
  rec(
    'terminal',
    { terminalId: 'LS000102', amountFen: 4124, channel: 'wechat', card: 'unknown', time, ...fields },
    row,
  );
const statement = (row: number, time: string, fields: Partial<PosRecord> = {}) =>
  rec(
    'settlement',
    {
      merchantId: '1000000001',
      terminalId: 'LS000102',
      amountFen: 4124,
      feeFen: 16,
      channel: 'wechat',
      card: 'unknown',
      settleDate: '2026-11-04',
      time,
      ...fields,
    },
    row,
  );

/** Journal row → statement row of each pair, in the journal's time order. */
function pairs(terminal: PosRecord[], settlement: PosRecord[]) {
  const t = terminal.map(prepare).sort(compareTimeThenSource);
  const s = settlement.map(prepare).sort(compareTimeThenSource);
  const m = matchRecords(t, s);
  return t.map((p, i) => [p.record.source.row, s[m.settlementOf[i] ?? -1]?.record.source.row]);
}

describe('matchRecords across kinds of order number', () => {
  it('pairs a journal 订单号 with the statement’s 第三方订单号, and the other way round, hours apart', () => {
    // Hours apart and no 凭证号: neither the voucher key nor the five-minute key could pair them, only the number.
    expect(
      pairs(
        [
          journal(2, '2026-11-03 09:46:02', { orderNo: WECHAT_ID }),
          journal(3, '2026-11-03 10:10:00', {
            providerOrderNo: 'LS20261103000031',
            channel: 'alipay',
            amountFen: 15667,
          }),
        ],
        [
          statement(12, '2026-11-03 12:46:02', { orderNo: 'LS20261103000027', providerOrderNo: WECHAT_ID }),
          statement(13, '2026-11-03 13:10:00', {
            orderNo: 'LS20261103000031',
            providerOrderNo: ALIPAY_ID,
            channel: 'alipay',
            amountFen: 15667,
            feeFen: 60,
          }),
        ],
      ),
    ).toEqual([
      [2, 12],
      [3, 13],
    ]);
  });

  it('pairs by terminal + batch + 凭证号 across midnight, and by the five-minute key, whatever other kinds of number differ', () => {
    expect(
      pairs(
        [
          // The cashier's own order number beside the provider's LS… one: they prove nothing.
          journal(2, '2026-11-03 23:59:58', {
            orderNo: 'M20261103-0099',
            batchNo: '000003',
            voucherNo: '000231',
            channel: 'card',
            card: 'credit',
            amountFen: 88800,
          }),
          // A WeChat transaction id in 订单号 against a statement line that gives none, only its LS… number.
          journal(3, '2026-11-03 11:00:00', { orderNo: WECHAT_ID, payerId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }),
        ],
        [
          statement(12, '2026-11-04 00:00:03', {
            orderNo: 'LS20261103000099',
            batchNo: '000003',
            voucherNo: '000231',
            refNo: '731100000099',
            channel: 'card',
            card: 'credit',
            amountFen: 88800,
            feeFen: 488,
          }),
          statement(13, '2026-11-03 11:00:40', {
            orderNo: 'LS20261103000100',
            payerId: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
          }),
        ],
      ),
    ).toEqual([
      [3, 13],
      [2, 12],
    ]);
  });

  it('never pairs two different numbers of the same kind, nor two different 参考号', () => {
    // Same terminal, 凭证号, amount and second: only the numbers tell them apart (no 批次号, so the terminal +
    // batch + 凭证号 key, which outranks order numbers, does not decide).
    const sameSale = { voucherNo: '000211' };
    expect(
      pairs(
        [
          // Two channel order numbers (第三方订单号 both sides) that differ.
          journal(2, '2026-11-03 09:00:00', { ...sameSale, voucherNo: '000201', providerOrderNo: WECHAT_ID }),
          // The provider's own numbers, both LS…, that differ.
          journal(3, '2026-11-03 09:10:00', {
            ...sameSale,
            voucherNo: '000202',
            orderNo: 'LS20261103000041',
          }),
          // WeChat transaction ids in different columns, but two different ones.
          journal(4, '2026-11-03 09:20:00', { ...sameSale, voucherNo: '000203', orderNo: WECHAT_ID }),
          journal(5, '2026-11-03 09:30:00', {
            ...sameSale,
            voucherNo: '000204',
            refNo: '731100000204',
            channel: 'card',
            card: 'credit',
          }),
        ],
        [
          statement(12, '2026-11-03 09:00:00', {
            ...sameSale,
            voucherNo: '000201',
            providerOrderNo: OTHER_WECHAT_ID,
          }),
          statement(13, '2026-11-03 09:10:00', {
            ...sameSale,
            voucherNo: '000202',
            orderNo: 'LS20261103000042',
          }),
          statement(14, '2026-11-03 09:20:00', {
            ...sameSale,
            voucherNo: '000203',
            orderNo: 'LS20261103000043',
            providerOrderNo: OTHER_WECHAT_ID,
          }),
          statement(15, '2026-11-03 09:30:00', {
            ...sameSale,
            voucherNo: '000204',
            refNo: '731100000999',
            channel: 'card',
            card: 'credit',
          }),
        ],
      ),
    ).toEqual([
      [2, undefined],
      [3, undefined],
      [4, undefined],
      [5, undefined],
    ]);
  });
});

describe('namesAnotherSale across kinds of order number', () => {
  const sale = statement(12, '2026-11-03 09:46:02', {
    orderNo: 'LS20261103000027',
    providerOrderNo: WECHAT_ID,
  });
  const refund = (originalOrderNo: string) =>
    journal(2, '2026-11-03 15:00:00', { type: 'refund', amountFen: -4124, originalOrderNo });

  it('takes a journal refund’s 原订单号 that is the sale’s 第三方订单号, or a number of another kind, as no other sale', () => {
    expect(namesAnotherSale(refund(WECHAT_ID), sale)).toBe(false);
    // The cashier's own order number: not known to be of the LS… number's kind, nor of the WeChat id's.
    expect(namesAnotherSale(refund('M20261103-0027'), sale)).toBe(false);
  });

  it('takes a different number of the same kind as another sale', () => {
    expect(namesAnotherSale(refund(OTHER_WECHAT_ID), sale)).toBe(true);
    expect(namesAnotherSale(refund('LS20261103000028'), sale)).toBe(true);
  });
});
