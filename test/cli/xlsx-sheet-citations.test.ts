import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, tmpDirs } from './audit-fixtures.js';

// A statement workbook of several sheets (one a month): the rows of its first sheet were cited `s.xlsx` row N,
// those of the others `s.xlsx#名称`, so a finding on the first sheet could not be told from one on any tab. Now
// `posguard import` and `posguard audit` cite every sheet's rows, files and rejected rows as `s.xlsx#名称`.

const tmp = tmpDirs('posguard-cli-sheet-citations-');
const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.60% }\n';

// ¥1,234.56 × 0.60% = ¥7.41 due; ¥8.40 charged: ¥0.99 overcharged, once a month.
const row = (day: string, ref: string, amount: number | string, fee: number) => [
  `2026-${day} 10:00:00`,
  `2026-${day}`,
  M1,
  '12345678',
  ref,
  '贷记卡',
  '刷卡',
  '消费',
  amount,
  fee,
  typeof amount === 'number' ? Math.round((amount - fee) * 100) / 100 : '',
];

async function statementWorkbook(dir: string): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const months: [string, string][] = [
    ['十月', '10'],
    ['十一月', '11'],
  ];
  for (const [name, month] of months) {
    const sheet = book.addWorksheet(name);
    sheet.addRow(HEADER.split(','));
    sheet.addRow(row(`${month}-02`, `1000000000${month}1`, 500, 3));
    sheet.addRow(row(`${month}-03`, `1000000000${month}2`, 1234.56, 8.4));
    sheet.addRow(row(`${month}-04`, `1000000000${month}3`, '五百', 3));
  }
  writeFileSync(join(dir, 's.xlsx'), Buffer.from(await book.xlsx.writeBuffer()));
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
}

describe('rows of a workbook of several sheets', () => {
  it('are cited by sheet in `posguard import`, the first sheet too', async () => {
    const dir = tmp();
    await statementWorkbook(dir);
    const run = await runCli(['import', 's.xlsx', '--format', 'json'], { cwd: dir, env: {} });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as {
      files: { file: string; partOf?: string; rejected: { file: string; row: number }[] }[];
      records: { source: { file: string; row: number } }[];
    };
    expect(out.files.map((f) => [f.file, f.partOf, f.rejected.map((r) => [r.file, r.row])])).toEqual([
      ['s.xlsx#十月', 's.xlsx', [['s.xlsx#十月', 4]]],
      ['s.xlsx#十一月', 's.xlsx', [['s.xlsx#十一月', 4]]],
    ]);
    expect(out.records.map((r) => [r.source.file, r.source.row])).toEqual([
      ['s.xlsx#十月', 2],
      ['s.xlsx#十月', 3],
      ['s.xlsx#十一月', 2],
      ['s.xlsx#十一月', 3],
    ]);
  });

  it('are cited by sheet in the findings and rejected rows of `posguard audit`', async () => {
    const dir = tmp();
    await statementWorkbook(dir);
    const run = await runCli(['audit', '--settlement', 's.xlsx', '--plan', 'plan.yaml', '--format', 'json'], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(
      report.findings.filter((f) => f.kind === 'fee_overcharge').map((f) => [f.overchargeFen, f.source]),
    ).toEqual([
      [99, [{ file: 's.xlsx#十月', row: 3 }]],
      [99, [{ file: 's.xlsx#十一月', row: 3 }]],
    ]);
    expect(report.rejected.map((r) => [r.file, r.row])).toEqual([
      ['s.xlsx#十月', 4],
      ['s.xlsx#十一月', 4],
    ]);
  });
});
