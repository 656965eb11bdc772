import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

const HEADER = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
// ¥1,234.56 × 0.60% = ¥7.41 due, ¥8.40 charged: ¥0.99 overcharged.
const STATEMENT = [
  HEADER,
  '2026-11-04 10:00:00,2026-11-05,898440153991234,12345678,100000000003,贷记卡,刷卡,消费,1234.56,8.40,1226.16',
].join('\n');
const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.60% }\n';
const HEADLINE = '共多扣 ¥0.99，涉及 1 笔交易';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-cli-out-'));
  dirs.push(d);
  writeFileSync(join(d, 's.csv'), STATEMENT);
  writeFileSync(join(d, 'plan.yaml'), PLAN);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function audit(cwd: string, ...argv: string[]) {
  return runCli(['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', ...argv], { cwd });
}

describe('posguard audit --out', () => {
  it('a path ending in / is a directory, created, that receives posguard-audit.<ext>', async () => {
    const dir = tmp();
    const run = await audit(dir, '--format', 'json', '--out', 'reports/');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    expect(statSync(join(dir, 'reports')).isDirectory()).toBe(true);
    const written = join('reports', 'posguard-audit.json');
    expect(JSON.parse(readFileSync(join(dir, written), 'utf8')).summary.overchargeFen).toBe(99);
    expect(run.stdout).toBe(`${HEADLINE}\n报告已写入 ${written}\n`);
  });

  it('an existing directory receives posguard-audit.<ext>, .txt for the table', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'existing'));
    for (const [format, ext] of [
      ['table', 'txt'],
      ['csv', 'csv'],
      ['html', 'html'],
    ] as const) {
      const run = await audit(dir, '--format', format, '--out', 'existing', '--lang', 'en');
      expect(run.stderr).toBe('');
      const written = join('existing', `posguard-audit.${ext}`);
      expect(run.stdout).toContain(`report written to ${written}\n`);
      expect(statSync(join(dir, written)).size).toBeGreaterThan(0);
    }
    expect(readFileSync(join(dir, 'existing', 'posguard-audit.txt'), 'utf8').split('\n')[0]).toBe(
      'Overcharged ¥0.99 in total on 1 transaction(s)',
    );
  });

  it('creates the missing parent directories of a file', async () => {
    const dir = tmp();
    const run = await audit(dir, '--format', 'csv', '--out', join('missing', 'sub', 'r.csv'));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    expect(readFileSync(join(dir, 'missing', 'sub', 'r.csv'), 'utf8')).toContain('0.99');
    expect(run.stdout).toBe(`${HEADLINE}\n报告已写入 ${join('missing', 'sub', 'r.csv')}\n`);
  });

  it('refuses, before auditing, a path under a file', async () => {
    const dir = tmp();
    // An unreadable statement would fail the audit: the --out error coming first proves it was checked first.
    const run = await runCli(['audit', '--settlement', 'nope.csv', '--out', join('plan.yaml', 'r.csv')], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `posguard: 无法写入 ${join('plan.yaml', 'r.csv')}：${join(dir, 'plan.yaml')} 不是目录\n`,
    );
  });

  it('never writes the report over one of its inputs', async () => {
    const dir = tmp();
    const run = await audit(dir, '--out', 's.csv');
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('posguard: --out s.csv 是输入文件 s.csv，不能覆盖\n');
    expect(readFileSync(join(dir, 's.csv'), 'utf8')).toBe(STATEMENT);
    expect(existsSync(join(dir, 'posguard-audit.txt'))).toBe(false);
  });
});
