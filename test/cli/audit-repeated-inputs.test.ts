import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';

const HEADER = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
// ¥1,234.56 × 0.60% = 7.40736 → ¥7.41 due; ¥8.40 charged: ¥0.99 overcharged, once however often the file is named.
const STATEMENT = [
  HEADER,
  '2026-11-02 10:00:00,2026-11-03,898440153991234,12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00',
  '2026-11-04 10:00:00,2026-11-05,898440153991234,12345678,100000000003,贷记卡,刷卡,消费,1234.56,8.40,1226.16',
].join('\n');
const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.60% }\n';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-cli-repeats-'));
  dirs.push(d);
  mkdirSync(join(d, 'data'));
  writeFileSync(join(d, 'data', 'settlement.csv'), STATEMENT);
  writeFileSync(join(d, 'data', 'plan.yaml'), PLAN);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function audit(cwd: string, argv: string[]): Promise<AuditReport> {
  const run = await runCli(['audit', ...argv, '--format', 'json'], { cwd });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(1);
  return JSON.parse(run.stdout) as AuditReport;
}

function expectImportedOnce(report: AuditReport, file: string): void {
  expect(report.files.map((f) => f.file)).toEqual([file]);
  expect(report.summary.settlementRecords).toBe(2);
  expect(report.summary.findingsByKind.duplicate_settlement).toBe(0);
  expect(report.findings.map((f) => [f.kind, f.refNo, f.overchargeFen])).toEqual([
    ['fee_overcharge', '100000000003', 99],
  ]);
}

describe('posguard audit: a file named twice is read once', () => {
  it('--settlement s.csv s.csv, also spelt ./s.csv', async () => {
    const dir = tmp();
    const file = join('data', 'settlement.csv');
    const report = await audit(dir, [
      '--settlement',
      file,
      `./${file}`,
      join('..', dir.split(/[\\/]/).at(-1) ?? '', file),
      '--plan',
      join('data', 'plan.yaml'),
    ]);
    expectImportedOnce(report, file);
  });

  it('a directory and a --settlement flag naming the file inside it', async () => {
    const dir = tmp();
    const file = join('data', 'settlement.csv');
    const report = await audit(dir, ['data', '--settlement', file]);
    expectImportedOnce(report, file);
  });

  it('a symlink to a file already named', async () => {
    const dir = tmp();
    symlinkSync(join(dir, 'data', 'settlement.csv'), join(dir, 'link.csv'));
    const report = await audit(dir, ['data', '--settlement', 'link.csv']);
    expectImportedOnce(report, 'link.csv');
  });

  it('still reads a copy under another name, keeping its identical records once with a warning', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'copy.csv'), STATEMENT);
    const report = await audit(dir, ['data', '--settlement', 'copy.csv']);
    expect(report.files.map((f) => f.file)).toEqual([join('data', 'settlement.csv'), 'copy.csv']);
    expect(report.summary.findingsByKind.duplicate_settlement).toBe(0);
    expect(report.warnings.some((w) => w.includes('copy.csv') && w.includes('只保留一份'))).toBe(true);
  });

  it('refuses one file given as two kinds', async () => {
    const dir = tmp();
    const file = join('data', 'settlement.csv');
    const run = await runCli(['audit', '--settlement', file, '--terminal', file], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`posguard: ${file} 不能同时作为 --settlement 和 --terminal\n`);
  });
});
