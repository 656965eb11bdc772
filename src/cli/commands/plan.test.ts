import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';

const REPO = new URL('../../../', import.meta.url).pathname;
const env = { LANG: 'zh_CN.UTF-8' };
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-plan-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a one-period plan whose first rule is on line 4 (after the optional header lines). */
const planFile = (rules: string[], header: string[] = []) => {
  const file = join(dir, 'plan.yaml');
  writeFileSync(
    file,
    [
      ...header,
      'periods:',
      '  - from: 2026-09-01',
      '    rates:',
      ...rules.map((r) => `      - ${r}`),
      '',
    ].join('\n'),
  );
  return file;
};

const fee = async (file: string, ...args: string[]) => {
  const run = await runCli(['plan', 'fee', file, '--date', '2026-10-01', '--format', 'json', ...args], {
    cwd: dir,
    env,
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.stdout) as { feeFen: number; line: number; rule: { path: string; rate: string } };
};

describe('posguard plan fee', () => {
  it('takes 0.60% of 1,234.56 as 7.41 and names the rule and its line', async () => {
    const file = planFile(['{ channel: nfc, rate: 0.38% }', '{ channel: card, card: credit, rate: 0.60% }']);
    const result = await fee(file, '--amount', '1234.56');
    expect(result).toMatchObject({
      feeFen: 741,
      line: 5,
      rule: { path: 'periods[0].rates[1]', rate: '0.60%' },
    });
  });

  it('caps a debit card at 20.00 on 8,000.00', async () => {
    const file = planFile(['{ channel: [card, nfc], card: debit, rate: 0.55%, cap: 20 }']);
    expect(await fee(file, '--amount', '8000.00', '--card', 'debit')).toMatchObject({
      feeFen: 2000,
      line: 4,
    });
    expect(await fee(file, '--amount', '8,000', '--card', '借记卡', '--channel', '闪付')).toMatchObject({
      feeFen: 2000,
    });
  });

  it('charges 2.99% plus a fixed 3 on 30,580.00 as 917.34', async () => {
    const file = planFile(['{ rate: 2.99%, fixed: 3 }']);
    expect((await fee(file, '--amount', '30580.00')).feeFen).toBe(91734);
  });

  it('rounds 0.38% of 5.00 to 0.02 half-up and to 0.01 down', async () => {
    expect((await fee(planFile(['{ rate: 0.38% }']), '--amount', '5.00')).feeFen).toBe(2);
    expect((await fee(planFile(['{ rate: 0.38% }'], ['rounding: down']), '--amount', '5.00')).feeFen).toBe(1);
  });

  it('prints the fee, the rule and the working as a table', async () => {
    planFile(['{ card: debit, rate: 0.55%, cap: 20 }']);
    const run = await runCli(
      ['plan', 'fee', 'plan.yaml', '--amount', '8000', '--card', 'debit', '--date', '2026-10-01'],
      {
        cwd: dir,
        env,
      },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('应收手续费: ¥20.00');
    expect(run.stdout).toContain('规则: plan.yaml:4 periods[0].rates[0]: 所有渠道 借记卡 0.55%，封顶 ¥20.00');
    expect(run.stdout).toContain('计算: ¥8,000.00 × 0.55% = ¥44.00，封顶 ¥20.00');
  });

  it('exits 1 with a clear message when no rule or no period applies', async () => {
    const file = planFile(['{ card: debit, rate: 0.55% }']);
    const noRule = await runCli(
      ['plan', 'fee', file, '--amount', '100', '--date', '2026-10-01', '--lang', 'en'],
      { env },
    );
    expect(noRule.exitCode).toBe(1);
    expect(noRule.stderr).toMatch(
      /^posguard: no rule of the period in force on 2026-10-01 .* prices credit card ¥100\.00\n$/,
    );
    const noPeriod = await runCli(
      ['plan', 'fee', file, '--amount', '100', '--card', 'debit', '--date', '2026-08-31'],
      {
        env,
      },
    );
    expect(noPeriod.exitCode).toBe(1);
    expect(noPeriod.stderr).toContain('没有在 2026-08-31 生效的费率期间');
  });

  it('names the channel and card in words, not codes, when no rule applies (zh and en)', async () => {
    const file = planFile(['{ card: debit, rate: 0.55% }']);
    const args = ['plan', 'fee', file, '--amount', '12', '--channel', '云闪付', '--date', '2026-10-01'];
    const zh = await runCli(args, { env });
    expect(zh.exitCode).toBe(1);
    expect(zh.stderr).toContain('没有规则适用于 银联二维码贷记卡 ¥12.00');
    expect(zh.stderr).not.toMatch(/unionpay|credit/);
    const en = await runCli([...args, '--lang', 'en'], { env });
    expect(en.exitCode).toBe(1);
    expect(en.stderr).toContain('prices UnionPay QR (credit card) ¥12.00');
    const unknownCard = await runCli(
      [
        'plan',
        'fee',
        file,
        '--amount',
        '12',
        '--channel',
        'wechat',
        '--card',
        'unknown',
        '--date',
        '2026-10-01',
      ],
      { env },
    );
    expect(unknownCard.exitCode).toBe(1);
    expect(unknownCard.stderr).toContain('没有规则适用于 微信（未知卡种） ¥12.00');
  });

  it('exits 2 on a bad amount, channel or date, in one line', async () => {
    const file = planFile(['{ rate: 0.60% }']);
    for (const args of [
      ['--amount', '12.3.4'],
      ['--amount', '1', '--channel', 'visa'],
      ['--amount', '1', '--date', '2026-02-30'],
    ]) {
      const run = await runCli(['plan', 'fee', file, ...args], { env });
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toContain('    at ');
    }
    const missing = await runCli(['plan', 'fee', file], { env });
    expect(missing.exitCode).toBe(2);
  });
});

describe('posguard plan check', () => {
  it('accepts examples/plan.yaml and prints the summary', async () => {
    const run = await runCli(['plan', 'check', 'examples/plan.yaml'], { cwd: REPO, env });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('费率方案有效: examples/plan.yaml');
    expect(run.stdout).toContain('商户: 鸿运便利店（822584053110001）');
    expect(run.stdout).toContain('刷卡/闪付/银联二维码 借记卡 0.55%，封顶 ¥20.00');
  });

  it('prints the plan as JSON with --format json', async () => {
    const run = await runCli(['plan', 'check', 'examples/plan.yaml', '--format', 'json'], { cwd: REPO, env });
    expect(run.exitCode).toBe(0);
    const json = JSON.parse(run.stdout) as { ok: boolean; plan: { merchantId: string } };
    expect(json).toMatchObject({ ok: true, plan: { merchantId: '822584053110001' } });
  });

  const rulesAt4 = (...rules: string[]) =>
    ['periods:', '  - from: 2026-09-01', '    rates:', ...rules.map((r) => `      - ${r}`), ''].join('\n');
  const invalid: Array<[string, string, string]> = [
    [
      'an unknown channel',
      rulesAt4('{ channel: visa, rate: 0.60% }'),
      'plan.yaml:4 periods[0].rates[0].channel: 未知渠道“visa”',
    ],
    [
      'rate abc',
      rulesAt4('{ rate: 0.60% }', '{ rate: abc }'),
      'plan.yaml:5 periods[0].rates[1].rate: “abc”不是费率',
    ],
    [
      'a negative cap',
      rulesAt4('{ rate: 0.55%, cap: -20 }'),
      'plan.yaml:4 periods[0].rates[0].cap: 金额不能为负数',
    ],
    [
      'an unknown key',
      rulesAt4('{ maxAmout: 1000, rate: 0.38% }'),
      'plan.yaml:4 periods[0].rates[0].maxAmout: 未知的键“maxAmout”',
    ],
    [
      'two periods with the same from',
      'periods:\n  - from: 2026-09-01\n    rates: [{ rate: 1% }]\n  - from: 2026-09-01\n    rates: [{ rate: 2% }]\n',
      'plan.yaml:4 periods[1].from: periods[0]（第 2 行）也从 2026-09-01 开始',
    ],
    [
      'a date that does not exist',
      'periods:\n  - from: 2026-02-30\n    rates: [{ rate: 1% }]\n',
      'plan.yaml:2 periods[0].from: “2026-02-30”不是有效日期',
    ],
    [
      'until before from',
      'periods:\n  - from: 2026-09-01\n    until: 2026-08-01\n    rates: [{ rate: 1% }]\n',
      'plan.yaml:3 periods[0].until: 结束日 2026-08-01 早于开始日 2026-09-01',
    ],
  ];

  it.each(invalid)('rejects %s with exit 2 and one error naming the place', async (_name, text, expected) => {
    writeFileSync(join(dir, 'plan.yaml'), text);
    const run = await runCli(['plan', 'check', 'plan.yaml'], { cwd: dir, env });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(expected);
    expect(lines[0]?.startsWith(expected)).toBe(true);
    expect(run.stderr).not.toContain('    at ');
  });

  it('lists the errors as JSON with --format json and still exits 2', async () => {
    planFile(['{ rate: abc }']);
    const run = await runCli(['plan', 'check', 'plan.yaml', '--format', 'json', '--lang', 'en'], {
      cwd: dir,
      env,
    });
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      errors: [
        {
          file: 'plan.yaml',
          line: 4,
          path: 'periods[0].rates[0].rate',
          code: 'invalid',
          message: 'expected a percentage such as 0.60%, not "abc"',
        },
      ],
    });
  });

  it('refuses to quote a fee from an invalid plan (exit 2)', async () => {
    planFile(['{ rate: 0.60%, maxAmout: 5 }']);
    const run = await runCli(['plan', 'fee', 'plan.yaml', '--amount', '1'], { cwd: dir, env });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^plan\.yaml:4 periods\[0\]\.rates\[0\]\.maxAmout: /);
  });

  it('gives the English message with --lang en', async () => {
    planFile(['{ rate: 0.60% }', '{ rate: abc }']);
    const run = await runCli(['plan', 'check', 'plan.yaml', '--lang', 'en'], { cwd: dir, env });
    expect(run.stderr).toBe(
      'plan.yaml:5 periods[0].rates[1].rate: expected a percentage such as 0.60%, not "abc"\n',
    );
  });

  it('warns about days between two periods that no period covers', async () => {
    writeFileSync(
      join(dir, 'plan.yaml'),
      [
        'periods:',
        '  - from: 2026-09-01',
        '    until: 2026-10-13',
        '    rates: [{ card: credit, rate: 0.38% }]',
        '  - from: 2026-10-20',
        '    rates: [{ card: credit, rate: 0.60% }]',
        '',
      ].join('\n'),
    );
    const zh = await runCli(['plan', 'check', 'plan.yaml'], { cwd: dir, env });
    expect(zh.exitCode).toBe(0);
    expect(zh.stdout).toContain(
      '  plan.yaml:5 periods[1].from: 2026-10-14 至 2026-10-19（6 天）没有生效的费率期间：第 2 行的期间截止于 2026-10-13，此期间从 2026-10-20 开始',
    );
    const en = await runCli(['plan', 'check', 'plan.yaml', '--lang', 'en'], { cwd: dir, env });
    expect(en.stdout).toContain(
      'plan.yaml:5 periods[1].from: no period is in force from 2026-10-14 to 2026-10-19',
    );
  });

  it('exits 2 on a file that cannot be read', async () => {
    const run = await runCli(['plan', 'check', 'missing.yaml', '--lang', 'en'], { cwd: dir, env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('missing.yaml: the file does not exist or cannot be read\n');
  });

  it('shows help with examples in Chinese and English', async () => {
    const zh = await runCli(['plan', 'fee', '--help'], { env });
    expect(zh.exitCode).toBe(0);
    expect(zh.stdout).toContain('示例：');
    expect(zh.stdout).toContain('posguard plan fee examples/plan.yaml --amount 1234.56');
    const en = await runCli(['plan', 'check', '--help', '--lang', 'en'], { env });
    expect(en.stdout).toContain('Examples:');
  });

  it('runs every plan example its help texts show, whatever today is', async () => {
    const helps = [
      ['--help'],
      ['--help', '--lang', 'en'],
      ['plan', '--help'],
      ['plan', '--help', '--lang', 'en'],
      ['plan', 'fee', '--help'],
      ['plan', 'fee', '--help', '--lang', 'en'],
    ];
    const examples = new Set<string>();
    for (const args of helps) {
      const help = await runCli(args, { env });
      for (const line of help.stdout.split('\n'))
        if (/^\s+posguard plan (fee|check) examples\//.test(line)) examples.add(line.trim());
    }
    expect(examples.size).toBeGreaterThanOrEqual(5);
    for (const example of examples) {
      const run = await runCli(example.split(' ').slice(1), { cwd: REPO, env });
      expect([example, run.exitCode, run.stderr]).toEqual([example, 0, '']);
    }
  });

  it('names the periods the plan has when none is in force on the date', async () => {
    const run = await runCli(
      ['plan', 'fee', 'examples/plan.yaml', '--amount', '100', '--date', '2031-01-01'],
      {
        cwd: REPO,
        env,
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /没有在 2031-01-01 生效的费率期间（方案的期间：2026-09-01 至 2026-11-30），可用 --date 指定交易日期/,
    );
  });
});
