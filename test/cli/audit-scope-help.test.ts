import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from './audit-fixtures.js';

// QA: `--to 2026-10-20` left out a 押金退还 traded 10-20 00:30 and settled 10-21, while --help promised trade
// dates. Lines with no sale behind them (deductions, rebates, payouts) belong to the day the provider settled
// them: the behaviour stays, and --help and README say so.

const tmp = tmpDirs('posguard-cli-scope-help-');
const M = '822700000000003';

describe('--from/--to and lines without a sale', () => {
  it('are explained in --help, in both languages', async () => {
    const zh = await runCli(['audit', '--help'], { env: {} });
    expect(zh.stdout).toContain('截止交易日期 YYYY-MM-DD（含；扣款、返还、到账行按结算日）');
    const en = await runCli(['audit', '--help', '--lang', 'en'], { env: {} });
    // Commander wraps the English at 80 columns.
    expect(en.stdout.replace(/\s+/g, ' ')).toContain('deduction, rebate and payout lines by settlement date');
  });

  it('select a rebate by its settlement date and a sale by its trade date', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 's.csv'),
      [
        '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
        `2026-10-20 10:00:00,2026-10-21,${M},10000001,330000000001,贷记卡,刷卡,消费,1000.00,6.30,993.70`,
        `2026-10-20 00:30:00,2026-10-21,${M},,,,,手续费返还,0.30,0.00,0.30`,
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'plan.yaml'),
      'settlement: T1\nperiods:\n  - from: 2026-09-01\n    rates:\n      - { channel: card, card: credit, rate: 0.60% }\n',
    );
    const audit = async (to: string) => {
      const run = await runCli(
        ['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--to', to, '--format', 'json'],
        { cwd: dir, env: {} },
      );
      return JSON.parse(run.stdout) as AuditReport;
    };
    // To 10-20: the sale (traded 10-20, 30 fen over) is in, the rebate (settled 10-21) is not.
    const upTo20 = await audit('2026-10-20');
    expect([upTo20.summary.lossFen, upTo20.summary.returnedFen]).toEqual([30, 0]);
    // To 10-21: both, and the rebate makes the overcharge good.
    const upTo21 = await audit('2026-10-21');
    expect([upTo21.summary.lossFen, upTo21.summary.returnedFen, upTo21.summary.offsetFen]).toEqual([
      30, 30, 30,
    ]);
  });
});

describe('a data directory that is not there or holds no statement', () => {
  it('says the path does not exist, and by content that no file is a statement', async () => {
    const dir = tmp();
    const missing = await runCli(['audit', 'nonexistent_dir'], { cwd: dir, env: {} });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('posguard: nonexistent_dir 不存在\n');
    const en = await runCli(['audit', 'nonexistent_dir', '--lang', 'en'], { cwd: dir, env: {} });
    expect(en.stderr).toBe('posguard: nonexistent_dir does not exist\n');
    writeFileSync(join(dir, 'notes.txt'), '随便写点什么\n');
    const empty = await runCli(['audit', '.'], { cwd: dir, env: {} });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('. 中没有能识别为结算单的文件；请用 --settlement 给出');
  });
});
