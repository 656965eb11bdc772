import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chargeKindOf, owedOf } from '../../src/audit/rebates.js';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-leshua-frozen-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// One Leshua merchant, credit cards at 0.55% (55 in 万分之一), T1. 2026-11-02 is a Monday: its sales are paid on
// Tuesday 11-03, Tuesday's on Wednesday 11-04.
const M = '1000054321';
const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.55% }\n';

const HEADER =
  'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分),资金流向,交易类型,支付方式,卡类型,商户优惠类型,参考号,凭证号,终端号,第三方订单号,第三方退款号,支付时间,上游订单号(网、银联),上游订单号(微信、支付宝),付款银行,消费者标识,扫码支付交易类型';

/** A BV row of a credit-card 消费 on terminal 50054321. */
function row(
  no: number,
  time: string,
  order: string,
  rate: number,
  amount: number,
  fee: number,
  settled: number,
  flow: string,
  ref: string,
): string {
  return `BV,${no},${time},${order},${M},${rate},${amount},${fee},${settled},${flow},消费,刷卡,贷记卡,标准类,${ref},00000${no},50054321,*,*,${time},UP${order},*,中国银行,*,*`;
}

// 11-02: sale A 100000 fen, fee 100000 × 0.55% = 550, settled 99450 (进账);
//        sale B 66600 fen, fee 66600 × 0.55% = 366.3 → 366, settled 66600 − 366 = 66234, held (冻结).
const SALE_A = row(
  1,
  '2026-11-02 10:00:00',
  'LS202611020000001',
  55,
  100000,
  550,
  99450,
  '进账',
  '628300000001',
);
const FROZEN_B = row(
  2,
  '2026-11-02 19:45:20',
  'LS202611020000002',
  55,
  66600,
  366,
  66234,
  '冻结',
  '628300000002',
);
// 11-03: sale C 20000 fen, fee 20000 × 0.55% = 110, settled 19890; and B released (解冻): its 66234.
const SALE_C = row(
  1,
  '2026-11-03 11:00:00',
  'LS202611030000001',
  55,
  20000,
  110,
  19890,
  '进账',
  '628300000003',
);
const RELEASE_B = row(
  2,
  '2026-11-03 09:30:00',
  'LS202611020000002',
  55,
  66600,
  366,
  66234,
  '解冻',
  '628300000002',
);
const DAY1 = [HEADER, SALE_A, FROZEN_B, ''].join('\n');
const DAY2 = [HEADER, SALE_C, RELEASE_B, ''].join('\n');

// The 打款单 (API export, fen). B1 pays 11-03: A only, 99450 (B is held). B2 pays 11-04: C 19890 + B released
// 66234 = 86124.
const BILLS =
  'billId,createTime,bankretTime,merchantId,planAmount,suspendAmount,realAmount,state,settType,settDate,bankAccount,remark';
const B1 = `B1,2026-11-03 03:33:36.0,2026-11-03 09:02:11.0,${M},99450,0,99450,1,t1,2026-11-03,621226*********4882,客户账T1待结算账本`;
const B2 = `B2,2026-11-04 03:31:02.0,2026-11-04 09:05:40.0,${M},86124,0,86124,1,t1,2026-11-04,621226*********4882,客户账T1待结算账本`;

/** `posguard audit --format json` of the given trade files (name → text), 打款单 lines and the plan. */
async function audit(trades: Record<string, string>, bills?: readonly string[]) {
  const dir = tmp();
  for (const [name, text] of Object.entries(trades)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  const args = ['audit', '--settlement', ...Object.keys(trades), '--plan', 'plan.yaml', '--format', 'json'];
  if (bills !== undefined) {
    writeFileSync(join(dir, 'merchant-settlement-order.csv'), [BILLS, ...bills, ''].join('\n'));
    args.push('--bank', 'merchant-settlement-order.csv');
  }
  const run = await runCli(args, { cwd: dir });
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as AuditReport;
  expect(report.rejected).toEqual([]);
  return report;
}

const kinds = (r: AuditReport) =>
  r.findings.map((f) => [f.kind, f.settleDate ?? f.time?.slice(0, 10), f.lossFen]);

describe('a Leshua 冻结 (frozen) sale in the audit', () => {
  it('with a bank file: no payout_mismatch, one unplanned_deduction of the held money, labelled frozen', async () => {
    const report = await audit({ '8000123456_trade_new_20261102.txt': DAY1 }, [B1]);
    expect(report.files.map((f) => [f.preset, f.kind, f.rows])).toEqual([
      ['leshua', 'settlement', 2],
      ['leshua-payout', 'bank', 1],
    ]);
    // 11-03 expects A's 99450 only (B settled ¥0.00 that day), and B1 paid 99450: no payout_mismatch. B's fee
    // 366 is the plan's, so no fee finding: only the held 66234 (66600 − 366) is reported.
    expect(report.findings.map((f) => f.kind)).toEqual(['unplanned_deduction']);
    const [held] = report.findings;
    expect(held).toMatchObject({
      kind: 'unplanned_deduction',
      merchantId: M,
      orderNo: 'LS202611020000002',
      refNo: '628300000002',
      amountFen: 66600,
      lossFen: 66234,
      overchargeFen: 0,
      label: '资金冻结',
    });
    expect(held?.message).toContain('结算 ¥0.00，低于 金额 − 手续费 = ¥662.34，少付 ¥662.34');
    expect(held?.message).toContain('被服务商冻结（资金冻结），解冻后才会打款到账');
    expect(held?.message).toContain('客服');
    expect(held?.messageEn).toContain('The provider has frozen this settled money (资金冻结)');
    expect(held?.messageEn).toContain('released (解冻)');
    expect(held?.messageEn).toContain('customer service why it was frozen');
    expect(report.summary).toMatchObject({ lossFen: 66234, overchargeFen: 0, returnedFen: 0, offsetFen: 0 });
    expect(owedOf(report.summary).owedFen).toBe(66234);
    expect(report.warnings.some((w) => w.includes('“冻结”') && w.includes('¥662.34'))).toBe(true);
  });

  it('frozen one day and released (解冻) the next: owed nothing, and each day’s payout matches the bank', async () => {
    const report = await audit(
      { '8000123456_trade_new_20261102.txt': DAY1, '8000123456_trade_new_20261103.txt': DAY2 },
      [B1, B2],
    );
    // 11-03: A 99450 = B1. 11-04: C 19890 + release 66234 = 86124 = B2. No payout_mismatch either day.
    expect(kinds(report)).toEqual([['unplanned_deduction', '2026-11-02', 66234]]);
    expect(report.findings[0]?.label).toBe('资金冻结');
    // The release gives back the 66234 held and makes good exactly the freeze: 66234 − 66234 = 0 owed.
    expect(report.summary).toMatchObject({ lossFen: 66234, returnedFen: 66234, offsetFen: 66234 });
    expect(owedOf(report.summary).owedFen).toBe(0);
    expect(report.merchants.map((m) => [m.merchantId, m.summary.returnedFen, m.summary.offsetFen])).toEqual([
      [M, 66234, 66234],
    ]);
    const rebate = report.warnings.find((w) => w.includes('笔返还'));
    expect(rebate).toContain('资金解冻 ¥662.34（解冻，只抵扣冻结的结算款）');
  });

  it('released without its bank credit: the released day is short by the released money', async () => {
    // B2 missing the release: 19890 paid of 86124 due on 11-04, 86124 − 19890 = 66234 short.
    const short = B2.replaceAll('86124', '19890');
    const report = await audit(
      { '8000123456_trade_new_20261102.txt': DAY1, '8000123456_trade_new_20261103.txt': DAY2 },
      [B1, short],
    );
    expect(report.findings.map((f) => [f.kind, f.settleDate, f.lossFen])).toContainEqual([
      'payout_mismatch',
      '2026-11-04',
      66234,
    ]);
  });

  it('frozen and never released, no bank file: the held money is in the findings and owed', async () => {
    const report = await audit({ '8000123456_trade_new_20261102.txt': DAY1 });
    expect(kinds(report)).toEqual([['unplanned_deduction', '2026-11-02', 66234]]);
    expect(report.findings[0]?.label).toBe('资金冻结');
    expect(report.summary).toMatchObject({ lossFen: 66234, returnedFen: 0, offsetFen: 0 });
    expect(owedOf(report.summary).owedFen).toBe(66234);
  });

  it('frozen and not released by the next day’s file, with its bank file: still owed, payouts match', async () => {
    // 11-03's file has only C: B1 pays 11-03 (99450), B2 pays C alone on 11-04 (19890).
    const report = await audit(
      {
        '8000123456_trade_new_20261102.txt': DAY1,
        '8000123456_trade_new_20261103.txt': [HEADER, SALE_C, ''].join('\n'),
      },
      [B1, B2.replaceAll('86124', '19890')],
    );
    expect(kinds(report)).toEqual([['unplanned_deduction', '2026-11-02', 66234]]);
    expect(owedOf(report.summary).owedFen).toBe(66234);
  });

  it('a release makes good only money frozen, not a fee overcharge', async () => {
    // 11-03 alone, C charged at 60 instead of 55: fee 20000 × 0.60% = 120 vs 110 agreed, 10 overcharged,
    // settled 19880. The release of B (frozen on a day outside the run) pays 66234: B2 = 19880 + 66234 = 86114.
    const overcharged = SALE_C.replace(',55,20000,110,19890,', ',60,20000,120,19880,');
    expect(overcharged).not.toBe(SALE_C);
    const report = await audit(
      { '8000123456_trade_new_20261103.txt': [HEADER, overcharged, RELEASE_B, ''].join('\n') },
      [B2.replaceAll('86124', '86114')],
    );
    expect(report.findings.map((f) => [f.kind, f.lossFen])).toEqual([['fee_overcharge', 10]]);
    // 66234 given back, none of it against the 10 fen overcharged: still owed 10.
    expect(report.summary).toMatchObject({ lossFen: 10, returnedFen: 66234, offsetFen: 0 });
    expect(owedOf(report.summary).owedFen).toBe(10);
  });

  it('reads 资金冻结 and 资金解冻 as one kind, apart from fees and other charges', () => {
    expect(chargeKindOf('资金冻结')).toEqual(chargeKindOf('资金解冻'));
    expect(chargeKindOf('资金解冻')).toEqual({ kind: 'charge', group: '冻结' });
    // A held deposit stays a deposit.
    expect(chargeKindOf('冻结押金')).toEqual({ kind: 'charge', group: '押金' });
  });
});
