import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

// A journal exported in the middle of a month covers the days up to its export, not the whole month: counted as the
// whole month, its sales were spread over too many days, the percentage fees came out too low against a plan's
// fixed monthly fee, and the plan with the fee ranked first.

let dir: string;

const HEADER = '交易时间,商户号,终端号,参考号,卡号,卡类型,支付方式,交易类型,交易状态,交易金额';

// 0.50 % plus ¥25.00 a month, or 0.60 % and nothing else.
const CATALOG = [
  'plans:',
  '  - provider: 低费率月费',
  '    plan: 0.50% 月费25元',
  '    settlement: T1',
  '    source: 测试',
  '    charges: [{ name: 服务费, amount: 25, every: month }]',
  '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.50% }] }]',
  '  - provider: 高费率无月费',
  '    plan: 0.60%',
  '    settlement: T1',
  '    source: 测试',
  '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]',
].join('\n');

/** A ¥1,000.00 WeChat sale at noon on each day from 2026-10-01 to 2026-11-14 (31 + 14 = 45 days). */
function sales(): string[] {
  const out: string[] = [];
  const start = Date.parse('2026-10-01T00:00:00Z');
  for (let i = 0; i < 45; i++) {
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    out.push(
      `${date} 12:00:00,898000000000001,T0000001,${String(i + 1).padStart(12, '0')},,,微信,消费,成功,1000.00`,
    );
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-coverage-'));
  writeFileSync(join(dir, 'catalog.yaml'), CATALOG);
  writeFileSync(
    join(dir, 'exported.csv'),
    ['鸿运便利店终端交易流水  导出时间：2026-11-15 10:22:33', HEADER, ...sales()].join('\n'),
  );
  writeFileSync(join(dir, 'untitled.csv'), [HEADER, ...sales()].join('\n'));
  const quiet = ['2026-11-03', '2026-11-07', '2026-11-10'].map(
    (date, i) => `${date} 12:00:00,898000000000001,T0000001,00000000009${i},,,微信,消费,成功,1000.00`,
  );
  writeFileSync(join(dir, 'quiet-exported.csv'), ['导出日期：2026/11/15', HEADER, ...quiet].join('\n'));
  writeFileSync(join(dir, 'quiet.csv'), [HEADER, ...quiet].join('\n'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Out {
  history: { period: { from: string; to: string; days: number } };
  plans: {
    rank: number;
    provider: string;
    yearlyFeesFen: number;
    yearlyChargesFen: number;
    yearlyFen: number;
  }[];
}

async function compare(file: string): Promise<Out> {
  const res = await runCli(
    ['compare', '--terminal', file, '--catalog', 'catalog.yaml', '--as-of', '2027-01-01', '--format', 'json'],
    { cwd: dir },
  );
  expect(res.exitCode, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Out;
}

describe('compare: a journal exported mid-month', () => {
  // 45 sales of 100,000 fen: 0.50 % = 500 each, 22,500 in all; 0.60 % = 600 each, 27,000.
  // Over the 45 days covered: 22,500 × 365 ÷ 45 = 182,500, + 12 × 2,500 = 30,000 → 212,500;
  // 27,000 × 365 ÷ 45 = 219,000. The plan with the monthly fee is ¥65.00 a year cheaper.
  // (Over 61 days, 2026-10-01 … 11-30: 8,212,500 ÷ 61 = 134,631.1 → 134,631 + 30,000 = 164,631 against
  // 9,855,000 ÷ 61 = 161,557.4 → 161,557: the other plan would have ranked first.)
  const expected = [
    { rank: 1, provider: '低费率月费', yearlyFeesFen: 182_500, yearlyChargesFen: 30_000, yearlyFen: 212_500 },
    { rank: 2, provider: '高费率无月费', yearlyFeesFen: 219_000, yearlyChargesFen: 0, yearlyFen: 219_000 },
  ];

  it('covers the days up to the export its title gives (45), and ranks the plans by them', async () => {
    const out = await compare('exported.csv');
    expect(out.history.period).toEqual({ from: '2026-10-01', to: '2026-11-14', days: 45 });
    expect(out.plans).toMatchObject(expected);
  });

  it("covers the days up to its last sale when a daily-trading shop's journal stops on the 14th, title or not", async () => {
    const out = await compare('untitled.csv');
    expect(out.history.period).toEqual({ from: '2026-10-01', to: '2026-11-14', days: 45 });
    expect(out.plans).toMatchObject(expected);
  });

  it('says in the table which days it annualised over', async () => {
    const zh = await runCli(
      ['compare', '--terminal', 'exported.csv', '--catalog', 'catalog.yaml', '--as-of', '2027-01-01'],
      { cwd: dir },
    );
    expect(zh.stdout).toContain('按流水覆盖的 2026-10-01 至 2026-11-14（45 天）折算为一年');
    const en = await runCli(
      [
        'compare',
        '--terminal',
        'exported.csv',
        '--catalog',
        'catalog.yaml',
        '--as-of',
        '2027-01-01',
        '--lang',
        'en',
      ],
      { cwd: dir },
    );
    expect(en.stdout).toContain('annualised over the 45 days the journals cover (2026-10-01 to 2026-11-14)');
  });

  it("ends a quiet shop's journal the day before the export its title gives; without the title, at the month end", async () => {
    // Three sales of 100,000 fen, too few to tell the shop's rhythm. 0.60 % = 600 each, 1,800 in all.
    // Exported 2026-11-15: 2026-11-01 … 11-14, 14 days → 1,800 × 365 ÷ 14 = 46,928.57 → 46,929.
    const exported = await compare('quiet-exported.csv');
    expect(exported.history.period).toEqual({ from: '2026-11-01', to: '2026-11-14', days: 14 });
    expect(exported.plans.find((p) => p.provider === '高费率无月费')?.yearlyFeesFen).toBe(46_929);
    // No title: November's 30 days → 1,800 × 365 ÷ 30 = 21,900.
    const untitled = await compare('quiet.csv');
    expect(untitled.history.period).toEqual({ from: '2026-11-01', to: '2026-11-30', days: 30 });
    expect(untitled.plans.find((p) => p.provider === '高费率无月费')?.yearlyFeesFen).toBe(21_900);
  });
});
