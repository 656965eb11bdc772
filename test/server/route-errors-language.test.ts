import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

// The refusals of the ingest, alert and plan routes answer in the request's language (Accept-Language), with
// their status and code as before.

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

const sale = (amountFen: number): Record<string, unknown> => ({
  type: 'sale',
  status: 'success',
  time: '2026-10-01T12:00:00+08:00',
  terminalId: 'T001',
  payerId: 'P1',
  channel: 'card',
  card: 'credit',
  amountFen,
});

const BAD_PLAN = 'periods:\n  - from: 2026-09-01\n    rates:\n      - { channel: card, rate: cheap }\n';

interface Refusal {
  status: number;
  code: string;
  zh: string;
  en: string;
  /** Whether `details` carries both texts (bilingualError); the plan's details stay its list of problems. */
  bilingualDetails: boolean;
  send: (headers: Record<string, string>) => Promise<LightMyRequestResponse>;
}

const merchantUrl = () => `/api/v1/merchants/${shop}`;

const REFUSALS: Record<string, () => Refusal> = {
  'an Idempotency-Key over 255 characters': () => ({
    status: 400,
    code: 'invalid_request',
    zh: 'Idempotency-Key 请求头应为 1 到 255 个字符',
    en: 'Idempotency-Key: 1 to 255 characters',
    bilingualDetails: true,
    send: (h) =>
      t.app.inject({
        method: 'POST',
        url: `${merchantUrl()}/transactions`,
        headers: { ...h, cookie: owner, 'idempotency-key': 'k'.repeat(256) },
        payload: sale(2_000),
      }),
  }),
  'an Idempotency-Key reused with another body': () => ({
    status: 409,
    code: 'idempotency_conflict',
    zh: 'Idempotency-Key lang-key 已用于另一份不同的请求内容；重试请发送原样的请求体，新请求请换一个键',
    en: 'Idempotency-Key lang-key was used with another body',
    bilingualDetails: true,
    send: async (h) => {
      const headers = { ...h, cookie: owner, 'idempotency-key': 'lang-key' };
      const url = `${merchantUrl()}/transactions`;
      // The first use stores its answer (a repeat of it is a replay); the second body differs.
      const first = await t.app.inject({ method: 'POST', url, headers, payload: sale(2_001) });
      expect(first.statusCode, first.body).toBe(201);
      return t.app.inject({ method: 'POST', url, headers, payload: sale(2_002) });
    },
  }),
  'an ingest without a body': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '请求体为空；请发送一条 JSON 记录或一个 JSON 数组',
    en: 'send a JSON record or array',
    bilingualDetails: true,
    send: (h) =>
      t.app.inject({
        method: 'POST',
        url: `${merchantUrl()}/transactions`,
        headers: { ...h, cookie: owner },
      }),
  }),
  'an ingest of an empty array': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '请发送一条记录或一个非空数组',
    en: 'send one record or a non-empty array',
    bilingualDetails: true,
    send: (h) =>
      t.app.inject({
        method: 'POST',
        url: `${merchantUrl()}/settlements`,
        headers: { ...h, cookie: owner },
        payload: [],
      }),
  }),
  'removing an alert channel that does not exist': () => ({
    status: 404,
    code: 'not_found',
    zh: '未找到告警通道 9999',
    en: 'no alert channel 9999',
    bilingualDetails: true,
    send: (h) =>
      t.app.inject({
        method: 'DELETE',
        url: `${merchantUrl()}/alert-channels/9999`,
        headers: { ...h, cookie: owner },
      }),
  }),
  'an alert channel URL that is not http(s)': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '请求体字段 url：应为 http:// 或 https:// 开头的网址',
    en: 'body field url: expected an http(s) URL',
    bilingualDetails: true,
    send: (h) =>
      t.app.inject({
        method: 'POST',
        url: `${merchantUrl()}/alert-channels`,
        headers: { ...h, cookie: owner },
        payload: { type: 'webhook', url: 'ftp://example.com/hook' },
      }),
  }),
  'monitor rules with two bad values': () => ({
    status: 400,
    code: 'invalid_rules',
    zh: '监控规则有 2 处错误：rules.off_hours.start：应为 HH:MM 格式的时间；rules.off_hours.end：应为 HH:MM 格式的时间',
    en: 'the monitor rules have 2 problems: rules.off_hours.start: expected HH:MM; rules.off_hours.end: expected HH:MM',
    bilingualDetails: true,
    send: (h) =>
      t.app.inject({
        method: 'PUT',
        url: `${merchantUrl()}/monitor-rules`,
        headers: { ...h, cookie: owner },
        payload: { rules: { off_hours: { start: '25:00', end: 'x' } } },
      }),
  }),
  'a plan with a rate that is not one': () => ({
    status: 400,
    code: 'invalid_plan',
    zh: '费率方案有 1 处错误：periods[0].rates[0].rate（第 4 行）：“cheap”不是费率，应为 0.60% 、万分之38 或 千分之6 这样的费率',
    en: 'the plan has 1 problem: periods[0].rates[0].rate (line 4): expected a percentage such as 0.60%, not "cheap"',
    bilingualDetails: false,
    send: (h) =>
      t.app.inject({
        method: 'PUT',
        url: `${merchantUrl()}/plan`,
        headers: { ...h, cookie: owner, 'content-type': 'application/yaml' },
        payload: BAD_PLAN,
      }),
  }),
};

const LANGUAGES: [string, Record<string, string>, 'zh' | 'en'][] = [
  ['zh-CN', { 'accept-language': 'zh-CN,zh;q=0.9' }, 'zh'],
  ['en', { 'accept-language': 'en' }, 'en'],
];

describe.each(Object.entries(REFUSALS))('%s', (_what, refusal) => {
  it.each(LANGUAGES)('is told to a %s browser in its language', async (_who, headers, lang) => {
    const r = refusal();
    const res = await r.send(headers);
    expect(res.statusCode, res.body).toBe(r.status);
    const { error } = res.json();
    expect(error.code).toBe(r.code);
    expect(error.message).toBe(lang === 'en' ? r.en : r.zh);
    if (r.bilingualDetails) {
      expect(error.details.zh).toBe(r.zh);
      expect(error.details.en).toBe(r.en);
    }
  });
});

it('keeps the monitor rules problems as a list, each in both languages, beside both texts', async () => {
  const res = await t.app.inject({
    method: 'PUT',
    url: `${merchantUrl()}/monitor-rules`,
    headers: { cookie: owner, 'accept-language': 'en' },
    payload: { rules: { off_hours: { end: 'x' } } },
  });
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().error).toMatchObject({
    code: 'invalid_rules',
    message: 'the monitor rules have 1 problem: rules.off_hours.end: expected HH:MM',
    details: {
      problems: [
        {
          path: 'rules.off_hours.end',
          zh: 'rules.off_hours.end：应为 HH:MM 格式的时间',
          en: 'rules.off_hours.end: expected HH:MM',
        },
      ],
    },
  });
});

it('keeps the plan details a list of problems in both languages', async () => {
  const res = await t.app.inject({
    method: 'PUT',
    url: `${merchantUrl()}/plan`,
    headers: { cookie: owner, 'content-type': 'application/yaml', 'accept-language': 'en' },
    payload: BAD_PLAN,
  });
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().error.details).toEqual([
    {
      code: 'invalid',
      path: 'periods[0].rates[0].rate',
      line: 4,
      zh: '“cheap”不是费率，应为 0.60% 、万分之38 或 千分之6 这样的费率',
      en: 'expected a percentage such as 0.60%, not "cheap"',
    },
  ]);
});
