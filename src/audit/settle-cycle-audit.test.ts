import { describe, expect, it } from 'vitest';
import { parsePlan } from '../plans/parse-plan.js';
import type { PosRecord } from '../records/record.js';
import { auditRecords } from './audit.js';
import type { AuditReport } from './report-types.js';
import { rec } from './test-records.js';

// A merchant settled D1 (next calendar day, weekends included), one statement file per settlement day, 2026-11
// (Mon 9 … Fri 13, Sat 14, Sun 15, Mon 16; no holidays). The file of Sat 11-14 was never downloaded, so the
// ¥1,234.56 sale of Fri 11-13 (R5), due 11-14 under D1, is on no file — and no file covers 11-14: it cannot be
// called missing. Assuming T1 would put its due date on Mon 11-16, which the 11-16 file covers, and report it as
// a missing settlement. R11 (Thu 11-19) settled Sat 11-21, a day after D1 pays it: late.

const M = '822310048160099';
const FEE = 60; // 0.60 % of ¥100.00

const sale = (refNo: string, time: string, amountFen: number, row: number): PosRecord =>
  rec('terminal', { merchantId: M, terminalId: 'A7310099', refNo, time, amountFen }, row, 'POS流水.csv');

const settled = (refNo: string, time: string, settleDate: string, row: number): PosRecord =>
  rec(
    'settlement',
    { merchantId: M, terminalId: 'A7310099', refNo, time, settleDate, amountFen: 10_000, feeFen: FEE },
    row,
    `结算明细_${settleDate.replaceAll('-', '')}.csv`,
  );

const statementLines: [refNo: string, time: string, settleDate: string][] = [
  ['R1', '2026-11-09 10:00:00', '2026-11-10'],
  ['R2', '2026-11-10 10:00:00', '2026-11-11'],
  ['R3', '2026-11-11 10:00:00', '2026-11-12'],
  ['R4', '2026-11-12 10:00:00', '2026-11-13'],
  ['R6', '2026-11-14 10:00:00', '2026-11-15'],
  ['R7', '2026-11-15 10:00:00', '2026-11-16'],
  ['R8', '2026-11-16 10:00:00', '2026-11-17'],
  ['R9', '2026-11-17 10:00:00', '2026-11-18'],
  ['R10', '2026-11-18 10:00:00', '2026-11-19'],
  ['R11', '2026-11-19 10:00:00', '2026-11-21'],
];
const settlement = statementLines.map(([refNo, time, settleDate]) => settled(refNo, time, settleDate, 4));
const terminal = [
  ...statementLines.map(([refNo, time], i) => sale(refNo, time, 10_000, i + 2)),
  sale('R5', '2026-11-13 15:00:00', 123_456, 20),
];

function planOf(settlementLine: string) {
  const result = parsePlan(
    `merchantId: "${M}"\n${settlementLine}periods:\n  - from: 2026-01-01\n    rates:\n      - { rate: 0.60% }\n`,
    'plan.yaml',
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

const run = (plans: ReturnType<typeof planOf>[]): AuditReport =>
  auditRecords({ terminal, settlement, bank: [], plans, options: { today: '2026-12-01' } });

const kinds = (report: AuditReport) => report.findings.map((f) => [f.kind, f.refNo]);

describe('the settlement cycle without a plan comes from the statements’ own settlement dates', () => {
  it('reads D1 off the statements: the Friday sale whose Saturday file is absent is not missing', () => {
    const report = run([]);
    expect(report.findings.filter((f) => f.kind === 'missing_settlement')).toEqual([]);
    expect(report.warnings).toContain(
      `商户 ${M} 未提供费率方案：按对账单推断结算周期为 D1（10 笔中 9 笔符合） / ` +
        `merchant ${M}: no fee plan; settlement cycle inferred from the statements as D1 (9 of 10 lines fit)`,
    );
    // Nothing was lost: R5 is unchecked (its day is on no file), every other sale settled at 0.60 %.
    expect(report.summary.lossFen).toBe(0);
    expect(report.summary.overchargeFen).toBe(0);
  });

  it('judges lateness on the inferred cycle and says the basis is inferred', () => {
    const report = run([]);
    expect(kinds(report)).toEqual([['late_settlement', 'R11']]);
    expect(report.summary.skippedChecks).not.toContain('late_settlement');
    const late = report.findings[0];
    expect(late).toMatchObject({ basis: 'inferred', lossFen: 0, overchargeFen: 0 });
    expect(late?.message).toContain(
      '按 D1（由对账单推断）最迟应于 2026-11-20 结算，实际 2026-11-21 结算，晚 1 天',
    );
    expect(late?.messageEn).toContain(
      'under D1 (inferred from the statements) it was due by 2026-11-20 at the latest, settled on 2026-11-21, 1 day late',
    );
  });

  it('infers it too when the plan does not state a cycle', () => {
    const report = run([planOf('')]);
    expect(kinds(report)).toEqual([['late_settlement', 'R11']]);
    expect(report.findings[0]?.basis).toBe('inferred');
    expect(report.warnings.join('\n')).toContain(
      `商户 ${M} 费率方案未写明结算周期：按对账单推断结算周期为 D1（10 笔中 9 笔符合）`,
    );
  });

  it('keeps a cycle the plan states: under a stated T1 the Friday sale is due Monday 11-16 and missing', () => {
    const report = run([planOf('settlement: T1\n')]);
    const missing = report.findings.filter((f) => f.kind === 'missing_settlement');
    // ¥1,234.56 − 0.60 % (7.40736 → ¥7.41) = ¥1,227.15.
    expect(missing.map((f) => [f.refNo, f.expectedFeeFen, f.lossFen, f.basis])).toEqual([
      ['R5', 741, 122_715, 'plan'],
    ]);
    expect(missing[0]?.message).toContain('最迟应于 2026-11-16 结算');
    expect(report.warnings.join('\n')).not.toContain('推断结算周期');
  });
});
