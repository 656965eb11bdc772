import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'posguard-leshua-journal-orders-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// One Leshua merchant on terminal LS000102: a WeChat, an Alipay and a credit-card sale on 2026-11-03. The
// statement's 订单号 is Leshua's own LS… number and the WeChat / Alipay transaction id is its 第三方订单号 (and
// 上游订单号(微信、支付宝)); the cashier's journal gives that transaction id as its 订单号.
const M = '1000000001';
const WECHAT_ID = '4200002026110312345678901234';
const ALIPAY_ID = '2026110322001412345678901234';
const PLAN = [
  'settlement: T1',
  'periods:',
  '  - from: 2026-01-01',
  '    rates:',
  '      - { channel: [card], card: credit, rate: 0.60% }',
  '      - { channel: [wechat, alipay], rate: 0.38% }',
  '',
].join('\n');

const STATEMENT = [
  'BT,编号,交易时间,订单号,商户号,费率(万分之一),交易金额(分),手续费(分),结算金额(分),资金流向,交易类型,支付方式,卡类型,商户优惠类型,参考号,凭证号,终端号,第三方订单号,第三方退款号,支付时间,上游订单号(网、银联),上游订单号(微信、支付宝),付款银行,消费者标识,扫码支付交易类型',
  // WeChat ¥100.00 charged at 60 (0.60%): fee 60 fen where the plan's 0.38% is 10000 × 0.0038 = 38.
  `BV,1,2026-11-03 09:23:10,LS20261103000001,${M},60,10000,60,9940,进账,消费,微信,未知,标准类,*,000211,LS000102,${WECHAT_ID},*,2026-11-03 09:23:10,*,${WECHAT_ID},*,oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,MICROPAY`,
  // Alipay ¥200.00 at 38: fee 20000 × 0.0038 = 76, as planned.
  `BV,2,2026-11-03 09:46:02,LS20261103000002,${M},38,20000,76,19924,进账,消费,支付宝,未知,标准类,*,000212,LS000102,${ALIPAY_ID},*,2026-11-03 09:46:02,*,${ALIPAY_ID},*,2088102122334455,MICROPAY`,
  // Credit card ¥500.00 at 60: fee 50000 × 0.006 = 300, as planned.
  `BV,3,2026-11-03 10:05:41,LS20261103000003,${M},60,50000,300,49700,进账,消费,刷卡,信用卡,标准类,731100000003,000213,LS000102,*,*,2026-11-03 10:05:41,*,*,*,*,*`,
  '',
].join('\n');

const JOURNAL = [
  '交易时间,商户号,终端号,凭证号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,订单号',
  `2026-11-03 09:23:10,${M},LS000102,000211,,,,微信,消费,100.00,${WECHAT_ID}`,
  `2026-11-03 09:46:02,${M},LS000102,000212,,,,支付宝,消费,200.00,${ALIPAY_ID}`,
  `2026-11-03 10:05:41,${M},LS000102,000213,731100000003,625809******2058,贷记卡,刷卡,消费,500.00,`,
  '',
].join('\n');

async function audit(): Promise<AuditReport> {
  const dir = tmp();
  writeFileSync(join(dir, `8800123_trade_new_20261103.txt`), STATEMENT);
  writeFileSync(join(dir, '鲜果坊_收银流水.csv'), JOURNAL);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  const run = await runCli(
    [
      'audit',
      '--settlement',
      '8800123_trade_new_20261103.txt',
      '--terminal',
      '鲜果坊_收银流水.csv',
      '--plan',
      'plan.yaml',
      '--format',
      'json',
    ],
    { cwd: dir },
  );
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as AuditReport;
  expect(report.rejected).toEqual([]);
  return report;
}

describe('a Leshua statement and a cashier journal whose 订单号 is the statement’s 第三方订单号', () => {
  it('pairs every sale: no missing or unexpected settlement, only the WeChat sale’s 22 fen overcharge', async () => {
    const report = await audit();
    expect(report.files.map((f) => [f.preset, f.kind, f.rows])).toEqual([
      ['leshua', 'settlement', 3],
      ['generic', 'terminal', 3],
    ]);
    expect(report.summary).toMatchObject({ terminalRecords: 3, settlementRecords: 3, matched: 3 });
    expect(report.summary.findingsByKind.missing_settlement).toBe(0);
    expect(report.summary.findingsByKind.unexpected_settlement).toBe(0);
    // 60 charged − 38 planned = 22 fen, on the WeChat sale only.
    expect(report.findings.map((f) => [f.kind, f.orderNo, f.amountFen, f.lossFen])).toEqual([
      ['fee_overcharge', 'LS20261103000001', 10000, 22],
    ]);
    expect(report.summary.lossFen).toBe(22);
  });
});
