import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

// A --mapping with a typo used to come out as zod's English ("Unrecognized key: "colums"", "Invalid option:
// expected one of …") inside a Chinese line, the first problem only and without a line number; and an alias
// naming no column of the file had every row rejected for want of an amount. Now: `file:line path: why` for
// every problem, as `posguard plan check` reports a plan, and one error naming the column and the header.

// A bank's pipe-separated export, amounts in fen, rates in 万分之.
const CSV = [
  'TxnTime|TID|RRN|PAN|CardKind|Amt|MDR|Charge|Net|ValueDate|MID',
  '20261014110000|10000001|628500000103|622588******1003|C|123456|60|741|122715|20261015|822000000000009',
  '20261014111000|10000001|628500000104|621700******1004|D|800000|55|2000|798000|20261015|822000000000009',
].join('\n');
const mapping = (over: { columns?: string; amountAlias?: string; units?: string }) =>
  [
    'name: odd-bank',
    'kind: settlement',
    "delimiter: '|'",
    `${over.columns ?? 'columns'}:`,
    '  time: [TxnTime]',
    '  terminalId: [TID]',
    '  refNo: [RRN]',
    '  card: [CardKind]',
    `  amount: [${over.amountAlias ?? 'Amt'}]`,
    '  fee: [Charge]',
    '  settled: [Net]',
    '  settleDate: [ValueDate]',
    '  merchantId: [MID]',
    `units: { amount: ${over.units ?? 'fen'}, fee: fen, settled: fen, rate: per-myriad }`,
    'values:',
    '  card: { C: credit, D: debit }',
    '',
  ].join('\n');

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-cli-mapping-'));
  dirs.push(d);
  writeFileSync(join(d, 'odd.csv'), CSV);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const run = (dir: string, ...argv: string[]) => runCli(argv, { cwd: dir, env: {} });

describe('--mapping errors', () => {
  it('reads the good mapping', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'odd.yaml'), mapping({}));
    const result = await run(dir, 'import', 'odd.csv', '--mapping', 'odd.yaml', '--format', 'json');
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as { records: { amountFen: number; feeFen: number }[] };
    expect(json.records.map((r) => [r.amountFen, r.feeFen])).toEqual([
      [123456, 741],
      [800000, 2000],
    ]);
  });

  it('lists every problem with its line and path, in Chinese with a did-you-mean, or in English', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'odd.yaml'), mapping({ columns: 'colums', units: 'cents' }));
    for (const argv of [
      ['import', 'odd.csv', '--mapping', 'odd.yaml'],
      ['audit', '--settlement', 'odd.csv', '--mapping', 'odd.yaml'],
    ]) {
      const zh = await run(dir, ...argv);
      expect(zh.exitCode).toBe(2);
      expect(zh.stdout).toBe('');
      const lines = zh.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe('posguard: 映射文件无效（2 处错误）：');
      expect(lines[1]).toMatch(/^ {2}odd\.yaml:4 colums: 未知的键“colums”，是否想写 columns？（可用：name, /);
      expect(lines[2]).toBe('  odd.yaml:14 units.amount: “cents”无效（可选：yuan | fen）');
      expect(zh.stderr).not.toMatch(/Unrecognized key|Invalid option/);
      const en = await run(dir, ...argv, '--lang', 'en');
      expect(en.stderr.split('\n').slice(0, 3)).toEqual([
        'posguard: invalid mapping file (2 problems):',
        expect.stringMatching(
          /^ {2}odd\.yaml:4 colums: unknown key "colums" \(did you mean columns\?\); allowed: /,
        ),
        '  odd.yaml:14 units.amount: "cents" is not valid; expected one of yuan | fen',
      ]);
    }
  });

  it('names a wrong unit of the rate and a misspelt field', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'odd.yaml'),
      mapping({}).replace('rate: per-myriad', 'rate: bp').replace('  fee: [Charge]', '  fe: [Charge]'),
    );
    const result = await run(dir, 'import', 'odd.csv', '--mapping', 'odd.yaml');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('  odd.yaml:10 columns.fe: 未知的键“fe”，是否想写 fee？');
    expect(result.stderr).toContain(
      '  odd.yaml:14 units.rate: “bp”无效（可选：percent | per-mille | per-myriad | fraction）',
    );
  });

  it('gives one error naming the mapped column and the header when an alias names no column', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'odd.yaml'), mapping({ amountAlias: 'Amount' }));
    const expected = [
      'posguard: odd.yaml:9 columns.amount: “Amount”不在表头中，最接近的是“Amt”；odd.csv 的每一行都会因缺少交易金额被拒绝',
      '表头的列：TxnTime、TID、RRN、PAN、CardKind、Amt、MDR、Charge、Net、ValueDate、MID（映射未用到的：PAN、Amt、MDR）',
      '',
    ].join('\n');
    for (const argv of [
      ['import', 'odd.csv', '--mapping', 'odd.yaml'],
      ['audit', '--settlement', 'odd.csv', '--mapping', 'odd.yaml'],
    ]) {
      const result = await run(dir, ...argv);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(expected);
    }
    const en = await run(dir, 'import', 'odd.csv', '--mapping', 'odd.yaml', '--lang', 'en');
    expect(en.stderr).toContain(
      'odd.yaml:9 columns.amount: "Amount" is not in the header; the closest is "Amt"; every row of odd.csv would be rejected for want of an amount',
    );
  });

  it('words a misspelt column as the import does, whether the check before the import or the import finds it', async () => {
    const dir = tmp();
    // The check before the import finds the header (TxnTime is there) and misses the amount; the import itself
    // meets a misspelt optional column (the settled amount) once the header is found.
    writeFileSync(join(dir, 'amount.yaml'), mapping({ amountAlias: 'Amount' }));
    writeFileSync(join(dir, 'settled.yaml'), mapping({}).replace('settled: [Net]', 'settled: [Nett]'));
    const checked = await run(dir, 'import', 'odd.csv', '--mapping', 'amount.yaml');
    const imported = await run(dir, 'import', 'odd.csv', '--mapping', 'settled.yaml');
    expect(checked.stderr).toContain('amount.yaml:9 columns.amount: “Amount”不在表头中，最接近的是“Amt”');
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toContain('settled.yaml:11 columns.settled: “Nett”不在表头中，最接近的是“Net”');
  });
});
