import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDirs } from '../../test/cli/audit-fixtures.js';
import type { AuditReport } from '../audit/report-types.js';
import { runCli } from '../cli/program.js';
import type { PosRecord } from '../records/index.js';

// One Leshua order on two lines of the same trade file: a 进账 line (the money came in) and a 冻结 line (then
// held). It was read as two sales: the audit called the second a duplicate_settlement and the payout short by the
// held money. It is one sale, priced once, whose settled money is held (资金冻结).

const tmp = tmpDirs('posguard-leshua-pair-');

// Credit cards at 0.55% (55 in 万分之一), T1. 2026-11-02 is a Monday: paid on Tuesday 11-03.
const M = '1000054321';
const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.55% }\n';
const HEADER =
  'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分),资金流向,交易类型,支付方式,卡类型,商户优惠类型,参考号,凭证号,终端号,第三方订单号,第三方退款号,支付时间,上游订单号(网、银联),上游订单号(微信、支付宝),付款银行,消费者标识,扫码支付交易类型';

function row(
  no: number,
  time: string,
  order: string,
  money: [number, number, number],
  flow: string,
  ref: string,
) {
  const [amount, fee, settled] = money;
  return `BV,${no},${time},${order},${M},55,${amount},${fee},${settled},${flow},消费,刷卡,贷记卡,标准类,${ref},00000${no},50054321,*,*,${time},UP${order},*,中国银行,*,*`;
}

// Sale A 100000 fen: fee 100000 × 0.55% = 550, settled 99450.
const SALE_A = row(1, '2026-11-02 10:00:00', 'LS1', [100000, 550, 99450], '进账', '628300000001');
// Sale B 66600 fen: fee 66600 × 0.55% = 366.3 → 366, settled 66600 − 366 = 66234; came in, then held.
const IN_B = row(2, '2026-11-02 19:45:20', 'LS2', [66600, 366, 66234], '进账', '628300000002');
const FROZEN_B = row(3, '2026-11-02 19:50:00', 'LS2', [66600, 366, 66234], '冻结', '628300000002');
// 11-03: B released (解冻), its 66234.
const RELEASE_B = row(1, '2026-11-03 09:30:00', 'LS2', [66600, 366, 66234], '解冻', '628300000002');

const DAY1 = '8000123456_trade_new_20261102.txt';
const DAY2 = '8000123456_trade_new_20261103.txt';
const file = (...rows: string[]) => [HEADER, ...rows, ''].join('\n');
const BILLS =
  'billId,createTime,bankretTime,merchantId,planAmount,suspendAmount,realAmount,state,settType,settDate,bankAccount,remark';
const bill = (id: string, day: string, fen: number) =>
  `${id},${day} 03:33:36.0,${day} 09:02:11.0,${M},${fen},0,${fen},1,t1,${day},621226*********4882,客户账T1待结算账本`;

function folder(trades: Record<string, string>, bills: readonly string[]): string {
  const dir = tmp();
  for (const [name, text] of Object.entries(trades)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'bills.csv'), [BILLS, ...bills, ''].join('\n'));
  return dir;
}

async function importJson(dir: string, name: string) {
  const run = await runCli(['import', name, '--format', 'json'], { cwd: dir, env: {} });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as {
    files: { totals: { amountFen: number }; warnings: { code: string; message: string }[] }[];
    records: PosRecord[];
  };
}

async function audit(trades: Record<string, string>, bills: readonly string[]): Promise<AuditReport> {
  const dir = folder(trades, bills);
  const run = await runCli(
    [
      'audit',
      '--settlement',
      ...Object.keys(trades),
      '--plan',
      'plan.yaml',
      '--bank',
      'bills.csv',
      '--format',
      'json',
    ],
    { cwd: dir, env: {} },
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

describe('Leshua: one order on a 进账 line and a 冻结 line', () => {
  it('imports one sale (priced once) and the 冻结 line as 资金冻结 money held back, named in a warning', async () => {
    const dir = folder({ [DAY1]: file(SALE_A, IN_B, FROZEN_B) }, []);
    const out = await importJson(dir, DAY1);
    expect(out.records.map((r) => [r.type, r.orderNo, r.amountFen, r.feeFen, r.settledFen, r.label])).toEqual(
      [
        ['sale', 'LS1', 100000, 550, 99450, '标准类'],
        ['sale', 'LS2', 66600, 366, 66234, '标准类'],
        ['deduction', 'LS2', -66234, undefined, -66234, '资金冻结'],
      ],
    );
    const codes = out.files[0]?.warnings.map((w) => w.code);
    expect(codes).toContain('leshua.frozen-after-in');
    expect(codes).not.toContain('leshua.frozen');
    expect(out.files[0]?.warnings.find((w) => w.code === 'leshua.frozen-after-in')?.message).toContain(
      '第 4 行 LS2 ¥666.00',
    );
  });

  it('audits it as money frozen: no duplicate_settlement, the payout of A alone matches, 66234 held', async () => {
    // B1 pays 11-03 what A settled, 99450: B's 66234 is held.
    const report = await audit({ [DAY1]: file(SALE_A, IN_B, FROZEN_B) }, [bill('B1', '2026-11-03', 99450)]);
    expect(report.findings.map((f) => [f.kind, f.label, f.lossFen])).toEqual([
      ['unplanned_deduction', '资金冻结', 66234],
    ]);
    expect(report.summary.findingsByKind.duplicate_settlement).toBe(0);
    expect(report.summary.findingsByKind.fee_overcharge).toBe(0);
    expect(report.summary.lossFen).toBe(66234);
  });

  it('released the next day: owed nothing, each day’s payout matches', async () => {
    // B2 pays 11-04 the released 66234.
    const report = await audit({ [DAY1]: file(SALE_A, IN_B, FROZEN_B), [DAY2]: file(RELEASE_B) }, [
      bill('B1', '2026-11-03', 99450),
      bill('B2', '2026-11-04', 66234),
    ]);
    expect(report.findings.map((f) => [f.kind, f.label, f.lossFen])).toEqual([
      ['unplanned_deduction', '资金冻结', 66234],
    ]);
    expect(report.summary.returnedFen).toBe(66234);
    expect(report.summary.offsetFen).toBe(66234);
  });

  it('the 冻结 line before its 进账 line: the same one sale, held, and the 合计 row still agrees', async () => {
    // 合计: 100000 + 66600 + 66600 = 233200 fen, fees 550 + 366 + 366 = 1282, settled 99450 + 2 × 66234 = 231918.
    const totals = '合计,,,,,,233200,1282,231918,,,,,,,,,,,,,,,,';
    const text = file(SALE_A, FROZEN_B, IN_B, totals);
    const out = await importJson(folder({ [DAY1]: text }, []), DAY1);
    expect(out.records.map((r) => [r.type, r.orderNo, r.amountFen, r.feeFen, r.settledFen, r.label])).toEqual(
      [
        ['sale', 'LS1', 100000, 550, 99450, '标准类'],
        ['sale', 'LS2', 66600, 366, 0, '资金冻结'],
      ],
    );
    const codes = out.files[0]?.warnings.map((w) => w.code);
    expect(codes).toEqual(['leshua.frozen', 'leshua.in-after-frozen']);
    const report = await audit({ [DAY1]: text }, [bill('B1', '2026-11-03', 99450)]);
    expect(report.findings.map((f) => [f.kind, f.label, f.lossFen])).toEqual([
      ['unplanned_deduction', '资金冻结', 66234],
    ]);
  });

  it('two orders each on its own line stay two sales', async () => {
    const other = row(3, '2026-11-02 19:50:00', 'LS3', [66600, 366, 66234], '冻结', '628300000003');
    const out = await importJson(folder({ [DAY1]: file(SALE_A, IN_B, other) }, []), DAY1);
    expect(out.records.map((r) => [r.type, r.orderNo, r.settledFen])).toEqual([
      ['sale', 'LS1', 99450],
      ['sale', 'LS2', 66234],
      ['sale', 'LS3', 0],
    ]);
  });
});
