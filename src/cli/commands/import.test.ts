import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';
import { csvCell } from './import.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/generic');
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-cli-import-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('posguard import', () => {
  it('prints a zh-CN summary per file and exits 0 when every row is read', async () => {
    const run = await runCli(['import', 'settlement-gbk.csv'], { cwd: FIXTURES });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('settlement-gbk.csv');
    expect(run.stdout).toContain('预设: generic');
    expect(run.stdout).toContain('编码: gbk');
    expect(run.stdout).toContain('读入: 4');
    expect(run.stdout).toContain('金额 ¥3,234.56');
  });

  it('prints JSON with files and records, and exits 1 when rows were rejected', async () => {
    const run = await runCli(['import', 'bad-rows.csv', '--format', 'json', '--lang', 'en'], {
      cwd: FIXTURES,
    });
    expect(run.exitCode).toBe(1);
    const out = JSON.parse(run.stdout) as {
      files: {
        file: string;
        preset: string;
        rows: number;
        rejected: { row: number; column?: string; reason: string }[];
      }[];
      records: { source: { file: string; row: number } }[];
    };
    expect(out.files[0]).toMatchObject({ file: 'bad-rows.csv', preset: 'generic', rows: 3 });
    expect(out.files[0]?.rejected.map((r) => r.row)).toEqual([3, 5, 6]);
    expect(out.records.map((r) => r.source)).toEqual([
      { file: 'bad-rows.csv', row: 2 },
      { file: 'bad-rows.csv', row: 4 },
      { file: 'bad-rows.csv', row: 7 },
    ]);
  });

  it('writes records as CSV with a BOM and neutralised formulas', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'f.csv'),
      '交易时间,交易金额,备注\n2026-10-01 10:00,1.00,=HYPERLINK("x")\n2026-10-01 10:01,-2.00,-3\n',
    );
    const run = await runCli(['import', 'f.csv', '--format', 'csv'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.startsWith('\ufeffkind,type,status,time')).toBe(true);
    expect(run.stdout).toContain(`"'=HYPERLINK(""x"")"`);
    expect(run.stdout).toContain(',-200,');
  });

  it('exits 2 with one line for an unreadable file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'old.xls'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    const run = await runCli(['import', 'old.xls'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('old.xls');
    expect(run.stderr).toContain('.xlsx');
  });

  it('exits 2 for an unknown preset', async () => {
    const run = await runCli(['import', 'settlement-gbk.csv', '--preset', 'nope'], { cwd: FIXTURES });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('nope');
  });

  it('reads with a user mapping file', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'my-bank.yaml'),
      'name: my-bank\nkind: bank\ncolumns:\n  time: [入账时间]\n  credit: [到账]\n  counterparty: [付款方]\n',
    );
    writeFileSync(join(dir, 'b.csv'), '入账时间,到账,付款方\n2026-10-02 10:00:00,12.34,某某支付\n');
    const run = await runCli(['import', 'b.csv', '--mapping', 'my-bank.yaml', '--format', 'json'], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as { records: { kind: string; type: string; amountFen: number }[] };
    expect(out.records[0]).toMatchObject({ kind: 'bank', type: 'payout', amountFen: 1234 });
  });

  it('rejects a mapping file with an unknown key, naming the key', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'm.yaml'), 'name: m\ncolumns:\n  amout: [金额]\n');
    writeFileSync(join(dir, 'b.csv'), '时间,金额\n2026-10-02 10:00:00,1\n');
    const run = await runCli(['import', 'b.csv', '--mapping', 'm.yaml'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('amout');
  });
});

describe('csvCell', () => {
  it('neutralises formula-looking text but keeps numbers', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell(-200)).toBe('-200');
    expect(csvCell('a,b')).toBe('"a,b"');
  });
});
