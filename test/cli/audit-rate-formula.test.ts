import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';

const M = '822584053110001';
const PLAN = [
  `merchantId: "${M}"`,
  'settlement: T1',
  'periods:',
  '  - from: 2026-01-01',
  '    rates:',
  '      - { channel: card, card: debit, rate: 0.55%, cap: 20 }',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');

// A settlement statement whose 费率 cell spells out the formula the provider charged: the 跳点 line of DOMAIN.md §5,
// a ¥30,580.00 sale charged ¥917.34 (2.99% + ¥3) against a 0.60% contract.
const STATEMENT = [
  '乐刷科技商户结算明细（T1）',
  `商户号：${M}  商户名称：老王烧烤  结算日期：2026-12-08`,
  '',
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注',
  `2026-12-07 08:05:11,2026-12-08,${M},LS000123,\`634108000001,622588******7898,贷记卡,刷卡,消费,"10,000.00",60.00,"9,940.00",0.60%,`,
  `2026-12-07 09:30:00,2026-12-08,${M},LS000123,\`634108000004,622588******3333,贷记卡,刷卡,消费,"30,580.00",917.34,"29,662.66",2.99%+3,`,
  `2026-12-07 09:40:00,2026-12-08,${M},LS000123,\`634108000005,621700******2222,借记卡,刷卡,消费,"8,000.00",20.00,"7,980.00",0.55%封顶20,`,
  '合计,,,,,,,,,"48,580.00",997.34,"47,582.66",,',
].join('\r\n');

const dirs: string[] = [];
function statementDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-cli-rate-formula-'));
  dirs.push(dir);
  writeFileSync(join(dir, '结算明细_20261208.csv'), iconv.encode(STATEMENT, 'gbk'));
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a statement whose 费率 cell holds a formula', () => {
  it('imports the formula row instead of rejecting it', async () => {
    const run = await runCli(['import', '结算明细_20261208.csv'], { cwd: statementDir(), env: {} });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('✗');
    expect(run.stdout).toContain('读入: 3   拒绝: 0');
  });

  it('finds the 跳点 on that row: ¥917.34 charged where 0.60% is ¥183.48', async () => {
    const dir = statementDir();
    const run = await runCli(
      ['audit', '--settlement', '结算明细_20261208.csv', '--plan', 'plan.yaml', '--format', 'json'],
      { cwd: dir, env: {} },
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.findings.map((f) => [f.kind, f.refNo, f.expectedFeeFen, f.chargedFeeFen])).toEqual([
      ['fee_overcharge', '634108000004', 18_348, 91_734],
    ]);
  });
});
