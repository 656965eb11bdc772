import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from './audit-fixtures.js';

// QA: `posguard import` of a ZIP names a 说明.txt or a .pdf beside its tables as not read, but `posguard audit` of a
// "download all" ZIP, read table by table, left them out without a word. The audit now names them as the import
// does, and still reads the tables.

const tmp = tmpDirs('posguard-cli-archive-notes-');
const example = join(import.meta.dirname, '../../examples/822841054119608');
const exampleFile = (name: string) => readFileSync(join(example, name));
const plan = join(example, 'plan.yaml');
const README = Buffer.from('本压缩包为 2026 年 10 月的对账文件。\n如有疑问，请联系客服。\n');

async function zip(path: string, members: Record<string, Buffer>): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(members)) z.addBuffer(bytes, name);
  z.end();
  await pipeline(z.outputStream, createWriteStream(path));
}

async function audit(cwd: string, argv: string[]): Promise<AuditReport> {
  const run = await runCli(['audit', ...argv, '--format', 'json'], { cwd });
  expect(run.stderr).toBe('');
  // 1: findings were reported; 2 would be a run stopped by a member it could not read.
  expect(run.exitCode).toBe(1);
  return JSON.parse(run.stdout) as AuditReport;
}

const outcome = (r: AuditReport) => ({
  summary: r.summary,
  findings: r.findings.map((f) => [f.kind, f.refNo, f.overchargeFen, f.lossFen]),
});

async function allZip(): Promise<string> {
  const dir = tmp();
  await zip(join(dir, 'all.zip'), {
    '2026年10月/settlement.csv': exampleFile('settlement.csv'),
    '2026年10月/terminal.csv': exampleFile('terminal.csv'),
    '2026年10月/说明.txt': README,
    '2026年10月/对账单.pdf': Buffer.from('%PDF-1.4\n'),
    '__MACOSX/2026年10月/._settlement.csv': Buffer.from('x'),
  });
  return dir;
}

describe('posguard audit of a "download all" ZIP with members that are not tables', () => {
  it('names 说明.txt and the .pdf in the warnings as the import does, and audits the tables', async () => {
    const dir = await allZip();
    const report = await audit(dir, ['--settlement', 'all.zip', '--plan', plan]);
    expect(report.files.map((f) => [f.file, f.kind])).toEqual([
      ['all.zip/2026年10月/settlement.csv', 'settlement'],
      ['all.zip/2026年10月/terminal.csv', 'terminal'],
    ]);
    const named = report.warnings.filter((w) => w.includes('说明.txt') || w.includes('.pdf'));
    expect(named).toEqual([
      'all.zip: 2026年10月/对账单.pdf 不是表格文件，未读取（只读取 CSV、TXT、XLSX、XLS）',
      expect.stringMatching(
        /^all\.zip: 2026年10月\/说明\.txt 未读取：找不到表头（需要至少包含交易时间和金额列）/,
      ),
    ]);
    // Clutter is nobody's file: the import does not name it, nor does the audit.
    expect(report.warnings.some((w) => w.includes('__MACOSX'))).toBe(false);

    const apart = await audit(example, [
      '--settlement',
      'settlement.csv',
      '--terminal',
      'terminal.csv',
      '--plan',
      plan,
    ]);
    expect(report.summary.settlementRecords).toBe(1326);
    expect(report.summary.terminalRecords).toBe(1452);
    expect(report.summary.overchargeFen).toBe(apart.summary.overchargeFen);
    expect(report.summary.overchargeFen).toBeGreaterThan(0);
    expect(outcome(report)).toEqual(outcome(apart));
  });

  it('words them in English with --lang en', async () => {
    const dir = await allZip();
    const report = await audit(dir, ['--settlement', 'all.zip', '--plan', plan, '--lang', 'en']);
    expect(report.warnings).toContain(
      'all.zip: 2026年10月/对账单.pdf is not a table file; not read (only CSV, TXT, XLSX and XLS files are read)',
    );
    expect(
      report.warnings.some((w) =>
        w.startsWith('all.zip: 2026年10月/说明.txt was not read: no header row found'),
      ),
    ).toBe(true);
  });
});
