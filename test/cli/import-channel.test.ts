import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';

const M = '822584053110001';
// Rules that name channels, as an agent's plan does: a record with channel unknown matches none of them.
const PLAN = [
  `merchantId: "${M}"`,
  'settlement: T1',
  'periods:',
  '  - from: 2026-01-01',
  '    rates:',
  '      - { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }',
  '      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }',
  '',
].join('\n');

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-cli-channel-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function audit(dir: string, args: string[]): Promise<AuditReport> {
  const run = await runCli(['audit', ...args, '--plan', 'plan.yaml', '--format', 'json'], {
    cwd: dir,
    env: {},
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

describe('posguard audit: a statement without a channel column', () => {
  it('checks the fees of card rows against a plan whose rules name channels, instead of finding no_rule', async () => {
    const dir = tmp();
    // 2026-11-02 is a Monday, settled T1 on 11-03. ¥1,000.00 × 0.60% = ¥6.00 due, ¥6.30 charged (0.63%);
    // ¥5,000.00 debit × 0.55% = ¥27.50, capped at ¥20.00.
    const text = [
      '拉卡拉代理商交易结算明细',
      '商户号,终端号,交易时间,结算日期,交易类型,卡号,卡类型,交易金额(元),手续费(元),结算金额(元),参考号',
      `="${M}",="T001001",2026-11-02 09:00:00,2026-11-03,消费,622588******1234,贷记卡,"1,000.00",6.30,993.70,="100000000001"`,
      `="${M}",="T001001",2026-11-02 10:00:00,2026-11-03,消费,621226*********4882,借记卡,"5,000.00",20.00,"4,980.00",="100000000002"`,
      '合计,,,,,,,"6,000.00",26.30,"5,973.70",',
    ].join('\r\n');
    writeFileSync(join(dir, 's.csv'), iconv.encode(text, 'gbk'));
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    const report = await audit(dir, ['--settlement', 's.csv']);
    expect(report.findings.map((f) => [f.kind, f.refNo, f.expectedFeeFen, f.chargedFeeFen])).toEqual([
      ['fee_overcharge', '100000000001', 600, 630],
    ]);
    expect(report.warnings.filter((w) => w.includes('推定为刷卡'))).toHaveLength(1);
  });
});

describe('posguard audit: pre-authorisation', () => {
  it('finds no missing_settlement for a hold whose completion settled', async () => {
    const dir = tmp();
    // The hold (预授权) freezes ¥500.00 on Monday; its completion for ¥480.00 on Tuesday is what settles,
    // on Wednesday. A second hold is released (预授权撤销) and never settles.
    const journal = [
      '商户号,终端号,交易时间,交易类型,交易状态,卡号,卡类型,交易金额,参考号',
      `${M},T001001,2026-11-02 09:00:00,预授权,成功,622588******1234,贷记卡,500.00,100000000011`,
      `${M},T001001,2026-11-02 09:30:00,预授权,成功,622588******5678,贷记卡,300.00,100000000012`,
      `${M},T001001,2026-11-02 15:00:00,预授权撤销,成功,622588******5678,贷记卡,300.00,100000000013`,
      `${M},T001001,2026-11-03 10:00:00,预授权完成,成功,622588******1234,贷记卡,480.00,100000000014`,
    ].join('\n');
    const statement = [
      '商户号,终端号,交易时间,结算日期,交易类型,卡号,卡类型,交易金额,手续费,结算金额,参考号',
      `${M},T001001,2026-11-03 10:00:00,2026-11-04,预授权完成,622588******1234,贷记卡,480.00,2.88,477.12,100000000014`,
    ].join('\n');
    writeFileSync(join(dir, 'journal.csv'), journal);
    writeFileSync(join(dir, 's.csv'), statement);
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    const report = await audit(dir, ['--settlement', 's.csv', '--terminal', 'journal.csv']);
    expect(report.findings).toEqual([]);
    expect(report.summary.skippedChecks ?? []).not.toContain('missing_settlement');
    expect(report.warnings.some((w) => w.includes('预授权：2 行'))).toBe(true);
  });
});
