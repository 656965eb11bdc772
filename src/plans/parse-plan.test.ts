import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadPlanFileSync, type PlanIssue, parsePlan } from './parse-plan.js';

const EXAMPLE = readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8');

/** A valid one-period plan with the given rule lines; the first rule is on line 4. */
const withRules = (...rules: string[]) =>
  ['periods:', '  - from: 2026-09-01', '    rates:', ...rules.map((r) => `      - ${r}`), ''].join('\n');

const onlyError = (text: string): PlanIssue => {
  const result = parsePlan(text, 'plan.yaml');
  if (result.ok) throw new Error('expected the plan to be invalid');
  expect(result.errors).toHaveLength(1);
  return result.errors[0] as PlanIssue;
};

describe('parsePlan on the example plan', () => {
  it('reads every field of examples/plan.yaml into fen, ppm and lines', () => {
    const result = parsePlan(EXAMPLE, 'examples/plan.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const { plan } = result;
    expect(plan.merchant).toBe('鸿运便利店');
    expect(plan.merchantId).toBe('822584053110001');
    expect(plan.provider).toBe('leshua');
    expect(plan.toleranceFen).toBe(1);
    expect(plan.settlement).toEqual({ basis: 'T', days: 1 });
    expect(plan.noticeDays).toBe(30);
    const period = plan.periods[0];
    expect(period).toMatchObject({
      from: '2026-09-01',
      until: '2026-11-30',
      noticed: '2026-08-01',
      line: 13,
    });
    expect(period?.rates[2]).toEqual({
      channels: ['card', 'nfc', 'unionpay-qr'],
      cards: ['debit'],
      ratePpm: 5500,
      fixedFen: 0,
      capFen: 2000,
      line: 19,
      index: 2,
    });
    expect(period?.rates[0]).toMatchObject({
      channels: ['nfc'],
      maxAmountFen: 100000,
      ratePpm: 3800,
      line: 17,
    });
    expect(plan.charges[0]).toEqual({
      name: '流量费',
      aliases: ['SIM卡服务费', '通讯费'],
      amountFen: 9900,
      every: 'year',
      from: '2027-09-01',
      perTerminal: false,
      line: 23,
    });
    expect(result.warnings).toEqual([]);
  });

  it('applies the defaults: half-up, 1 fen tolerance, T1, no refund fee, 30 days notice', () => {
    const result = parsePlan(withRules('{ rate: 0.60% }'), 'p.yaml');
    expect(result.ok && result.plan).toMatchObject({
      rounding: 'half-up',
      toleranceFen: 1,
      settlement: { basis: 'T', days: 1 },
      refundFee: 'none',
      noticeDays: 30,
      charges: [],
    });
  });

  it('converts YAML numbers from their source text, not through floats', () => {
    const text = `tolerance: 0.29\n${withRules('{ rate: 0.0325%, fixed: 0.07, cap: 1.10, min: 20, maxAmount: 1234.56 }')}`;
    const result = parsePlan(text, 'p.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.toleranceFen).toBe(29);
    expect(result.plan.periods[0]?.rates[0]).toMatchObject({
      ratePpm: 325,
      fixedFen: 7,
      capFen: 110,
      minFen: 2000,
      maxAmountFen: 123456,
    });
  });

  it('accepts Chinese channel and card names, 万分之 and 千分之 rates, and D0/T2 cycles', () => {
    const text = `settlement: d0\n${withRules(
      '{ channel: [刷卡, 挥卡, 云闪付], card: [信用卡, 准贷记卡], rate: 万分之38 }',
      '{ channel: 数字人民币, card: 借记卡, rate: 千分之6 }',
    )}`;
    const result = parsePlan(text, 'p.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.settlement).toEqual({ basis: 'D', days: 0 });
    expect(result.plan.periods[0]?.rates[0]).toMatchObject({
      channels: ['card', 'nfc', 'unionpay-qr'],
      cards: ['credit'],
      ratePpm: 3800,
    });
    expect(result.plan.periods[0]?.rates[1]).toMatchObject({
      channels: ['ecny'],
      cards: ['debit'],
      ratePpm: 6000,
    });
    expect(parsePlan(`settlement: T2\n${withRules('{ rate: 1% }')}`, 'p').ok && true).toBe(true);
  });

  it('accepts JSON and still knows the line of each rule', () => {
    const json = [
      '{',
      '  "merchantId": "822584053110001",',
      '  "periods": [',
      '    { "from": "2026-09-01",',
      '      "rates": [',
      '        { "channel": "card", "rate": "0.60%" },',
      '        { "channel": "nfc", "rate": "0.38%", "cap": 20 }',
      '      ] }',
      '  ]',
      '}',
    ].join('\n');
    const result = parsePlan(json, 'plan.json');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.periods[0]?.rates.map((r) => r.line)).toEqual([6, 7]);
    expect(result.plan.periods[0]?.rates[1]?.capFen).toBe(2000);
  });

  it('keeps the calendar overrides and charges with perTerminal', () => {
    const text = `${withRules('{ rate: 1% }')}charges:\n  - { name: 押金, amount: 299, every: once, perTerminal: true }\ncalendar:\n  holidays: [2027-01-01]\n  workdays: 2027-02-06\n`;
    const result = parsePlan(text, 'p.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.calendar).toEqual({ holidays: ['2027-01-01'], workdays: ['2027-02-06'] });
    expect(result.plan.charges[0]).toMatchObject({
      name: '押金',
      amountFen: 29900,
      every: 'once',
      perTerminal: true,
    });
  });
});

describe('parsePlan errors name the path and the line', () => {
  it('rejects a rate such as abc', () => {
    const e = onlyError(withRules('{ rate: 0.60% }', '{ channel: nfc, rate: abc }'));
    expect(e).toMatchObject({ path: 'periods[0].rates[1].rate', line: 5 });
    expect(e.en).toContain('expected a percentage such as 0.60%');
    expect(e.zh).toContain('0.60%');
  });

  it('rejects a bare number as a rate and names the unit its size suggests', () => {
    const e = onlyError(withRules('{ rate: 0.6 }'));
    expect(e).toMatchObject({ path: 'periods[0].rates[0].rate', line: 4 });
    expect(e.zh).toContain('多半是百分数');
    expect(e.zh).toContain('rate: 0.6%');
    expect(e.en).toContain('most likely a percentage');
  });

  // Adding a % sign to 0.006, as the old hint said, made the plan 100 times too low (0.006% for 0.60%).
  it.each([
    ['0.006', '小数形式的费率', '0.006 = 0.60%，请写成 rate: 0.60%', 'most likely a fraction: 0.006 = 0.60%'],
    ['"0.0038"', '小数形式的费率', '0.0038 = 0.38%，请写成 rate: 0.38%', 'fraction: 0.0038 = 0.38%'],
    ['0.6', '百分数', '0.6 即 0.6%，请写成 rate: 0.6%', 'percentage: 0.6 means 0.6%'],
    ['60', '万分之', '60 即 万分之60 = 0.60%，请写成 rate: 万分之60 或 rate: 0.60%', '万分之60 = 0.60%'],
    ['38', '万分之', '万分之38 = 0.38%', 'write rate: 万分之38 or rate: 0.38%'],
  ])('suggests by magnitude for the unitless rate %s', (rate, unitZh, zh, en) => {
    const e = onlyError(withRules(`{ rate: ${rate} }`));
    expect(e.zh).toContain(unitZh);
    expect(e.zh).toContain(zh);
    expect(e.zh).not.toMatch(/写成 rate: 0\.00\d*%/);
    expect(e.en).toContain(en);
  });

  it('reads the contract shorthand 万60 as 万分之60 and 千6 as 千分之6', () => {
    const result = parsePlan(withRules('{ card: credit, rate: 万60 }', '{ card: debit, rate: 千6 }'), 'p');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.periods[0]?.rates.map((r) => [r.ratePpm, r.fixedFen])).toEqual([
      [6000, 0],
      [6000, 0],
    ]);
  });

  it('reads 0.6%+3, 万60+3 and 2.99%+3元 as a rate plus a fixed fee in yuan', () => {
    const result = parsePlan(
      withRules('{ card: credit, rate: 0.6%+3 }', '{ card: debit, rate: 万60 + 3 }', '{ rate: 2.99%+3元 }'),
      'p',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.periods[0]?.rates.map((r) => [r.ratePpm, r.fixedFen])).toEqual([
      [6000, 300],
      [6000, 300],
      [29900, 300],
    ]);
  });

  it('rejects a fixed fee given both in the rate and as fixed, and a unitless rate before +3', () => {
    const both = onlyError(withRules('{ rate: 0.6%+3, fixed: 3 }'));
    expect(both).toMatchObject({ path: 'periods[0].rates[0].rate', line: 4 });
    expect(both.zh).toContain('fixed');
    // A rate that fails on its own is one error, whatever `fixed` says.
    expect(onlyError(withRules('{ rate: abc, fixed: 3 }')).path).toBe('periods[0].rates[0].rate');
    const unitless = onlyError(withRules('{ rate: 0.6+3 }'));
    expect(unitless.zh).toContain('0.6 即 0.6%');
    expect(unitless.zh).toContain('fixed: 3');
  });

  it('rejects an unknown channel, pointing at the item of a list', () => {
    const e = onlyError(withRules('{ channel: [card, visa], rate: 0.60% }'));
    expect(e).toMatchObject({ path: 'periods[0].rates[0].channel[1]', line: 4 });
    expect(e.en).toContain('unknown channel "visa"');
  });

  it('rejects a negative cap', () => {
    const e = onlyError(withRules('{ rate: 0.55% }', '{ card: debit, rate: 0.55%, cap: -20 }'));
    expect(e).toMatchObject({ path: 'periods[0].rates[1].cap', line: 5 });
    expect(e.en).toContain('negative');
  });

  it('rejects an unknown key such as maxAmout and suggests the right one', () => {
    const text = [
      'periods:',
      '  - from: 2026-09-01',
      '    rates:',
      '      - channel: nfc',
      '        maxAmout: 1000',
      '        rate: 0.38%',
      '',
    ].join('\n');
    const e = onlyError(text);
    expect(e).toMatchObject({ code: 'unknown-key', path: 'periods[0].rates[0].maxAmout', line: 5 });
    expect(e.en).toContain('did you mean maxAmount?');
    expect(e.zh).toContain('maxAmout');
  });

  it('rejects two periods with the same from', () => {
    const text = `${withRules('{ rate: 0.60% }')}  - from: 2026-09-01\n    rates: [{ rate: 0.70% }]\n`;
    const e = onlyError(text);
    expect(e).toMatchObject({ code: 'duplicate-from', path: 'periods[1].from', line: 5 });
    expect(e.en).toContain('periods[0] (line 2)');
  });

  it('rejects until before from', () => {
    const text = [
      'periods:',
      '  - from: 2026-09-01',
      '    until: 2026-08-31',
      '    rates: [{ rate: 1% }]',
      '',
    ].join('\n');
    expect(onlyError(text)).toMatchObject({ code: 'until-before-from', path: 'periods[0].until', line: 3 });
  });

  it('rejects a date that does not exist', () => {
    const e = onlyError(['periods:', '  - from: 2026-02-30', '    rates: [{ rate: 1% }]', ''].join('\n'));
    expect(e).toMatchObject({ path: 'periods[0].from', line: 2 });
    expect(e.en).toContain('"2026-02-30" is not a valid date');
  });

  it('reads year-first dates written the way contracts write them, and still rejects days that do not exist', () => {
    const plan = [
      'periods:',
      '  - from: 2026/9/1',
      '    until: 2026年11月30日',
      '    noticed: 2026.8.1',
      '    rates: [{ rate: 1% }]',
      '  - from: 2026-12-1',
      '    rates: [{ rate: 1% }]',
      '',
    ].join('\n');
    const result = parsePlan(plan, 'plan.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.plan.periods.map((p) => [p.from, p.until, p.noticed])).toEqual([
      ['2026-09-01', '2026-11-30', '2026-08-01'],
      ['2026-12-01', undefined, undefined],
    ]);
    for (const bad of ['2026/2/30', '2026年13月1日', '1/9/2026', '2026/9']) {
      const e = onlyError(['periods:', `  - from: ${bad}`, '    rates: [{ rate: 1% }]', ''].join('\n'));
      expect(e).toMatchObject({ path: 'periods[0].from', line: 2 });
    }
  });

  it('asks to quote a merchantId written as a number', () => {
    const e = onlyError(`merchantId: 822584053110001\n${withRules('{ rate: 1% }')}`);
    expect(e).toMatchObject({ path: 'merchantId', line: 1 });
    expect(e.en).toContain('"822584053110001"');
  });

  it('reports a missing rate and a missing periods key', () => {
    expect(onlyError(withRules('{ channel: card }'))).toMatchObject({
      code: 'missing',
      path: 'periods[0].rates[0].rate',
      line: 4,
    });
    expect(onlyError('merchant: 店\n')).toMatchObject({ code: 'missing', path: 'periods' });
  });

  it('rejects an empty amount band and a date both holiday and workday', () => {
    expect(onlyError(withRules('{ minAmount: 1000, maxAmount: 1000, rate: 1% }'))).toMatchObject({
      code: 'empty-band',
      path: 'periods[0].rates[0].maxAmount',
    });
    const calendar = `${withRules('{ rate: 1% }')}calendar:\n  holidays: [2026-10-10]\n  workdays: [2026-10-10]\n`;
    expect(onlyError(calendar)).toMatchObject({
      code: 'calendar-conflict',
      path: 'calendar.workdays[0]',
      line: 7,
    });
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(onlyError('periods:\n  - from: 2026-09-01\n    rates: [\n')).toMatchObject({ code: 'yaml' });
    const dup = onlyError(`rounding: up\n${withRules('{ rate: 1% }')}rounding: down\n`);
    expect(dup).toMatchObject({ code: 'yaml', line: 6 });
  });

  it('rejects an empty file and a plan that is not a mapping', () => {
    expect(onlyError('').code).toBe('invalid');
    expect(onlyError('- a\n- b\n').code).toBe('invalid');
  });
});

describe('parsePlan warnings', () => {
  it('warns when a period was noticed later than the contract allows', () => {
    const text = [
      'notice: 30',
      'periods:',
      '  - from: 2026-09-01',
      '    noticed: 2026-08-20',
      '    rates: [{ rate: 1% }]',
      '',
    ].join('\n');
    const result = parsePlan(text, 'p.yaml');
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({ code: 'late-notice', path: 'periods[0].noticed', line: 4 }),
    ]);
  });

  it('warns about days between two periods that no period covers', () => {
    const text = [
      'periods:',
      '  - from: 2026-09-01',
      '    until: 2026-10-13',
      '    rates: [{ rate: 0.38% }]',
      '  - from: 2026-10-20',
      '    rates: [{ rate: 0.60% }]',
      '',
    ].join('\n');
    const result = parsePlan(text, 'p.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toHaveLength(1);
    const gap = result.warnings[0];
    expect(gap).toMatchObject({ code: 'period-gap', path: 'periods[1].from', line: 5 });
    expect(gap?.zh).toContain('2026-10-14 至 2026-10-19（6 天）没有生效的费率期间');
    expect(gap?.en).toContain('from 2026-10-14 to 2026-10-19 (6 days)');
  });

  it('finds no gap where periods meet, overlap or run open-ended, and finds one after a nested period', () => {
    const periods = (...p: string[][]) =>
      [
        'periods:',
        ...p.flatMap(([from, until]) => [
          `  - from: ${from}`,
          ...(until ? [`    until: ${until}`] : []),
          '    rates: [{ rate: 1% }]',
        ]),
        '',
      ].join('\n');
    for (const text of [
      periods(['2026-09-01', '2026-10-13'], ['2026-10-14']),
      periods(['2026-09-01', '2026-12-31'], ['2026-10-01', '2026-10-31'], ['2027-01-01']),
      periods(['2026-09-01'], ['2026-10-01', '2026-10-31'], ['2027-01-01']),
    ]) {
      const result = parsePlan(text, 'p.yaml');
      expect(result.ok && result.warnings).toEqual([]);
    }
    const inner = parsePlan(
      periods(['2026-09-01', '2026-12-31'], ['2026-10-01', '2026-10-31'], ['2027-01-03']),
      'p',
    );
    expect(inner.ok && inner.warnings.map((w) => w.code)).toEqual(['period-gap']);
    expect(inner.ok && inner.warnings[0]?.zh).toContain('2027-01-01 至 2027-01-02（2 天）没有生效的费率期间');
  });

  it('warns about a rule that an earlier rule always wins over', () => {
    const result = parsePlan(
      withRules('{ channel: [card, nfc], rate: 0.60% }', '{ channel: card, card: debit, rate: 0.55% }'),
      'p',
    );
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({ code: 'unreachable-rule', path: 'periods[0].rates[1]', line: 5 }),
    ]);
  });
});

describe('loadPlanFileSync', () => {
  it('reports an unreadable file as an error result', () => {
    const result = loadPlanFileSync(join(tmpdir(), 'posguard-no-such-plan.yaml'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.code).toBe('unreadable');
  });

  it('reads a GB18030 file and warns that it is not UTF-8', () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-plan-'));
    try {
      const file = join(dir, 'plan.yaml');
      writeFileSync(
        file,
        iconv.encode(`merchant: 鸿运便利店\n${withRules('{ channel: 刷卡, rate: 0.60% }')}`, 'gb18030'),
      );
      const result = loadPlanFileSync(file);
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      expect(result.plan.merchant).toBe('鸿运便利店');
      expect(result.warnings[0]?.code).toBe('encoding');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parsePlan robustness', () => {
  it('never throws on random mutations of examples/plan.yaml', () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('delete' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 20 }),
      }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 8 }) }),
      fc.record({
        kind: fc.constant('token' as const),
        at: fc.nat(),
        text: fc.constantFrom(
          ':',
          '- ',
          '[',
          ']',
          '{',
          '}',
          '&a ',
          '*a',
          '"',
          '\n',
          '  ',
          '#',
          '%',
          '-1',
          '1e9',
          '!!str ',
          '? ',
        ),
      }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        let text = EXAMPLE;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          text =
            m.kind === 'delete'
              ? text.slice(0, at) + text.slice(at + m.length)
              : text.slice(0, at) + m.text + text.slice(at);
        }
        const result = parsePlan(text, 'plan.yaml');
        if (result.ok) expect(result.plan.periods.length).toBeGreaterThan(0);
        else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(e.en.length * e.zh.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
