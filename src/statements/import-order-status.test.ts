import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import { tmpDirs } from '../../test/cli/audit-fixtures.js';
import { importFiles } from './import.js';

// A cashier's order export: orders closed, cancelled or timed out before the customer paid are listed beside the
// paid ones, their state in 订单状态 (or 支付状态, 交易状态). Only the paid ones settle.
const MERCHANT = '822841054119608';
const bytes = (lines: readonly string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const journal = (statusHeader: string) =>
  bytes([
    '收银系统订单流水',
    `下单时间,订单号,支付方式,交易类型,${statusHeader},订单金额`,
    '2026-10-13 09:00:00,O1,微信,消费,支付成功,100.00',
    '2026-10-13 09:01:00,O2,微信,消费,交易关闭,250.00',
    '2026-10-13 09:02:00,O3,支付宝,消费,订单关闭,300.00',
    '2026-10-13 09:03:00,O4,支付宝,消费,已取消,80.00',
    '2026-10-13 09:04:00,O5,微信,消费,超时关闭,60.00',
    '2026-10-13 09:05:00,O6,微信,消费,待支付,70.00',
    '2026-10-13 09:06:00,O7,微信,消费,支付成功,40.00',
  ]);
const SETTLEMENT = bytes([
  '交易时间,结算日期,商户号,订单号,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-10-13 09:00:00,2026-10-14,${MERCHANT},O1,微信,消费,100.00,0.38,99.62`,
]);
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'rounding: half-up',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: [wechat, alipay], rate: 0.38% }',
  '',
].join('\n');

describe('a cashier export whose orders were never paid', () => {
  for (const header of ['订单状态', '支付状态', '交易状态']) {
    it(`reads ${header} as the status: closed, cancelled and timed-out orders failed, an unpaid one pending`, async () => {
      const result = await importFiles([{ name: 'orders.csv', bytes: journal(header) }], {
        kind: 'terminal',
      });
      expect(result.files[0]?.columns.status).toBe(header);
      expect(result.records.map((r) => [r.orderNo, r.status, r.amountFen])).toEqual([
        ['O1', 'success', 10000],
        ['O2', 'failed', 25000],
        ['O3', 'failed', 30000],
        ['O4', 'failed', 8000],
        ['O5', 'failed', 6000],
        ['O6', 'pending', 7000],
        ['O7', 'success', 4000],
      ]);
      expect(result.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
    });
  }

  it('audits only the paid orders: no loss for the unpaid ones, the paid unsettled one still missing', async () => {
    const dir = tmpDirs('posguard-order-status-')();
    writeFileSync(join(dir, 'orders.csv'), journal('订单状态'));
    writeFileSync(join(dir, 's.csv'), SETTLEMENT);
    writeFileSync(join(dir, 'plan.yaml'), PLAN);
    const run = await runCli(
      [
        'audit',
        '--settlement',
        's.csv',
        '--terminal',
        'orders.csv',
        '--plan',
        'plan.yaml',
        '--format',
        'json',
      ],
      { cwd: dir, env: {} },
    );
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.summary.matched).toBe(1);
    // O7 paid ¥40.00 and never settled: ¥40.00 less its ¥0.15 fee (0.38%, half-up) is lost. The WeChat orders
    // closed, timed out or unpaid (O2 ¥250.00, O5 ¥60.00, O6 ¥70.00) are not.
    expect(report.findings.map((f) => [f.kind, f.amountFen, f.lossFen])).toEqual([
      ['missing_settlement', 4000, 3985],
    ]);
    expect(report.summary.lossFen).toBe(3985);
  });
});
