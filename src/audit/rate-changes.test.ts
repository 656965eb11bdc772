import { describe, expect, it } from 'vitest';
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
    expect(report.rateChanges[0]).toMatchObject({ inPlan: true, noticeHonoured: false });
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
