import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import {
  compareTimeThenSource,
  linkOriginals,
  linkUndoings,
  matchRecords,
  prepare,
  tradeTimeOf,
} from './match-records.js';
import { rec } from './test-records.js';

describe('tradeTimeOf', () => {
  it('takes a Leshua T0 line’s 支付时间, before its 交易时间 (the settlement time)', () => {
    const r = rec('settlement', {
      amountFen: 100000,
      time: '2026-10-15 00:00:30',
      completedAt: '2026-10-14T23:59:50+08:00',
    });
    expect(tradeTimeOf(r)).toBe('2026-10-14T23:59:50+08:00');
  });

  it('keeps the time when the completion time is later or missing', () => {
    const later = rec('settlement', {
      amountFen: 100000,
      time: '2026-10-14 23:59:50',
      completedAt: '2026-10-15T00:00:10+08:00',
    });
    expect(tradeTimeOf(later)).toBe('2026-10-14T23:59:50+08:00');
    expect(tradeTimeOf(rec('settlement', { amountFen: 100000, time: '2026-10-14 12:00:00' }))).toBe(
      '2026-10-14T12:00:00+08:00',
    );
  });

  it('compares instants, not the text, when the two carry different offsets', () => {
    const r = rec('settlement', {
      amountFen: 100000,
      time: '2026-10-15 00:00:30',
      completedAt: '2026-10-14T15:59:50Z',
    });
    expect(tradeTimeOf(r)).toBe('2026-10-14T15:59:50Z');
  });
});

describe('linkOriginals for a void or reversal that names neither its sale nor a payer', () => {
  const sale = (row: number, fields: Partial<PosRecord> & { time: string }) =>
    rec('settlement', { terminalId: 'T1', amountFen: 50000, refNo: `S${row}`, ...fields }, row);
  const cancel = (row: number, fields: Partial<PosRecord> & { time: string }) =>
    rec(
      'settlement',
      { type: 'void', terminalId: 'T1', amountFen: -50000, refNo: `V${row}`, ...fields },
      row,
    );
  const parents = (records: PosRecord[]) => {
    const prepared = records.map(prepare).sort(compareTimeThenSource);
    const parent = linkOriginals(prepared);
    return prepared.map((p, i) => {
      const found = parent[i] ?? -1;
      return [p.record.source.row, found < 0 ? undefined : prepared[found]?.record.source.row];
    });
  };

  it('takes the latest earlier sale of its amount on its terminal that day', () => {
    expect(
      parents([
        sale(2, { time: '2026-10-12 09:00:00' }),
        sale(3, { time: '2026-10-12 09:20:00' }),
        sale(4, { amountFen: 20000, time: '2026-10-12 09:21:00' }),
        cancel(5, { time: '2026-10-12 09:22:00' }),
      ]),
    ).toEqual([
      [2, undefined],
      [3, undefined],
      [4, undefined],
      [5, 3],
    ]);
  });

  it('does not take a sale already cancelled, one of another terminal, or one of another day', () => {
    expect(
      parents([
        sale(2, { time: '2026-10-11 18:00:00' }),
        sale(3, { terminalId: 'T2', time: '2026-10-12 09:00:00' }),
        sale(4, { time: '2026-10-12 09:20:00' }),
        cancel(5, { type: 'reversal', time: '2026-10-12 09:20:40' }),
        cancel(6, { time: '2026-10-12 09:25:00' }),
      ]),
    ).toEqual([
      [2, undefined],
      [3, undefined],
      [4, undefined],
      [5, 4],
      [6, undefined],
    ]);
  });

  it('takes the one earlier sale for a refund that names none, and leaves cancels past what is left of it unlinked', () => {
    expect(
      parents([
        sale(2, { time: '2026-10-12 09:20:00' }),
        cancel(3, { type: 'refund', time: '2026-10-12 10:00:00' }),
        cancel(4, { originalVoucherNo: '000999', time: '2026-10-12 10:01:00' }),
        cancel(5, { cardNo: '622848******0228', time: '2026-10-12 10:02:00' }),
      ]),
    ).toEqual([
      [2, undefined],
      // Same terminal, the sale's whole amount, an hour later: its sale.
      [3, 2],
      // The sale is refunded in full by then: nothing left for these to cancel.
      [4, undefined],
      [5, undefined],
    ]);
  });
});

describe('matchRecords on a cashier export with the POS 流水号 and no 批次号 or 参考号', () => {
  // The cashier's 流水号 is the POS 凭证号 (DOMAIN.md §2.8); the statement adds 批次号 and 参考号 the till never saw.
  const journal = (row: number, voucherNo: string, time: string, fields: Partial<PosRecord> = {}) =>
    rec('terminal', { terminalId: '10000001', voucherNo, amountFen: 100000, time, ...fields }, row);
  const statement = (row: number, voucherNo: string, time: string, fields: Partial<PosRecord> = {}) =>
    rec(
      'settlement',
      {
        merchantId: '822000000000009',
        terminalId: '10000001',
        batchNo: '000001',
        voucherNo,
        refNo: `6285${voucherNo.padStart(8, '0')}`,
        amountFen: 100000,
        feeFen: 600,
        settleDate: '2026-10-15',
        time,
        ...fields,
      },
      row,
    );
  /** Journal row → statement row of each pair. */
  const pairs = (terminal: PosRecord[], settlement: PosRecord[]) => {
    const t = terminal.map(prepare).sort(compareTimeThenSource);
    const s = settlement.map(prepare).sort(compareTimeThenSource);
    const m = matchRecords(t, s);
    return t.map((p, i) => [p.record.source.row, s[m.settlementOf[i] ?? -1]?.record.source.row]);
  };

  it('pairs by terminal, 凭证号, amount and trade date, a WeChat sale without a card and a line across midnight too', () => {
    expect(
      pairs(
        [
          journal(2, '000101', '2026-10-14 09:05:00', { cardNo: '622588******1001' }),
          journal(3, '000114', '2026-10-14 09:00:00', {
            channel: 'wechat',
            card: 'unknown',
            amountFen: 5800,
          }),
          journal(4, '000113', '2026-10-14 23:59:50'),
        ],
        [
          statement(12, '000101', '2026-10-14 09:05:00', { cardNo: '622588******1001' }),
          statement(13, '000114', '2026-10-14 09:00:00', {
            channel: 'wechat',
            card: 'unknown',
            amountFen: 5800,
            feeFen: 22,
          }),
          statement(14, '000113', '2026-10-15 00:00:05'),
        ],
      ),
    ).toEqual([
      [3, 13],
      [2, 12],
      [4, 14],
    ]);
  });

  it('pairs a sale with the merchant’s own discount: the journal shows the order total, amount + discount', () => {
    expect(
      pairs(
        [
          journal(2, '000120', '2026-10-14 10:00:00', {
            channel: 'wechat',
            card: 'unknown',
            amountFen: 6000,
          }),
        ],
        [
          statement(12, '000120', '2026-10-14 10:00:00', {
            channel: 'wechat',
            card: 'unknown',
            amountFen: 5000,
            discountFen: 1000,
            refNo: undefined,
            feeFen: 19,
          }),
        ],
      ),
    ).toEqual([[2, 12]]);
  });

  it('does not pair a 凭证号 that came round on another day, another card, another batch or another amount', () => {
    expect(
      pairs(
        [
          journal(2, '000001', '2026-10-14 10:00:00'),
          journal(3, '000002', '2026-10-14 10:05:00', { cardNo: '622588******1001' }),
          journal(4, '000003', '2026-10-14 10:10:00', { batchNo: '000007' }),
          journal(5, '000004', '2026-10-14 10:15:00'),
        ],
        [
          // The next day's batch restarted its 凭证号.
          statement(12, '000001', '2026-10-15 10:00:00', { settleDate: '2026-10-16' }),
          statement(13, '000002', '2026-10-14 10:05:00', { cardNo: '622588******2002' }),
          statement(14, '000003', '2026-10-14 10:10:00'),
          statement(15, '000004', '2026-10-14 10:15:00', { amountFen: 100100 }),
        ],
      ),
    ).toEqual([
      [2, undefined],
      [3, undefined],
      [4, undefined],
      [5, undefined],
    ]);
  });

  it('pairs two sales of one 凭证号 and amount on two days each with its own day', () => {
    expect(
      pairs(
        [journal(2, '000001', '2026-10-14 10:00:00'), journal(3, '000001', '2026-10-15 10:00:00')],
        [
          statement(12, '000001', '2026-10-14 10:00:00'),
          statement(13, '000001', '2026-10-15 10:00:00', { batchNo: '000002', settleDate: '2026-10-16' }),
        ],
      ),
    ).toEqual([
      [2, 12],
      [3, 13],
    ]);
    // The first day's line missing from the statement leaves its sale unpaired, not paired with the next day's.
    expect(
      pairs(
        [journal(2, '000001', '2026-10-14 10:00:00'), journal(3, '000001', '2026-10-15 10:00:00')],
        [statement(13, '000001', '2026-10-15 10:00:00', { batchNo: '000002', settleDate: '2026-10-16' })],
      ),
    ).toEqual([
      [2, undefined],
      [3, 13],
    ]);
  });

  it('still lets a stricter key decide first: the 参考号 both sides carry', () => {
    expect(
      pairs(
        [journal(2, '000007', '2026-10-14 10:00:00', { refNo: '628500000008' })],
        [
          statement(12, '000007', '2026-10-14 10:00:00', { refNo: '628500000007' }),
          statement(13, '000008', '2026-10-14 10:00:00', { refNo: '628500000008' }),
        ],
      ),
    ).toEqual([[2, 13]]);
  });
});

describe('linkUndoings: a cancellation cancelled', () => {
  const sorted = (records: PosRecord[]) => records.map(prepare).sort(compareTimeThenSource);
  const card = { terminalId: 'T1', cardNo: '622848******0001' };

  it('links a refund cancelled to the refund its 原参考号 names, and a void reversed to the void of its own 凭证号', () => {
    const lines = sorted([
      rec('settlement', { ...card, time: '2026-10-13 09:00:00', amountFen: 100000, refNo: 'R1' }, 2),
      rec(
        'settlement',
        {
          ...card,
          time: '2026-10-13 15:00:00',
          type: 'refund',
          amountFen: -30000,
          refNo: 'R2',
          originalRefNo: 'R1',
        },
        3,
      ),
      rec(
        'settlement',
        { ...card, time: '2026-10-13 15:05:00', amountFen: 30000, refNo: 'R3', originalRefNo: 'R2' },
        4,
      ),
      rec(
        'terminal',
        { ...card, time: '2026-10-13 16:00:00', amountFen: 5000, batchNo: '1', voucherNo: '7' },
        5,
      ),
      rec(
        'terminal',
        {
          ...card,
          time: '2026-10-13 16:01:00',
          type: 'void',
          amountFen: -5000,
          batchNo: '1',
          voucherNo: '8',
          originalVoucherNo: '7',
        },
        6,
      ),
      rec(
        'terminal',
        { ...card, time: '2026-10-13 16:01:30', amountFen: 5000, batchNo: '1', voucherNo: '8' },
        7,
      ),
    ]);
    const { undoes, orphans } = linkUndoings(lines);
    expect([...undoes]).toEqual([-1, -1, 1, -1, -1, 4]);
    expect(orphans).toEqual([]);
  });

  it('reads no sale as undoing its own void, even when a statement dates both 00:00 and gives the void its 参考号', () => {
    const lines = sorted([
      // The void listed first: the order alone would let the sale take it.
      rec('settlement', { ...card, time: '2026-10-13 00:00:00', amountFen: 100000, refNo: 'R1' }, 3),
      rec(
        'settlement',
        {
          ...card,
          time: '2026-10-13 00:00:00',
          type: 'void',
          amountFen: -100000,
          refNo: 'R1',
          originalRefNo: 'R1',
        },
        2,
      ),
    ]);
    expect(lines.map((p) => p.record.type)).toEqual(['void', 'sale']);
    expect([...linkUndoings(lines).undoes]).toEqual([-1, -1]);
  });

  it('takes no sale of a later batch that comes round to a void’s 凭证号 for its reversal', () => {
    const lines = sorted([
      rec(
        'terminal',
        { ...card, time: '2026-10-13 09:00:00', amountFen: 5000, batchNo: '1', voucherNo: '1' },
        2,
      ),
      rec(
        'terminal',
        {
          ...card,
          time: '2026-10-13 09:01:00',
          type: 'void',
          amountFen: -5000,
          batchNo: '1',
          voucherNo: '2',
          originalVoucherNo: '1',
        },
        3,
      ),
      rec(
        'terminal',
        { ...card, time: '2026-10-13 18:00:00', amountFen: 5000, batchNo: '2', voucherNo: '2' },
        4,
      ),
    ]);
    expect([...linkUndoings(lines).undoes]).toEqual([-1, -1, -1]);
  });

  it('calls a sale that names an original not here an orphan, and one that names itself none', () => {
    const lines = sorted([
      rec(
        'settlement',
        { ...card, time: '2026-10-13 09:00:00', amountFen: 30000, refNo: 'R3', originalRefNo: 'R2' },
        2,
      ),
      rec(
        'settlement',
        { ...card, time: '2026-10-13 10:00:00', amountFen: 20000, refNo: 'R4', originalRefNo: 'R4' },
        3,
      ),
    ]);
    const { undoes, orphans } = linkUndoings(lines);
    expect([...undoes]).toEqual([-1, -1]);
    expect(orphans).toEqual([0]);
  });
});
