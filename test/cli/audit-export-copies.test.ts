import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { M1, tmpDirs, write } from './audit-fixtures.js';

// One statement exported twice from a provider's portal with different column choices: once with 批次号 and the
// card number masked 6 + 4, once without 批次号 and with the card masked 4 + 4. The lines are the same settlements.
const WITH_BATCH = [
  '交易时间,结算日期,商户号,终端号,批次号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-11-02 10:00:00,2026-11-03,${M1},12345678,000001,100000000001,622848******0228,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2026-11-04 10:00:00,2026-11-05,${M1},12345678,000001,100000000003,622848******0228,贷记卡,刷卡,消费,1234.56,8.40,1226.16`,
  // Settled twice by the provider: the export shows it twice, and so does the other export.
  `2026-11-05 11:00:00,2026-11-06,${M1},12345678,000002,100000000005,622848******0228,贷记卡,刷卡,消费,500.00,3.00,497.00`,
  `2026-11-05 11:00:00,2026-11-06,${M1},12345678,000002,100000000005,622848******0228,贷记卡,刷卡,消费,500.00,3.00,497.00`,
].join('\n');
const WITHOUT_BATCH = [
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-11-02 10:00:00,2026-11-03,${M1},12345678,100000000001,6228****0228,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2026-11-04 10:00:00,2026-11-05,${M1},12345678,100000000003,6228****0228,贷记卡,刷卡,消费,1234.56,8.40,1226.16`,
  `2026-11-05 11:00:00,2026-11-06,${M1},12345678,100000000005,6228****0228,贷记卡,刷卡,消费,500.00,3.00,497.00`,
  `2026-11-05 11:00:00,2026-11-06,${M1},12345678,100000000005,6228****0228,贷记卡,刷卡,消费,500.00,3.00,497.00`,
].join('\n');
// A later statement that settles the first sale again, on another day: a second settlement, not a copy.
const LATER = [
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-11-02 10:00:00,2026-11-10,${M1},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
].join('\n');
const PLAN = `merchantId: "${M1}"\nsettlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.60% }\n`;

// The terminal's journal exported twice the same way: once with 批次号 and 凭证号, once with neither.
const JOURNAL_FULL = [
  '交易时间,商户号,终端号,批次号,凭证号,参考号,卡号,交易类型,交易状态,交易金额',
  `2026-11-02 10:00:00,${M1},12345678,000001,000011,100000000001,622848******0228,消费,成功,1000.00`,
  `2026-11-04 10:00:00,${M1},12345678,000001,000012,100000000003,622848******0228,消费,成功,1234.56`,
].join('\n');
const JOURNAL_SHORT = [
  '交易时间,商户号,终端号,参考号,交易类型,交易状态,交易金额',
  `2026-11-02 10:00:00,${M1},12345678,100000000001,消费,成功,1000.00`,
  `2026-11-04 10:00:00,${M1},12345678,100000000003,消费,成功,1234.56`,
].join('\n');
const STATEMENT = WITH_BATCH.split('\n').slice(0, 3).join('\n');

const tmp = tmpDirs('posguard-export-copies-');

async function audit(dir: string, statements: string[], journals: string[] = []): Promise<AuditReport> {
  const journalArgs = journals.length > 0 ? ['--terminal', ...journals] : [];
  const run = await runCli(
    ['audit', '--settlement', ...statements, ...journalArgs, '--plan', 'plan.yaml', '--format', 'json'],
    { cwd: dir },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

describe('posguard audit: one statement exported twice with different columns', () => {
  it('counts each line once: no duplicate settlements, the overcharge once, a warning naming both files', async () => {
    const dir = tmp();
    write(dir, 'a.csv', WITH_BATCH);
    write(dir, 'b.csv', WITHOUT_BATCH);
    write(dir, 'plan.yaml', PLAN);
    const report = await audit(dir, ['a.csv', 'b.csv']);
    expect(report.summary.settlementRecords).toBe(4);
    // ¥1,234.56 × 0.60 % = ¥7.40736 → ¥7.41 due, ¥8.40 charged: 99 fen, found once.
    expect(report.findings.filter((f) => f.kind === 'fee_overcharge').map((f) => f.overchargeFen)).toEqual([
      99,
    ]);
    // The provider's own double settlement of 100000000005 stays one duplicate, not two and not none.
    const duplicates = report.findings.filter((f) => f.kind === 'duplicate_settlement');
    expect(duplicates.map((f) => f.refNo)).toEqual(['100000000005']);
    expect(duplicates[0]?.source?.map((s) => s.file)).toEqual(['a.csv', 'a.csv']);
    expect(report.summary.overchargeFen).toBe(99);
    const warning = report.warnings.find((w) => w.includes('导出两次'));
    expect(warning).toContain('b.csv 与 a.csv');
  });

  it('still reports a second settlement of a sale on another day in another file', async () => {
    const dir = tmp();
    write(dir, 'a.csv', WITH_BATCH);
    write(dir, 'b.csv', WITHOUT_BATCH);
    write(dir, 'later.csv', LATER);
    write(dir, 'plan.yaml', PLAN);
    const report = await audit(dir, ['a.csv', 'b.csv', 'later.csv']);
    expect(report.summary.settlementRecords).toBe(5);
    const duplicates = report.findings.filter((f) => f.kind === 'duplicate_settlement');
    expect(duplicates.map((f) => [f.refNo, f.source?.at(-1)?.file])).toEqual([
      ['100000000001', 'later.csv'],
      ['100000000005', 'a.csv'],
    ]);
  });

  it('reads a journal exported twice with different columns as one journal: nothing missing, nothing lost', async () => {
    const dir = tmp();
    write(dir, 'statement.csv', STATEMENT);
    write(dir, 'journal-full.csv', JOURNAL_FULL);
    write(dir, 'journal-short.csv', JOURNAL_SHORT);
    write(dir, 'plan.yaml', PLAN);
    const report = await audit(dir, ['statement.csv'], ['journal-full.csv', 'journal-short.csv']);
    expect(report.summary.terminalRecords).toBe(2);
    expect(report.summary.matched).toBe(2);
    expect(report.summary.findingsByKind.missing_settlement).toBe(0);
    expect(report.findings.map((f) => [f.kind, f.refNo, f.lossFen])).toEqual([
      ['fee_overcharge', '100000000003', 99],
    ]);
    expect(report.summary.lossFen).toBe(99);
    expect(report.warnings.find((w) => w.includes('终端流水导出两次'))).toContain(
      'journal-short.csv 与 journal-full.csv',
    );
  });
});
