import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

// `posguard compare --format csv` and `--format html`: the ranking for a spreadsheet and as one web page.

let dir: string;

const A = '822841054119608';
const B = '822841054119999';
// A provider name a spreadsheet would run as a formula, and that is markup in a web page.
const ODD = '=HYPERLINK("http://x","<b>点</b>")';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-formats-'));
  const write = (name: string, lines: string[]) => writeFileSync(join(dir, name), lines.join('\n'));
  // Merchant A's October: three credit-card sales, ¥1,000.00, ¥500.00 and ¥100.00 (too few days to tell the
  // shop's rhythm: the journal covers October, 31 days).
  write('journal.csv', [
    '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注',
    `2026-10-12 10:00:00,${A},T0000001,000001,000001,101200000001,,622588******5678,贷记卡,刷卡,,消费,成功,1000.00,,,,`,
    `2026-10-13 10:00:00,${A},T0000001,000001,000002,101300000002,,622588******5678,贷记卡,刷卡,,消费,成功,500.00,,,,`,
    `2026-10-13 11:00:00,${A},T0000001,000001,000003,101300000003,,622588******5678,贷记卡,刷卡,,消费,成功,100.00,,,,`,
  ]);
  // The agent's statement: A's ¥1,000.00 charged ¥7.00 (0.60 % is ¥6.00), its ¥500.00 never settled; B's lines.
  write('statement.csv', [
    '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注',
    `2026-10-12 10:00:00,2026-10-13,${A},T0000001,000001,000001,101200000001,,622588******5678,贷记卡,刷卡,消费,1000.00,7.00,993.00,0.70%,`,
    `2026-10-12 11:00:00,2026-10-13,${B},T0000002,000001,000001,101200000009,,622588******9999,贷记卡,刷卡,消费,2000.00,20.00,1980.00,1.00%,`,
    `2026-10-13 11:00:00,2026-10-14,${A},T0000001,000001,000003,101300000003,,622588******5678,贷记卡,刷卡,消费,100.00,0.60,99.40,0.60%,`,
  ]);
  write('plan.yaml', [
    'provider: 汇通支付',
    'settlement: T1',
    'periods:',
    '  - from: 2026-09-01',
    '    rates: [{ rate: 0.60% }]',
  ]);
  write('catalog.yaml', [
    'plans:',
    '  - provider: 汇通支付',
    '    plan: 现方案',
    '    settlement: T1',
    '    source: 测试',
    '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
    `  - provider: '${ODD}'`,
    '    plan: 0.55% 月费5元',
    '    settlement: D0',
    '    source: 测试',
    '    charges: [{ name: 服务费, amount: 5, every: month }]',
    '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.55% }] }]',
  ]);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ARGS = [
  'compare',
  '--terminal',
  'journal.csv',
  '--settlement',
  'statement.csv',
  '--plan',
  'plan.yaml',
  '--catalog',
  'catalog.yaml',
  '--as-of',
  '2027-01-01',
];

describe('compare --format csv', () => {
  it('writes one row per plan, cheapest first, money in 元, with a BOM and formulas neutralised', async () => {
    const res = await runCli([...ARGS, '--format', 'csv'], { cwd: dir });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout.startsWith('\uFEFF')).toBe(true);
    const lines = res.stdout.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      '商户号,排名,服务商,方案,结算周期,开始日期,完整,期间手续费(元),年化手续费(元),约定费用/年(元),流量费/年(元),押金(元),第一年合计(元),未计价笔数,未计价金额(元),无有效费率天数,跳点记录服务商,跳点问题数,跳点损失(元),其中多收手续费(元),流水覆盖起,流水覆盖止,覆盖天数,换用日',
    );
    // 汇通支付 0.60 %: 600 + 300 + 60 = 960 fen in October's 31 days → 960 × 365 ÷ 31 = 11,303.2 → 11,303.
    // Its 跳点 record is A's alone: 700 − 600 = 100 overcharged, and the ¥500.00 never settled: 50,000 − 300 =
    // 49,700 → 49,800 lost.
    expect(lines[1]).toBe(
      `${A},1,汇通支付,现方案,T1,2027-01-01,是,9.60,113.03,0.00,0.00,0.00,113.03,0,0.00,0,汇通支付,2,498.00,1.00,2026-10-01,2026-10-31,31,2027-01-01`,
    );
    // 0.55 %: 550 + 275 + 55 = 880 → 880 × 365 ÷ 31 = 10,361.3 → 10,361; ¥5.00 × 12 months = 6,000 → 16,361.
    // The name a spreadsheet would run gets an apostrophe, and its quotes are doubled.
    expect(lines[2]).toBe(
      `${A},2,"'=HYPERLINK(""http://x"",""<b>点</b>"")",0.55% 月费5元,D0,2027-01-01,是,8.80,103.61,60.00,0.00,0.00,163.61,0,0.00,0,,,,,2026-10-01,2026-10-31,31,2027-01-01`,
    );
    expect(lines).toHaveLength(4);
    // The thin-history warning goes to stderr: a CSV has no place for it.
    expect(res.stderr).toContain('历史数据太少');
  });

  it('has English headers with --lang en', async () => {
    const res = await runCli([...ARGS, '--format', 'csv', '--lang', 'en'], { cwd: dir });
    expect(res.exitCode, res.stderr).toBe(0);
    const [header, first] = res.stdout.slice(1).split('\r\n');
    expect(header).toMatch(
      /^merchant,rank,provider,plan,settlement,start date,complete,period fees \(CNY\),/,
    );
    expect(first).toContain(',yes,9.60,113.03,');
  });
});

describe('compare --format html', () => {
  it('is one zh-CN page that fetches nothing, with the ranking and the names escaped', async () => {
    const res = await runCli([...ARGS, '--format', 'html'], { cwd: dir });
    expect(res.exitCode, res.stderr).toBe(0);
    const html = res.stdout;
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
    expect(html).toContain('<h1>收单服务商方案比较</h1>');
    expect(html).toContain('按流水覆盖的 2026-10-01 至 2026-10-31（31 天）折算为一年');
    expect(html).toContain('<td>汇通支付</td>');
    expect(html).toContain('<td class="num">¥113.03</td>');
    expect(html).toContain('2 项，损失 ¥498.00（其中多收手续费 ¥1.00）');
    expect(html).toContain('=HYPERLINK(&quot;http://x&quot;,&quot;&lt;b&gt;点&lt;/b&gt;&quot;)');
    expect(html).not.toContain('<b>点</b>');
    // The cheaper plan first.
    expect(html.indexOf('<td>汇通支付</td>')).toBeLessThan(html.indexOf('=HYPERLINK'));
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('is an English page with --lang en', async () => {
    const res = await runCli([...ARGS, '--format', 'html', '--lang', 'en'], { cwd: dir });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('<html lang="en">');
    expect(res.stdout).toContain('<h1>Acquiring plan comparison</h1>');
    expect(res.stdout).toContain('2 findings, lost ¥498.00 (fees overcharged ¥1.00)');
  });
});
