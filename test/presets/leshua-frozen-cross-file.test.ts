import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from '../cli/audit-fixtures.js';

// One Leshua order whose 进账 line (the money came in) is in 2026-10-08's daily trade file and whose 冻结 line (then
// held) is in 2026-10-09's. The preset pairs the two lines only within one file, so the audit read two sales: a
// duplicate_settlement and the 10-09 payout short by the held money. It is one sale whose settled money is held,
// as when both lines are in one file, whichever file is given first.

const tmp = tmpDirs('posguard-leshua-cross-');

// Credit cards at 0.55% (55 in 万分之一), T1. 2026-10-08 (Thursday) is paid on Friday 10-09; 10-09 on Saturday
// 10-10, a working day (the National Day make-up day); 10-10 on Monday 10-12.
const M = '1000054321';
const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.55% }\n';
const HEADER =
  'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分),资金流向,交易类型,支付方式,卡类型,商户优惠类型,参考号,凭证号,终端号,第三方订单号,第三方退款号,支付时间,上游订单号(网、银联),上游订单号(微信、支付宝),付款银行,消费者标识,扫码支付交易类型';

/** A BV row of a credit-card 消费 on terminal 50054321: [amount, fee, settled] in fen. */
function row(no: number, time: string, order: string, money: [number, number, number], flow: string) {
  const [amount, fee, settled] = money;
  const ref = `6283000000${order.slice(-2)}`;
  return `BV,${no},${time},${order},${M},55,${amount},${fee},${settled},${flow},消费,刷卡,贷记卡,标准类,${ref},00000${no},50054321,*,*,${time},UP${order},*,中国银行,*,*`;
}

// Sale A, 10-08, 100000 fen: fee 100000 × 0.55% = 550, settled 100000 − 550 = 99450.
const SALE_A = row(1, '2026-10-08 10:00:00', 'LS01', [100000, 550, 99450], '进账');
// Sale B, 10-08, 66600 fen: fee 66600 × 0.55% = 366.3 → 366, settled 66600 − 366 = 66234. It came in on 10-08 …
const IN_B = row(2, '2026-10-08 19:45:20', 'LS02', [66600, 366, 66234], '进账');
// … and 10-09's file holds it: a T1 line's 交易时间 is the order's own (initiation) time, so still 10-08.
const FROZEN_B = row(1, '2026-10-08 19:45:20', 'LS02', [66600, 366, 66234], '冻结');
// Sale C, 10-09, 50000 fen: fee 50000 × 0.55% = 275, settled 50000 − 275 = 49725.
const SALE_C = row(2, '2026-10-09 11:00:00', 'LS03', [50000, 275, 49725], '进账');
// 10-10: B released (解冻), its 66234.
const RELEASE_B = row(1, '2026-10-10 09:30:00', 'LS02', [66600, 366, 66234], '解冻');

const DAY1 = '8000123456_trade_new_20261008.txt';
const DAY2 = '8000123456_trade_new_20261009.txt';
const DAY3 = '8000123456_trade_new_20261010.txt';
const file = (...rows: string[]) => [HEADER, ...rows, ''].join('\n');

const BILLS =
  'billId,createTime,bankretTime,merchantId,planAmount,suspendAmount,realAmount,state,settType,settDate,bankAccount,remark';
const bill = (id: string, day: string, fen: number) =>
  `${id},${day} 03:33:36.0,${day} 09:02:11.0,${M},${fen},0,${fen},1,t1,${day},621226*********4882,客户账T1待结算账本`;
// What Leshua paid: 10-09 sale A alone, 99450 (B's 66234 held); 10-10 sale C, 49725.
const PAID = [bill('B1', '2026-10-09', 99450), bill('B2', '2026-10-10', 49725)];

/** `posguard audit` of the trade files, in the order given, with the plan and the payouts as bank records. */
async function audit(trades: [string, string][], bills: readonly string[]): Promise<AuditReport> {
  const dir = tmp();
  for (const [name, text] of trades) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'bills.csv'), [BILLS, ...bills, ''].join('\n'));
  const names = trades.map(([name]) => name);
  const run = await runCli(
    ['audit', '--settlement', ...names, '--plan', 'plan.yaml', '--bank', 'bills.csv', '--format', 'json'],
    { cwd: dir, env: {} },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

const kinds = (report: AuditReport) => report.findings.map((f) => [f.kind, f.label, f.lossFen]);

describe('Leshua: an order’s 进账 line in one daily file and its 冻结 line in the next day’s', () => {
  const day1 = file(SALE_A, IN_B);
  const day2 = file(FROZEN_B, SALE_C);
  const orders: [string, [string, string][]][] = [
    [
      '进账 file first',
      [
        [DAY1, day1],
        [DAY2, day2],
      ],
    ],
    [
      '冻结 file first',
      [
        [DAY2, day2],
        [DAY1, day1],
      ],
    ],
  ];

  for (const [name, trades] of orders) {
    it(`${name}: one sale whose 66234 fen are held, no duplicate_settlement, each day's payout matches`, async () => {
      const report = await audit(trades, PAID);
      // The only finding: B's settled 66600 − 366 = 66234 fen, held (资金冻结).
      expect(kinds(report)).toEqual([['unplanned_deduction', '资金冻结', 66234]]);
      expect(report.summary.findingsByKind.duplicate_settlement).toBe(0);
      expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
      expect(report.summary.findingsByKind.fee_overcharge).toBe(0);
      expect(report.summary.lossFen).toBe(66234);
      expect(report.summary.overchargeFen).toBe(0);
      expect(report.summary.returnedFen).toBe(0);
      // Four lines read: A, B (进账), B's hold and C; all of them in the statements' total.
      expect(report.summary.settlementRecords).toBe(4);
      // The effective rate is of three sales, each priced once: 100000 + 66600 + 50000 fen, fees 550 + 366 + 275.
      const rates = report.effectiveRates ?? [];
      expect(rates.reduce((n, r) => n + r.amountFen, 0)).toBe(216600);
      expect(rates.reduce((n, r) => n + r.feeFen, 0)).toBe(1191);
      // The hold is the 冻结 line of 10-09's file.
      expect(report.findings[0]?.source[0]?.file).toBe(DAY2);
      expect(report.warnings.some((w) => w.includes(DAY2) && w.includes(DAY1) && w.includes('LS02'))).toBe(
        true,
      );
    });
  }

  it('reports what the same two lines in one file report', async () => {
    const oneFile = await audit([[DAY1, file(SALE_A, IN_B, FROZEN_B, SALE_C)]], PAID);
    const twoFiles = await audit(
      [
        [DAY2, file(FROZEN_B, SALE_C)],
        [DAY1, file(SALE_A, IN_B)],
      ],
      PAID,
    );
    const comparable = (r: AuditReport) =>
      r.findings.map((f) => [f.kind, f.label, f.amountFen, f.lossFen, f.time, f.message.split('：')[0]]);
    expect(comparable(twoFiles)).toEqual(comparable(oneFile));
    expect(twoFiles.summary).toEqual(oneFile.summary);
  });

  it('released in 10-10’s file: owed nothing, each day’s payout matches', async () => {
    // 10-12 pays the released 66234.
    const report = await audit(
      [
        [DAY3, file(RELEASE_B)],
        [DAY2, file(FROZEN_B, SALE_C)],
        [DAY1, file(SALE_A, IN_B)],
      ],
      [...PAID, bill('B3', '2026-10-12', 66234)],
    );
    expect(kinds(report)).toEqual([['unplanned_deduction', '资金冻结', 66234]]);
    expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
    expect(report.summary.returnedFen).toBe(66234);
    expect(report.summary.offsetFen).toBe(66234);
  });

  it('an order settled on a 进账 line in both files is still a duplicate_settlement', async () => {
    // 10-09's file settles B again: 10-09's payout (all 10-08 trades) is due 99450 + 2 × 66234 = 231918, and
    // Leshua paid that twice-settled sum, so nothing is held and the second B is the duplicate.
    const again = row(1, '2026-10-08 19:45:20', 'LS02', [66600, 366, 66234], '进账');
    for (const trades of [
      [
        [DAY1, file(SALE_A, IN_B)],
        [DAY2, file(again, SALE_C)],
      ],
      [
        [DAY2, file(again, SALE_C)],
        [DAY1, file(SALE_A, IN_B)],
      ],
    ] as [string, string][][]) {
      const report = await audit(trades, [bill('B1', '2026-10-09', 231918), bill('B2', '2026-10-10', 49725)]);
      expect(report.summary.findingsByKind.duplicate_settlement).toBe(1);
      expect(report.findings.filter((f) => f.label === '资金冻结')).toEqual([]);
      expect(report.summary.findingsByKind.unplanned_deduction).toBe(0);
    }
  });

  it('two 冻结 lines of one order, one a file, are no hold of a 进账 sale: still a duplicate_settlement', async () => {
    // Only a 冻结 line pairs with a 进账 line: B frozen in each file is B read twice.
    const frozenAgain = row(1, '2026-10-08 19:45:20', 'LS02', [66600, 366, 66234], '冻结');
    const report = await audit(
      [
        [DAY1, file(SALE_A, row(2, '2026-10-08 19:45:20', 'LS02', [66600, 366, 66234], '冻结'))],
        [DAY2, file(frozenAgain, SALE_C)],
      ],
      PAID,
    );
    expect(report.summary.findingsByKind.duplicate_settlement).toBe(1);
  });
});
