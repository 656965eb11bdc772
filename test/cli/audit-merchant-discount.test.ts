import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import {
  ALIPAY_D2,
  alipayDetail,
  cashierJournal,
  LCSW_DISCOUNTED_SALE,
  lcswStatement,
  WECHAT_D3,
  WECHAT_ORD007_REFUND,
  wechatBill,
} from '../presets/discount-fixtures.js';

/**
 * Merchant-funded discounts in QR bills (DOMAIN.md §2.5–2.7): the ¥10 the merchant gives off a ¥60 order is
 * neither an unplanned deduction nor an amount the provider failed to settle, and the fee is charged on the ¥50
 * the merchant received. Each audit runs in memory and through the spool (POSGUARD_SPOOL_RECORDS=1), which
 * carries every record field through temporary files.
 */
const root = mkdtempSync(join(tmpdir(), 'posguard-discount-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PLAN = `rounding: half-up
tolerance: 0
settlement: T1
refundFee: proportional
periods:
  - from: 2026-01-01
    rates:
      - { channel: [wechat, alipay], rate: 0.38% }
`;

beforeAll(() => {
  writeFileSync(join(root, 'plan.yaml'), PLAN);
  writeFileSync(join(root, '20881234123412340156_20261008_业务明细.csv'), alipayDetail(ALIPAY_D2));
  writeFileSync(join(root, 'wechat_all.csv'), wechatBill(WECHAT_D3));
  writeFileSync(join(root, 'wechat_refund.csv'), wechatBill([...WECHAT_D3, WECHAT_ORD007_REFUND]));
  const journal = [
    { time: '2026-10-08 10:00:00', channel: '微信', order: 'ORD001', amountFen: 10000 },
    { time: '2026-10-08 10:10:00', channel: '微信', order: 'ORD007', amountFen: 6000 },
    { time: '2026-10-09 11:00:00', channel: '微信', order: 'ORD008', amountFen: 20000 },
    { time: '2026-10-09 12:00:00', channel: '微信', order: 'ORD009', amountFen: 5000 },
  ] as const;
  writeFileSync(join(root, '收银流水.csv'), cashierJournal(journal));
  writeFileSync(
    join(root, '收银流水_退款.csv'),
    cashierJournal([
      ...journal,
      { time: '2026-10-08 15:00:00', channel: '微信', order: 'RF007', original: 'ORD007', amountFen: -6000 },
    ]),
  );
  // The cashier rang up 70.00 for ORD007, of which the bill explains 60.00 (50.00 settled + 10.00 coupon).
  writeFileSync(
    join(root, '收银流水_多记.csv'),
    cashierJournal(journal.map((r) => (r.order === 'ORD007' ? { ...r, amountFen: 7000 } : r))),
  );
  writeFileSync(join(root, 'lcsw_20261008.txt'), lcswStatement([LCSW_DISCOUNTED_SALE]));
  writeFileSync(
    join(root, '收银流水_扫呗.csv'),
    // The 扫呗 terminal's own journal: its 终端号 is the statement's.
    cashierJournal(
      [{ time: '2026-10-08 10:10:00', channel: '微信', order: 'L002', amountFen: 6000 }],
      '30012345',
    ),
  );
});

const audit = async (args: string[], env: Record<string, string> = {}) => {
  const run = await runCli(['audit', ...args, '--plan', 'plan.yaml', '--format', 'json'], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
};

const shape = (report: AuditReport) =>
  report.findings.map((f) => [f.kind, f.orderNo, f.overchargeFen, f.lossFen]);

const MODES = [{}, { POSGUARD_SPOOL_RECORDS: '1' }];

describe('D2: an Alipay 业务明细 row with a 商家优惠', () => {
  it('reports only A005, not the discounted A006 as an unplanned deduction or an undercharged fee', async () => {
    for (const env of MODES) {
      const report = await audit(['--settlement', '20881234123412340156_20261008_业务明细.csv'], env);
      expect(
        report.findings.map((f) => [f.kind, f.orderNo, f.amountFen, f.overchargeFen, f.lossFen]),
      ).toEqual([['fee_overcharge', 'A005', 50000, 110, 110]]);
      expect(report.summary.lossFen).toBe(110);
    }
  });
});

describe('D3: a WeChat bill row with a merchant-funded coupon against the cashier journal', () => {
  it('finds no amount mismatch for ORD007; ORD008 overcharged ¥0.44 and ORD009 unsettled ¥49.81 remain', async () => {
    for (const env of MODES) {
      const report = await audit(['--settlement', 'wechat_all.csv', '--terminal', '收银流水.csv'], env);
      expect(shape(report).sort()).toEqual([
        ['fee_overcharge', 'ORD008', 44, 44],
        ['missing_settlement', 'ORD009', 0, 4981],
      ]);
      expect(report.summary.matched).toBe(3);
    }
  });

  it('finds nothing wrong in the refund of the discounted order (journal −60.00, bill 退款金额 50.00)', async () => {
    for (const env of MODES) {
      const report = await audit(
        ['--settlement', 'wechat_refund.csv', '--terminal', '收银流水_退款.csv'],
        env,
      );
      // Proportional: the 0.19 charged on the 50.00 comes back whole; the journal's −60.00 is 退款金额 + discount.
      expect(shape(report).sort()).toEqual([
        ['fee_overcharge', 'ORD008', 44, 44],
        ['missing_settlement', 'ORD009', 0, 4981],
      ]);
      expect(report.summary.matched).toBe(4);
    }
  });

  it('still reports what the discount does not explain, naming it: journal 70.00, bill 50.00 + 10.00', async () => {
    const report = await audit(['--settlement', 'wechat_all.csv', '--terminal', '收银流水_多记.csv']);
    const mismatch = report.findings.filter((f) => f.kind === 'amount_mismatch');
    expect(mismatch.map((f) => [f.orderNo, f.amountFen, f.lossFen])).toEqual([['ORD007', 7000, 1000]]);
    expect(mismatch[0]?.message).toContain('结算金额 ¥50.00（另有商家优惠 ¥10.00），相差 ¥10.00');
    expect(mismatch[0]?.messageEn).toContain("(plus the merchant's own discount ¥10.00), difference ¥10.00");
  });
});

describe('利楚/扫呗: a sale with 商家优惠金额', () => {
  it('matches the journal order total and prices 商家实收 without any finding', async () => {
    for (const env of MODES) {
      const report = await audit(
        ['--settlement', 'lcsw_20261008.txt', '--terminal', '收银流水_扫呗.csv'],
        env,
      );
      expect(shape(report)).toEqual([]);
      expect(report.summary.matched).toBe(1);
    }
  });
});
