import { describe, expect, it } from 'vitest';
import { HEADER, tmpDirs, write } from '../../test/cli/audit-fixtures.js';
import { planOf } from '../../test/explain/explain-fixtures.js';
import type { AuditReport } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import { diagnose } from './attach-diagnoses.js';
import { complaintLetter } from './complaint-letter.js';

// A raise the contract requires 30 days' notice of. The explain layer said “合同要求调价提前 30 天通知，未见通知 /
// none was given” for every change whose notice was not honoured, even when the plan records the day the merchant
// was told (`noticed`) and it was merely too late: it must say when it was told and from when the raise can bind,
// and keep “未见通知” for a change the plan records no notice of.

const tmp = tmpDirs('posguard-late-notice-');
const MERCHANT = '822100058120010';

/** The weekdays of 2026-11-02..11-13 (0.60% charged) and of 11-16..11-27 (0.63% charged). */
const BEFORE = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13'];
const AFTER = ['16', '17', '18', '19', '20', '23', '24', '25', '26', '27'];

/** A fee at a rate in ppm, rounded half-up to the fen: integer arithmetic, no float. */
const feeAt = (amountFen: number, ppm: number) => Math.floor((amountFen * ppm + 500_000) / 1_000_000);

type Sale = [time: string, refNo: string, amountFen: number, feeFen: number];

/**
 * Two credit-card sales a weekday, ¥1,234.56 + k and ¥876.43 + k on day k: 0.60% charged before 11-16 and 0.63%
 * from 11-16. E.g. 11-16: 124456 × 0.63% = 784.0728 → 784 charged, × 0.60% = 746.736 → 747 due: 37 fen over.
 */
const SALES: Sale[] = [
  ...BEFORE.flatMap((day, k): Sale[] => [
    [`2026-11-${day} 10:00:00`, `63120000${k}00`, 123456 + k * 100, feeAt(123456 + k * 100, 6000)],
    [`2026-11-${day} 11:00:00`, `63120000${k}01`, 87643 + k * 100, feeAt(87643 + k * 100, 6000)],
  ]),
  ...AFTER.flatMap((day, k): Sale[] => [
    [`2026-11-${day} 10:00:00`, `63120001${k}00`, 124456 + k * 100, feeAt(124456 + k * 100, 6300)],
    [`2026-11-${day} 11:00:00`, `63120001${k}01`, 88643 + k * 100, feeAt(88643 + k * 100, 6300)],
  ]),
];

const yuan = (fen: number) => (fen / 100).toFixed(2);
const statement = [
  HEADER,
  ...SALES.map(([time, refNo, amount, fee]) =>
    [
      time,
      time.slice(0, 10),
      MERCHANT,
      '70010009',
      refNo,
      '贷记卡',
      '刷卡',
      '消费',
      yuan(amount),
      yuan(fee),
      yuan(amount - fee),
    ].join(','),
  ),
  '',
].join('\n');

/** A plan of 0.60% until the day before `from`, then 0.63% from `from`, told on `noticed` (if given). */
const planText = (from: string, until: string, noticed: string | undefined) =>
  [
    `merchantId: "${MERCHANT}"`,
    'settlement: D0',
    'notice: 30',
    'periods:',
    '  - from: 2026-10-01',
    `    until: ${until}`,
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.60% }',
    `  - from: ${from}`,
    ...(noticed === undefined ? [] : [`    noticed: ${noticed}`]),
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.63% }',
    '',
  ].join('\n');

/** `posguard audit --format json` of the statement against `plan`; the diagnoses are the CLI's. */
async function audit(plan: string): Promise<AuditReport> {
  const dir = tmp();
  write(dir, 'settle.csv', statement);
  write(dir, 'plan.yaml', plan);
  const run = await runCli(
    ['audit', '--settlement', 'settle.csv', '--plan', 'plan.yaml', '--format', 'json'],
    {
      cwd: dir,
      env: {},
    },
  );
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as AuditReport;
  // What the CLI attached is what the explain code makes of the report and the plan.
  expect(diagnose(report, { plans: [planOf(plan)], sharedPlan: true })).toEqual(report.diagnoses);
  return report;
}

/** The diagnosis of the 11-16 change, and its evidence in zh and en as one text each. */
function changeDiagnosis(report: AuditReport) {
  const d = report.diagnoses?.find((x) => x.since === '2026-11-16');
  expect(d).toBeDefined();
  return { d, zh: (d?.evidence ?? []).join('\n'), en: (d?.evidenceEn ?? []).join('\n') };
}

describe('explain: a raise told too late is worded from the day it was told', () => {
  it('told on 11-01 for 11-16 (15 of 30 days): told on 11-01, short of 30 days, binding from 12-01 at the earliest', async () => {
    const report = await audit(planText('2026-11-16', '2026-11-15', '2026-11-01'));
    expect(report.rateChanges.map((c) => [c.date, c.inPlan, c.noticeHonoured])).toEqual([
      // The plan has the raise from 11-16 (in the plan); told 15 days ahead, not 30 (notice not honoured).
      ['2026-11-16', true, false],
    ]);
    // 11-01 + 30 days = 12-01.
    const { d, zh, en } = changeDiagnosis(report);
    expect(d?.cause).toBe('provider_rate_change');
    expect(d?.evidence).toContain(
      '合同要求调价提前 30 天通知，该调价通知于 2026-11-01，不足 30 天，最早 2026-12-01 起生效',
    );
    expect(d?.evidenceEn).toContain(
      'The contract requires 30 days’ notice of a change; this one was noticed on 2026-11-01, less than 30 days ahead, so it can take effect from 2026-12-01 at the earliest',
    );
    expect(zh).not.toContain('未见通知');
    expect(en).not.toContain('none was given');
    // In the plan, but charged before its notice ran: the letter still names it among the rates charged.
    const letter = complaintLetter(report, {
      plans: [planOf(planText('2026-11-16', '2026-11-15', '2026-11-01'))],
      date: '2026-11-30',
    });
    expect(letter).toContain('2026-11-16 起');
    expect(letter).toMatch(/2026-11-16 起 贷记卡[^\n]*0\.60%[^\n]*0\.63%/);
  });

  it('raised on 11-16, four days before the plan’s 11-20, told on 10-20 (27 of 30 days): binding from 11-20', async () => {
    // 10-20 + 30 days = 11-19, before the plan's 11-20: the raise binds from 11-20 as written, and the provider's
    // 11-16 came 27 days after it was told.
    const report = await audit(planText('2026-11-20', '2026-11-19', '2026-10-20'));
    expect(report.rateChanges.map((c) => [c.date, c.inPlan, c.noticeHonoured])).toEqual([
      ['2026-11-16', false, false],
    ]);
    const { d, zh, en } = changeDiagnosis(report);
    expect(d?.evidence).toContain(
      '合同要求调价提前 30 天通知，该调价通知于 2026-10-20，不足 30 天，最早 2026-11-20 起生效',
    );
    expect(d?.evidenceEn).toContain(
      'The contract requires 30 days’ notice of a change; this one was noticed on 2026-10-20, less than 30 days ahead, so it can take effect from 2026-11-20 at the earliest',
    );
    expect(zh).not.toContain('未见通知');
    expect(en).not.toContain('none was given');
  });

  it('keeps “未见通知 / none was given” for a raise the plan records no notice of', async () => {
    // The contract has 0.60% throughout: the 11-16 raise was never announced.
    const plan = [
      `merchantId: "${MERCHANT}"`,
      'settlement: D0',
      'notice: 30',
      'periods:',
      '  - from: 2026-10-01',
      '    rates:',
      '      - { channel: card, card: credit, rate: 0.60% }',
      '',
    ].join('\n');
    const report = await audit(plan);
    expect(report.rateChanges.map((c) => [c.date, c.inPlan, c.noticeHonoured])).toEqual([
      ['2026-11-16', false, false],
    ]);
    const { d } = changeDiagnosis(report);
    expect(d?.evidence).toContain('合同要求调价提前 30 天通知，未见通知');
    expect(d?.evidenceEn).toContain('The contract requires 30 days’ notice of a change; none was given');
  });
});
