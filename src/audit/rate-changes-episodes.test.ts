import { describe, expect, it } from 'vitest';
import { diagnose } from '../explain/attach-diagnoses.js';
import type { CardType } from '../records/vocabulary.js';
import { auditRecords } from './audit.js';
import { renderHtml } from './render-html.js';
import { headline, rateChangeText } from './render-table.js';
import { plan, rec, rule } from './test-records.js';

let row = 1;
const line = (date: string, amountFen: number, feeFen: number, card: CardType = 'credit') => {
  row += 1;
  return rec(
    'settlement',
    { refNo: `R${row}`, amountFen, feeFen, card, time: `${date} 10:${String(row % 60).padStart(2, '0')}:00` },
    row,
    'statement.csv',
  );
};

// The contract: credit cards 0.60%, debit cards 0.55% capped at ¥20.00.
const contract = () =>
  plan([
    rule({ ratePpm: 6000, cards: ['credit'] }, 0),
    rule({ ratePpm: 5500, capFen: 2000, cards: ['debit'] }, 1),
  ]);

// 0.60% before any change: 1,000.00 → 6.00, 500.00 → 3.00, 2,000.00 → 12.00, 1,500.00 → 9.00.
const credit060 = () => [
  line('2026-08-01', 100000, 600),
  line('2026-08-02', 50000, 300),
  line('2026-08-03', 200000, 1200),
  line('2026-08-04', 150000, 900),
];

describe('a lasting rate change with one-day surcharges on top', () => {
  // From 08-10 at 0.63% for good: 1,000.00 → 6.30 (0.30 over), 500.00 → 3.15 (0.15), 2,000.00 → 12.60 (0.60),
  // 1,500.00 → 9.45 (0.45). On 08-12 and 08-14 only, ¥3.00 more per sale on top of the 0.63%.
  const settlement = () => [
    ...credit060(),
    line('2026-08-10', 100000, 630), // 30 over
    line('2026-08-10', 50000, 315), // 15
    line('2026-08-11', 200000, 1260), // 60
    line('2026-08-12', 100000, 930), // 330
    line('2026-08-12', 50000, 615), // 315
    line('2026-08-12', 200000, 1560), // 360 → the 08-12 episode: 1,005 over, 3 sales
    line('2026-08-13', 100000, 630), // 30
    line('2026-08-13', 150000, 945), // 45
    line('2026-08-13', 50000, 315), // 15
    line('2026-08-14', 100000, 930), // 330
    line('2026-08-14', 150000, 1245), // 345
    line('2026-08-14', 200000, 1560), // 360 → the 08-14 episode: 1,035 over, 3 sales
    line('2026-08-15', 100000, 630), // 30
    line('2026-08-15', 200000, 1260), // 60
    line('2026-08-15', 50000, 315), // 15
  ];

  it('reports one lasting change counting every sale since, and each surcharge day as an episode that ended', () => {
    const report = auditRecords({ terminal: [], settlement: settlement(), bank: [], plans: [contract()] });
    expect(report.rateChanges).toEqual([
      {
        channel: 'card',
        card: 'credit',
        band: 'all',
        date: '2026-08-10',
        beforeRate: '0.60%',
        afterRate: '0.63%',
        beforeFixedFen: 0,
        afterFixedFen: 0,
        // 08-10 to 08-15: 15 sales, the surcharge days included (0.63% held on them too).
        transactions: 15,
        inPlan: false,
        noticeHonoured: false,
      },
      {
        channel: 'card',
        card: 'credit',
        band: 'all',
        date: '2026-08-12',
        beforeRate: '0.63%',
        afterRate: '0.63%',
        beforeFixedFen: 0,
        afterFixedFen: 300,
        transactions: 3,
        inPlan: false,
        noticeHonoured: false,
        until: '2026-08-12',
      },
      {
        channel: 'card',
        card: 'credit',
        band: 'all',
        date: '2026-08-14',
        beforeRate: '0.63%',
        afterRate: '0.63%',
        beforeFixedFen: 0,
        afterFixedFen: 300,
        transactions: 3,
        inPlan: false,
        noticeHonoured: false,
        until: '2026-08-14',
      },
    ]);
    // 30+15+60 + 1,005 + 30+45+15 + 1,035 + 30+60+15 = 2,340.
    expect(report.summary.overchargeFen).toBe(2340);
  });

  it('gives the lasting change the other days’ money and each surcharge its own day’s, in the headline', () => {
    const report = auditRecords({ terminal: [], settlement: settlement(), bank: [], plans: [contract()] });
    // Lasting: 30+15+60 + 30+45+15 + 30+60+15 = 300 on 9 sales.
    expect(headline(report, 'zh')).toBe(
      '共多扣 ¥23.40，涉及 15 笔交易；其中自 2026-08-10 起贷记卡费率由 0.60% 变为 0.63%（多扣 ¥3.00，9 笔）；' +
        '2026-08-12 当天贷记卡每笔加收 ¥3.00（多扣 ¥10.05，3 笔）；2026-08-14 当天贷记卡每笔加收 ¥3.00（多扣 ¥10.35，3 笔）',
    );
    expect(headline(report, 'en')).toContain(
      'on 2026-08-12 only every credit card sale was charged ¥3.00 extra',
    );
    expect(report.rateChanges.map((c) => rateChangeText(c, 'zh'))).toEqual([
      '0.60%→0.63%',
      '0.63%→0.63%，固定 ¥0.00→¥3.00，仅当天',
      '0.63%→0.63%，固定 ¥0.00→¥3.00，仅当天',
    ]);
  });

  it('diagnoses each surcharge day apart from the lasting change, dated as the days it held', () => {
    const report = auditRecords({ terminal: [], settlement: settlement(), bank: [], plans: [contract()] });
    const ds = diagnose(report, { plans: [contract()] });
    const byLoss = ds.map((d) => [d.lossFen, d.findingIds.length, d.evidence[0]?.split('，')[0]]);
    expect(byLoss).toEqual([
      [1035, 3, '2026-08-14 当天'],
      [1005, 3, '2026-08-12 当天'],
      [300, 9, '自 2026-08-10 起'],
    ]);
    expect(ds[0]?.evidence[1]).toBe('期间 3 笔交易多扣 ¥10.35，2026-08-14 至 2026-08-14');
  });

  it('tells the same day’s surcharge on two cards as one clause naming no card', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        ...settlement(),
        // Debit 0.55%: 1,000.00 → 5.50, 500.00 → 2.75, 2,000.00 → 11.00; on 08-14 ¥3.00 more.
        line('2026-08-01', 100000, 550, 'debit'),
        line('2026-08-02', 50000, 275, 'debit'),
        line('2026-08-03', 200000, 1100, 'debit'),
        line('2026-08-14', 100000, 850, 'debit'), // 300 over
        line('2026-08-14', 50000, 575, 'debit'), // 300
        line('2026-08-14', 200000, 1400, 'debit'), // 300
        line('2026-08-15', 100000, 550, 'debit'),
        line('2026-08-15', 50000, 275, 'debit'),
        line('2026-08-15', 200000, 1100, 'debit'),
      ],
      bank: [],
      plans: [contract()],
    });
    // 08-14: credit 1,035 + debit 900 = 1,935 on 6 sales.
    expect(headline(report, 'zh')).toContain('2026-08-14 当天每笔加收 ¥3.00（多扣 ¥19.35，6 笔）');
  });
});

describe('a cap no sale could reach', () => {
  it('claims no cap change when no sale of the episode was large enough to be capped', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        // 0.55% capped at ¥20.00: 5,000.00 → 20.00 (27.50 uncapped) shows the cap.
        line('2026-08-01', 100000, 550, 'debit'),
        line('2026-08-02', 50000, 275, 'debit'),
        line('2026-08-03', 500000, 2000, 'debit'),
        line('2026-08-04', 200000, 1100, 'debit'),
        // 08-12 only, ¥3.00 more: 0.55% of 2,000.00 is 11.00, short of the cap, so these sales cannot show one.
        line('2026-08-12', 100000, 850, 'debit'),
        line('2026-08-12', 50000, 575, 'debit'),
        line('2026-08-12', 200000, 1400, 'debit'),
        line('2026-08-13', 100000, 550, 'debit'),
        line('2026-08-13', 50000, 275, 'debit'),
        line('2026-08-13', 120000, 660, 'debit'),
      ],
      bank: [],
      plans: [contract()],
    });
    expect(report.rateChanges).toHaveLength(1);
    const [change] = report.rateChanges;
    expect(change).toMatchObject({ date: '2026-08-12', until: '2026-08-12', afterCapUnknown: true });
    expect(change).not.toHaveProperty('beforeCapFen');
    expect(change).not.toHaveProperty('afterCapFen');
    expect(change === undefined ? '' : rateChangeText(change, 'zh')).toBe(
      '0.55%→0.55%，固定 ¥0.00→¥3.00，仅当天',
    );
  });

  it('still reports a cap removed when a sale after the change was charged above it', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        line('2026-08-01', 100000, 550, 'debit'),
        line('2026-08-02', 50000, 275, 'debit'),
        line('2026-08-03', 500000, 2000, 'debit'),
        // From 08-10 uncapped: 5,000.00 → 27.50, above the ¥20.00 cap.
        line('2026-08-10', 500000, 2750, 'debit'),
        line('2026-08-11', 600000, 3300, 'debit'),
        line('2026-08-12', 400000, 2200, 'debit'),
      ],
      bank: [],
      plans: [],
    });
    expect(report.rateChanges).toHaveLength(1);
    expect(report.rateChanges[0]).toMatchObject({ date: '2026-08-10', beforeCapFen: 2000 });
    expect(report.rateChanges[0]).not.toHaveProperty('afterCapUnknown');
    expect(report.rateChanges[0]).not.toHaveProperty('afterCapFen');
  });
});

describe('going back to the contract', () => {
  it('ends the episode: no change of its own, no money of its own', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        ...credit060(),
        // 08-10 and 08-11: ¥3.00 more per sale (300 over each); from 08-12 back to 0.60%.
        line('2026-08-10', 100000, 900),
        line('2026-08-10', 50000, 600),
        line('2026-08-11', 200000, 1500),
        line('2026-08-12', 100000, 600),
        line('2026-08-12', 50000, 300),
        line('2026-08-13', 200000, 1200),
      ],
      bank: [],
      plans: [contract()],
    });
    expect(
      report.rateChanges.map((c) => [c.date, c.until, c.afterFixedFen, c.transactions, c.inPlan]),
    ).toEqual([['2026-08-10', '2026-08-11', 300, 3, false]]);
    expect(report.summary.overchargeFen).toBe(900);
    expect(headline(report, 'zh')).toBe(
      '共多扣 ¥9.00，涉及 3 笔交易，2026-08-10 至 2026-08-11 贷记卡每笔加收 ¥3.00',
    );
  });

  it('ends a raise and the surcharge on top of it together, as two episodes', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        ...credit060(),
        line('2026-08-10', 100000, 630),
        line('2026-08-10', 50000, 315),
        line('2026-08-11', 200000, 1260),
        line('2026-08-12', 100000, 930),
        line('2026-08-12', 50000, 615),
        line('2026-08-12', 200000, 1560),
        // Back at the contract's 0.60% from 08-13.
        line('2026-08-13', 100000, 600),
        line('2026-08-13', 50000, 300),
        line('2026-08-14', 200000, 1200),
      ],
      bank: [],
      plans: [contract()],
    });
    expect(
      report.rateChanges.map((c) => [c.date, c.until, c.afterRate, c.afterFixedFen, c.transactions]),
    ).toEqual([
      ['2026-08-10', '2026-08-12', '0.63%', 0, 6],
      ['2026-08-12', '2026-08-12', '0.63%', 300, 3],
    ]);
  });

  it('takes a formula equal to the contract’s as in the plan, the first one seen being off it', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        // The statements start with debit at 0.55% + ¥3.00, then the contract's 0.55% from 08-12.
        line('2026-08-10', 100000, 850, 'debit'),
        line('2026-08-10', 50000, 575, 'debit'),
        line('2026-08-11', 200000, 1400, 'debit'),
        line('2026-08-12', 100000, 550, 'debit'),
        line('2026-08-12', 50000, 275, 'debit'),
        line('2026-08-13', 120000, 660, 'debit'),
      ],
      bank: [],
      plans: [contract()],
    });
    expect(report.rateChanges.map((c) => [c.date, c.beforeFixedFen, c.afterFixedFen, c.inPlan])).toEqual([
      ['2026-08-12', 300, 0, true],
    ]);
  });
});

describe('the HTML report', () => {
  it('shows an episode’s days in the rate change table', () => {
    const report = auditRecords({
      terminal: [],
      settlement: [
        ...credit060(),
        line('2026-08-10', 100000, 900),
        line('2026-08-10', 50000, 600),
        line('2026-08-11', 200000, 1500),
        line('2026-08-12', 100000, 600),
        line('2026-08-12', 50000, 300),
        line('2026-08-13', 200000, 1200),
      ],
      bank: [],
      plans: [contract()],
    });
    expect(renderHtml(report, { lang: 'zh' })).toContain('2026-08-10 至 2026-08-11');
  });
});
