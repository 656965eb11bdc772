import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs, write } from './audit-fixtures.js';

/**
 * A refund whose statement (and journal) has no 原参考号 column: `posguard audit` links it to the one earlier sale
 * of its terminal and card that can be it, and checks the fee it returned (QA: it said nothing before). Each audit
 * runs in memory and through the spool (POSGUARD_SPOOL_RECORDS=1).
 */
const dirs = tmpDirs('posguard-refund-unlinked-');

const M = '822100058120020';
const plan = (refundFee: string) => `merchantId: "${M}"
settlement: T1
refundFee: ${refundFee}
periods:
  - from: 2026-10-01
    rates:
      - { channel: card, card: credit, rate: 0.60% }
`;
const HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const row = (time: string, settle: string, ref: string, type: string, money: string, card = '4444') =>
  `${time},${settle},${M},70010020,${ref},622588******${card},贷记卡,刷卡,${type},${money}`;
// 1,000.00 at 0.60 % = 6.00, as charged.
const SALE = row('2026-11-06 15:00:00', '2026-11-09', '631002000007', '消费', '1000.00,6.00,994.00');
const refund = (fee: string, settled: string) =>
  row('2026-11-09 16:00:00', '2026-11-10', '631002000008', '退货', `-400.00,${fee},${settled}`);

const MODES = [{}, { POSGUARD_SPOOL_RECORDS: '1' }];

async function audit(
  files: Record<string, string[]>,
  args: string[],
  env: Record<string, string>,
  refundFee = 'proportional',
): Promise<{ exitCode: number; report: AuditReport }> {
  const dir = dirs();
  write(dir, 'plan.yaml', plan(refundFee));
  for (const [name, lines] of Object.entries(files)) write(dir, name, `${lines.join('\n')}\n`);
  const run = await runCli(['audit', ...args, '--plan', 'plan.yaml', '--format', 'json'], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  expect(run.stderr).toBe('');
  return { exitCode: run.exitCode, report: JSON.parse(run.stdout) as AuditReport };
}
const refundFindings = (report: AuditReport) =>
  report.findings
    .filter((f) => f.kind === 'refund_fee_mismatch')
    .map((f) => [
      f.refNo,
      f.expectedFeeFen,
      f.chargedFeeFen,
      f.lossFen,
      f.source.map((s) => `${s.file}:${s.row}`),
    ]);

describe('a refund with no 原参考号 column', () => {
  it('is checked against its sale: 2.40 due back, 1.00 returned, 1.40 lost (the QA statement)', async () => {
    for (const env of MODES) {
      const { exitCode, report } = await audit(
        { 's.csv': [HEADER, SALE, refund('-1.00', '-399.00')] },
        ['--settlement', 's.csv'],
        env,
      );
      // Proportional: 6.00 × 400 ÷ 1000 = 2.40 due back; −1.00 returned: 240 − 100 = 140 fen short.
      expect(refundFindings(report)).toEqual([['631002000008', -240, -100, 140, ['s.csv:2', 's.csv:3']]]);
      expect(report.summary.lossFen).toBe(140);
      expect(exitCode).toBe(1);
      expect(report.findings[0]?.message).toContain('应退 ¥2.40，实退 ¥1.00，少退 ¥1.40');
    }
  });

  it('loses the whole 2.40 when the refund returned no fee', async () => {
    for (const env of MODES) {
      const { exitCode, report } = await audit(
        { 's.csv': [HEADER, SALE, refund('0.00', '-400.00')] },
        ['--settlement', 's.csv'],
        env,
      );
      // 240 fen due back, 0 returned.
      expect(refundFindings(report)).toEqual([['631002000008', -240, 0, 240, ['s.csv:2', 's.csv:3']]]);
      expect(report.summary.lossFen).toBe(240);
      expect(exitCode).toBe(1);
    }
  });

  it('is checked the same with a journal that has no 原参考号 either', async () => {
    const JOURNAL = '交易时间,终端号,批次号,凭证号,参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额';
    const journalRow = (time: string, voucher: string, ref: string, type: string, amount: string) =>
      `${time},70010020,000002,${voucher},${ref},622588******4444,贷记卡,刷卡,${type},成功,${amount}`;
    for (const env of MODES) {
      const { report } = await audit(
        {
          's.csv': [HEADER, SALE, refund('-1.00', '-399.00')],
          'j.csv': [
            JOURNAL,
            journalRow('2026-11-06 15:00:00', '000007', '631002000007', '消费', '1000.00'),
            journalRow('2026-11-09 16:00:00', '000008', '631002000008', '退货', '400.00'),
          ],
        },
        ['--settlement', 's.csv', '--terminal', 'j.csv'],
        env,
      );
      // The same 240 − 100 = 140 fen; the journal's lines pair with the statement's, nothing else is found.
      expect(refundFindings(report)).toEqual([['631002000008', -240, -100, 140, ['s.csv:2', 's.csv:3']]]);
      expect(report.summary.lossFen).toBe(140);
      expect(report.summary.matched).toBe(2);
    }
  });

  it('without its sale, is priced from its own line: 400.00 × 0.60 % = 2.40 due, 1.00 returned, 1.40 lost', async () => {
    for (const env of MODES) {
      const { exitCode, report } = await audit(
        { 's.csv': [HEADER, refund('-1.00', '-399.00')] },
        ['--settlement', 's.csv'],
        env,
      );
      expect(refundFindings(report)).toEqual([['631002000008', -240, -100, 140, ['s.csv:2']]]);
      expect(report.findings[0]?.message).toContain('原交易未找到（所给文件中没有），按退货本身计');
      expect(exitCode).toBe(1);
    }
  });

  it('with two sales that could be it: lists it as ambiguous and prices its own line', async () => {
    const earlier = row('2026-11-05 15:00:00', '2026-11-06', '631002000006', '消费', '800.00,4.80,795.20');
    for (const env of MODES) {
      const { report } = await audit(
        { 's.csv': [HEADER, earlier, SALE, refund('-1.00', '-399.00')] },
        ['--settlement', 's.csv'],
        env,
      );
      // Either 800.00 or 1,000.00 could have 400.00 refunded: none is guessed. Own line: 240 − 100 = 140 fen.
      expect(refundFindings(report)).toEqual([['631002000008', -240, -100, 140, ['s.csv:4']]]);
      expect(report.ambiguous.map((a) => a.source.map((s) => s.row))).toEqual([[4, 3, 2]]);
    }
  });

  it('without its sale, under refundFee full: a warning names its file and row', async () => {
    for (const env of MODES) {
      const { exitCode, report } = await audit(
        { 's.csv': [HEADER, refund('-1.00', '-399.00')] },
        ['--settlement', 's.csv'],
        env,
        'full',
      );
      expect(refundFindings(report)).toEqual([]);
      expect(exitCode).toBe(0);
      expect(report.warnings).toContain(
        `商户 ${M} 的对账单中有 1 笔退货找不到原交易（不在所给文件中，或有几笔消费都可能是它），方案约定全额退还手续费，应退的是原交易的全部手续费，未核对其退还的手续费：s.csv 第 2 行 / ` +
          `merchant ${M}: 1 refund line(s) whose sale was not found (not in the files given, or several sales could be it): under refundFee full what is due back is the sale’s whole fee, so the fee they returned was not checked: s.csv row 2`,
      );
    }
  });
});
