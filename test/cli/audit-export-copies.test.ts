import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from './audit-fixtures.js';

// A merchant downloads the month from the provider's portal and a week from its app: two layouts of one
// statement that overlap. The sale both show is one sale, settled and paid once. It was counted twice in its
// settlement day's payout — "结算净额 ¥994.00，银行实际入账 ¥497.00，少 ¥497.00", a loss the complaint letter would
// claim — and where the app writes 参考号 without the portal's leading zeros it was a duplicate settlement too.

const tmp = tmpDirs('posguard-cli-export-copies-');

const PLAN = `merchantId: "822000000000012"
provider: 某某支付
settlement: T1
periods:
  - from: 2026-09-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;

const PORTAL = [
  '某某支付有限公司商户结算明细',
  '商户号：822000000000012  结算日期：2026-10-13 至 2026-10-14',
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  '2026-10-12 09:00:00,2026-10-13,822000000000012,10000012,000001200001,622588******0001,贷记卡,刷卡,消费,1000.00,6.00,994.00',
  '2026-10-12 10:00:00,2026-10-13,822000000000012,10000012,000001200002,622588******0002,贷记卡,刷卡,消费,2000.00,12.00,1988.00',
  '2026-10-13 10:00:00,2026-10-14,822000000000012,10000012,000001200003,622588******0003,贷记卡,刷卡,消费,500.00,3.00,497.00',
];

/** The app's export of 10-13 … 10-14: another layout, 参考号 as written by `ref`. */
const app = (ref: (n: string) => string) => [
  '交易日期,交易时间,清算日期,商户编号,终端编号,检索参考号,交易卡号,卡类别,交易方式,业务类型,金额,商户手续费,入账金额',
  `20261013,100000,20261014,822000000000012,10000012,${ref('000001200003')},6225********0003,贷记卡,刷卡,消费,500.00,3.00,497.00`,
  `20261014,110000,20261015,822000000000012,10000012,${ref('000001200004')},6225********0004,贷记卡,刷卡,消费,800.00,4.80,795.20`,
];

// What arrived: each day's payout once.
const BANK = [
  '交易日期,交易时间,收入金额,支出金额,对方户名,摘要',
  '2026-10-13,09:10:00,2982.00,,某某支付有限公司,结算款',
  '2026-10-14,09:10:00,497.00,,某某支付有限公司,结算款',
  '2026-10-15,09:10:00,795.20,,某某支付有限公司,结算款',
];

async function auditOverlap(ref: (n: string) => string): Promise<AuditReport> {
  const dir = tmp();
  writeFileSync(join(dir, 'portal.csv'), iconv.encode(PORTAL.join('\r\n'), 'gbk'));
  writeFileSync(join(dir, 'app.csv'), `${app(ref).join('\n')}\n`);
  writeFileSync(join(dir, 'bank.csv'), `${BANK.join('\n')}\n`);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  const run = await runCli(
    [
      'audit',
      '--settlement',
      'portal.csv',
      'app.csv',
      '--bank',
      'bank.csv',
      '--plan',
      'plan.yaml',
      '--format',
      'json',
    ],
    { cwd: dir },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

describe('posguard audit of two overlapping exports of one statement in different layouts', () => {
  it('counts the sale both show once in its day’s payout: nothing is short', async () => {
    const report = await auditOverlap((n) => n);
    expect(report.findings.map((f) => [f.kind, f.lossFen])).toEqual([]);
    expect(report.summary.lossFen).toBe(0);
    // 2 + 1 lines from the portal, 1 more from the app: the shared line counts once.
    expect(report.summary.settlementRecords).toBe(4);
    expect(report.warnings).toEqual([
      'portal.csv 与 app.csv 有相同的记录，只是两份导出的列不同（疑似同一对账单导出两次），每笔只计一次 / ' +
        'portal.csv and app.csv hold the same lines in exports with different columns (one statement exported twice?); each counted once',
    ]);
  });

  it('knows the line when the app writes the 参考号 without the leading zeros', async () => {
    const report = await auditOverlap((n) => n.replace(/^0+/, ''));
    expect(report.findings.map((f) => [f.kind, f.lossFen])).toEqual([]);
    expect(report.summary.findingsByKind.duplicate_settlement).toBe(0);
    expect(report.summary.lossFen).toBe(0);
    expect(report.summary.settlementRecords).toBe(4);
    expect(report.warnings).toHaveLength(1);
  });
});
