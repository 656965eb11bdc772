import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

// What is wrong inside a monitor rules file or a pushed record is told in the request's language (?lang=en, else
// Chinese), with both texts of the whole message and of every problem in the details, as a refused request's
// fields are.

let t: TestApp;
let owner: string;
let shop: number;

beforeAll(async () => {
  t = await testApp('sqlite');
  const mine = await ownerWithMerchant(t, SAMPLE_MERCHANT);
  owner = mine.cookie;
  shop = mine.id;
});
afterAll(async () => t.close());

const sale = (n: number): Record<string, unknown> => ({
  type: 'sale',
  status: 'success',
  time: '2026-10-01T12:00:00+08:00',
  terminalId: 'T001',
  refNo: `4000000${n}`,
  channel: 'card',
  card: 'credit',
  amountFen: 2_000,
});

const putRules = (query: string, payload: string | Record<string, unknown>) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/merchants/${shop}/monitor-rules${query}`,
    headers: {
      cookie: owner,
      'content-type': typeof payload === 'string' ? 'application/yaml' : 'application/json',
    },
    payload,
  });

const push = (path: 'transactions' | 'settlements', query: string, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/merchants/${shop}/${path}${query}`,
    headers: { cookie: owner },
    payload: payload as Record<string, unknown>,
  });

/** The two answers of one refusal: Chinese by default, English with ?lang=en; the details the same in both. */
async function bothWays(
  send: (query: string) => ReturnType<typeof putRules>,
  status: number,
): Promise<{ zh: { code: string; message: string; details: unknown }; en: { message: string } }> {
  const zh = await send('');
  const en = await send('?lang=en');
  expect(zh.statusCode, zh.body).toBe(status);
  expect(en.statusCode, en.body).toBe(status);
  expect(en.json().error.details).toEqual(zh.json().error.details);
  expect(en.json().error.code).toBe(zh.json().error.code);
  return { zh: zh.json().error, en: en.json().error };
}

describe('invalid_rules', () => {
  it('names each problem of the rules in the language asked for, every problem with both texts', async () => {
    const { zh, en } = await bothWays(
      (q) =>
        putRules(q, {
          rules: {
            high_frequency: { maxPerHour: 0, severity: 'urgent' },
            large_amount: { thresholdFen: 1.5 },
          },
          limits: [{ from: '2026/10/01', perTransactionFen: 100 }],
        }),
      400,
    );
    const problems = [
      {
        path: 'rules.large_amount.thresholdFen',
        zh: 'rules.large_amount.thresholdFen：应为整数',
        en: 'rules.large_amount.thresholdFen: expected a whole number',
      },
      {
        path: 'rules.high_frequency.severity',
        zh: 'rules.high_frequency.severity：应为 low、medium、high 之一',
        en: 'rules.high_frequency.severity: expected one of low, medium, high',
      },
      {
        path: 'rules.high_frequency.maxPerHour',
        zh: 'rules.high_frequency.maxPerHour：应不小于 1',
        en: 'rules.high_frequency.maxPerHour: must be at least 1',
      },
      {
        path: 'limits.0.from',
        zh: 'limits.0.from：应为 YYYY-MM-DD 日期',
        en: 'limits.0.from: expected a YYYY-MM-DD date',
      },
    ];
    expect(zh).toEqual({
      code: 'invalid_rules',
      message: `监控规则有 4 处错误：${problems.map((p) => p.zh).join('；')}`,
      details: {
        zh: `监控规则有 4 处错误：${problems.map((p) => p.zh).join('；')}`,
        en: `the monitor rules have 4 problems: ${problems.map((p) => p.en).join('; ')}`,
        problems,
      },
    });
    expect(en.message).toBe(`the monitor rules have 4 problems: ${problems.map((p) => p.en).join('; ')}`);
  });

  it('a misspelt rule is named with the one meant, in either language', async () => {
    const { zh, en } = await bothWays((q) => putRules(q, 'rules:\n  of_hours: { start: "07:00" }\n'), 400);
    const accepted =
      'large_amount, high_frequency, off_hours, split_sales, over_limit, duplicate_submission, fee_overcharge, unplanned_deduction, rate_change, missing_statement';
    expect(zh.message).toBe(
      `监控规则有 1 处错误：rules.of_hours：没有这个字段（是否想写 off_hours？）；可用的有 ${accepted.replaceAll(', ', '、')}`,
    );
    expect(en.message).toBe(
      `the monitor rules have 1 problem: rules.of_hours: unknown field (did you mean off_hours?); accepted: ${accepted}`,
    );
  });

  it('YAML that does not parse is said to be so in either language', async () => {
    const { zh, en } = await bothWays((q) => putRules(q, 'rules: [unclosed\n'), 400);
    // Where, and what to do, in each language: not the parser's English in the Chinese message.
    expect(zh.message).toMatch(/^监控规则有 1 处错误：第 \d+ 行第 \d+ 列：YAML 格式错误（[^）]+）：\S/);
    expect(en.message).toMatch(
      /^the monitor rules have 1 problem: YAML syntax error at line \d+, column \d+/,
    );
    expect(zh.message).not.toMatch(/[A-Za-z]{6,}/);
  });

  it('good rules are still taken', async () => {
    const res = await putRules('?lang=en', { rules: { off_hours: { start: '07:30' } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rules.rules.off_hours).toEqual({
      enabled: true,
      severity: 'low',
      start: '07:30',
      end: '22:00',
    });
  });
});

describe('ingest refusals', () => {
  it('too_large: more than 5000 records in one push', async () => {
    const records = Array.from({ length: 5001 }, (_, i) => sale(i));
    const { zh, en } = await bothWays((q) => push('transactions', q, records), 413);
    expect(zh).toEqual({
      code: 'too_large',
      message: '每次最多推送 5000 条记录，请分批发送',
      details: { zh: '每次最多推送 5000 条记录，请分批发送', en: 'at most 5000 records per request' },
    });
    expect(en.message).toBe('at most 5000 records per request');
  });

  it('invalid_record: each record problem by its index, in the language asked for', async () => {
    const { zh, en } = await bothWays(
      (q) =>
        push('settlements', q, [
          sale(1),
          'not a record',
          { ...sale(3), kind: 'terminal' },
          { ...sale(4), amountFen: '20.00', time: 'yesterday' },
        ]),
      400,
    );
    const problems = [
      { index: 1, path: '', zh: '[1]：应为一条记录（JSON 对象）', en: '[1]: expected a record object' },
      {
        index: 2,
        path: 'kind',
        zh: '[2].kind：此接口只接收结算明细（settlement）记录，不接收 "terminal"',
        en: '[2].kind: this route takes settlement records, not "terminal"',
      },
      {
        index: 3,
        path: 'time',
        zh: '[3].time：应为 ISO 时间，如 2026-10-01T12:00:00+08:00',
        en: '[3].time: expected an ISO time',
      },
      { index: 3, path: 'amountFen', zh: '[3].amountFen：应为数字', en: '[3].amountFen: expected a number' },
    ];
    expect(zh).toEqual({
      code: 'invalid_record',
      message: problems.map((p) => p.zh).join('；'),
      details: {
        zh: problems.map((p) => p.zh).join('；'),
        en: problems.map((p) => p.en).join('; '),
        problems,
      },
    });
    expect(en.message).toBe(problems.map((p) => p.en).join('; '));
    // Nothing of the refused push was stored, not even its good first record.
    const merchant = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${shop}`,
      headers: { cookie: owner },
    });
    expect(merchant.json().records).toBe(0);
  });

  it('a card number left unmasked is refused in either language', async () => {
    const { zh, en } = await bothWays(
      // 20 digits: no card number is that long, so it cannot be masked as one (13–19 digits are masked 6 + 4).
      (q) => push('transactions', q, { ...sale(9), cardNo: '卡 62258812345678981234' }),
      400,
    );
    expect(zh.message).toBe('[0].cardNo：卡号必须脱敏（最多保留前 6 位和后 4 位）');
    expect(en.message).toBe('[0].cardNo: a card number must be masked (first 6 / last 4 at most)');
  });
});
