import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/record.js';
import {
  inferSettlementCycle,
  merchantSettlementCycle,
  type TradeSettlePair,
  tradeSettlePairs,
} from './settle-cycle.js';
import { plan, rec, rule } from './test-records.js';

const pair = (tradeDate: string, settleDate: string): TradeSettlePair => ({ tradeDate, settleDate });

// 2026-11: Mon 9 … Fri 13, Sat 14, Sun 15, Mon 16; no holidays that month.
const D1_WEEK = [
  pair('2026-11-09', '2026-11-10'),
  pair('2026-11-10', '2026-11-11'),
  pair('2026-11-11', '2026-11-12'),
  pair('2026-11-12', '2026-11-13'),
  pair('2026-11-13', '2026-11-14'), // Fri → Sat: only a natural-day cycle pays on Saturday
  pair('2026-11-14', '2026-11-15'), // Sat → Sun
  pair('2026-11-15', '2026-11-16'), // Sun → Mon
];

describe('inferSettlementCycle', () => {
  it('reads D1 off next-calendar-day settlements that run through the weekend', () => {
    expect(inferSettlementCycle(D1_WEEK)).toEqual({
      clear: true,
      cycle: { basis: 'D', days: 1 },
      fitting: 7,
      total: 7,
    });
  });

  it('reads T1 off settlements that skip a weekend and the 2026 National Day holiday', () => {
    // 2026-10-01…10-07 off; Sat 10-10 a make-up workday, Sun 10-11 off.
    const pairs = [
      pair('2026-09-28', '2026-09-29'),
      pair('2026-09-29', '2026-09-30'),
      pair('2026-09-30', '2026-10-08'),
      pair('2026-10-01', '2026-10-08'),
      pair('2026-10-03', '2026-10-08'),
      pair('2026-10-08', '2026-10-09'),
      pair('2026-10-09', '2026-10-10'),
      pair('2026-10-10', '2026-10-12'),
      pair('2026-10-16', '2026-10-19'),
      pair('2026-10-17', '2026-10-19'),
    ];
    expect(inferSettlementCycle(pairs)).toEqual({
      clear: true,
      cycle: { basis: 'T', days: 1 },
      fitting: 10,
      total: 10,
    });
  });

  it('takes the more lenient cycle when the lines cannot tell two apart (weekdays only: T1, not D1)', () => {
    const weekdays = D1_WEEK.slice(0, 4);
    expect(inferSettlementCycle(weekdays)).toMatchObject({ clear: true, cycle: { basis: 'T', days: 1 } });
  });

  it('needs 90 % of the lines: 9 of 10 on D1 (one paid two days late) is D1, 8 of 10 is unclear', () => {
    const late = pair('2026-11-17', '2026-11-19');
    const nine = [...D1_WEEK, pair('2026-11-16', '2026-11-17'), pair('2026-11-18', '2026-11-19'), late];
    expect(inferSettlementCycle(nine)).toEqual({
      clear: true,
      cycle: { basis: 'D', days: 1 },
      fitting: 9,
      total: 10,
    });
    const eight = [...nine.slice(0, 8), late, pair('2026-11-18', '2026-11-21')];
    expect(inferSettlementCycle(eight)).toMatchObject({
      clear: false,
      total: 10,
      best: { cycle: { basis: 'D', days: 1 }, fitting: 8 },
    });
  });

  it('is unclear on a mix of weekend-paying and weekday-only lines, and on no lines', () => {
    const mixed = [
      pair('2026-11-13', '2026-11-14'), // D1 only
      pair('2026-11-14', '2026-11-15'), // D1 only
      pair('2026-11-20', '2026-11-23'), // T1 (Fri → Mon)
      pair('2026-11-21', '2026-11-23'), // T1 (Sat → Mon)
      pair('2026-11-16', '2026-11-17'), // both
      pair('2026-11-17', '2026-11-18'), // both
    ];
    // D1 and T1 explain 4 of 6 each; T1 pays later, so it is the closest.
    expect(inferSettlementCycle(mixed)).toEqual({
      clear: false,
      total: 6,
      best: { cycle: { basis: 'T', days: 1 }, fitting: 4, total: 6 },
    });
    expect(inferSettlementCycle([])).toEqual({ clear: false, total: 0 });
  });
});

describe('tradeSettlePairs', () => {
  it('takes successful sales with a settle date, by their Shanghai trade date', () => {
    const records: PosRecord[] = [
      rec('settlement', { time: '2026-11-13 23:59:00', settleDate: '2026-11-14', amountFen: 100 }),
      rec('settlement', { time: '2026-11-13 10:00:00', amountFen: 100 }),
      rec('settlement', {
        time: '2026-11-13 10:00:00',
        settleDate: '2026-11-16',
        amountFen: -100,
        type: 'refund',
      }),
      rec('settlement', {
        time: '2026-11-13 10:00:00',
        settleDate: '2026-11-16',
        amountFen: 100,
        status: 'failed',
      }),
    ];
    expect(tradeSettlePairs(records)).toEqual([pair('2026-11-13', '2026-11-14')]);
  });
});

describe('merchantSettlementCycle', () => {
  const lines = D1_WEEK.map((p, i) =>
    rec('settlement', { time: `${p.tradeDate} 10:00:00`, settleDate: p.settleDate, amountFen: 100 }, i + 2),
  );

  it('keeps a cycle the plan states, whatever the statements show', () => {
    const stated = plan([rule({ ratePpm: 6000 })]);
    expect(merchantSettlementCycle(stated, lines, 'M1')).toEqual({
      plan: stated,
      source: 'plan',
      judgesLateness: true,
      notes: [],
    });
  });

  it('infers the cycle without a plan, or when the plan does not state one, and says so', () => {
    expect(merchantSettlementCycle(undefined, lines, 'M1')).toEqual({
      plan: { settlement: { basis: 'D', days: 1 } },
      source: 'inferred',
      // Seven lines that all fit: none could have been late, so lateness stays unjudged.
      judgesLateness: false,
      notes: [
        '商户 M1 未提供费率方案：按对账单推断结算周期为 D1（7 笔中 7 笔符合） / ' +
          'merchant M1: no fee plan; settlement cycle inferred from the statements as D1 (7 of 7 lines fit)',
      ],
    });
    const silent = { ...plan([rule({ ratePpm: 6000 })]), settlementAssumed: true as const };
    const got = merchantSettlementCycle(silent, lines, 'M1');
    expect(got.source).toBe('inferred');
    expect(got.plan.settlement).toEqual({ basis: 'D', days: 1 });
    // The plan's checks run whatever it leaves out: lateness is judged on the inferred cycle.
    expect(got.judgesLateness).toBe(true);
    expect(got.notes[0]).toContain(
      '商户 M1 费率方案未写明结算周期：按对账单推断结算周期为 D1（7 笔中 7 笔符合）',
    );
  });

  it('falls back to T1 with a note when the statements show no clear cycle, and silently when they show none', () => {
    const mixed = [
      rec('settlement', { time: '2026-11-13 10:00:00', settleDate: '2026-11-14', amountFen: 100 }, 2),
      rec('settlement', { time: '2026-11-20 10:00:00', settleDate: '2026-11-23', amountFen: 100 }, 3),
    ];
    const unclear = merchantSettlementCycle(undefined, mixed, 'M1');
    expect(unclear.source).toBe('default');
    expect(unclear.plan.settlement).toEqual({ basis: 'T', days: 1 });
    expect(unclear.judgesLateness).toBe(false);
    expect(unclear.notes).toEqual([
      '商户 M1 未提供费率方案，对账单的结算日期看不出统一的结算周期（2 笔，最接近的 T1 只符合 1 笔），按 T1 核对 / ' +
        "merchant M1: no fee plan, and the statements' settlement dates show no one cycle (2 lines; the closest, T1, fits only 1); T1 is assumed",
    ]);
    const undated = merchantSettlementCycle(
      undefined,
      [rec('settlement', { time: '2026-11-13 10:00:00', amountFen: 1 })],
      'M1',
    );
    expect(undated).toEqual({
      plan: { settlement: { basis: 'T', days: 1 } },
      source: 'default',
      judgesLateness: false,
      notes: [],
    });
  });
});
