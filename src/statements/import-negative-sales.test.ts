import { describe, expect, it } from 'vitest';
import { HEADER, tmpDirs, write } from '../../test/cli/audit-fixtures.js';
import type { AuditReport } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import { importFiles } from './import.js';

// A journal that writes a refund as 消费 with a negative amount: read as a sale, its missing settlement counted a
// loss of −¥50.19 and lowered the merchant's total. A sale with a negative amount took money back: a refund, said.

const MERCHANT = '822000000000088';
const JOURNAL_HEADER = '交易时间,商户号,终端号,参考号,支付方式,用户标识,交易类型,交易状态,交易金额';
const journal = [
  JOURNAL_HEADER,
  `2026-10-05 09:00:00,${MERCHANT},74826033,999999999001,微信,oXYZ,消费,成功,200.00`,
  `2026-10-05 10:00:00,${MERCHANT},74826033,999999999002,微信,oXYZ,消费,成功,-50.00`,
  '',
].join('\n');
// The statement settles the ¥200.00 sale on 10-06 (0.38%: 0.76) and nothing else.
const statement = [
  HEADER,
  `2026-10-05 09:00:00,2026-10-06,${MERCHANT},74826033,999999999001,,微信,消费,200.00,0.76,199.24`,
  '',
].join('\n');
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: wechat, rate: 0.38% }',
  '',
].join('\n');

const dirs = tmpDirs('posguard-negative-sale-');

describe('a sale written with a negative amount', () => {
  it('is imported as a refund of that amount, with a warning naming the row', async () => {
    const result = await importFiles([{ name: 't.csv', bytes: new TextEncoder().encode(journal) }], {
      kind: 'terminal',
    });
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.source.row, r.type, r.amountFen])).toEqual([
      [2, 'sale', 20_000],
      [3, 'refund', -5_000],
    ]);
    expect(result.warnings.filter((w) => w.code === 'type.negative-sale').map((w) => w.message)).toEqual([
      't.csv 有 1 行交易类型为“消费”但金额为负（如第 3 行），已按退货处理',
    ]);
  });

  it('is no missing settlement and never a negative loss in the audit', async () => {
    const dir = dirs();
    write(dir, 't.csv', journal);
    write(dir, 's.csv', statement);
    write(dir, 'plan.yaml', PLAN);
    const run = await runCli(
      ['audit', '--terminal', 't.csv', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'json'],
      { cwd: dir, env: {} },
    );
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.findings.every((f) => (f.lossFen ?? 0) >= 0)).toBe(true);
    expect(report.findings.filter((f) => f.kind === 'missing_settlement')).toEqual([]);
    expect(report.summary.lossFen).toBeGreaterThanOrEqual(0);
  });
});
