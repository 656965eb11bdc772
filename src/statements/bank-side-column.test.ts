import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDirs } from '../../test/cli/audit-fixtures.js';
import type { AuditReport } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import { importFiles } from './import.js';

// A bank export with ONE amount column says whether a line is money in or out in a column of its own. Read as
// credits, a debit (支 30.00 流量卡续费) fills up a short payout: 10-14's settlement of ¥497.00 came as ¥467.00.
const MERCHANT = '823400000000001';
const bank = (side: string, [credit, debit]: [string, string] = ['收', '支']) =>
  [
    `交易日期,交易时间,${side},金额,余额,对方户名,摘要`,
    `2026-10-13,09:00:00,${credit},994.00,10994.00,XX支付有限公司,T1结算款`,
    `2026-10-14,09:00:00,${credit},467.00,11461.00,XX支付有限公司,T1结算款`,
    `2026-10-14,11:00:00,${debit},30.00,11431.00,XX支付有限公司,流量卡续费`,
    '',
  ].join('\n');
const SETTLEMENT = [
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-10-12 10:00:00,2026-10-13,${MERCHANT},34000001,340000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2026-10-13 10:00:00,2026-10-14,${MERCHANT},34000001,340000000002,贷记卡,刷卡,消费,500.00,3.00,497.00`,
  '',
].join('\n');
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'provider: XX支付',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');

const utf8 = (text: string) => new TextEncoder().encode(text);
const dirs = tmpDirs('posguard-bank-side-');

async function audit(bankCsv: string): Promise<{ exitCode: number; report: AuditReport }> {
  const dir = dirs();
  writeFileSync(join(dir, 's.csv'), SETTLEMENT);
  writeFileSync(join(dir, 'b.csv'), bankCsv);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  const run = await runCli(
    ['audit', '--settlement', 's.csv', '--bank', 'b.csv', '--plan', 'plan.yaml', '--format', 'json'],
    { cwd: dir, env: {} },
  );
  expect(run.stderr).toBe('');
  return { exitCode: run.exitCode, report: JSON.parse(run.stdout) as AuditReport };
}

describe('a bank export whose side is in a 收/支 column', () => {
  it('reports the ¥30.00 short payout of 10-14 instead of reading the debit as a payout', async () => {
    const { exitCode, report } = await audit(bank('收/支'));
    // 10-14: settled 497.00 (500.00 − 3.00), bank credits 467.00; the 30.00 line is a debit: short 3000 fen.
    // The debit itself is the provider's 流量卡续费 taken from the account, which the plan does not agree: 3000 more.
    expect(report.findings.map((f) => [f.kind, f.lossFen])).toEqual([
      ['payout_mismatch', 3000],
      ['unplanned_deduction', 3000],
    ]);
    expect(report.summary.lossFen).toBe(6000);
    expect(exitCode).toBe(1);
  });

  it.each([
    ['收/支', '收', '支'],
    ['收支方向', '收入', '支出'],
    ['借/贷', '贷', '借'],
    ['交易方向', '进账', '出账'],
    ['收付标志', '收', '支'],
    ['借贷', '贷方', '借方'],
    ['借贷标志', '贷', '借'],
  ])('reads a %s column (%s / %s) as the side: the debit is no payout', async (side, credit, debit) => {
    const result = await importFiles([{ name: 'b.csv', bytes: utf8(bank(side, [credit, debit])) }]);
    expect(result.files[0]?.columns.direction).toBe(side);
    expect(result.rejected).toEqual([]);
    // The provider's 流量卡续费 taken from the account is kept as a charge (money out), never a credit.
    expect(result.records.map((r) => [r.type, r.amountFen])).toEqual([
      ['payout', 99400],
      ['payout', 46700],
      ['deduction', -3000],
    ]);
    expect(result.warnings.map((w) => w.code)).not.toContain('value.unknown');
  });
});

describe('a bank export whose side column no alias names', () => {
  it('warns, naming the column, that its outgoing lines were read as credits', async () => {
    const result = await importFiles([{ name: 'b.csv', bytes: utf8(bank('方向标记')) }]);
    expect(result.records.map((r) => r.amountFen)).toEqual([99400, 46700, 3000]);
    const warned = result.warnings.filter((w) => w.code === 'bank.side-column');
    expect(warned.map((w) => w.message)).toEqual([
      '“方向标记”列写的是收支方向（收/支、借/贷），但未被识别为收支方向列：其中 1 笔“支”（支出）被当作入账导入，到账核对可能不准。请用 --mapping 把该列映射为 direction（columns: { direction: "方向标记" }）',
    ]);
    expect(warned.map((w) => w.messageEn)).toEqual([
      'column "方向标记" gives each line\'s side (收/支, 借/贷) but was not recognised as a direction column: 1 outgoing line ("支") was imported as credits, so the payout check may be wrong. Map the column to direction with --mapping (columns: { direction: "方向标记" })',
    ]);
  });

  it('stays quiet for a column of other values, or one that only says 收', async () => {
    const other = bank('方向标记', ['收', '手工']);
    const onlyIn = bank('方向标记', ['收', '收']);
    for (const text of [other, onlyIn]) {
      const result = await importFiles([{ name: 'b.csv', bytes: utf8(text) }]);
      expect(result.warnings.filter((w) => w.code === 'bank.side-column')).toEqual([]);
    }
  });
});
