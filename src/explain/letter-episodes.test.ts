import { describe, expect, it } from 'vitest';
import { auditRecords } from '../audit/audit.js';
import { plan, rec, rule } from '../audit/test-records.js';
import { complaintLetter } from './complaint-letter.js';

// A rate change that reverted (an episode: RateChange.until) is worded in the letter by its own days, as the
// report's table words it — never “自 X 起”, which tells the provider the change still holds.

let row = 1;
const line = (date: string, amountFen: number, feeFen: number) => {
  row += 1;
  const time = `${date} 10:${String(row % 60).padStart(2, '0')}:00`;
  return rec(
    'settlement',
    { refNo: `R${row}`, amountFen, feeFen, card: 'credit', time },
    row,
    'statement.csv',
  );
};

// The contract: credit cards 0.60%.
const contract = () => plan([rule({ ratePpm: 6000, cards: ['credit'] }, 0)]);

// 0.60% before any change: 1,000.00 → 6.00, 500.00 → 3.00, 2,000.00 → 12.00, 1,500.00 → 9.00.
const credit060 = () => [
  line('2026-08-01', 100000, 600),
  line('2026-08-02', 50000, 300),
  line('2026-08-03', 200000, 1200),
  line('2026-08-04', 150000, 900),
];

/** From 08-10 0.63% for good; on 08-12 and on 08-14 only, ¥3.00 more per sale on top. */
const raiseWithSurchargeDays = () => [
  ...credit060(),
  line('2026-08-10', 100000, 630),
  line('2026-08-10', 50000, 315),
  line('2026-08-11', 200000, 1260),
  line('2026-08-12', 100000, 930),
  line('2026-08-12', 50000, 615),
  line('2026-08-12', 200000, 1560),
  line('2026-08-13', 100000, 630),
  line('2026-08-13', 150000, 945),
  line('2026-08-13', 50000, 315),
  line('2026-08-14', 100000, 930),
  line('2026-08-14', 150000, 1245),
  line('2026-08-14', 200000, 1560),
  line('2026-08-15', 100000, 630),
  line('2026-08-15', 200000, 1260),
  line('2026-08-15', 50000, 315),
];

/**
 * ¥3.00 more per sale on 08-10 and 08-11 (300 over each of 3 sales), back to 0.60% from 08-12; on 08-14 one sale of
 * ¥1,000.00 charged ¥7.00 (0.70%, ¥1.00 over) — too few to be a change, and after the surcharge had ended.
 */
const twoSurchargeDaysThenOneSale = () => [
  ...credit060(),
  line('2026-08-10', 100000, 900),
  line('2026-08-10', 50000, 600),
  line('2026-08-11', 200000, 1500),
  line('2026-08-12', 100000, 600),
  line('2026-08-12', 50000, 300),
  line('2026-08-13', 200000, 1200),
  line('2026-08-14', 100000, 700),
  line('2026-08-15', 100000, 600),
  line('2026-08-16', 50000, 300),
];

/** The letter's bullet lines (contract and charged rates). */
const bullets = (letter: string) => letter.split('\n').filter((l) => l.startsWith('  · '));

describe('the complaint letter on a rate change that reverted', () => {
  it('dates a one-day surcharge “当天” / “only”, next to the lasting raise dated “起”', () => {
    const report = auditRecords({
      terminal: [],
      settlement: raiseWithSurchargeDays(),
      bank: [],
      plans: [contract()],
    });
    const zh = complaintLetter(report, { plans: [contract()], date: '2026-08-20' });
    const en = complaintLetter(report, { plans: [contract()], date: '2026-08-20', lang: 'en' });
    expect(bullets(zh)).toEqual([
      '  · 所有渠道 贷记卡 0.60%',
      '  · 2026-08-10 起 贷记卡：合同 0.60% → 实收 0.63%',
      '  · 2026-08-12 当天 贷记卡：合同 0.60% → 实收 0.63% + 每笔 ¥3.00',
      '  · 2026-08-14 当天 贷记卡：合同 0.60% → 实收 0.63% + 每笔 ¥3.00',
    ]);
    expect(zh).not.toContain('2026-08-12 起');
    expect(bullets(en).slice(2)).toEqual([
      '  · on 2026-08-12 only, credit card: contract 0.60% → charged 0.63% + ¥3.00 per transaction',
      '  · on 2026-08-14 only, credit card: contract 0.60% → charged 0.63% + ¥3.00 per transaction',
    ]);
    expect(en).not.toContain('from 2026-08-12');
  });

  it('words a surcharge without a contract as the headline does: “当天 … 每笔加收 ¥3.00”', () => {
    const report = auditRecords({ terminal: [], settlement: raiseWithSurchargeDays(), bank: [], plans: [] });
    const zh = complaintLetter(report, { date: '2026-08-20' });
    const en = complaintLetter(report, { date: '2026-08-20', lang: 'en' });
    expect(bullets(zh)).toEqual([
      '  · 2026-08-10 起 贷记卡：0.60%→0.63%',
      '  · 2026-08-12 当天 贷记卡：每笔加收 ¥3.00',
      '  · 2026-08-14 当天 贷记卡：每笔加收 ¥3.00',
    ]);
    // The days lead the line: the table's own “仅当天” after the formula would say it twice.
    expect(zh).not.toContain('仅当天');
    expect(bullets(en)).toEqual([
      '  · from 2026-08-10, credit card: 0.60%→0.63%',
      '  · on 2026-08-12 only, credit card: ¥3.00 extra per sale',
      '  · on 2026-08-14 only, credit card: ¥3.00 extra per sale',
    ]);
  });

  it('dates a surcharge of several days “X 至 Y 期间” / “from X to Y”, and counts no later sale as its', () => {
    const settlement = twoSurchargeDaysThenOneSale();
    const report = auditRecords({ terminal: [], settlement, bank: [], plans: [contract()] });
    // 3 sales × ¥3.00 + ¥1.00 on 08-14.
    expect(report.summary.overchargeFen).toBe(3 * 300 + 100);
    const zh = complaintLetter(report, { plans: [contract()], date: '2026-08-20' });
    const en = complaintLetter(report, { plans: [contract()], date: '2026-08-20', lang: 'en' });
    expect(bullets(zh).slice(1)).toEqual([
      '  · 2026-08-10 至 2026-08-11 期间 贷记卡：合同 0.60% → 实收 0.60% + 每笔 ¥3.00',
      // The surcharge had ended by 08-14: that sale is a rate charged wrong, not the surcharge's.
      '  · 贷记卡：合同费率 0.60%，实收 0.70%（1 笔，2026-08-14，多扣 ¥1.00）',
    ]);
    expect(bullets(en)[1]).toBe(
      '  · from 2026-08-10 to 2026-08-11, credit card: contract 0.60% → charged 0.60% + ¥3.00 per transaction',
    );
    const inferred = complaintLetter(auditRecords({ terminal: [], settlement, bank: [], plans: [] }), {
      date: '2026-08-20',
    });
    expect(bullets(inferred)[0]).toBe('  · 2026-08-10 至 2026-08-11 期间 贷记卡：每笔加收 ¥3.00');
  });
});
