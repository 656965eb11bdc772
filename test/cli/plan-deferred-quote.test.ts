import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs, write } from './audit-fixtures.js';

// `posguard plan fee` on a date when a raise is in the plan but told with less than the contract's notice: the
// raise does not bind yet (quoteFee defers it, DOMAIN.md §4.3), and the quote printed the old fee and the old
// period — one written to end before the date asked — without a word of why.

const tmp = tmpDirs('posguard-plan-deferred-');

/**
 * 0.60% until 11-15; 0.63% from 11-16, told on `noticed`; 30 days' notice. Line 6 holds the 0.60% rule, line 10
 * the 0.63% one (with `noticed` on line 8).
 */
const plan = (noticed: string, rate = '0.63%') =>
  [
    'notice: 30',
    'periods:',
    '  - from: 2026-10-01',
    '    until: 2026-11-15',
    '    rates:',
    '      - { channel: card, card: credit, rate: 0.60% }',
    '  - from: 2026-11-16',
    `    noticed: ${noticed}`,
    '    rates:',
    `      - { channel: card, card: credit, rate: ${rate} }`,
    '',
  ].join('\n');

/** `posguard plan fee plan.yaml --amount 1244.56 --date DATE …` of a credit-card sale. */
async function quote(planText: string, date: string, ...args: string[]) {
  const dir = tmp();
  write(dir, 'plan.yaml', planText);
  const run = await runCli(['plan', 'fee', 'plan.yaml', '--amount', '1244.56', '--date', date, ...args], {
    cwd: dir,
    env: {},
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return run.stdout;
}

interface FeeJson {
  feeFen: number;
  rule: { path: string; rate: string; line: number };
  deferred: {
    feeFen: number;
    fee: string;
    rate: string;
    path: string;
    line: number;
    period: { from: string; until: string | null };
    noticed: string;
    noticeDays: number;
    effective: string;
  } | null;
}
const json = async (planText: string, date: string) =>
  JSON.parse(await quote(planText, date, '--format', 'json')) as FeeJson;

// By hand, half-up: ¥1,244.56 × 0.60% = 7.46736 → ¥7.47; × 0.63% = 7.840728 → ¥7.84. Told on 11-01, the raise
// binds from 11-01 + 30 days = 12-01: 11-16..11-30 is the gap, priced at 0.60%.
const LATE = plan('2026-11-01');

describe('posguard plan fee in the gap of a raise told too late', () => {
  it('zh: the old fee, the old period running on to 11-30, and the raise waiting: 0.63%, told 11-01, binding 12-01', async () => {
    const out = await quote(LATE, '2026-11-20');
    expect(out.split('\n')).toEqual([
      '应收手续费: ¥7.47',
      '规则: plan.yaml:6 periods[0].rates[0]: 刷卡 贷记卡 0.60%',
      '期间: 2026-10-01 至 2026-11-15（调价暂缓，延用至 2026-11-30）',
      '计算: ¥1,244.56 × 0.60% = ¥7.47（四舍五入）',
      '暂缓的调价: plan.yaml:10 periods[1].rates[0]: 2026-11-16 起 刷卡 贷记卡 0.63%（这笔交易按此为 ¥7.84）于 2026-11-01 才通知，不足合同要求的 30 天，2026-12-01 起才生效；此前仍按上面的规则计',
      '',
    ]);
  });

  it('en: the same in English', async () => {
    const out = await quote(LATE, '2026-11-20', '--lang', 'en');
    expect(out.split('\n')).toEqual([
      'Expected fee: ¥7.47',
      'Rule: plan.yaml:6 periods[0].rates[0]: card, credit card: 0.60%',
      'Period: 2026-10-01 to 2026-11-15 (runs on to 2026-11-30 while the raise after it is deferred)',
      'Working: ¥1,244.56 × 0.60% = ¥7.47 (half-up)',
      'Deferred raise: plan.yaml:10 periods[1].rates[0]: card, credit card: 0.63% from 2026-11-16 (¥7.84 on this sale) was noticed only on 2026-11-01, less than the 30 days’ notice the contract requires, so it binds from 2026-12-01; until then the rule above applies',
      '',
    ]);
  });

  it('--format json: the fee priced by the old rule, and `deferred` with the raise’s rate, fee, day told and day it binds', async () => {
    for (const date of ['2026-11-16', '2026-11-20', '2026-11-30']) {
      const r = await json(LATE, date);
      expect(r.feeFen).toBe(747);
      expect(r.rule).toMatchObject({ path: 'periods[0].rates[0]', rate: '0.60%', line: 6 });
      expect(r.deferred).toEqual({
        feeFen: 784,
        fee: '7.84',
        rate: '0.63%',
        path: 'periods[1].rates[0]',
        line: 10,
        period: { from: '2026-11-16', until: null },
        noticed: '2026-11-01',
        noticeDays: 30,
        effective: '2026-12-01',
      });
    }
  });

  it('says nothing of a deferral once the raise binds (12-01), before it (11-15), or when told in time', async () => {
    // 12-01: the raise binds, ¥7.84 by line 10.
    const bound = await json(LATE, '2026-12-01');
    expect([bound.feeFen, bound.rule.line, bound.deferred]).toEqual([784, 10, null]);
    expect(await quote(LATE, '2026-12-01')).not.toContain('暂缓');
    // 11-15: the old period as written.
    const before = await json(LATE, '2026-11-15');
    expect([before.feeFen, before.rule.line, before.deferred]).toEqual([747, 6, null]);
    const table = await quote(LATE, '2026-11-15');
    expect(table).toContain('期间: 2026-10-01 至 2026-11-15\n');
    expect(table).not.toContain('暂缓');
    // Told on 10-15, 32 days ahead: 0.63% binds from 11-16.
    const inTime = await json(plan('2026-10-15'), '2026-11-20');
    expect([inTime.feeFen, inTime.rule.line, inTime.deferred]).toEqual([784, 10, null]);
  });

  it('defers no cut: 0.55% told late applies from 11-16 all the same, with nothing said', async () => {
    // ¥1,244.56 × 0.55% = 6.84508 → ¥6.85: a cut only benefits the merchant.
    const cut = plan('2026-11-01', '0.55%');
    const r = await json(cut, '2026-11-20');
    expect([r.feeFen, r.rule.line, r.deferred]).toEqual([685, 10, null]);
    expect(await quote(cut, '2026-11-20', '--lang', 'en')).not.toContain('Deferred');
  });
});
