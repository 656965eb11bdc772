import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { importFiles } from '../../src/statements/import.js';
import { ValueMap } from '../../src/statements/value-map.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-leshua-payout-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Three Leshua merchants (10-digit numbers) on one agent's statement, T1 at 0.60%.
const M1 = '8000123456';
const M2 = '8000234567';
const M3 = '8000345678';

// The agent's settlement statement. 2026-11-02 is a Monday: its sales settle (T1) on Tuesday 11-03, Tuesday's on
// Wednesday 11-04. Each fee is 0.60% of the amount, so no fee finding: only payouts are at stake.
//   M1 11-03: 994.00 + 497.00 = ¥1,491.00 = 149100 fen;  M1 11-04: ¥1,988.00 = 198800 fen
//   M2 11-03: ¥2,982.00 = 298200 fen;                    M2 11-04: ¥795.20 = 79520 fen
//   M3 11-03: ¥1,491.00 = 149100 fen (M1's amount too);  M3 11-04: ¥596.40 = 59640 fen
const STATEMENT = [
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-11-02 10:00:00,2026-11-03,${M1},LS000001,110200000001,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2026-11-02 11:00:00,2026-11-03,${M1},LS000001,110200000002,贷记卡,刷卡,消费,500.00,3.00,497.00`,
  `2026-11-02 12:00:00,2026-11-03,${M2},LS000002,110200000003,贷记卡,刷卡,消费,3000.00,18.00,2982.00`,
  `2026-11-02 13:00:00,2026-11-03,${M3},LS000003,110200000004,贷记卡,刷卡,消费,1500.00,9.00,1491.00`,
  `2026-11-03 10:00:00,2026-11-04,${M1},LS000001,110300000001,贷记卡,刷卡,消费,2000.00,12.00,1988.00`,
  `2026-11-03 11:00:00,2026-11-04,${M2},LS000002,110300000002,贷记卡,刷卡,消费,800.00,4.80,795.20`,
  `2026-11-03 12:00:00,2026-11-04,${M3},LS000003,110300000003,贷记卡,刷卡,消费,600.00,3.60,596.40`,
].join('\r\n');

const PLAN =
  'settlement: T1\nperiods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.60% }\n';

// The agent portal's 打款单 export: GBK, Chinese names with (分) suffixes, Leshua's `.0` timestamps, masked cards,
// a totals row. Row numbers (header = row 1):
//   2 B1  M1 11-03 成功   149100 paid in full
//   3 B2  M1 11-04 成功   应付 198800, 止付 50000, 实付 148800
//   4 B3  M2 11-03 退票   298200 bounced…
//   5 B5  M2 11-04 打款中  79520 not arrived yet (its window runs to 11-06, after the file's last day 11-05)
//   6 B6  M3 11-03 冻结出款 149100 frozen
//   7 B7  M3 11-04 成功    59640
//   8 B4  M2 11-05 成功   298200 …re-issued two days later, linked by its remark
const PAYOUTS = [
  '结算单号,商户号,创建时间,银行回盘时间,结算日期,结算类型,应付金额(分),止付金额(分),实付金额(分),状态,银行卡号,备注',
  `B1,${M1},2026-11-03 03:33:36.0,2026-11-03 09:02:11.0,2026-11-03,t1,149100,0,149100,成功,621226*********4882,客户账T1待结算账本`,
  `B2,${M1},2026-11-04 03:31:02.0,2026-11-04 09:05:40.0,2026-11-04,t1,198800,50000,148800,成功,621226*********4882,风险交易止付`,
  `B3,${M2},2026-11-03 03:33:40.0,2026-11-03 15:20:05.0,2026-11-03,t1,298200,0,298200,退票,622848*********1234,客户账T1待结算账本`,
  `B5,${M2},2026-11-04 03:31:09.0,,2026-11-04,t1,79520,0,79520,打款中,622848*********1234,客户账T1待结算账本`,
  `B6,${M3},2026-11-03 03:33:52.0,,2026-11-03,t1,149100,0,149100,冻结出款,621700*********0066,客户账T1待结算账本`,
  `B7,${M3},2026-11-04 03:31:15.0,2026-11-04 09:11:30.0,2026-11-04,t1,59640,0,59640,成功,621700*********0066,客户账T1待结算账本`,
  `B4,${M2},2026-11-05 10:12:00.0,2026-11-05 10:40:41.0,2026-11-03,T1_Adjust,298200,0,298200,成功,622848*********5678,退票重出 原单B3`,
  // 149100 + 148800 + 298200 + 79520 + 149100 + 59640 + 298200 = 1182560
  '合计,,,,,,,,1182560,,,',
].join('\r\n');

describe('leshua-payout preset', () => {
  it('reads the API export (English names, numeric states) as bank payouts in fen, states mapped', async () => {
    const dir = tmp();
    const file = join(dir, 'merchant-settlement-order.csv');
    writeFileSync(
      file,
      [
        'billId,createTime,bankretTime,merchantId,planAmount,suspendAmount,realAmount,state,settType,settDate,bankAccount,remark',
        `9001,2019-10-12 03:33:36.0,2019-10-12 09:00:01.0,${M1},10000,0,10000,1,t1,2019-10-12,621226*********4882,客户账T1待结算账本`,
        `9002,2019-10-12 03:33:37.0,,${M1},5000,0,5000,0,D1,2019-10-12,621226*********4882,`,
        `9003,2019-10-12 03:33:38.0,,${M2},7000,2000,5000,3,t1,2019-10-12,621226*********4882,`,
        `9004,2019-10-12 03:33:39.0,,${M2},8000,0,8000,-1,t1,2019-10-12,621226*********4882,`,
        `9005,2019-10-12 03:33:40.0,,${M2},9000,0,9000,2,t1,2019-10-12,621226*********4882,`,
      ].join('\n'),
    );
    const result = await importFiles([{ path: file }]);
    expect(result.files[0]).toMatchObject({ preset: 'leshua-payout', kind: 'bank', rows: 5 });
    expect(result.rejected).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(
      result.records.map((r) => [r.refNo, r.kind, r.type, r.status, r.merchantId, r.amountFen, r.time]),
    ).toEqual([
      ['9001', 'bank', 'payout', 'success', M1, 10000, '2019-10-12T03:33:36+08:00'],
      ['9002', 'bank', 'payout', 'pending', M1, 5000, '2019-10-12T03:33:37+08:00'],
      // 冻结出款: not arrived, perhaps still to come.
      ['9003', 'bank', 'payout', 'pending', M2, 5000, '2019-10-12T03:33:38+08:00'],
      ['9004', 'bank', 'payout', 'failed', M2, 8000, '2019-10-12T03:33:39+08:00'],
      // 退票: bounced.
      ['9005', 'bank', 'payout', 'failed', M2, 9000, '2019-10-12T03:33:40+08:00'],
    ]);
  });
});

describe('leshua-payout portal export without units', () => {
  it('reads 实付金额 without a unit as yuan (the portal writes 10,329.70), not as fen', async () => {
    const dir = tmp();
    const file = join(dir, '打款单_202610.csv');
    writeFileSync(
      file,
      iconv.encode(
        [
          '结算单号,商户号,创建时间,结算日期,应付金额,止付金额,实付金额,状态,备注',
          `B1,${M1},2026-10-13 03:33:36,2026-10-13,994.00,0.00,994.00,成功,客户账T1待结算账本`,
          `B2,${M1},2026-10-14 03:33:36,2026-10-14,"10,329.70",0.00,"10,329.70",成功,客户账T1待结算账本`,
        ].join('\r\n'),
        'gbk',
      ),
    );
    const result = await importFiles([{ path: file }]);
    expect(result.rejected).toEqual([]);
    expect(result.files[0]).toMatchObject({ preset: 'leshua-payout' });
    expect(result.records.map((r) => r.amountFen)).toEqual([99400, 1032970]);
  });
});

describe('leshua-payout detection', () => {
  it('leaves a settlement statement that carries a 结算单号 column a statement', async () => {
    const dir = tmp();
    const file = join(dir, 'statement.csv');
    const header = STATEMENT.split('\r\n')[0]?.replace('参考号,', '参考号,结算单号,');
    const line = STATEMENT.split('\r\n')[1]?.replace('110200000001,', '110200000001,JS20261103001,');
    writeFileSync(file, `${header}\r\n${line}\r\n`);
    const result = await importFiles([{ path: file }]);
    expect(result.files[0]).toMatchObject({ preset: 'generic', kind: 'settlement', rows: 1 });
    expect(result.records.map((r) => [r.refNo, r.amountFen, r.feeFen])).toEqual([
      ['110200000001', 100000, 600],
    ]);
  });
});

describe('status vocabulary of payouts (any mapping)', () => {
  it('reads a bounced payout (退票, 退汇) as failed and a frozen one (冻结出款) as pending, not as success', () => {
    const status = new ValueMap('status', undefined);
    expect(
      ['退票', '已退票', '退汇', '冻结出款', '冻结', '打款中', '成功'].map((s) => status.lookup(s)),
    ).toEqual(['failed', 'failed', 'failed', 'pending', 'pending', 'pending', 'success']);
  });
});

/** `posguard audit` of the agent's statement with a 打款单 (GBK, as the portal gives it) and the plan. */
async function auditAgentFiles(payouts: string) {
  const dir = tmp();
  writeFileSync(join(dir, 'agent-statement.csv'), STATEMENT);
  writeFileSync(join(dir, '乐刷打款单-202611.csv'), iconv.encode(payouts, 'gbk'));
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  const run = await runCli(
    [
      'audit',
      '--settlement',
      'agent-statement.csv',
      '--bank',
      '乐刷打款单-202611.csv',
      '--plan',
      'plan.yaml',
      '--format',
      'json',
    ],
    { cwd: dir },
  );
  expect(run.stderr).toBe('');
  return { run, report: JSON.parse(run.stdout) as AuditReport };
}

describe('posguard audit with a Leshua 打款单 as the bank file', () => {
  it('reports the 止付 and the frozen payout as payout_mismatch, names what did not arrive, counts per merchant', async () => {
    const { run, report } = await auditAgentFiles(PAYOUTS);
    expect(report.files.map((f) => [f.file, f.preset, f.kind, f.rows])).toEqual([
      ['agent-statement.csv', 'generic', 'settlement', 7],
      ['乐刷打款单-202611.csv', 'leshua-payout', 'bank', 7],
    ]);
    expect(report.rejected).toEqual([]);
    expect(report.findings.map((f) => [f.kind, f.merchantId, f.settleDate, f.amountFen, f.lossFen])).toEqual([
      // M1 11-04: 198800 due, B2 paid 148800 (50000 止付): 198800 − 148800 = 50000 short.
      ['payout_mismatch', M1, '2026-11-04', 198800, 50000],
      // M3 11-03: 149100 due, B6 frozen, nothing arrived by 11-05 (11-03 + 2 working days), all 149100 short.
      // M1's B1 pays exactly 149100 on 11-03 too, but it is M1's: it must not pay M3's day.
      ['payout_mismatch', M3, '2026-11-03', 149100, 149100],
    ]);
    const [short, frozen] = report.findings;
    expect(short?.message).toContain('实际入账 ¥1,488.00');
    expect(short?.source).toContainEqual({ file: '乐刷打款单-202611.csv', row: 3 });
    expect(frozen?.message).toContain('没有来自收单机构的对应入账');
    // 50000 + 149100 = 199100 fen lost; nothing overcharged.
    expect(report.summary).toMatchObject({ lossFen: 199100, overchargeFen: 0, bankRecords: 7 });
    // M2's bounced B3 was re-issued as B4 on 11-05, inside its window: no finding. Its B5 is still 打款中 and
    // its window (to 11-06) is not over in a file that ends on 11-05: no finding either, only the warning.
    const notArrived = report.warnings.find((w) => w.includes('未到账'));
    expect(notArrived).toContain('3 笔打款未到账');
    for (const row of ['第 4 行（B3，已于 2026-11-05 由 B4 重新打款）', '第 5 行（B5）', '第 6 行（B6）'])
      expect(notArrived).toContain(row);
    expect(notArrived).toContain('row 4 (B3, re-issued on 2026-11-05 as B4)');
    expect(notArrived).toContain('3 payout(s) did not arrive');
    // Each merchant's own bills: M1 B1 B2, M2 B3 B4 B5, M3 B6 B7.
    expect(report.merchants.map((m) => [m.merchantId, m.summary.bankRecords, m.summary.lossFen])).toEqual([
      [M1, 2, 50000],
      [M2, 3, 0],
      [M3, 2, 149100],
    ]);
    // No "names no provider" warning: a bill carrying the merchant number is the provider's own.
    expect(report.warnings.some((w) => w.includes('没有提到收单机构'))).toBe(false);
    expect(run.exitCode).toBe(1);
  });

  it('takes an amount held back (止付) and released a week later as its own bill as paid to its day', async () => {
    // B2 paid M1's 11-04 ¥1,988.00 less ¥500.00 止付; on Thursday 11-12 the ¥500.00 comes as B8, naming B2, long
    // after 11-04's window (to 11-06).
    const released = PAYOUTS.replace(
      '\r\n合计',
      `\r\nB8,${M1},2026-11-12 10:00:00.0,2026-11-12 10:30:00.0,2026-11-12,T1_Adjust,50000,0,50000,成功,621226*********4882,止付解除 原单B2\r\n合计`,
    ).replace('合计,,,,,,,,1182560', '合计,,,,,,,,1232560');
    expect(released).not.toBe(PAYOUTS);
    const { report } = await auditAgentFiles(released);
    // M1's 11-04 is paid: 148800 (B2) + 50000 (B8) = 198800. The other days are as before the release.
    expect(report.findings.map((f) => [f.kind, f.merchantId, f.settleDate, f.lossFen])).toEqual([
      ['payout_mismatch', M2, '2026-11-04', 79520],
      ['payout_mismatch', M3, '2026-11-03', 149100],
    ]);
  });

  it('takes a bounced payout re-issued a week later as paid, not as a loss', async () => {
    // B4 re-issues B3 on Tuesday 11-10, long after 11-03's window (to 11-05).
    const late = PAYOUTS.replace(
      'B4,8000234567,2026-11-05 10:12:00.0,2026-11-05 10:40:41.0',
      'B4,8000234567,2026-11-10 10:12:00.0,2026-11-10 10:40:41.0',
    );
    expect(late).not.toBe(PAYOUTS);
    const { report } = await auditAgentFiles(late);
    expect(report.findings.map((f) => [f.kind, f.merchantId, f.settleDate, f.amountFen, f.lossFen])).toEqual([
      ['payout_mismatch', M1, '2026-11-04', 198800, 50000],
      // The bank file now runs to 11-10: B5, still 打款中, is past 11-04's window (to 11-06) and counts as short.
      ['payout_mismatch', M2, '2026-11-04', 79520, 79520],
      ['payout_mismatch', M3, '2026-11-03', 149100, 149100],
      // No M2 11-03: B3's 298200 bounced and came back as B4.
    ]);
    // 50000 + 79520 + 149100 = 278620.
    expect(report.summary.lossFen).toBe(278620);
    expect(report.warnings.find((w) => w.includes('未到账'))).toContain(
      '（B3，已于 2026-11-10 由 B4 重新打款）',
    );
  });
});
