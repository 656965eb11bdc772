import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { M1, tmpDirs } from './audit-fixtures.js';

// A ZIP made on a Chinese Windows PC holds GBK file names; `unzip` on Linux writes those bytes as they are, and
// Node, which reads names as UTF-8, cannot name such a file again.
const tmp = tmpDirs('posguard-gbk-names-');
const STATEMENT = `交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额\n2026-11-02 10:00:00,2026-11-03,${M1},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00\n`;

function gbkNamed(dir: string, name: string): void {
  const path = Buffer.concat([Buffer.from(`${dir}/`), iconv.encode(name, 'gbk')]);
  writeFileSync(path, STATEMENT);
}

describe('posguard audit: a file whose name is not UTF-8', () => {
  it('in a data directory: names it as GBK reads it and says how to make it readable', async () => {
    const dir = tmp();
    gbkNamed(dir, '结算单10月.csv');
    const run = await runCli(['audit', '.'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('结算单10月.csv 未使用：文件名不是 UTF-8 编码');
    expect(run.stderr).toContain('unzip -O GBK');
  });

  it('in a data directory beside readable files: the others are audited and the warning stays', async () => {
    const dir = tmp();
    gbkNamed(dir, '终端流水.csv');
    writeFileSync(join(dir, 'settlement.csv'), STATEMENT);
    const run = await runCli(['audit', '.', '--format', 'json'], { cwd: dir });
    expect(run.stdout).not.toBe('');
    const report = JSON.parse(run.stdout) as { summary: { settlementRecords: number }; warnings: string[] };
    expect(report.summary.settlementRecords).toBe(1);
    expect(report.warnings.join('\n')).toContain('终端流水.csv 未使用：文件名不是 UTF-8 编码');
  });

  it('named on the command line: says why it cannot be opened, not only that it is missing', async () => {
    const dir = tmp();
    gbkNamed(dir, '结算单.csv');
    // What process.argv holds for those bytes: each invalid sequence replaced by U+FFFD.
    const typed = iconv.encode('结算单.csv', 'gbk').toString('utf8');
    const run = await runCli(['audit', '--settlement', typed], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`${typed}：文件名不是 UTF-8 编码`);
  });
});
