import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from './audit-fixtures.js';

// QA: an archive holding a 说明.txt beside its statement stopped `posguard import` and `posguard audit` (exit 2,
// "说明.txt：找不到表头"). A member that is not a table is now passed over with a warning naming it and why, while
// the archive has other tables; one that may be a statement the importer does not know is named as not read.

const tmp = tmpDirs('posguard-cli-archive-members-');
const example = join(import.meta.dirname, '../../examples/822841054119608');
const exampleFile = (name: string) => readFileSync(join(example, name));

const STATEMENT = Buffer.from(
  '交易时间,终端号,参考号,交易金额,手续费,结算金额\n' +
    '2026-10-12 09:00:00,20000001,200000000101,2000.00,12.60,1987.40\n' +
    '2026-10-12 09:10:00,20000001,200000000102,300.00,1.89,298.11\n',
);
const README = Buffer.from('本压缩包为 2026 年 10 月的对账文件。\n如有疑问，请联系客服。\n');
// Columns, but none this reader knows: perhaps a statement of an unknown layout.
const UNKNOWN_TABLE = Buffer.from('编号,摘要,笔数\n1,刷卡,12\n2,扫码,30\n');

async function zip(path: string, members: Record<string, Buffer>): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(members)) z.addBuffer(bytes, name);
  z.end();
  await pipeline(z.outputStream, createWriteStream(path));
}

interface JsonImport {
  files: { file: string; rows: number; warnings: { code: string; message: string }[] }[];
  records: unknown[];
}

describe('posguard import of a ZIP with a member that is not a table', () => {
  it('reads the statement and names 说明.txt as not read, with the reason', async () => {
    const dir = tmp();
    await zip(join(dir, 'readme.zip'), { '结算明细.csv': STATEMENT, '说明.txt': README });
    const run = await runCli(['import', 'readme.zip'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('合计: 金额 ¥2,300.00   手续费 ¥14.49   结算 ¥2,285.51');
    expect(run.stdout).toContain('  ! 说明.txt 未读取：找不到表头（需要至少包含交易时间和金额列）');
    expect(run.stdout).toContain('共 1 个文件，2 条记录，0 行被拒绝');
  });

  it('names a table it cannot read as not read (JSON too), and still reads the others', async () => {
    const dir = tmp();
    await zip(join(dir, 'two.zip'), { '结算明细.csv': STATEMENT, '其他报表.csv': UNKNOWN_TABLE });
    const run = await runCli(['import', 'two.zip', '--format', 'json', '--lang', 'en'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as JsonImport;
    expect(out.records).toHaveLength(2);
    expect(out.files.map((f) => f.file)).toEqual(['two.zip']);
    expect(out.files[0]?.warnings.map((w) => w.code)).toEqual(['zip.member-not-read']);
    expect(out.files[0]?.warnings[0]?.message).toMatch(/^其他报表\.csv was not read: no header row found/);
  });

  it('names documents and pictures as not tables', async () => {
    const dir = tmp();
    await zip(join(dir, 'docs.zip'), {
      '结算明细.csv': STATEMENT,
      '对账单.pdf': Buffer.from('%PDF-1.4\n'),
      '回单/截图.jpg': Buffer.from([0xff, 0xd8, 0xff]),
      '__MACOSX/._结算明细.csv': Buffer.from('x'),
      '.DS_Store': Buffer.from('x'),
    });
    const run = await runCli(['import', 'docs.zip', '--format', 'json'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as JsonImport;
    expect(out.files[0]?.warnings.map((w) => w.message)).toEqual([
      '对账单.pdf 不是表格文件，未读取（只读取 CSV、TXT、XLSX、XLS）',
      '回单/截图.jpg 不是表格文件，未读取（只读取 CSV、TXT、XLSX、XLS）',
    ]);
  });

  it('still refuses an archive with no table at all', async () => {
    const dir = tmp();
    await zip(join(dir, 'only.zip'), { '说明.txt': README });
    const run = await runCli(['import', 'only.zip'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('only.zip/说明.txt：找不到表头');
  });
});

describe('posguard audit of a ZIP with 说明.txt beside the tables', () => {
  const audit = async (cwd: string, argv: string[]) => {
    const run = await runCli(['audit', ...argv, '--format', 'json'], { cwd });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as AuditReport;
  };

  it('audits `--settlement readme.zip`, and a directory holding it, naming 说明.txt', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'data'));
    const members = { '结算明细.csv': exampleFile('settlement.csv'), '说明.txt': README };
    await zip(join(dir, 'readme.zip'), members);
    await zip(join(dir, 'data', 'readme.zip'), members);
    const plan = join(example, 'plan.yaml');
    const given = await audit(dir, ['--settlement', 'readme.zip', '--plan', plan]);
    expect(given.summary.settlementRecords).toBe(1326);
    expect(given.warnings.some((w) => w.includes('说明.txt 未读取：找不到表头'))).toBe(true);
    const found = await audit(dir, ['data', '--plan', plan]);
    expect(found.summary.settlementRecords).toBe(1326);
    expect(found.summary.overchargeFen).toBe(given.summary.overchargeFen);
    expect(found.warnings.some((w) => w.includes('说明.txt 未读取'))).toBe(true);
  });

  it('reads each table of a "download all" ZIP as what it is, leaving 说明.txt out', async () => {
    const dir = tmp();
    await zip(join(dir, 'all.zip'), {
      '2026年10月/settlement.csv': exampleFile('settlement.csv'),
      '2026年10月/terminal.csv': exampleFile('terminal.csv'),
      '2026年10月/bank.csv': exampleFile('bank.csv'),
      '2026年10月/说明.txt': README,
    });
    const report = await audit(dir, ['--settlement', 'all.zip', '--plan', join(example, 'plan.yaml')]);
    expect(report.summary.overchargeFen).toBe(4110);
    expect(report.files.map((f) => [f.file, f.kind])).toEqual([
      ['all.zip/2026年10月/settlement.csv', 'settlement'],
      ['all.zip/2026年10月/terminal.csv', 'terminal'],
      ['all.zip/2026年10月/bank.csv', 'bank'],
    ]);
  });

  it('still stops on a member laid out in columns that it cannot read, naming it', async () => {
    const dir = tmp();
    await zip(join(dir, 'all.zip'), {
      'settlement.csv': exampleFile('settlement.csv'),
      'terminal.csv': exampleFile('terminal.csv'),
      '其他报表.txt': UNKNOWN_TABLE,
    });
    const run = await runCli(['audit', '--settlement', 'all.zip', '--plan', join(example, 'plan.yaml')], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('all.zip/其他报表.txt：找不到表头');
  });
});
