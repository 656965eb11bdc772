import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, tmpDirs, write } from './audit-fixtures.js';

const tmp = tmpDirs('posguard-cli-debit-cap-');

/**
 * November 2026 of one shop on one terminal. Debit 0.55 % capped at ¥20.00 (capped from ¥3,636.37 on); its first
 * three debit sales are big ones, all charged the cap. Credit 0.60 %, then 0.63 % from 11-16 without notice;
 * WeChat 0.38 %. Fees by hand, half-up:
 *   debit  4,000.00 → 22.00 → cap 20.00; 5,000.00 → 27.50 → 20.00; 6,800.00 → 37.40 → 20.00; 300.00 → 1.65;
 *          123.45 → 0.678975 → 0.68; 888.00 → 4.884 → 4.88; 3,636.36 → 19.99998 → 20.00; 8,000.00 → 20.00;
 *          1,560.00 → 8.58; 45.60 → 0.2508 → 0.25; 12,000.00 → 20.00; 2,200.00 → 12.10; 4,500.00 → 20.00;
 *          666.66 → 3.66663 → 3.67; 99.90 → 0.54945 → 0.55
 *   credit 2,860.00 → 17.16; 450.00 → 2.70 (0.60 %); from 11-16 at 0.63 %: 1,000.00 → 6.30 (0.60 %: 6.00, +0.30),
 *          500.00 → 3.15 (3.00, +0.15), 2,000.00 → 12.60 (12.00, +0.60), 123.45 → 0.777735 → 0.78 (0.7407 → 0.74,
 *          +0.04): 1.09 over in all
 *   WeChat 35.00 → 0.133 → 0.13; 88.00 → 0.3344 → 0.33; 256.00 → 0.9728 → 0.97; 18.50 → 0.0703 → 0.07
 */
const SALES: [
  time: string,
  card: '借记卡' | '贷记卡' | '',
  pay: '刷卡' | '微信',
  amountFen: number,
  feeFen: number,
][] = [
  ['2026-11-02 09:12:00', '借记卡', '刷卡', 400000, 2000],
  ['2026-11-02 15:40:00', '借记卡', '刷卡', 500000, 2000],
  ['2026-11-03 10:05:00', '借记卡', '刷卡', 680000, 2000],
  ['2026-11-03 13:00:00', '贷记卡', '刷卡', 286000, 1716],
  ['2026-11-03 16:30:00', '借记卡', '刷卡', 30000, 165],
  ['2026-11-04 11:20:00', '借记卡', '刷卡', 12345, 68],
  ['2026-11-04 12:10:00', '', '微信', 3500, 13],
  ['2026-11-05 14:10:00', '借记卡', '刷卡', 88800, 488],
  ['2026-11-06 10:00:00', '借记卡', '刷卡', 363636, 2000],
  ['2026-11-09 12:00:00', '借记卡', '刷卡', 800000, 2000],
  ['2026-11-10 18:20:00', '贷记卡', '刷卡', 45000, 270],
  ['2026-11-11 17:45:00', '借记卡', '刷卡', 156000, 858],
  ['2026-11-12 12:40:00', '', '微信', 8800, 33],
  ['2026-11-13 09:30:00', '借记卡', '刷卡', 4560, 25],
  ['2026-11-16 10:30:00', '贷记卡', '刷卡', 100000, 630],
  ['2026-11-17 11:00:00', '借记卡', '刷卡', 1200000, 2000],
  ['2026-11-18 14:00:00', '贷记卡', '刷卡', 50000, 315],
  ['2026-11-19 15:00:00', '借记卡', '刷卡', 220000, 1210],
  ['2026-11-20 18:30:00', '', '微信', 25600, 97],
  ['2026-11-21 19:00:00', '贷记卡', '刷卡', 200000, 1260],
  ['2026-11-23 10:40:00', '借记卡', '刷卡', 450000, 2000],
  ['2026-11-25 12:30:00', '贷记卡', '刷卡', 12345, 78],
  ['2026-11-26 13:15:00', '借记卡', '刷卡', 66666, 367],
  ['2026-11-27 12:05:00', '', '微信', 1850, 7],
  ['2026-11-30 16:00:00', '借记卡', '刷卡', 9990, 55],
];

const yuan = (fen: number) => (fen / 100).toFixed(2);
const refNo = (k: number) => `3110${String(k + 1).padStart(8, '0')}`;
/** The calendar day after `date` (D1 settlement). */
const nextDay = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};
const STATEMENT = [
  HEADER,
  ...SALES.map(([time, card, pay, amount, fee], k) =>
    [
      time,
      nextDay(time.slice(0, 10)),
      M1,
      '12345678',
      refNo(k),
      card,
      pay,
      '消费',
      yuan(amount),
      yuan(fee),
      yuan(amount - fee),
    ].join(','),
  ),
].join('\n');

/** The four credit sales from 11-16 on, by index into SALES: [refNo, due at 0.60 %, charged, over]. */
const CREDIT_RAISED = [
  [refNo(14), 600, 630, 30],
  [refNo(16), 300, 315, 15],
  [refNo(19), 1200, 1260, 60],
  [refNo(21), 74, 78, 4],
];

const CONTRACT = `merchantId: "${M1}"
settlement: D1
periods:
  - from: 2026-01-01
    rates:
      - { channel: card, card: debit, rate: 0.55%, cap: 20 }
      - { channel: card, card: credit, rate: 0.60% }
      - { channel: wechat, rate: 0.38% }
`;

async function audit(plan?: string): Promise<{ exitCode: number; report: AuditReport }> {
  const dir = tmp();
  write(dir, '202611对账单.csv', STATEMENT);
  const args = ['audit', '--settlement', '202611对账单.csv', '--format', 'json'];
  if (plan !== undefined) {
    write(dir, 'plan.yaml', plan);
    args.push('--plan', 'plan.yaml');
  }
  const run = await runCli(args, { cwd: dir });
  expect(run.stderr).toBe('');
  return { exitCode: run.exitCode, report: JSON.parse(run.stdout) as AuditReport };
}

const fees = (report: AuditReport) =>
  report.findings.map((f) => [f.refNo, f.expectedFeeFen, f.chargedFeeFen, f.overchargeFen]);

describe('posguard audit without a plan, on a month whose first debit sales are charged the cap', () => {
  it('takes the debit formula for 0.55% capped at ¥20.00 and reports only the credit rise from 0.60%', async () => {
    const { exitCode, report } = await audit();
    expect(exitCode).toBe(1);
    expect(report.summary.settlementRecords).toBe(SALES.length);
    expect(report.rateChanges).toEqual([
      {
        merchantId: M1,
        channel: 'card',
        card: 'credit',
        band: 'all',
        date: '2026-11-16',
        beforeRate: '0.60%',
        afterRate: '0.63%',
        beforeFixedFen: 0,
        afterFixedFen: 0,
        transactions: 4,
        inPlan: null,
        noticeHonoured: null,
      },
    ]);
    expect(report.findings.every((f) => f.kind === 'fee_overcharge' && f.basis === 'inferred')).toBe(true);
    expect(fees(report)).toEqual(CREDIT_RAISED);
    expect(report.summary.overchargeFen).toBe(30 + 15 + 60 + 4);
    expect(report.findings[0]?.message).toContain(
      '应收 ¥6.00（0.60%，按此前实收推断），实收 ¥6.30，多扣 ¥0.30',
    );
  });
});

describe('posguard audit of the same month with a contract', () => {
  it('finds the same credit overcharges on the contract, none on debit, and a change not in the plan', async () => {
    const { exitCode, report } = await audit(CONTRACT);
    expect(exitCode).toBe(1);
    expect(
      report.rateChanges.map((c) => [c.card, c.date, c.beforeRate, c.afterRate, c.inPlan, c.noticeHonoured]),
    ).toEqual([['credit', '2026-11-16', '0.60%', '0.63%', false, false]]);
    expect(report.findings.every((f) => f.kind === 'fee_overcharge' && f.basis === 'plan')).toBe(true);
    expect(fees(report)).toEqual(CREDIT_RAISED);
    expect(report.summary.overchargeFen).toBe(109);
  });

  it('finds nothing when the contract itself raises credit to 0.63% from 11-16 with 30 days’ notice', async () => {
    const raised = `${CONTRACT}  - from: 2026-11-16
    noticed: 2026-10-15
    rates:
      - { channel: card, card: debit, rate: 0.55%, cap: 20 }
      - { channel: card, card: credit, rate: 0.63% }
      - { channel: wechat, rate: 0.38% }
`;
    const { exitCode, report } = await audit(raised);
    expect(report.findings).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.rateChanges.map((c) => [c.card, c.date, c.inPlan, c.noticeHonoured])).toEqual([
      ['credit', '2026-11-16', true, true],
    ]);
  });
});
