import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentageFee } from '../money/rate.js';
import { ROUNDING_MODES } from '../money/round.js';
import type { PlanPeriod } from '../plans/plan-types.js';
import { auditRecords } from './audit.js';
import { plan, rec, rule } from './test-records.js';

const line = (row: number, date: string, amountFen: number, feeFen: number) =>
  rec('settlement', { refNo: `R${row}`, amountFen, feeFen, time: `${date} 10:00:00` }, row, 'statement.csv');

// Six sales at 0.60% before the change: 1,000.00 → 6.00, 500.00 → 3.00, 234.56 → 1.41, 777.77 → 4.67,
// 1,500.00 → 9.00, 50.00 → 0.30.
const before = [
  line(2, '2026-08-01', 100000, 600),
  line(3, '2026-08-02', 50000, 300),
  line(4, '2026-08-03', 23456, 141),
  line(5, '2026-08-04', 77777, 467),
  line(6, '2026-08-05', 150000, 900),
  line(7, '2026-08-06', 5000, 30),
];
// From 2026-08-10 at 0.68%: 1,000.00 → 6.80 (+0.80), 500.00 → 3.40 (+0.40), 2,000.00 → 13.60 (+1.60),
// 123.45 → 0.84 (0.60% = 0.74, +0.10), 888.88 → 6.04 (0.60% = 5.33, +0.71). Together 3.61 over.
const after = [
  line(8, '2026-08-10', 100000, 680),
  line(9, '2026-08-11', 50000, 340),
  line(10, '2026-08-12', 200000, 1360),
  line(11, '2026-08-13', 12345, 84),
  line(12, '2026-08-14', 88888, 604),
];

describe('rate changes without a plan', () => {
  it('detects 0.60% → 0.68% on the right date and checks fees against the earlier formula (basis inferred)', () => {
    const report = auditRecords({ terminal: [], settlement: [...before, ...after], bank: [], plans: [] });
    expect(report.rateChanges).toEqual([
      {
        channel: 'card',
        card: 'credit',
        band: 'all',
        date: '2026-08-10',
        beforeRate: '0.60%',
        afterRate: '0.68%',
        beforeFixedFen: 0,
        afterFixedFen: 0,
        transactions: 5,
        inPlan: null,
        noticeHonoured: null,
      },
    ]);
    expect(report.findings.map((f) => [f.kind, f.refNo, f.overchargeFen, f.basis])).toEqual([
      ['fee_overcharge', 'R8', 80, 'inferred'],
      ['fee_overcharge', 'R9', 40, 'inferred'],
      ['fee_overcharge', 'R10', 160, 'inferred'],
      ['fee_overcharge', 'R11', 10, 'inferred'],
      ['fee_overcharge', 'R12', 71, 'inferred'],
    ]);
    expect(report.summary.overchargeFen).toBe(361);
    expect(report.findings[0]?.message).toContain('按此前实收推断');
  });

  it('dates a change from the first line no rounding of the old rate produces, not from one another rounding would', () => {
    // 123.45 at 0.60% = 0.7407 → 0.74 and 999.17 → 5.99502 → 6.00: rounding up would need a rate at most 0.5994%
    // for the first and above 0.5995% for the second, so the lines before rule it out. On 08-09, 37.00 is charged 0.23
    // (0.63% = 0.2331); 0.60% = 0.222 gives 0.22 half-up but 0.23 rounded up, so that line proves nothing. From
    // 08-10 at 0.63%: 1,000.00 → 6.30, 500.00 → 3.15, 2,000.00 → 12.60, which no rounding of 0.60% gives.
    const settlement = [
      ...before,
      line(19, '2026-08-07', 99917, 600),
      line(20, '2026-08-07', 12345, 74),
      line(21, '2026-08-09', 3700, 23),
      line(22, '2026-08-10', 100000, 630),
      line(23, '2026-08-11', 50000, 315),
      line(24, '2026-08-12', 200000, 1260),
    ];
    const report = auditRecords({ terminal: [], settlement, bank: [], plans: [] });
    expect(report.rateChanges.map((c) => [c.date, c.beforeRate, c.afterRate, c.transactions])).toEqual([
      ['2026-08-10', '0.60%', '0.63%', 3],
    ]);
  });

  it('detects a +3.00 fixed add-on as a change of the fixed part', () => {
    // 0.60% + 3.00: 1,000.00 → 9.00, 500.00 → 6.00, 2,000.00 → 15.00; 3.00 over each.
    const surcharged = [
      line(8, '2026-08-10', 100000, 900),
      line(9, '2026-08-11', 50000, 600),
      line(10, '2026-08-12', 200000, 1500),
    ];
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...surcharged],
      bank: [],
      plans: [],
    });
    expect(report.rateChanges).toHaveLength(1);
    expect(report.rateChanges[0]).toMatchObject({
      date: '2026-08-10',
      beforeRate: '0.60%',
      afterRate: '0.60%',
      beforeFixedFen: 0,
      afterFixedFen: 300,
      transactions: 3,
    });
    expect(report.summary.overchargeFen).toBe(900);
  });

  it('does not take two stray lines for a change, but still reports their fees', () => {
    // 1,000.00 at 0.90% = 9.00 (3.00 over 0.60%) and 600.00 at 0.90% = 5.40 (1.80 over).
    const strays = [line(20, '2026-08-03', 100000, 900), line(21, '2026-08-05', 60000, 540)];
    const report = auditRecords({ terminal: [], settlement: [...before, ...strays], bank: [], plans: [] });
    expect(report.rateChanges).toEqual([]);
    expect(report.findings.map((f) => [f.refNo, f.overchargeFen])).toEqual([
      ['R20', 300],
      ['R21', 180],
    ]);
  });
});

describe('rate changes among lines still charged the old way', () => {
  it('dates a change from its first new line when one old-rate line falls among the first new ones', () => {
    // 300.00 at the old 0.60% = 1.80, charged on the first day of the new rate, after its first new line.
    const late = line(30, '2026-08-10', 30000, 180);
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after, late],
      bank: [],
      plans: [],
    });
    expect(report.rateChanges.map((c) => [c.date, c.beforeRate, c.afterRate])).toEqual([
      ['2026-08-10', '0.60%', '0.68%'],
    ]);
  });

  it('takes deviations parted by three lines of the old formula for strays', () => {
    const stray = (row: number, date: string) => line(row, date, 100000, 900);
    const settlement = [
      line(2, '2026-08-01', 100000, 600),
      line(3, '2026-08-02', 50000, 300),
      stray(4, '2026-08-03'),
      line(5, '2026-08-04', 23456, 141),
      line(6, '2026-08-05', 77777, 467),
      line(7, '2026-08-06', 5000, 30),
      stray(8, '2026-08-07'),
      stray(9, '2026-08-08'),
    ];
    const report = auditRecords({ terminal: [], settlement, bank: [], plans: [] });
    expect(report.rateChanges).toEqual([]);
    // Each 1,000.00 charged 9.00 against 6.00: 3.00 over, three times.
    expect(report.summary.overchargeFen).toBe(900);
  });
});

describe('rate changes against a plan', () => {
  const periods = (noticed?: string): PlanPeriod[] => [
    { from: '2026-01-01', rates: [rule({ ratePpm: 6000 })], line: 8, index: 0 },
    {
      from: '2026-08-10',
      ...(noticed !== undefined ? { noticed } : {}),
      rates: [rule({ ratePpm: 6800 }, 0)],
      line: 12,
      index: 1,
    },
  ];

  it('says a foreseen change with 40 days of notice is in the plan and honoured, and finds no overcharge', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after],
      bank: [],
      plans: [plan([], {}, periods('2026-07-01'))],
    });
    expect(report.rateChanges[0]).toMatchObject({ date: '2026-08-10', inPlan: true, noticeHonoured: true });
    expect(report.findings).toEqual([]);
  });

  it('says notice was not honoured when the period was announced 16 days ahead of a 30-day notice', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after],
      bank: [],
      plans: [plan([], {}, periods('2026-07-25'))],
    });
    // Told on 07-25 with 30 days' notice, the raise binds from 08-24: the plan has it from 08-10 (in the plan),
    // but charged from then it came before its notice ran, and the sales until 08-24 are priced at 0.60%, the
    // five of them 3.61 over.
    expect(report.rateChanges[0]).toMatchObject({ date: '2026-08-10', inPlan: true, noticeHonoured: false });
    expect(report.summary.overchargeFen).toBe(361);
  });

  it('says a provider that waited out the notice of a raise told late changed as the plan foresees', () => {
    // Told on 07-25, binding from 08-24: 0.60% until then, 0.68% from that day on.
    const waited = [
      line(13, '2026-08-17', 100000, 600),
      line(14, '2026-08-20', 50000, 300),
      line(15, '2026-08-24', 100000, 680),
      line(16, '2026-08-25', 50000, 340),
      line(17, '2026-08-26', 200000, 1360),
      line(18, '2026-08-27', 12345, 84),
    ];
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...waited],
      bank: [],
      plans: [plan([], {}, periods('2026-07-25'))],
    });
    expect(report.rateChanges[0]).toMatchObject({ date: '2026-08-24', inPlan: true, noticeHonoured: true });
    expect(report.findings).toEqual([]);
  });

  it('gives null for notice when the plan does not say when the merchant was told', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after],
      bank: [],
      plans: [plan([], {}, periods())],
    });
    expect(report.rateChanges[0]).toMatchObject({ inPlan: true, noticeHonoured: null });
  });

  it('reports an unforeseen change as not in the plan, with the overcharges on the plan basis', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after],
      bank: [],
      plans: [plan([rule({ ratePpm: 6000 })])],
    });
    expect(report.rateChanges[0]).toMatchObject({ afterRate: '0.68%', inPlan: false, noticeHonoured: false });
    expect(report.findings.every((f) => f.kind === 'fee_overcharge' && f.basis === 'plan')).toBe(true);
    expect(report.summary.overchargeFen).toBe(361);
  });
});

describe('rate changes at every date the plan changes formula', () => {
  // 0.38% from 2026-08-10: 1,000.00 → 3.80, 500.00 → 1.90, 2,000.00 → 7.60.
  const promo = [
    line(8, '2026-08-10', 100000, 380),
    line(9, '2026-08-11', 50000, 190),
    line(10, '2026-08-12', 200000, 760),
  ];
  // Back at 0.60% from 2026-08-21: 1,000.00 → 6.00, 500.00 → 3.00, 2,000.00 → 12.00.
  const back = [
    line(11, '2026-08-21', 100000, 600),
    line(12, '2026-08-22', 50000, 300),
    line(13, '2026-08-23', 200000, 1200),
  ];
  const promoPeriods: PlanPeriod[] = [
    { from: '2026-01-01', rates: [rule({ ratePpm: 6000 })], line: 8, index: 0 },
    {
      from: '2026-08-10',
      until: '2026-08-20',
      noticed: '2026-07-01',
      rates: [rule({ ratePpm: 3800 }, 0)],
      line: 12,
      index: 1,
    },
  ];

  it('takes the return to the open base period the day after a promo’s until as foreseen, noticed with the promo', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...promo, ...back],
      bank: [],
      plans: [plan([], {}, promoPeriods)],
    });
    // The promo's end was told on 2026-07-01, 51 days before 2026-08-21: notice honoured.
    expect(
      report.rateChanges.map((c) => [c.date, c.beforeRate, c.afterRate, c.inPlan, c.noticeHonoured]),
    ).toEqual([
      ['2026-08-10', '0.60%', '0.38%', true, true],
      ['2026-08-21', '0.38%', '0.60%', true, true],
    ]);
    expect(report.findings).toEqual([]);
  });

  it('still takes the return as foreseen when the first sales come three days after the promo ends', () => {
    const later = [
      line(11, '2026-08-24', 100000, 600),
      line(12, '2026-08-25', 50000, 300),
      line(13, '2026-08-26', 200000, 1200),
    ];
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...promo, ...later],
      bank: [],
      plans: [plan([], {}, promoPeriods)],
    });
    expect(report.rateChanges[1]).toMatchObject({ date: '2026-08-24', inPlan: true, noticeHonoured: true });
  });

  const raiseOn = (from: string, noticed: string): PlanPeriod[] => [
    { from: '2026-01-01', rates: [rule({ ratePpm: 6000 })], line: 8, index: 0 },
    { from, noticed, rates: [rule({ ratePpm: 6800 }, 0)], line: 12, index: 1 },
  ];

  it('says a change charged five days before the plan’s date is not in the plan and judges notice from the charge', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after],
      bank: [],
      plans: [plan([], {}, raiseOn('2026-08-15', '2026-07-20'))],
    });
    // Told 2026-07-20, charged from 2026-08-10: 21 days, short of the 30 the contract asks.
    expect(report.rateChanges[0]).toMatchObject({ date: '2026-08-10', inPlan: false, noticeHonoured: false });
    // All five new lines fall before 2026-08-15, where the plan still says 0.60%: 3.61 over, as above.
    expect(report.summary.overchargeFen).toBe(361);
  });

  it('says notice was honoured for an early change when the merchant was told long enough before it', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after],
      bank: [],
      plans: [plan([], {}, raiseOn('2026-08-15', '2026-07-01'))],
    });
    // Told 2026-07-01, charged from 2026-08-10: 40 days.
    expect(report.rateChanges[0]).toMatchObject({ inPlan: false, noticeHonoured: true });
  });

  it('keeps a change first seen five days after the plan’s date in the plan', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [...before, ...after],
      bank: [],
      plans: [plan([], {}, raiseOn('2026-08-05', '2026-07-01'))],
    });
    expect(report.rateChanges[0]).toMatchObject({ date: '2026-08-10', inPlan: true, noticeHonoured: true });
  });

  it('does not take a period that keeps this card’s formula for the plan foreseeing a change of it', () => {
    // Overcharged at 0.68% first, then back to the contract's 0.60% on the day a period repricing only debit
    // cards starts.
    const settlement = [
      line(2, '2026-08-06', 100000, 680),
      line(3, '2026-08-07', 50000, 340),
      line(4, '2026-08-08', 200000, 1360),
      line(5, '2026-08-11', 100000, 600),
      line(6, '2026-08-12', 50000, 300),
      line(7, '2026-08-13', 200000, 1200),
    ];
    const periods: PlanPeriod[] = [
      { from: '2026-01-01', rates: [rule({ ratePpm: 6000 })], line: 8, index: 0 },
      {
        from: '2026-08-11',
        noticed: '2026-07-01',
        rates: [rule({ ratePpm: 5000, cards: ['debit'] }, 0), rule({ ratePpm: 6000 }, 1)],
        line: 12,
        index: 1,
      },
    ];
    const report = auditRecords({ terminal: [], settlement, bank: [], plans: [plan([], {}, periods)] });
    // 0.60% is the contract's own formula, so the change is in the plan; but no plan date foresaw it: the debit
    // period's notice (2026-07-01, 41 days before) is not this change's, and notice is not judged (null).
    expect(
      report.rateChanges.map((c) => [c.date, c.beforeRate, c.afterRate, c.inPlan, c.noticeHonoured]),
    ).toEqual([['2026-08-11', '0.68%', '0.60%', true, null]]);
  });
});

describe('debit lines at their cap without a plan', () => {
  it('never reports a fee or a rate change on debit sales charged a capped rate, whatever comes first (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(5000, 5500, 6000),
        fc.constantFrom(1800, 2000, 2500),
        fc.constantFrom(...ROUNDING_MODES),
        fc.array(fc.integer({ min: 100, max: 2_000_000 }), { minLength: 1, maxLength: 30 }),
        (rate, cap, mode, amounts) => {
          const settlement = amounts.map((amountFen, k) =>
            rec(
              'settlement',
              {
                refNo: `D${k}`,
                card: 'debit',
                amountFen,
                feeFen: Math.min(percentageFee(amountFen, rate, mode), cap),
                time: `2026-11-${String(1 + k).padStart(2, '0')} 10:00:00`,
              },
              k + 2,
              'statement.csv',
            ),
          );
          const report = auditRecords({ terminal: [], settlement, bank: [], plans: [] });
          expect(report.rateChanges).toEqual([]);
          expect(report.findings).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
