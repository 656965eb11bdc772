import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { runBuilt, scratchBuild } from '../scratch-build.js';
import { tmpDirs, write } from './audit-fixtures.js';

// A UnionPay-style 对账单 writes 清算日期 as MMDD, and its title names the month it was issued for (清算日期:2026年11月).
// A sale of 2026-12-31 23:59:59 settled 0104 was read as settled on 2026-01-04 (the title's year), before the sale
// itself: the audit then looked for its ¥99.40 payout in January 2026, outside the bank statement, and missed that
// it never arrived on 2027-01-04. The settlement date now takes its year from the row's own trade date.
const dirs = tmpDirs('posguard-month-day-settle-year-');

const PLAN = `merchantId: "898310058129999"
settlement: T1
periods:
  - from: 2026-10-01
    rates:
      - { channel: card, card: debit, rate: 0.55%, cap: 20 }
      - { channel: card, card: credit, rate: 0.60% }
`;

/** The portal's ".xls": GBK text, tab-separated, CRLF, a title block above the header and a totals line. */
const STATEMENT = iconv.encode(
  `${[
    '银联商务股份有限公司',
    '商户对账单',
    '商户编号:898310058129999\t商户名称:晨光文具店',
    '清算日期:2026年11月',
    '',
    '交易日期\t交易时间\t清算日期\t终端号\t卡号\t卡类别\t交易类型\t交易金额\t手续费\t清算金额\t检索参考号\t凭证号',
    '20261102\t093012\t1103\t30000001\t622588******1234\t贷记卡\t消费\t1,000.00\t6.00\t994.00\t631800000001\t000001',
    '20261102\t101500\t1103\t30000001\t621700*******5678\t借记卡\t消费\t8,000.00\t44.00\t7,956.00\t631800000002\t000002',
    '20261231\t235959\t0104\t30000001\t622588******1234\t贷记卡\t消费\t100.00\t0.60\t99.40\t631800000003\t000003',
    '\t\t\t\t\t\t合计\t9,100.00\t50.60\t9,049.40\t\t',
  ].join('\r\n')}\r\n`,
  'gbk',
);

const BANK_HEAD = '交易日期,交易时间,摘要,收入金额,支出金额,余额,对方户名';
// 2026-11-03 pays both sales of 2026-11-02: 994.00 + 7,956.00 = 8,950.00.
const NOVEMBER_PAYOUT = '2026-11-03,091000,POS清算,"8,950.00",,"18,950.00",银联商务股份有限公司';
const JANUARY_PAYOUT = '2027-01-04,091000,POS清算,99.40,,"19,049.40",银联商务股份有限公司';
const TRANSFER = '2027-01-06,091000,转账,,10.00,"19,039.40",张三';

function folder(bank: string[]): string {
  const dir = dirs();
  writeFileSync(join(dir, '对账单.xls'), STATEMENT);
  write(dir, 'plan.yaml', PLAN);
  write(dir, 'bank.csv', `${[BANK_HEAD, ...bank].join('\n')}\n`);
  return dir;
}

const ARGS = [
  'audit',
  '--settlement',
  '对账单.xls',
  '--bank',
  'bank.csv',
  '--plan',
  'plan.yaml',
  '--format',
  'json',
];

async function audit(dir: string, env: Record<string, string> = {}): Promise<AuditReport> {
  const run = await runCli(ARGS, { cwd: dir, env: { ...process.env, ...env } });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(1);
  return JSON.parse(run.stdout) as AuditReport;
}

const payouts = (report: AuditReport) =>
  report.findings
    .filter((f) => f.kind === 'payout_mismatch')
    .map((f) => ({
      settleDate: f.settleDate,
      amountFen: f.amountFen,
      lossFen: f.lossFen,
      source: f.source,
      message: f.message,
    }));

// The January payout: 100.00 − 0.60 = 99.40 yuan, 9940 fen, never credited (the bank statement runs to 2027-01-06).
const MISSED = {
  settleDate: '2027-01-04',
  amountFen: 9940,
  lossFen: 9940,
  source: [{ file: '对账单.xls', row: 9 }],
  message:
    '2027-01-04 结算净额 ¥99.40（1 笔），到 2027-01-06 银行流水中没有来自收单机构的对应入账，短少 ¥99.40',
};

describe('audit of a statement whose 清算日期 has no year', () => {
  for (const [mode, env] of [
    ['in memory', {}],
    ['through the spool', { POSGUARD_SPOOL_RECORDS: '1' }],
  ] as const) {
    it(`finds the ¥99.40 January payout missing from the bank, ${mode}`, async () => {
      const report = await audit(folder([NOVEMBER_PAYOUT, TRANSFER]), env);
      expect(payouts(report)).toEqual([MISSED]);
      // The debit sale of 8,000.00 at 0.55% capped at 20.00 was charged 44.00: 2400 fen over, plus the 9940 missed.
      expect(report.summary.lossFen).toBe(2400 + 9940);
    });

    it(`finds nothing missing when the bank has the January credit, ${mode}`, async () => {
      const report = await audit(folder([NOVEMBER_PAYOUT, JANUARY_PAYOUT, TRANSFER]), env);
      expect(payouts(report)).toEqual([]);
      expect(report.summary.lossFen).toBe(2400);
    });
  }
});

describe('the built CLI on the same files', () => {
  beforeAll(async () => {
    await scratchBuild();
  }, 180_000);

  it('reports the same missing payout', async () => {
    const dir = folder([NOVEMBER_PAYOUT, TRANSFER]);
    const { stdout, stderr, exitCode } = await runBuilt(dir, ARGS);
    expect(stderr).toBe('');
    expect(exitCode).toBe(1);
    expect(payouts(JSON.parse(stdout) as AuditReport)).toEqual([MISSED]);
  }, 180_000);
});
