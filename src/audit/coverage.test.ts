import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import {
  CARRIES_ALIPAY,
  CARRIES_ANY,
  CARRIES_CARD,
  CARRIES_WECHAT,
  CoverageCollector,
  coverageOf,
  coverageState,
  merchantCoverage,
} from './coverage.js';
import { rec } from './test-records.js';

/** A statement line of a file, on a day, paid by a channel. */
const line = (file: string, merchantId: string, day: string, channel: PosRecord['channel'], row: number) =>
  rec(
    'settlement',
    { time: `${day} 10:00:00`, amountFen: 10000, feeFen: 38, merchantId, channel, card: 'unknown' },
    row,
    file,
  );

// A shop's WeChat bill and Alipay 业务明细 (no settlement dates: they cover their trade days), and a card statement.
const wechatBill = [
  line('微信账单.csv', '1900000001', '2026-10-12', 'wechat', 2),
  line('微信账单.csv', '1900000001', '2026-10-17', 'wechat', 3),
];
const alipayBill = [line('业务明细.csv', '2088123412341234', '2026-10-12', 'alipay', 5)];
const cardStatement = [
  { ...line('刷卡结算.csv', '822000000000001', '2026-10-12', 'card', 2), settleDate: '2026-10-13' },
  { ...line('刷卡结算.csv', '822000000000001', '2026-10-16', 'nfc', 3), settleDate: '2026-10-19' },
];

describe('coverage by channel', () => {
  it("marks a wallet's bill as covering that wallet only; a card or mixed file covers every channel", () => {
    expect(coverageOf([...wechatBill, ...alipayBill, ...cardStatement])).toEqual({
      settle: [['2026-10-13', '2026-10-19', '822000000000001']],
      trade: [
        ['2026-10-12', '2026-10-17', '1900000001', 'wechat'],
        ['2026-10-12', '2026-10-12', '2088123412341234', 'alipay'],
      ],
    });
    // One file carrying WeChat and Alipay (an aggregator's) covers both, and more: no wallet mark.
    const mixed = [
      line('聚合.csv', 'M1', '2026-10-12', 'wechat', 2),
      line('聚合.csv', 'M1', '2026-10-13', 'alipay', 3),
    ];
    expect(coverageOf(mixed).trade).toEqual([['2026-10-12', '2026-10-13', 'M1']]);
    // A line that does not say its channel may be anything: no wallet mark either.
    const unsaid = [...wechatBill, line('微信账单.csv', '1900000001', '2026-10-13', 'unknown', 4)];
    expect(coverageOf(unsaid).trade).toEqual([['2026-10-12', '2026-10-17', '1900000001']]);
  });

  it("says a sale was due on a wallet's bill only when it was paid by that wallet", () => {
    // An aggregator merchant number that takes WeChat, Alipay and cards, audited with its WeChat bill only.
    const wx = [
      line('微信账单.csv', 'M1', '2026-10-12', 'wechat', 2),
      line('微信账单.csv', 'M1', '2026-10-17', 'wechat', 3),
    ];
    const covers = merchantCoverage(coverageOf(wx), 'M1');
    expect(coverageState(covers, '2026-10-14', '2026-10-15', undefined, 'wechat')).toBe('covered');
    expect(coverageState(covers, '2026-10-14', '2026-10-15', undefined, 'alipay')).toBe('outside');
    expect(coverageState(covers, '2026-10-14', '2026-10-15', undefined, 'card')).toBe('outside');
    // A sale whose channel is unknown may have been WeChat: as before.
    expect(coverageState(covers, '2026-10-14', '2026-10-15', undefined, 'unknown')).toBe('covered');
    expect(coverageState(covers, '2026-10-14', '2026-10-15', undefined)).toBe('covered');
    // After the bill's last day, a WeChat sale is pending; an Alipay one was never due on it.
    expect(coverageState(covers, '2026-10-20', '2026-10-21', undefined, 'wechat')).toBe('pending');
    expect(coverageState(covers, '2026-10-20', '2026-10-21', undefined, 'alipay')).toBe('outside');
    // The card statement covers its days for every channel of the card family and the rest alike.
    const card = merchantCoverage(coverageOf(cardStatement), '822000000000001');
    for (const channel of ['card', 'nfc', 'unionpay-qr', 'wechat'] as const)
      expect(coverageState(card, '2026-10-14', '2026-10-15', undefined, channel)).toBe('covered');
  });

  it('collects the channels each merchant carries, across files and merged collectors', () => {
    const a = new CoverageCollector();
    for (const r of [...wechatBill, ...cardStatement]) a.add(r);
    const b = new CoverageCollector();
    for (const r of [...alipayBill, line('无商户号.csv', '', '2026-10-12', 'unknown', 2)]) b.add(r);
    const entries = b.entries();
    a.merge(entries);
    expect(a.channelsByMerchant()).toEqual(
      new Map([
        ['1900000001', CARRIES_WECHAT],
        ['822000000000001', CARRIES_CARD],
        ['2088123412341234', CARRIES_ALIPAY],
        ['', CARRIES_ANY],
      ]),
    );
    // Merging copies: more lines of a file in the receiving collector leave the handed-over entries alone.
    a.merge([['业务明细.csv', { channels: new Map([['2088123412341234', CARRIES_WECHAT]]) }]]);
    expect(a.channelsByMerchant().get('2088123412341234')).toBe(CARRIES_ALIPAY | CARRIES_WECHAT);
    expect(entries.find(([file]) => file === '业务明细.csv')?.[1].channels).toEqual(
      new Map([['2088123412341234', CARRIES_ALIPAY]]),
    );
    // The merged collector's coverage is the one of all the lines read in one.
    const one = new CoverageCollector();
    for (const r of [...wechatBill, ...cardStatement, ...alipayBill]) one.add(r);
    const merged = new CoverageCollector();
    for (const part of [wechatBill, cardStatement, alipayBill]) {
      const c = new CoverageCollector();
      for (const r of part) c.add(r);
      merged.merge(c.entries());
    }
    expect(merged.coverage()).toEqual(one.coverage());
  });
});

describe('coverage of a statement file cut off mid-row', () => {
  // A file of three settlement days whose download stopped inside a 10-15 row: 10-13 and 10-14 are whole.
  const cut = [
    { ...line('结算.csv', '822000000000001', '2026-10-12', 'card', 2), settleDate: '2026-10-13' },
    { ...line('结算.csv', '822000000000001', '2026-10-13', 'card', 3), settleDate: '2026-10-14' },
    { ...line('结算.csv', '822000000000001', '2026-10-14', 'card', 4), settleDate: '2026-10-15' },
  ];

  it('covers the days before its last; its last day is neither covered, pending nor outside', () => {
    const coverage = coverageOf(cut, ['结算.csv']);
    expect(coverage).toEqual({
      settle: [['2026-10-13', '2026-10-14', '822000000000001']],
      trade: [],
      cutShort: [{ file: '结算.csv', day: '2026-10-15', basis: 'settle', merchantId: '822000000000001' }],
    });
    const covers = merchantCoverage(coverage, '822000000000001');
    expect(coverageState(covers, '2026-10-13', '2026-10-14', undefined, 'card')).toBe('covered');
    expect(coverageState(covers, '2026-10-14', '2026-10-15', undefined, 'card')).toBe('cut-short');
    expect(coverageState(covers, '2026-10-15', '2026-10-16', undefined, 'card')).toBe('pending');
    // Another merchant's cut file says nothing of this one.
    expect(merchantCoverage(coverage, '822000000000002').cutShort).toBeUndefined();
    // A whole file of the same day (downloaded again) covers it.
    const again = {
      ...line('结算2.csv', '822000000000001', '2026-10-14', 'card', 2),
      settleDate: '2026-10-15',
    };
    const both = merchantCoverage(coverageOf([...cut, again], ['结算.csv']), '822000000000001');
    expect(coverageState(both, '2026-10-14', '2026-10-15', undefined, 'card')).toBe('covered');
  });

  it('keeps the mark when a worker hands its files over', () => {
    const worker = new CoverageCollector();
    for (const r of cut) worker.add(r);
    worker.markTruncated('结算.csv');
    const run = new CoverageCollector();
    run.merge(worker.entries());
    expect(run.coverage().cutShort?.map((d) => d.day)).toEqual(['2026-10-15']);
  });
});
