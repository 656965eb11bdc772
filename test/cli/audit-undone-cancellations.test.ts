import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { ValueMap } from '../../src/statements/value-map.js';
import { tmpDirs, write } from './audit-fixtures.js';

/**
 * A cancellation that is itself cancelled — a refund cancelled (退货撤销), a void reversed (撤销冲正) — gives back what
 * the cancellation took: the refund is no refund, the sale stands. Each audit runs in memory and through the spool
 * (POSGUARD_SPOOL_RECORDS=1), which carries every record field through temporary files.
 */
const dirs = tmpDirs('posguard-undone-');

const PLAN = `merchantId: "822841054119608"
rounding: half-up
tolerance: 0.01
settlement: T1
refundFee: proportional
periods:
  - from: 2026-09-01
    rates:
      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }
`;
const BANK_HEADER = '交易日期,交易时间,收入金额,支出金额,账户余额,对方户名,摘要';
const credit = (amount: string) => `2026-10-14,09:10:00,${amount},,100000.00,某某支付有限公司,T1结算款`;

const STATEMENT_HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,原参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const line = (time: string, ref: string, original: string, card: string, type: string, money: string) =>
  `2026-10-13 ${time},2026-10-14,822841054119608,01234567,${ref},${original},622848******${card},贷记卡,刷卡,${type},${money}`;
const SALES = [
  line('09:00:00', '101300000001', '', '0001', '消费', '1000.00,6.00,994.00'),
  line('09:00:00', '101300000009', '', '0009', '消费', '500.00,3.00,497.00'),
];
const REFUND = line('15:00:00', '101300000002', '101300000001', '0001', '退货', '-300.00,-1.80,-298.20');
const REFUND_CANCELLED = line(
  '15:05:00',
  '101300000003',
  '101300000002',
  '0001',
  '退货撤销',
  '300.00,1.80,298.20',
);

const JOURNAL_HEADER = '交易时间,终端号,批次号,凭证号,参考号,原凭证号,卡号,卡类型,支付方式,交易类型,交易金额';
const journalLine = (time: string, voucher: string, ref: string, original: string, type: string) =>
  `2026-10-13 ${time},01234567,000001,${voucher},${ref},${original},622848******0001,贷记卡,刷卡,${type},1000.00`;

const MODES = [{}, { POSGUARD_SPOOL_RECORDS: '1' }];

async function audit(
  files: Record<string, string[]>,
  args: string[],
  env: Record<string, string>,
): Promise<AuditReport> {
  const dir = dirs();
  write(dir, 'plan.yaml', PLAN);
  for (const [name, lines] of Object.entries(files)) write(dir, name, `${lines.join('\n')}\n`);
  const run = await runCli(['audit', ...args, '--plan', 'plan.yaml', '--format', 'json'], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

describe('the words of a cancellation cancelled', () => {
  it('read as money in (a sale, for the audit to link), and the cancellations themselves as before', () => {
    const types = new ValueMap('type', undefined);
    const read = (words: string[]) => words.map((w) => types.lookup(w));
    const undoing = [
      '退货撤销',
      '撤销退货',
      '退货冲正',
      '撤销冲正',
      '消费撤销冲正',
      '撤销交易冲正',
      '退款撤销',
      '退货交易撤销',
    ];
    expect(read(undoing)).toEqual(undoing.map(() => 'sale'));
    expect(read(['消费撤销', '撤销', '消费冲正', '冲正', '退货', '退款'])).toEqual([
      'void',
      'void',
      'reversal',
      'reversal',
      'refund',
      'refund',
    ]);
    // A fee given back stays a rebate, whatever cancellation words it carries.
    expect(read(['退货手续费冲正', '撤销交易手续费冲正'])).toEqual(['rebate', 'rebate']);
  });
});

describe('a refund cancelled (退货撤销)', () => {
  it('adds back what the refund took: the day nets ¥1,491.00, and a credit of ¥1,192.80 is ¥298.20 short', async () => {
    for (const env of MODES) {
      const report = await audit(
        {
          's.csv': [STATEMENT_HEADER, ...SALES, REFUND, REFUND_CANCELLED],
          'bank.csv': [BANK_HEADER, credit('1192.80')],
        },
        ['--settlement', 's.csv', '--bank', 'bank.csv'],
        env,
      );
      // 994.00 + 497.00 − 298.20 (the refund) + 298.20 (its cancellation) = 1,491.00 due; 1,192.80 paid.
      expect(report.findings.map((f) => [f.kind, f.settleDate, f.amountFen, f.lossFen])).toEqual([
        ['payout_mismatch', '2026-10-14', 149100, 29820],
      ]);
      expect(report.findings[0]?.message).toBe(
        '2026-10-14 结算净额 ¥1,491.00（4 笔），银行 2026-10-14 实际入账 ¥1,192.80，少 ¥298.20',
      );
      expect(report.summary.lossFen).toBe(29820);
      expect(report.warnings).toEqual([]);
    }
  });

  it('finds nothing when the bank credits the ¥1,491.00 due, and prices neither the refund nor its cancellation', async () => {
    for (const env of MODES) {
      const report = await audit(
        {
          's.csv': [STATEMENT_HEADER, ...SALES, REFUND, REFUND_CANCELLED],
          'bank.csv': [BANK_HEADER, credit('1491.00')],
        },
        ['--settlement', 's.csv', '--bank', 'bank.csv'],
        env,
      );
      expect(report.findings).toEqual([]);
      expect(report.summary.lossFen).toBe(0);
    }
  });

  it('warns about one whose refund is not in the files, and does not price it as a sale', async () => {
    // Priced as a ¥300.00 credit-card sale at 0.60% (¥1.80), its ¥3.00 fee would be ¥1.20 overcharged.
    const orphan = line('15:05:00', '101300000003', '101300000002', '0001', '退货撤销', '300.00,3.00,297.00');
    for (const env of MODES) {
      const report = await audit(
        { 's.csv': [STATEMENT_HEADER, ...SALES, orphan] },
        ['--settlement', 's.csv'],
        env,
      );
      expect(report.findings).toEqual([]);
      expect(report.summary.overchargeFen).toBe(0);
      expect(report.warnings).toContain(
        '商户 822841054119608 的对账单中有 1 笔记录取消的是一笔撤销、冲正或退货（如退货撤销、撤销冲正），但被取消的那笔不在所给文件中，未核对：s.csv 第 4 行 / ' +
          'merchant 822841054119608: 1 statement line(s) cancel a void, reversal or refund (a refund cancelled, a void reversed) that is not in the files given; not checked: s.csv row 4',
      );
    }
  });
});

describe('a void reversed (撤销冲正)', () => {
  const statement = [
    STATEMENT_HEADER,
    line('09:00:00', '101300000001', '', '0001', '消费', '1000.00,6.00,994.00'),
  ];

  it('leaves the sale standing: settled ¥994.00 and credited ¥994.00, no void_settled', async () => {
    // The reversal carries the void's own 凭证号 000002 and 参考号, as a reversal repeats what it reverses.
    const journal = [
      JOURNAL_HEADER,
      journalLine('09:00:00', '000001', '101300000001', '', '消费'),
      journalLine('09:10:00', '000002', '101300000002', '000001', '消费撤销'),
      journalLine('09:10:40', '000002', '101300000002', '', '撤销冲正'),
    ];
    for (const env of MODES) {
      const report = await audit(
        { 'j.csv': journal, 's.csv': statement, 'bank.csv': [BANK_HEADER, credit('994.00')] },
        ['--terminal', 'j.csv', '--settlement', 's.csv', '--bank', 'bank.csv'],
        env,
      );
      expect(report.findings).toEqual([]);
      expect(report.summary.lossFen).toBe(0);
      expect(report.summary.matched).toBe(1);
    }
  });

  it('links a reversal that names the sale as its original (消费撤销冲正, 原凭证号 000001) to the void of that sale', async () => {
    const journal = [
      JOURNAL_HEADER,
      journalLine('09:00:00', '000001', '101300000001', '', '消费'),
      journalLine('09:10:00', '000002', '101300000002', '000001', '消费撤销'),
      journalLine('09:10:40', '000003', '101300000003', '000001', '消费撤销冲正'),
    ];
    for (const env of MODES) {
      const report = await audit(
        { 'j.csv': journal, 's.csv': statement, 'bank.csv': [BANK_HEADER, credit('994.00')] },
        ['--terminal', 'j.csv', '--settlement', 's.csv', '--bank', 'bank.csv'],
        env,
      );
      expect(report.findings).toEqual([]);
      expect(report.summary.matched).toBe(1);
    }
  });

  it('still reports a void that no reversal undid: the ¥6.00 fee of the settled sale is lost', async () => {
    const journal = [
      JOURNAL_HEADER,
      journalLine('09:00:00', '000001', '101300000001', '', '消费'),
      journalLine('09:10:00', '000002', '101300000002', '000001', '消费撤销'),
    ];
    const report = await audit(
      { 'j.csv': journal, 's.csv': statement },
      ['--terminal', 'j.csv', '--settlement', 's.csv'],
      {},
    );
    expect(report.findings.map((f) => [f.kind, f.refNo, f.lossFen])).toEqual([
      ['void_settled', '101300000001', 600],
    ]);
  });
});
