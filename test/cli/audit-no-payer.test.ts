import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs, write } from './audit-fixtures.js';

// `posguard audit DIR` on WeChat sales without 参考号 or order number: the journal gives 用户标识, the generic
// statement layout has no payer column. The last key (terminal + amount + payer within five minutes) found
// nothing, and each sale was reported both missing and unexpected.

const tmp = tmpDirs('posguard-cli-audit-no-payer-');

const PLAN = [
  'merchantId: "822000000000001"',
  'provider: 测试支付有限公司',
  'rounding: half-up',
  'tolerance: 0.01',
  'settlement: T1',
  'periods:',
  '  - from: 2026-11-01',
  '    rates:',
  '      - { channel: [wechat, alipay], rate: 0.38% }',
  '',
].join('\n');

const JOURNAL_HEADER =
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注';
const journalLine = (time: string, payer: string, amount: string) =>
  `2026-11-02 ${time},822000000000001,10000001,000001,,,,,,微信,${payer},消费,成功,${amount},,,,`;

const STATEMENT_HEADER =
  '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注';
const statementLine = (time: string, amount: string, fee: string, net: string) =>
  `2026-11-02 ${time},2026-11-03,822000000000001,10000001,000001,,,,,,微信,消费,${amount},${fee},${net},,`;

// 5000 × 0.38% = 19 fen; 8000 × 0.38% = 30.4 → 30 fen.
const STATEMENT = [
  STATEMENT_HEADER,
  statementLine('10:00:00', '50.00', '0.19', '49.81'),
  statementLine('10:03:00', '50.00', '0.19', '49.81'),
  statementLine('11:00:00', '80.00', '0.30', '79.70'),
].join('\n');

async function auditShop(payers: readonly string[], statement = STATEMENT): Promise<AuditReport> {
  const dir = tmp();
  write(dir, 'plan.yaml', PLAN);
  write(
    dir,
    'terminal.csv',
    [
      JOURNAL_HEADER,
      journalLine('10:00:00', payers[0] ?? '', '50.00'),
      journalLine('10:03:00', payers[1] ?? '', '50.00'),
      journalLine('11:00:00', payers[2] ?? '', '80.00'),
      journalLine('11:00:20', payers[3] ?? '', '80.00'),
    ].join('\n'),
  );
  write(dir, 'settlement.csv', statement);
  const run = await runCli(['audit', '.', '--format', 'json'], { cwd: dir, env: {} });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(1);
  return JSON.parse(run.stdout) as AuditReport;
}

const found = (report: AuditReport) =>
  report.findings.map((f) => ({ kind: f.kind, time: f.time, lossFen: f.lossFen, source: f.source }));

describe('posguard audit: WeChat sales matched without a payer on one side', () => {
  it('matches the two ¥50 sales and one ¥80 sale; the other ¥80 sale is missing: 8000 − 30 = 7,970 fen', async () => {
    for (const payers of [['oPAYER1', 'oPAYER1', 'oPAYER2', 'oPAYER3'], []]) {
      const report = await auditShop(payers);
      expect(found(report)).toEqual([
        {
          kind: 'missing_settlement',
          time: '2026-11-02T11:00:20+08:00',
          lossFen: 7970,
          source: [{ file: 'terminal.csv', row: 5 }],
        },
      ]);
      expect(report.summary).toMatchObject({
        terminalRecords: 4,
        settlementRecords: 3,
        matched: 3,
        lossFen: 7970,
      });
      expect(report.ambiguous).toEqual([]);
    }
  });

  it('does not match a sale to a statement line that names another payer', async () => {
    const statement = [
      `${STATEMENT_HEADER},用户标识`,
      `${statementLine('10:00:00', '50.00', '0.19', '49.81')},oOTHER`,
    ].join('\n');
    const report = await auditShop(['oPAYER1', 'oPAYER1', 'oPAYER2', 'oPAYER3'], statement);
    // The journal's four sales are not settled (¥50: 5000 − 19 = 4,981; ¥80: 7,970 each), and the
    // statement's line is someone else's sale: 4981 × 2 + 7970 × 2 = 25,902 fen.
    expect(found(report).map((f) => [f.kind, f.time, f.lossFen])).toEqual([
      ['missing_settlement', '2026-11-02T10:00:00+08:00', 4981],
      ['unexpected_settlement', '2026-11-02T10:00:00+08:00', 0],
      ['missing_settlement', '2026-11-02T10:03:00+08:00', 4981],
      ['missing_settlement', '2026-11-02T11:00:00+08:00', 7970],
      ['missing_settlement', '2026-11-02T11:00:20+08:00', 7970],
    ]);
    expect(report.summary).toMatchObject({ matched: 0, lossFen: 25902 });
  });
});
