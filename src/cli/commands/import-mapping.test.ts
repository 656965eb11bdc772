import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';

// A --mapping whose column name is not in the header (记帐日期 for 记账日期) got the general "no header… or map the
// columns with --mapping" although a mapping was given; an optional column misspelt (附注 for 附言) was dropped
// in silence. Both now name the mapping's file:line, the field and the header's closest column.

const dirs: string[] = [];
function tmp(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-cli-import-mapping-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const BANK = '记账日期,发生额,附言\n2026-10-13 09:00:00,149210,乐刷结算\n';
const TYPO =
  'name: mybank\nkind: bank\ncolumns:\n  time: [记帐日期]\n  amount: [发生额]\nunits: { amount: fen }\n';
const LABEL =
  'name: mybank\nkind: bank\ncolumns:\n  time: [记账日期]\n  amount: [发生额]\n  label: [附注]\nunits: { amount: fen }\n';

describe('posguard import --mapping naming a column the header does not have', () => {
  it('refuses a required column with the mapping line, the field and the closest header name', async () => {
    const dir = tmp({ 'bank.csv': BANK, 'm.yaml': TYPO });
    const run = await runCli(['import', 'bank.csv', '--mapping', 'm.yaml'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('m.yaml:4 columns.time: “记帐日期”不在表头中，最接近的是“记账日期”');
    expect(run.stderr).toContain('bank.csv');
    expect(run.stderr).not.toContain('或用 --mapping 指明各列');
  });

  it('says the same in English', async () => {
    const dir = tmp({ 'bank.csv': BANK, 'm.yaml': TYPO });
    const run = await runCli(['import', 'bank.csv', '--mapping', 'm.yaml', '--lang', 'en'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'm.yaml:4 columns.time: "记帐日期" is not in the header; the closest is "记账日期"',
    );
    expect(run.stderr).not.toContain('map the columns with --mapping');
  });

  it('points at the alias list of a block-style mapping, closest by normalised name (widths, spaces)', async () => {
    const dir = tmp({
      'bank.csv': '交易 日期,ＡＭＯＵＮＴ\n2026-10-13,1492.10\n',
      'm.yaml':
        'name: mine\nkind: bank\n\ncolumns:\n  date:\n    - 交易时间\n    - 记帐日期\n  amount: Amout\n',
    });
    const run = await runCli(['import', 'bank.csv', '--mapping', 'm.yaml'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'm.yaml:5 columns.date: “交易时间”、“记帐日期”不在表头中，最接近的是“交易 日期”',
    );
    expect(run.stderr).toContain('m.yaml:8 columns.amount: “Amout”不在表头中，最接近的是“ＡＭＯＵＮＴ”');
  });

  it('warns of an optional column with the mapping line, the field and the closest header name', async () => {
    const dir = tmp({ 'bank.csv': BANK, 'm.yaml': LABEL });
    const run = await runCli(['import', 'bank.csv', '--mapping', 'm.yaml'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('读入: 1');
    expect(run.stdout).toContain(
      '  ! m.yaml:6 columns.label: “附注”不在表头中，最接近的是“附言”；label 没有读入',
    );
  });

  it('gives the warning a code and an English text in JSON', async () => {
    const dir = tmp({ 'bank.csv': BANK, 'm.yaml': LABEL });
    const run = await runCli(
      ['import', 'bank.csv', '--mapping', 'm.yaml', '--format', 'json', '--lang', 'en'],
      {
        cwd: dir,
      },
    );
    expect(run.exitCode).toBe(0);
    const out = JSON.parse(run.stdout) as {
      files: { warnings: { code: string; message: string }[] }[];
      records: { amountFen: number }[];
    };
    expect(out.files[0]?.warnings).toContainEqual({
      code: 'mapping.column-missing',
      message:
        'm.yaml:6 columns.label: "附注" is not in the header; the closest is "附言"; label was not read',
    });
    expect(out.records.map((r) => r.amountFen)).toEqual([149210]);
  });

  it('says nothing when every mapped column is in the header', async () => {
    const dir = tmp({
      'bank.csv': BANK,
      'm.yaml': LABEL.replace('附注', '附言'),
    });
    const run = await runCli(['import', 'bank.csv', '--mapping', 'm.yaml'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('!');
    expect(run.stdout).toContain('label←附言');
  });
});
