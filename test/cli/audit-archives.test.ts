import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from './audit-fixtures.js';

// A portal's "download all" ZIP holds the statement, the journal and the bank export together. Given as one file
// it was read as one kind — every table as a statement — and the example month's ¥41.10 of overcharges became
// "no overcharge, ¥99.00 of other losses". An archive whose tables are of several kinds is now read table by
// table, each as what it is, and its report equals the one of the same files given apart.

const example = join(import.meta.dirname, '../../examples/822841054119608');
const tmp = tmpDirs('posguard-cli-archives-');

/** Writes a ZIP holding `members` (name → bytes) at `path`. */
async function zip(path: string, members: Record<string, Buffer>): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(members)) z.addBuffer(bytes, name);
  z.end();
  await pipeline(z.outputStream, createWriteStream(path));
}

const exampleFile = (name: string) => readFileSync(join(example, name));

async function audit(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const run = await runCli(['audit', ...argv, '--format', 'json'], { cwd, env });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

/** What must not depend on how the files were handed over: the money, the counts and each finding. */
const outcome = (r: AuditReport) => ({
  summary: r.summary,
  findings: r.findings.map((f) => [f.kind, f.refNo, f.overchargeFen, f.lossFen]),
});

const apart = () =>
  audit(example, [
    '--settlement',
    'settlement.csv',
    '--terminal',
    'terminal.csv',
    '--bank',
    'bank.csv',
    '--plan',
    'plan.yaml',
  ]);

describe('posguard audit with a ZIP of several kinds of table', () => {
  it('reads each table of `--settlement all.zip` as what it is, as if given apart', async () => {
    const dir = tmp();
    await zip(join(dir, 'all.zip'), {
      'settlement.csv': exampleFile('settlement.csv'),
      'terminal.csv': exampleFile('terminal.csv'),
      'bank.csv': exampleFile('bank.csv'),
    });
    const plan = join(example, 'plan.yaml');
    const report = await audit(dir, ['--settlement', 'all.zip', '--plan', plan]);
    const expected = await apart();
    expect(expected.summary.overchargeFen).toBe(4110);
    expect(outcome(report)).toEqual(outcome(expected));
    expect(report.summary.terminalRecords).toBe(1452);
    expect(report.summary.settlementRecords).toBe(1326);
    expect(report.files.map((f) => [f.file, f.kind])).toEqual([
      ['all.zip/settlement.csv', 'settlement'],
      ['all.zip/terminal.csv', 'terminal'],
      ['all.zip/bank.csv', 'bank'],
    ]);
    expect(report.warnings).toContain(
      'all.zip 中有多种文件，已逐个读取：settlement.csv（结算单）、terminal.csv（终端流水）、bank.csv（银行流水）',
    );
  });

  it('tells the tables apart by what they hold when their names say nothing, in a data directory', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'shop'));
    // Names as a portal gives them: the kind is in none of them, and the first table is the journal.
    await zip(join(dir, 'shop', '导出_20261101.zip'), {
      '明细1.csv': exampleFile('terminal.csv'),
      '明细2.csv': exampleFile('settlement.csv'),
      '明细3.csv': exampleFile('bank.csv'),
    });
    const report = await audit(dir, ['shop', '--plan', join(example, 'plan.yaml'), '--lang', 'en']);
    expect(outcome(report)).toEqual(outcome(await apart()));
    expect(report.files.map((f) => [f.file, f.kind])).toEqual([
      ['shop/导出_20261101.zip/明细2.csv', 'settlement'],
      ['shop/导出_20261101.zip/明细1.csv', 'terminal'],
      ['shop/导出_20261101.zip/明细3.csv', 'bank'],
    ]);
    expect(report.warnings).toContain(
      'shop/导出_20261101.zip holds more than one kind of file, read one by one: 明细1.csv as a terminal journal, 明细2.csv as a statement, 明细3.csv as a bank export',
    );
  });

  it('keeps an archive of statements only as the one input the flag names, read as before', async () => {
    const dir = tmp();
    // The statement is GBK: split as bytes (latin1 keeps each byte), its title and header repeated in both halves.
    const lines = exampleFile('settlement.csv')
      .toString('latin1')
      .split(/(?<=\n)/);
    const firstSale = lines.findIndex((l) => /^2026-/.test(l));
    expect(firstSale).toBe(3);
    const half = Math.floor((lines.length + firstSale) / 2);
    const head = lines.slice(0, firstSale).join('');
    await zip(join(dir, 'statements.zip'), {
      '结算单_上.csv': Buffer.from(lines.slice(0, half).join(''), 'latin1'),
      '结算单_下.csv': Buffer.from(head + lines.slice(half).join(''), 'latin1'),
    });
    const plan = join(example, 'plan.yaml');
    const report = await audit(dir, ['--settlement', 'statements.zip', '--plan', plan]);
    const whole = await audit(example, ['--settlement', 'settlement.csv', '--plan', 'plan.yaml']);
    expect(report.summary.settlementRecords).toBe(whole.summary.settlementRecords);
    expect(report.summary.overchargeFen).toBe(whole.summary.overchargeFen);
    expect(report.warnings.some((w) => w.includes('逐个读取'))).toBe(false);
  });

  it('leaves none of the tables it took out of the archive behind', async () => {
    const dir = tmp();
    const own = tmp();
    await zip(join(dir, 'all.zip'), {
      'settlement.csv': exampleFile('settlement.csv'),
      'terminal.csv': exampleFile('terminal.csv'),
    });
    const report = await audit(dir, ['--settlement', 'all.zip', '--plan', join(example, 'plan.yaml')], {
      TMPDIR: own,
    });
    expect(report.summary.terminalRecords).toBe(1452);
    expect(readdirSync(own)).toEqual([]);
  });
});
