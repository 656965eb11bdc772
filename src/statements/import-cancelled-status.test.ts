import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDirs } from '../../test/cli/audit-fixtures.js';
import type { AuditReport } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import { importFiles } from './import.js';
import { ValueMap } from './value-map.js';

// 已取消 was always read as an order never paid. Before payment it is (a cashier's order the customer left), but a
// card sale with a 参考号 or a fee was authorised and paid: cancelled afterwards, it is a void (DOMAIN.md §4.2).

const MERCHANT = '822841054119608';
const bytes = (lines: readonly string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const JOURNAL = bytes([
  '交易时间,商户号,终端号,参考号,凭证号,支付方式,卡类型,交易类型,交易状态,交易金额',
  `2026-10-13 09:00:00,${MERCHANT},50054321,628300000001,000001,刷卡,贷记卡,消费,成功,1000.00`,
  // Authorised (参考号 628300000002) and cancelled after: a void.
  `2026-10-13 09:10:00,${MERCHANT},50054321,628300000002,000002,刷卡,贷记卡,消费,已取消,500.00`,
  // Cancelled before any authorisation: no 参考号, never paid.
  `2026-10-13 09:20:00,${MERCHANT},50054321,,,刷卡,贷记卡,消费,已取消,80.00`,
]);
// The statement still settles the cancelled sale, with no void line: fee 500.00 × 0.55% = 2.75.
const SETTLEMENT = bytes([
  '交易时间,结算日期,商户号,终端号,参考号,凭证号,支付方式,卡类型,交易类型,交易金额,手续费,结算金额',
  `2026-10-13 09:00:00,2026-10-14,${MERCHANT},50054321,628300000001,000001,刷卡,贷记卡,消费,1000.00,5.50,994.50`,
  `2026-10-13 09:10:00,2026-10-14,${MERCHANT},50054321,628300000002,000002,刷卡,贷记卡,消费,500.00,2.75,497.25`,
]);
const PLAN = `merchantId: "${MERCHANT}"\nsettlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.55% }\n`;

describe('已取消: never paid, or paid and voided', () => {
  it('reads a cancelled sale with a 参考号 as voided, one without as failed', async () => {
    const result = await importFiles([{ name: 'journal.csv', bytes: JOURNAL }], { kind: 'terminal' });
    expect(result.records.map((r) => [r.refNo, r.status, r.amountFen])).toEqual([
      ['628300000001', 'success', 100000],
      ['628300000002', 'voided', 50000],
      [undefined, 'failed', 8000],
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
  });

  it('reads a cancelled statement sale that carries a fee as voided', async () => {
    const file = bytes([
      '交易时间,商户号,订单号,支付方式,交易类型,交易状态,交易金额,手续费',
      `2026-10-13 09:00:00,${MERCHANT},O1,微信,消费,已取消,100.00,0.38`,
      `2026-10-13 09:01:00,${MERCHANT},O2,微信,消费,已取消,100.00,0.00`,
      // A refund cancelled did not happen, whatever it carries.
      `2026-10-13 09:02:00,${MERCHANT},O3,微信,退款,已取消,-100.00,-0.38`,
    ]);
    const result = await importFiles([{ name: 's.csv', bytes: file }], { kind: 'settlement' });
    expect(result.records.map((r) => [r.orderNo, r.type, r.status])).toEqual([
      ['O1', 'sale', 'voided'],
      ['O2', 'sale', 'failed'],
      ['O3', 'refund', 'failed'],
    ]);
  });

  it('audits the paid-then-cancelled sale the statement still settled: void_settled, its fee 275 lost', async () => {
    const dir = tmpDirs('posguard-cancelled-')();
    writeFileSync(join(dir, 'journal.csv'), JOURNAL);
    writeFileSync(join(dir, 's.csv'), SETTLEMENT);
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    const run = await runCli(
      [
        'audit',
        '--terminal',
        'journal.csv',
        '--settlement',
        's.csv',
        '--plan',
        'plan.yaml',
        '--format',
        'json',
      ],
      { cwd: dir, env: {} },
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.findings.map((f) => [f.kind, f.amountFen, f.lossFen])).toEqual([
      ['void_settled', 50000, 275],
    ]);
    expect(report.summary.lossFen).toBe(275);
  });

  it('lets a preset map a status to voided (a provider whose 已取消 is always a void)', () => {
    expect(ValueMap.invalidValues('status', { 已取消: 'voided', 已冲正: 'reversed' })).toEqual([]);
    expect(new ValueMap('status', { 已取消: 'voided' }).lookup('已取消')).toBe('voided');
    expect(new ValueMap('status', undefined).lookup('已取消')).toBe('failed');
  });
});
