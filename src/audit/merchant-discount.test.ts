import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import { auditRecords } from './audit.js';
import { compareTimeThenSource, matchRecords, prepare } from './match-records.js';
import { plan, rec, rule } from './test-records.js';

/**
 * A QR statement line settles and prices what the merchant received (amountFen) and shows the merchant's own
 * discount apart (discountFen); the cashier journal shows the order total, amountFen + discountFen.
 */
const contract = plan([rule({ ratePpm: 3800 })], { toleranceFen: 0, refundFee: 'proportional' });
const qr = { channel: 'wechat', card: 'unknown', merchantId: 'M1', terminalId: 'POS01' } as const;

const journal = (fields: Partial<PosRecord> & { time: string; amountFen: number }, row = 1) =>
  rec('terminal', { ...qr, ...fields }, row);
const statement = (fields: Partial<PosRecord> & { time: string; amountFen: number }, row = 1) =>
  rec('settlement', { ...qr, settleDate: '2026-10-09', ...fields }, row);

const run = (terminal: PosRecord[], settlement: PosRecord[]) =>
  auditRecords({ terminal, settlement, bank: [], plans: [contract] });
const kinds = (terminal: PosRecord[], settlement: PosRecord[]) =>
  run(terminal, settlement).findings.map((f) => [f.kind, f.amountFen, f.lossFen]);

describe('amount_mismatch with a merchant-funded discount', () => {
  const sale = statement({
    time: '2026-10-08 10:10:00',
    orderNo: 'ORD007',
    amountFen: 5000,
    discountFen: 1000,
    feeFen: 19,
    settledFen: 4981,
  });

  it('takes the journal’s order total (amount + discount) as agreeing, and its received amount too', () => {
    for (const amountFen of [6000, 5000])
      expect(kinds([journal({ time: '2026-10-08 10:10:00', orderNo: 'ORD007', amountFen })], [sale])).toEqual(
        [],
      );
  });

  it('reports the part of the gap the discount does not explain', () => {
    const report = run(
      [journal({ time: '2026-10-08 10:10:00', orderNo: 'ORD007', amountFen: 6500 })],
      [sale],
    );
    expect(report.findings.map((f) => [f.kind, f.amountFen, f.lossFen])).toEqual([
      ['amount_mismatch', 6500, 500],
    ]);
    expect(report.findings[0]?.message).toContain('结算金额 ¥50.00（另有商家优惠 ¥10.00），相差 ¥5.00');
  });

  it('accepts the journal refund of the order total and returns the fee of the received amount', () => {
    const refund = statement(
      {
        type: 'refund',
        time: '2026-10-08 15:00:00',
        orderNo: 'RF007',
        originalOrderNo: 'ORD007',
        amountFen: -5000,
        discountFen: -1000,
        feeFen: -19,
        settledFen: -4981,
      },
      2,
    );
    const terminal = [
      journal({ time: '2026-10-08 10:10:00', orderNo: 'ORD007', amountFen: 6000 }),
      journal(
        {
          type: 'refund',
          time: '2026-10-08 15:00:00',
          orderNo: 'RF007',
          originalOrderNo: 'ORD007',
          amountFen: -6000,
        },
        2,
      ),
    ];
    expect(kinds(terminal, [sale, refund])).toEqual([]);
    // Taking back more than the journal refunded is still reported, by what the discount leaves unexplained.
    const more = { ...refund, amountFen: -5500, settledFen: -5481 };
    expect(kinds(terminal, [sale, more])).toEqual([['amount_mismatch', -6000, 500]]);
  });
});

describe('matching a discounted statement line by terminal, amount and payer', () => {
  it('pairs the journal’s order total with the statement’s amount + discount when no key is shared', () => {
    const t = [journal({ time: '2026-10-08 10:10:00', payerId: 'oUser7', amountFen: 6000 })].map(prepare);
    const s = [
      statement({ time: '2026-10-08 10:10:30', payerId: 'oUser7', amountFen: 5000, discountFen: 1000 }),
    ].map(prepare);
    expect([...matchRecords(t, s).settlementOf]).toEqual([0]);
  });

  it('pairs equal order totals first among records sharing a key', () => {
    // Two sales under one order number: 50.00 paid in full, and 60.00 of which 10.00 was the merchant's coupon.
    const t = [
      journal({ time: '2026-10-08 10:10:00', orderNo: 'X', amountFen: 5000 }, 1),
      journal({ time: '2026-10-08 10:10:00', orderNo: 'X', amountFen: 6000 }, 2),
    ]
      .map(prepare)
      .sort(compareTimeThenSource);
    const s = [
      statement({ time: '2026-10-08 10:10:00', orderNo: 'X', amountFen: 5000, discountFen: 1000 }, 1),
      statement({ time: '2026-10-08 10:10:00', orderNo: 'X', amountFen: 5000 }, 2),
    ]
      .map(prepare)
      .sort(compareTimeThenSource);
    const m = matchRecords(t, s);
    const pairs = t.map((tp, i) => [tp.record.amountFen, s[m.settlementOf[i] ?? -1]?.record.source.row]);
    expect(pairs).toEqual([
      [5000, 2],
      [6000, 1],
    ]);
  });
});
