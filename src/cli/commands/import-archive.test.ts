import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { runCli } from '../program.js';

// A portal's "download all" ZIP holds the statement, the journal and the bank export together. `posguard import`
// printed it as one summary: the first table's kind and columns over the three tables' money added up. Each
// table of an archive is now its own summary, named as `posguard audit` names it (`all.zip/<table>`).

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-cli-import-archive-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const STATEMENT = Buffer.from(
  '交易时间,终端号,参考号,交易金额,手续费,结算金额\n' +
    '2026-10-12 09:00:00,20000001,200000000101,2000.00,12.60,1987.40\n' +
    '2026-10-12 09:10:00,20000001,200000000102,300.00,1.89,298.11\n',
);
const JOURNAL = Buffer.from(
  '交易时间,终端号,参考号,交易类型,交易金额\n' +
    '2026-10-12 09:00:00,20000001,200000000101,消费,2000.00\n' +
    '2026-10-12 09:10:00,20000001,200000000102,消费,300.00\n' +
    '2026-10-12 10:00:00,20000001,200000000103,消费,50.00\n',
);
const BANK = Buffer.from(
  '交易日期,交易时间,借方发生额（支取）,贷方发生额（收入）,余额,对方户名,摘要\n' +
    '20261013,093000,,2285.51,12285.51,XX支付有限公司,T1结算款\n' +
    '20261013,150000,500.00,,11785.51,张三,转账\n',
);

async function allZip(dir: string): Promise<void> {
  const z = new yazl.ZipFile();
  z.addBuffer(STATEMENT, '结算单.csv');
  z.addBuffer(JOURNAL, '流水.csv');
  z.addBuffer(BANK, '网银.csv');
  z.end();
  await pipeline(z.outputStream, createWriteStream(join(dir, 'all.zip')));
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface JsonFile {
  file: string;
  partOf?: string;
  sha256: string;
  kind: string;
  rows: number;
  columns: Record<string, string>;
  totals: { amountFen: number; feeFen?: number; settledFen?: number };
}

describe('posguard import of a ZIP holding a statement, a journal and a bank export', () => {
  it('prints one summary per table, each with its own kind, columns and totals', async () => {
    const dir = tmp();
    await allZip(dir);
    const run = await runCli(['import', 'all.zip'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const blocks = run.stdout.split('\n\n').map((b) => `${b}\n`);
    const block = (name: string) => blocks.find((b) => b.startsWith(`${name}\n`)) ?? '';
    const statement = block('all.zip/结算单.csv');
    expect(statement).toContain('类别: settlement');
    expect(statement).toContain(
      '使用的列: time←交易时间, terminalId←终端号, refNo←参考号, amount←交易金额, fee←手续费, settled←结算金额',
    );
    // 2000.00 + 300.00; 12.60 + 1.89; 1987.40 + 298.11
    expect(statement).toContain('合计: 金额 ¥2,300.00   手续费 ¥14.49   结算 ¥2,285.51');
    const journal = block('all.zip/流水.csv');
    expect(journal).toContain('类别: terminal');
    expect(journal).toContain('type←交易类型');
    expect(journal).not.toContain('fee←');
    // 2000.00 + 300.00 + 50.00
    expect(journal).toContain('合计: 金额 ¥2,350.00\n');
    const bank = block('all.zip/网银.csv');
    expect(bank).toContain('类别: bank');
    expect(bank).toContain('credit←贷方发生额（收入）');
    expect(bank).toContain('合计: 金额 ¥2,285.51\n');
    expect(run.stdout).not.toMatch(/^all\.zip\n/m);
    expect(run.stdout).toContain('共 1 个文件（3 个表），6 条记录，0 行被拒绝');
  });

  it('gives each table its own entry of `files` in JSON, with the archive it is part of', async () => {
    const dir = tmp();
    await allZip(dir);
    const run = await runCli(['import', 'all.zip', '--format', 'json', '--lang', 'en'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as { files: JsonFile[]; records: { kind: string }[] };
    expect(
      out.files.map((f) => ({
        file: f.file,
        partOf: f.partOf,
        kind: f.kind,
        rows: f.rows,
        totals: f.totals,
        sha256: f.sha256,
      })),
    ).toEqual([
      {
        file: 'all.zip/结算单.csv',
        partOf: 'all.zip',
        kind: 'settlement',
        rows: 2,
        totals: { amountFen: 230000, feeFen: 1449, settledFen: 228551 },
        sha256: sha256(STATEMENT),
      },
      {
        file: 'all.zip/流水.csv',
        partOf: 'all.zip',
        kind: 'terminal',
        rows: 3,
        totals: { amountFen: 235000 },
        sha256: sha256(JOURNAL),
      },
      {
        file: 'all.zip/网银.csv',
        partOf: 'all.zip',
        kind: 'bank',
        rows: 1,
        totals: { amountFen: 228551 },
        sha256: sha256(BANK),
      },
    ]);
    expect(out.files[1]?.columns).toEqual({
      time: '交易时间',
      terminalId: '终端号',
      refNo: '参考号',
      type: '交易类型',
      amount: '交易金额',
    });
    expect(out.records.map((r) => r.kind)).toEqual([
      'settlement',
      'settlement',
      'terminal',
      'terminal',
      'terminal',
      'bank',
    ]);
  });

  it('keeps one summary, under the archive name, for an archive of one table', async () => {
    const dir = tmp();
    const z = new yazl.ZipFile();
    z.addBuffer(JOURNAL, '流水.csv');
    z.end();
    await pipeline(z.outputStream, createWriteStream(join(dir, 'one.zip')));
    const run = await runCli(['import', 'one.zip', '--format', 'json'], { cwd: dir });
    const out = JSON.parse(run.stdout) as { files: JsonFile[] };
    expect(out.files.map((f) => [f.file, f.kind, f.totals.amountFen, f.partOf])).toEqual([
      ['one.zip', 'terminal', 235000, undefined],
    ]);
  });
});
