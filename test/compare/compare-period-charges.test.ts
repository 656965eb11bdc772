import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

// `posguard compare` on small hand-written journals, each in the past (so that "up to today" never cuts them):
// the history annualised over the days the journal covers, charges counted per cycle, payouts per payout day.

let dir: string;

const HEADER = '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额';
const M = '898000000000001';

/** A journal line: a successful 消费 at noon. */
const wechat = (date: string, ref: string, yuan: string): string =>
  `${date} 12:00:00,${M},T0000001,${ref},,,微信,消费,成功,${yuan}`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const TWO_PLANS = [
  'plans:',
  '  - provider: 低费率高押金',
  '    plan: 0.50% 押金299',
  '    settlement: T1',
  '    deposit: 299',
  '    source: 测试',
  '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.50% }] }]',
  '  - provider: 高费率无押金',
  '    plan: 0.60%',
  '    settlement: T1',
  '    source: 测试',
  '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
].join('\n');

// The shared inputs: the two-plan catalogue, a November journal of two sales, a November journal of one.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-period-'));
  write('catalog.yaml', TWO_PLANS);
  write(
    'november.csv',
    [
      HEADER,
      wechat('2026-11-14', '000000000001', '500.00'),
      wechat('2026-11-16', '000000000002', '500.00'),
    ].join('\n'),
  );
  write(
    'one.csv',
    [
      '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额,原参考号',
      `2026-11-15 10:00:00,${M},T0000001,000000000001,622588******5678,贷记卡,刷卡,消费,成功,1000.00,`,
    ].join('\n'),
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Out {
  history: { spanDays: number; period: { from: string; to: string; days: number } | null; sales: number };
  plans: {
    rank: number;
    provider: string;
    totalFen: number;
    yearlyFeesFen: number;
    yearlyChargesFen: number;
    depositFen: number;
    yearlyFen: number;
  }[];
  warnings: { code: string; zh: string; en: string }[];
}

async function compareJson(args: string[]): Promise<Out> {
  const run = await runCli(['compare', ...args, '--as-of', '2027-01-01', '--format', 'json'], { cwd: dir });
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Out;
}

describe('compare annualises over the period the journal covers, not from the first sale to the last', () => {
  it('prices a November journal with two sales as a month (×365/30), which changes nothing of the winner but the money', async () => {
    for (const months of [[], ['--months', '1']]) {
      const out = await compareJson(['--terminal', 'november.csv', '--catalog', 'catalog.yaml', ...months]);
      expect(out.history.spanDays).toBe(3);
      expect(out.history.period).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
      // 0.60 %: 300 + 300 = 600 fen in November's 30 days → 600 × 365 ÷ 30 = 7,300 (¥73.00); no deposit.
      // 0.50 %: 250 + 250 = 500 fen → 500 × 365 ÷ 30 = 6,083.33 → 6,083, + deposit ¥299 = 29,900 → 35,983.
      // (Over the 3 days from 11-14 to 11-16 it was 73,000 and 60,833 + 29,900 = 90,733.)
      expect(out.plans.map((p) => [p.rank, p.provider, p.yearlyFeesFen, p.depositFen, p.yearlyFen])).toEqual([
        [1, '高费率无押金', 7_300, 0, 7_300],
        [2, '低费率高押金', 6_083, 29_900, 35_983],
      ]);
    }
  });

  it('ranks the right winner for a one-sale journal: the deposit outweighs a month of 0.1 % less', async () => {
    const out = await compareJson(['--terminal', 'one.csv', '--catalog', 'catalog.yaml']);
    // ¥1,000.00 in November (30 days): 0.60 % = 600 → 600 × 365 ÷ 30 = 7,300; 0.50 % = 500 → 6,083 + 29,900
    // = 35,983. Over one day it was 219,000 against 182,500 + 29,900 = 212,400: the 0.50 % plan wrongly first.
    expect(out.plans.map((p) => [p.provider, p.yearlyFen])).toEqual([
      ['高费率无押金', 7_300],
      ['低费率高押金', 35_983],
    ]);
    expect(out.warnings.map((w) => w.code)).toEqual(['thin-history']);
  });

  it('with --months N keeps the last N calendar months and annualises over them', async () => {
    write(
      'two-months.csv',
      [
        HEADER,
        wechat('2026-10-20', '000000000003', '1000.00'),
        wechat('2026-11-14', '000000000001', '500.00'),
        wechat('2026-11-16', '000000000002', '500.00'),
      ].join('\n'),
    );
    const one = await compareJson([
      '--terminal',
      'two-months.csv',
      '--catalog',
      'catalog.yaml',
      '--months',
      '1',
    ]);
    // November only (the October sale is outside the last calendar month): 600 fen × 365 ÷ 30 = 7,300.
    expect(one.history.sales).toBe(2);
    expect(one.history.period).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
    expect(one.plans.find((p) => p.provider === '高费率无押金')?.yearlyFen).toBe(7_300);
    const all = await compareJson(['--terminal', 'two-months.csv', '--catalog', 'catalog.yaml']);
    // October and November, 31 + 30 = 61 days: 600 + 600 = 1,200 fen × 365 ÷ 61 = 438,000 ÷ 61 = 7,180.33 → 7,180.
    expect(all.history.period).toEqual({ from: '2026-10-01', to: '2026-11-30', days: 61 });
    expect(all.plans.find((p) => p.provider === '高费率无押金')?.yearlyFen).toBe(7_180);
  });

  it('warns plainly, zh and en, that a thin history makes the ranking uncertain, and not for a full month', async () => {
    const zh = await runCli(
      ['compare', '--terminal', 'november.csv', '--catalog', 'catalog.yaml', '--as-of', '2027-01-01'],
      { cwd: dir },
    );
    expect(zh.stdout).toContain('注意：历史数据太少（只有 2 笔消费）');
    expect(zh.stdout).toContain('排名仅供参考');
    expect(zh.stdout).toContain('按流水覆盖的 2026-11-01 至 2026-11-30（30 天）折算为一年');
    const en = await runCli(
      [
        'compare',
        '--terminal',
        'november.csv',
        '--catalog',
        'catalog.yaml',
        '--as-of',
        '2027-01-01',
        '--lang',
        'en',
      ],
      { cwd: dir },
    );
    expect(en.stdout).toContain('warning: thin history (only 2 sales)');
    expect(en.stdout).toContain('the ranking');
    // A sale every day of November: 30 days, 30 sales, nothing to warn about.
    const days = Array.from({ length: 30 }, (_, i) =>
      wechat(`2026-11-${String(i + 1).padStart(2, '0')}`, String(i + 1).padStart(12, '0'), '100.00'),
    );
    write('full.csv', [HEADER, ...days].join('\n'));
    const full = await compareJson(['--terminal', 'full.csv', '--catalog', 'catalog.yaml']);
    expect(full.warnings).toEqual([]);
  });
});

describe('compare counts charges by their cycles and payouts by the settlement cycle', () => {
  it('takes a monthly and a quarterly charge from 2027-07-01 6 and 2 times in the year from 2027-01-01', async () => {
    write(
      'charges.yaml',
      [
        'plans:',
        '  - provider: 丙支付',
        '    plan: 0.60%，2027-07-01起每月服务费10元、每季流量费30元',
        '    settlement: T1',
        '    source: 测试',
        '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
        '    charges:',
        '      - { name: 服务费, amount: 10, every: month, from: 2027-07-01 }',
        '      - { name: 流量费, amount: 30, every: quarter, from: 2027-07-01 }',
        '  - provider: 丁支付',
        '    plan: 全年收取',
        '    settlement: T1',
        '    source: 测试',
        '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
        '    charges:',
        '      - { name: 服务费, amount: 10, every: month, from: 2026-03-15 }',
        '      - { name: 流量费, amount: 30, every: quarter }',
        '      - { name: 年费, amount: 50, every: year, from: 2027-12-31 }',
      ].join('\n'),
    );
    const out = await compareJson(['--terminal', 'one.csv', '--catalog', 'charges.yaml']);
    // 丙支付: July … December = 6 × 1,000 + July, October = 2 × 3,000 → 12,000 (was 7 and 3: 16,000).
    expect(out.plans.find((p) => p.provider === '丙支付')?.yearlyChargesFen).toBe(12_000);
    // 丁支付: in force before the year starts, 12 × 1,000; quarterly 4 × 3,000; a yearly fee from the year's last
    // day, once: 5,000 → 12,000 + 12,000 + 5,000 = 29,000.
    expect(out.plans.find((p) => p.provider === '丁支付')?.yearlyChargesFen).toBe(29_000);
  });

  it('counts a T1 plan’s payouts on working days only, a D0 plan’s on every day with sales', async () => {
    write(
      'payout.yaml',
      [
        'plans:',
        '  - provider: T1按笔打款费',
        '    plan: 0.38% 每次结算打款1元',
        '    settlement: T1',
        '    source: t',
        '    charges: [{ name: 打款手续费, amount: 1, every: payout }]',
        '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.38% }] }]',
        '  - provider: D0按笔打款费',
        '    plan: 0.38% 每次结算打款1元',
        '    settlement: D0',
        '    source: t',
        '    charges: [{ name: 打款手续费, amount: 1, every: payout }]',
        '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.38% }] }]',
      ].join('\n'),
    );
    // One sale a day, Monday 2026-11-02 … Sunday 2026-11-15 (no holiday in November 2026), in a journal whose
    // title says it is November's (without it, the sales stopping on the 15th would end the journal there).
    const days = Array.from({ length: 14 }, (_, i) =>
      wechat(`2026-11-${String(i + 2).padStart(2, '0')}`, String(i + 1).padStart(12, '0'), '100.00'),
    );
    write('fortnight.csv', ['交易日期：2026-11-01 至 2026-11-30', HEADER, ...days].join('\n'));
    const out = await compareJson(['--terminal', 'fortnight.csv', '--catalog', 'payout.yaml']);
    expect(out.history.period).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
    // T1 pays on the next working day: 11-03, 04, 05, 06, then Fri/Sat/Sun all on Mon 11-09, 10, 11, 12, 13, and
    // Fri 11-13 … Sun 11-15 on Mon 11-16: 10 payouts in November's 30 days → 100 × 10 × 365 ÷ 30 = 12,166.67
    // → 12,167 (counting the 14 days with sales over 14 days, it was 36,500).
    expect(out.plans.find((p) => p.provider === 'T1按笔打款费')?.yearlyChargesFen).toBe(12_167);
    // D0 pays the same day, weekends included: 14 payouts → 100 × 14 × 365 ÷ 30 = 17,033.33 → 17,033.
    expect(out.plans.find((p) => p.provider === 'D0按笔打款费')?.yearlyChargesFen).toBe(17_033);
  });

  it('pays a week of National Day sales T1 on one day, the first working day after the holiday', async () => {
    const days = Array.from({ length: 7 }, (_, i) =>
      wechat(`2026-10-0${i + 1}`, String(i + 1).padStart(12, '0'), '100.00'),
    );
    write('golden-week.csv', [HEADER, ...days].join('\n'));
    const out = await compareJson(['--terminal', 'golden-week.csv', '--catalog', 'payout.yaml']);
    // A sale on each of 7 days in a row and none on the 24 after them: the journal stops on 10-07, it covers 7
    // days, not October's 31. 2026-10-01 … 10-07 is the holiday: every sale is paid on 10-08, 1 payout in 7 days
    // → 100 × 1 × 365 ÷ 7 = 5,214.29 → 5,214. D0: 7 payouts → 100 × 7 × 365 ÷ 7 = 36,500.
    expect(out.history.period).toEqual({ from: '2026-10-01', to: '2026-10-07', days: 7 });
    expect(out.plans.find((p) => p.provider === 'T1按笔打款费')?.yearlyChargesFen).toBe(5_214);
    expect(out.plans.find((p) => p.provider === 'D0按笔打款费')?.yearlyChargesFen).toBe(36_500);
  });
});
