import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

// The current provider's 跳点 record in `compare` is what `posguard audit` reports as the merchant's loss: only that
// merchant's findings (an agent's statement holds others), and every one of them — a sale never settled too.

let dir: string;

const A = '822841054119608';
const B = '822841054119999';

const JOURNAL = [
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注',
  `2026-10-12 10:00:00,${A},T0000001,000001,000001,101200000001,,622588******5678,贷记卡,刷卡,,消费,成功,1000.00,,,,`,
  `2026-10-13 10:00:00,${A},T0000001,000001,000002,101300000002,,622588******5678,贷记卡,刷卡,,消费,成功,500.00,,,,`,
  `2026-10-13 11:00:00,${A},T0000001,000001,000003,101300000003,,622588******5678,贷记卡,刷卡,,消费,成功,100.00,,,,`,
  `2026-10-12 11:00:00,${B},T0000002,000001,000001,101200000009,,622588******9999,贷记卡,刷卡,,消费,成功,2000.00,,,,`,
  `2026-10-13 11:00:00,${B},T0000002,000001,000002,101300000019,,622588******9999,贷记卡,刷卡,,消费,成功,100.00,,,,`,
].join('\n');

// An agent's statement of both merchants, 2026-10-13 and 10-14. A's ¥1,000.00 sale is charged ¥7.00 where the plan
// agrees 0.60 % (¥6.00); A's ¥500.00 sale of 10-13 is never settled though 10-14's payouts are in the file. B's
// ¥2,000.00 sale is charged ¥20.00 where 0.60 % is ¥12.00.
const STATEMENT = [
  '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注',
  `2026-10-12 10:00:00,2026-10-13,${A},T0000001,000001,000001,101200000001,,622588******5678,贷记卡,刷卡,消费,1000.00,7.00,993.00,0.70%,`,
  `2026-10-12 11:00:00,2026-10-13,${B},T0000002,000001,000001,101200000009,,622588******9999,贷记卡,刷卡,消费,2000.00,20.00,1980.00,1.00%,`,
  `2026-10-13 11:00:00,2026-10-14,${A},T0000001,000001,000003,101300000003,,622588******5678,贷记卡,刷卡,消费,100.00,0.60,99.40,0.60%,`,
  `2026-10-13 11:00:00,2026-10-14,${B},T0000002,000001,000002,101300000019,,622588******9999,贷记卡,刷卡,消费,100.00,0.60,99.40,0.60%,`,
].join('\n');

const PLAN = [
  'provider: 汇通支付',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates: [{ rate: 0.60% }]',
].join('\n');

const CATALOG = [
  'plans:',
  '  - provider: 汇通支付',
  '    plan: 现方案',
  '    settlement: T1',
  '    source: 测试',
  '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
].join('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-jump-'));
  writeFileSync(join(dir, 'journal.csv'), JOURNAL);
  writeFileSync(join(dir, 'statement.csv'), STATEMENT);
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'catalog.yaml'), CATALOG);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FILES = ['--terminal', 'journal.csv', '--settlement', 'statement.csv', '--plan', 'plan.yaml'];

interface Record {
  provider?: string;
  findings: number;
  overchargeFen: number;
  lossFen: number;
}
interface Comparison {
  merchantId?: string;
  plans: { provider: string; jumpRecord?: Record }[];
}

async function auditLoss(
  ...merchant: string[]
): Promise<{ lossFen: number; byMerchant: Map<string, number> }> {
  const res = await runCli(['audit', ...FILES, ...merchant, '--format', 'json'], { cwd: dir });
  expect([0, 1], res.stderr).toContain(res.exitCode);
  const report = JSON.parse(res.stdout) as {
    summary: { lossFen: number };
    merchants: { merchantId: string; summary: { lossFen: number } }[];
  };
  return {
    lossFen: report.summary.lossFen,
    byMerchant: new Map(report.merchants.map((m) => [m.merchantId, m.summary.lossFen])),
  };
}

async function compare(...merchant: string[]): Promise<unknown> {
  const res = await runCli(
    [
      'compare',
      ...FILES,
      ...merchant,
      '--catalog',
      'catalog.yaml',
      '--as-of',
      '2027-01-01',
      '--format',
      'json',
    ],
    { cwd: dir },
  );
  expect(res.exitCode, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe("compare: the current provider's 跳点 record agrees with the audit", () => {
  it('with --merchant, is that merchant’s loss alone, its never-settled sale included', async () => {
    // A: ¥7.00 − ¥6.00 = 100 fen overcharged; the ¥500.00 sale never settled: 50,000 − 0.60 % (300) = 49,700 due.
    // 100 + 49,700 = 49,800. (B's 2,000 − 1,200 = 800 fen is not A's.)
    const audit = await auditLoss('--merchant', A);
    expect(audit.lossFen).toBe(49_800);
    const out = (await compare('--merchant', A)) as Comparison;
    expect(out.merchantId).toBe(A);
    const record = out.plans[0]?.jumpRecord;
    expect(record).toMatchObject({ provider: '汇通支付', findings: 2, overchargeFen: 100, lossFen: 49_800 });
    expect(record?.lossFen).toBe(audit.lossFen);

    const auditB = await auditLoss('--merchant', B);
    expect(auditB.lossFen).toBe(800);
    const outB = (await compare('--merchant', B)) as Comparison;
    expect(outB.plans[0]?.jumpRecord).toMatchObject({ findings: 1, overchargeFen: 800, lossFen: 800 });
  });

  it('without --merchant, gives each merchant of the journal the loss the audit reports for it', async () => {
    const audit = await auditLoss();
    expect(audit.byMerchant).toEqual(
      new Map([
        [A, 49_800],
        [B, 800],
      ]),
    );
    const out = (await compare()) as { merchants: Comparison[] };
    expect(out.merchants.map((m) => [m.merchantId, m.plans[0]?.jumpRecord?.lossFen])).toEqual([
      [A, 49_800],
      [B, 800],
    ]);
  });
});
