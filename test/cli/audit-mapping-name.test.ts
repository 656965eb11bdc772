import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { warningIn } from '../../src/audit/warning-text.js';
import { runCli } from '../../src/cli/program.js';
import { runBuilt, scratchBuild } from '../scratch-build.js';
import { tmpDirs } from './audit-fixtures.js';

// `posguard audit --mapping m.yaml` named the mapping by its absolute path in what the import says of it (a
// column it maps that the header lacks), where `posguard import` says `m.yaml:7`: the name the user typed was
// not passed to the audit's imports, in-process or on worker threads. The workers run compiled JavaScript: the
// CLI runs from the run's scratch build.

const tmp = tmpDirs('posguard-cli-audit-mapping-name-');

const HEADER = '交易时间,终端号,参考号,交易金额,手续费,附言';
const lines = (day: string) => [
  `2026-10-${day} 09:00:00,T1,R${day}1,100.00,0.60,甲`,
  `2026-10-${day} 10:00:00,T1,R${day}2,200.00,1.20,乙`,
];
// label is mapped to 附注; the files' column is 附言.
const MAPPING = [
  'name: mine',
  'kind: settlement',
  'columns:',
  '  time: [交易时间]',
  '  terminalId: [终端号]',
  '  refNo: [参考号]',
  '  amount: [交易金额]',
  '  fee: [手续费]',
  '  label: [附注]',
  '',
].join('\n');
const WARNING_ZH = 'm.yaml:9 columns.label: “附注”不在表头中，最接近的是“附言”；label 没有读入';
const WARNING_EN =
  'm.yaml:9 columns.label: "附注" is not in the header; the closest is "附言"; label was not read';

function shop(): string {
  const dir = tmp();
  writeFileSync(join(dir, 'a.csv'), [HEADER, ...lines('13')].join('\n'));
  writeFileSync(join(dir, 'b.csv'), [HEADER, ...lines('14')].join('\n'));
  writeFileSync(join(dir, 'm.yaml'), MAPPING);
  return dir;
}

describe('posguard audit --mapping', () => {
  it('names the mapping as typed in what the import says of it, as `posguard import` does', async () => {
    const dir = shop();
    const imported = await runCli(['import', 'a.csv', '--mapping', 'm.yaml'], { cwd: dir, env: {} });
    expect(imported.stdout).toContain(WARNING_ZH);
    const audited = await runCli(['audit', '--settlement', 'a.csv', '--mapping', 'm.yaml'], {
      cwd: dir,
      env: {},
    });
    expect(audited.stderr).toBe('');
    expect(audited.stdout).toContain(`a.csv: ${WARNING_ZH}`);
    expect(audited.stdout).not.toContain(dir);
  });

  it('names it so when the mapping names a column the header needs, in a workbook the import reads', async () => {
    const dir = tmp();
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('明细');
    for (const line of [HEADER, ...lines('13')]) sheet.addRow(line.split(','));
    writeFileSync(join(dir, 's.xlsx'), Buffer.from(await book.xlsx.writeBuffer()));
    writeFileSync(join(dir, 'm.yaml'), MAPPING.replace('[交易时间]', '[交易日期时间]'));
    const audited = await runCli(['audit', '--settlement', 's.xlsx', '--mapping', 'm.yaml'], {
      cwd: dir,
      env: {},
    });
    expect(audited.exitCode).toBe(2);
    expect(audited.stderr).toContain('m.yaml:4 columns.time: “交易日期时间”不在表头中，最接近的是“交易时间”');
    expect(audited.stderr).not.toContain(dir);
  });
});

describe('posguard audit --mapping on worker threads', () => {
  beforeAll(async () => {
    await scratchBuild();
  }, 180_000);

  it('names the mapping as typed, as the single-thread audit does', async () => {
    const dir = shop();
    const args = ['audit', '--settlement', 'a.csv', 'b.csv', '--mapping', 'm.yaml', '--format', 'json'];
    const single = await runCli([...args, '--lang', 'en'], { cwd: dir, env: {} });
    const expected = JSON.parse(single.stdout) as AuditReport;
    expect(expected.warnings.map((w) => warningIn(w, 'en'))).toEqual(
      expect.arrayContaining([`a.csv: ${WARNING_EN}`, `b.csv: ${WARNING_EN}`]),
    );
    const { stdout, stderr } = await runBuilt(dir, [...args, '--lang', 'en'], { POSGUARD_JOBS: '2' });
    expect(stderr).toBe('');
    expect(stdout).not.toContain(dir);
    expect(JSON.parse(stdout)).toEqual(expected);
  }, 180_000);
});
