import { describe, expect, it } from 'vitest';
import { parseCatalog } from './catalog.js';

// A one-entry catalogue as an agent would write it; `extra` holds the catalogue keys under test.
const PERIODS = '    periods: [{ from: 2020-01-01, rates: [{ rate: 0.60% }] }]\n';
const entry = (extra: string): string =>
  `plans:\n  - provider: 乐刷（示例）\n    plan: 标准费率\n    settlement: T1\n${extra}${PERIODS}`;

function failure(text: string): { zh: string; en: string } {
  const parsed = parseCatalog(text, 'cat.yaml');
  if (parsed.ok) throw new Error('expected the catalogue to be refused');
  return parsed;
}

describe('catalogue errors name file:line and path, say what is expected, zh and en', () => {
  it('suggests the catalogue key a typo meant (deposite → deposit) and lists the catalogue keys', () => {
    const error = failure(entry('    deposite: 50\n    source: 报价单\n'));
    expect(error.zh).toBe(
      'cat.yaml:5 plans[0].deposite: 未知的键“deposite”，是否想写 deposit？' +
        '（目录的键：plan, aliases, deposit, simFee, requirements, source；' +
        '方案的键：merchant, merchantId, provider, rounding, tolerance, settlement, refundFee, notice, refundWindowDays, periods, charges, calendar）',
    );
    expect(error.en).toContain(
      'cat.yaml:5 plans[0].deposite: unknown key "deposite" (did you mean deposit?)',
    );
  });

  it('says a missing source is required and what it should hold, not zod’s "Invalid input"', () => {
    const error = failure(entry('    deposit: 50\n'));
    expect(error.zh).toBe(
      'cat.yaml:2 plans[0].source: 缺少此项：应写明数字的出处（网址或文件，一条或一个非空列表），如 source: https://…',
    );
    expect(error.en).toContain(
      'cat.yaml:2 plans[0].source: this key is required: expected where the figures',
    );
    expect(error.zh).not.toContain('Invalid');
  });

  it('answers an empty source list in Chinese in zh', () => {
    const error = failure(entry('    deposit: 50\n    source: []\n'));
    expect(error.zh).toBe(
      'cat.yaml:6 plans[0].source: 应写明数字的出处（网址或文件，一条或一个非空列表），如 source: https://…',
    );
    expect(error.en).toMatch(/^cat\.yaml:6 plans\[0\]\.source: expected where the figures come from/);
  });

  it('places simFee problems and suggests amount for amout', () => {
    const error = failure(entry('    simFee: { amout: 3, every: week }\n    source: s\n'));
    expect(error.zh).toContain('cat.yaml:5 plans[0].simFee.every: 应为 month、quarter 或 year');
    expect(error.zh).toContain('cat.yaml:5 plans[0].simFee.amout: 未知的键“amout”，是否想写 amount？');
    expect(error.en).toContain(
      'cat.yaml:5 plans[0].simFee.amout: unknown key "amout" (did you mean amount?)',
    );
  });

  it('gives a bad deposit and a bad rate of the plan part their line in the catalogue file', () => {
    expect(failure(entry('    deposit: abc\n    source: s\n')).zh).toBe(
      'cat.yaml:5 plans[0].deposit: 应为金额（元），如 99',
    );
    const rate = failure(entry('    source: s\n').replace('0.60%', 'abc'));
    expect(rate.en).toBe(
      'cat.yaml:6 plans[0].periods[0].rates[0].rate: expected a percentage such as 0.60%, not "abc"',
    );
  });

  it('still reads a valid entry, money in integer fen', () => {
    const parsed = parseCatalog(
      entry('    deposit: 99\n    simFee: { amount: 8.50, every: month }\n    source: 报价单\n'),
      'cat.yaml',
    );
    expect(parsed.ok && parsed.entries[0]).toMatchObject({
      depositFen: 9900,
      simFee: { amountFen: 850, every: 'month' },
    });
  });
});

describe('a catalogue that is not valid YAML', () => {
  it('says where and what in Chinese and English, not the parser’s raw message', () => {
    const text = ['plans:', '  - provider: 汇通支付', '    plan: "标准', '    settlement: T1', ''].join('\n');
    const r = parseCatalog(`\uFEFF${text}`, 'providers.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.zh).toMatch(/^providers\.yaml 第 3 行第 \d+ 列：YAML 格式错误（引号没有闭合）/);
    expect(r.en).toMatch(/^providers\.yaml: YAML syntax error at line 3, column \d+/);
    expect(r.zh).not.toMatch(/Missing closing|quoted scalar/);
  });
});
