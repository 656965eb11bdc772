import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, M2, tmpDirs } from './audit-fixtures.js';
import { writeMerchantFolders } from './merchant-folders-fixture.js';
import { FLAT_BY_FILE_NAME, line, M1_LINES, M2_LINES, writeFiles } from './flat-merchants-fixture.js';

// `posguard audit --merchant M1` listed M2's statement and journal in the report's files, and M2's rejected rows
// in its rejected rows, though not one of their lines was M1's: the report of one merchant named another's files
// and their faults. Only the files that gave M1 lines are listed now, each with all its rejected rows.

const tmp = tmpDirs('posguard-cli-files-listed-');

async function audit(
  files: Record<string, string>,
  args: string[],
  env: Record<string, string> = {},
): Promise<AuditReport> {
  const dir = tmp();
  writeFiles(dir, files);
  const run = await runCli(['audit', ...args, '--format', 'json'], { cwd: dir, env });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

const JOURNAL_HEADER = '交易时间,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额';
const journalLine = (time: string, merchantId: string, ref: string, amount: string) =>
  `${time},${merchantId},10000001,${ref},贷记卡,刷卡,消费,${amount}`;

/** A row whose amount is no amount: rejected, on row 4 of its file (after the header and two lines, or one and a blank). */
const bad = (merchantId: string) =>
  line('2026-08-04 12:00:00', '2026-08-05', merchantId, '000000000009', '一千', '1.00', '2.00');

const FILES: Record<string, string> = {
  ...FLAT_BY_FILE_NAME,
  'settlement-1.csv': [HEADER, ...M1_LINES, bad(M1)].join('\n'),
  'settlement-2.csv': [
    HEADER,
    ...M2_LINES,
    line('2026-08-04 11:30:00', '2026-08-05', M2, '000000000004', '100.00', '0.60', '99.40'),
    bad(M2),
  ].join('\n'),
  'journal-1.csv': [
    JOURNAL_HEADER,
    journalLine('2026-08-03 10:00:00', M1, '000000000001', '1000.00'),
    journalLine('2026-08-04 10:00:00', M1, '000000000002', '2000.00'),
  ].join('\n'),
  'journal-2.csv': [JOURNAL_HEADER, journalLine('2026-08-04 11:00:00', M2, '000000000003', '1500.00')].join(
    '\n',
  ),
};

const listed = (report: AuditReport) => report.files.map((f) => [f.file, f.kind, f.rows]);
const rejected = (report: AuditReport) => report.rejected.map((r) => [r.file, r.row]);

describe('posguard audit --merchant lists only the files of the merchants asked for', () => {
  for (const [path, env] of [
    ['file groups', {}],
    ['spool', { POSGUARD_SPOOL_RECORDS: '1' }],
  ] as const)
    it(`lists M1's statement, journal and bank file, and only their rejected rows (${path})`, async () => {
      const report = await audit(FILES, ['.', '--merchant', M1], env);
      expect(listed(report)).toEqual([
        ['settlement-1.csv', 'settlement', 2],
        ['journal-1.csv', 'terminal', 2],
        [`bank-${M1}.csv`, 'bank', 1],
      ]);
      expect(rejected(report)).toEqual([['settlement-1.csv', 4]]);
      // The audit itself as before: M1's two sales matched, its 100 fen overcharge.
      expect(report.summary.matched).toBe(2);
      expect(report.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
        ['fee_overcharge', M1, 100],
      ]);
      // Nothing of the report names M2's files.
      for (const text of [...report.warnings, ...report.rejected.map((r) => r.file)]) {
        expect(text).not.toContain('settlement-2.csv');
        expect(text).not.toContain('journal-2.csv');
      }
    });

  it('lists every file and every rejected row without --merchant, and M2’s alone for --merchant M2', async () => {
    const all = await audit(FILES, ['.']);
    expect(listed(all)).toEqual([
      ['settlement-1.csv', 'settlement', 2],
      ['settlement-2.csv', 'settlement', 2],
      ['journal-1.csv', 'terminal', 2],
      ['journal-2.csv', 'terminal', 1],
      [`bank-${M1}.csv`, 'bank', 1],
      [`bank-${M2}.csv`, 'bank', 1],
    ]);
    expect(rejected(all)).toEqual([
      ['settlement-1.csv', 4],
      ['settlement-2.csv', 4],
    ]);
    const m2 = await audit(FILES, ['.', '--merchant', M2]);
    expect(listed(m2)).toEqual([
      ['settlement-2.csv', 'settlement', 2],
      ['journal-2.csv', 'terminal', 1],
      [`bank-${M2}.csv`, 'bank', 1],
    ]);
    expect(rejected(m2)).toEqual([['settlement-2.csv', 4]]);
  });

  for (const [path, env] of [
    ['file groups', {}],
    ['spool', { POSGUARD_SPOOL_RECORDS: '1' }],
  ] as const)
    it(`keeps a statement of which no line could be read, one of M1's among them (${path})`, async () => {
      const files = { ...FILES, 'settlement-3.csv': [HEADER, bad(M1), bad(M2)].join('\n') };
      const report = await audit(files, ['.', '--merchant', M1], env);
      expect(listed(report).map(([file]) => file)).toContain('settlement-3.csv');
      expect(rejected(report)).toEqual([
        ['settlement-1.csv', 4],
        ['settlement-3.csv', 2],
        ['settlement-3.csv', 3],
      ]);
    });

  it('lists none of the statements of an agent folder’s other merchants (one folder each)', async () => {
    const dir = tmp();
    writeMerchantFolders(dir);
    const run = await runCli(['audit', '.', '--merchant', M1, '--format', 'json'], { cwd: dir, env: {} });
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.files.map((f) => f.file)).toEqual([`${M1}/settlement.csv`, `${M1}/bank.csv`]);
  });
});

describe('posguard audit --merchant and a journal without merchant numbers', () => {
  const unnamed = [
    '交易时间,终端号,参考号,卡类型,支付方式,交易类型,交易金额',
    '2026-08-03 10:00:00,10000001,000000000001,贷记卡,刷卡,消费,1000.00',
  ].join('\n');

  it("lists it when its lines went to the statements' only merchant", async () => {
    const files = {
      'settlement-1.csv': [HEADER, ...M1_LINES].join('\n'),
      'journal.csv': unnamed,
      'plan.yaml': FLAT_BY_FILE_NAME['plan.yaml'] ?? '',
    };
    const report = await audit(files, ['.', '--merchant', M1]);
    expect(listed(report)).toEqual([
      ['settlement-1.csv', 'settlement', 2],
      ['journal.csv', 'terminal', 1],
    ]);
  });

  it('lists it when its terminal places its lines with the merchant asked for, not with another', async () => {
    // M2 on terminal 20000002: the journal's terminal 10000001 is M1's alone.
    const files = {
      'settlement.csv': [
        HEADER,
        ...M1_LINES,
        ...M2_LINES.map((l) => l.replace(',10000001,', ',20000002,')),
      ].join('\n'),
      'journal.csv': unnamed,
      'plan.yaml': FLAT_BY_FILE_NAME['plan.yaml'] ?? '',
    };
    const m1 = await audit(files, ['.', '--merchant', M1]);
    expect(listed(m1).map(([file]) => file)).toEqual(['settlement.csv', 'journal.csv']);
    const m2 = await audit(files, ['.', '--merchant', M2]);
    expect(listed(m2).map(([file]) => file)).toEqual(['settlement.csv']);
  });
});
