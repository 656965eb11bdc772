import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_DAYS } from '../../src/server/server-context.js';
import { inviteUser, ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { PLAN_YAML } from './sample-data.js';
import { sessionCookie, type TestApp, testApp } from './test-app.js';

// The general refusals (a broken body, a field the route schema refuses, no session, no right, nothing there)
// answer in the request's language like the upload refusals do, with both texts beside, and keep their codes.

let t: TestApp;
/** The owner's session, their merchant, and a merchant of another owner's. */
let owner: string;
let shop: number;
let otherShop: number;
/** A staff member of `shop` (read only), whose account is a staff account. */
let staff: string;

beforeAll(async () => {
  t = await testApp('sqlite');
  const mine = await ownerWithMerchant(t, SAMPLE_MERCHANT);
  owner = mine.cookie;
  shop = mine.id;
  otherShop = (await ownerWithMerchant(t, { name: 'Other' }, 'other@example.com')).id;
  const invited = await inviteUser(t, owner, 'clerk@example.com', 'staff', [shop], 'Clerk-Password-2026');
  expect(invited.statusCode, invited.body).toBe(201);
  staff = await t.login('clerk@example.com', 'Clerk-Password-2026');
});
afterAll(async () => t.close());

/** How a request picks its language, and the language it should get. */
const LANGUAGES: [string, { query: string; headers: Record<string, string> }, 'zh' | 'en'][] = [
  ['no preference (zh-CN by default)', { query: '', headers: {} }, 'zh'],
  ['a zh-CN browser', { query: '', headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } }, 'zh'],
  ['an English browser', { query: '', headers: { 'accept-language': 'en-US,en;q=0.9,zh;q=0.5' } }, 'en'],
  ['?lang=en from a zh-CN browser', { query: '?lang=en', headers: { 'accept-language': 'zh-CN' } }, 'en'],
];

interface Refusal {
  status: number;
  code: string;
  zh: string;
  en: string;
  /** The request; `query` is '' or `?lang=en`, to put first in the query string. */
  send: (query: string, headers: Record<string, string>) => Promise<LightMyRequestResponse>;
  /** The per-field problems an invalid request lists. */
  problems?: { in: string; path: string }[];
}

const inject = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: string | object,
) => t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
const json = { 'content-type': 'application/json' };
/** `?lang=en` and `&` before further parameters, or just `?`. */
const then = (query: string) => (query === '' ? '?' : `${query}&`);

const REFUSALS: Record<string, () => Refusal> = {
  'a JSON body cut short': () => ({
    status: 400,
    code: 'invalid_json',
    zh: '请求体不是有效的 JSON（内容不完整）；请检查引号、逗号和括号',
    en: 'the body is not valid JSON (it ends too early); check its quotes, commas and brackets',
    send: (q, h) => inject('POST', `/api/v1/auth/login${q}`, { ...h, ...json }, '{"email":'),
  }),
  'a JSON body with a bare key': () => ({
    status: 400,
    code: 'invalid_json',
    zh: '请求体不是有效的 JSON（第 2 个字符处）；请检查引号、逗号和括号',
    en: 'the body is not valid JSON (at character 2); check its quotes, commas and brackets',
    send: (q, h) => inject('POST', `/api/v1/merchants${q}`, { ...h, ...json, cookie: owner }, '{name:"M"}'),
  }),
  'a body of a type no parser takes': () => ({
    status: 415,
    code: 'fst_err_ctp_invalid_media_type',
    zh: '不支持该请求内容类型（Content-Type）；文件请以 multipart/form-data 上传，其他请求用 application/json',
    en: 'this Content-Type is not supported; send files as multipart/form-data, other requests as application/json',
    send: (q, h) =>
      inject(
        'POST',
        `/api/v1/merchants${q}`,
        { ...h, cookie: owner, 'content-type': 'application/xml' },
        '<m/>',
      ),
  }),
  'a JSON body over the body limit': () => ({
    status: 413,
    code: 'too_large',
    zh: '请求体超过大小上限；文件请以 multipart/form-data 上传',
    en: 'the request body is larger than the limit; send files as multipart/form-data',
    send: (q, h) =>
      inject(
        'POST',
        `/api/v1/merchants${q}`,
        { ...h, ...json, cookie: owner },
        { name: 'x'.repeat(3 << 20) },
      ),
  }),
  'a query date that is not YYYY-MM-DD': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '查询参数 from：应为 YYYY-MM-DD 日期',
    en: 'query parameter from: expected a YYYY-MM-DD date',
    problems: [{ in: 'querystring', path: 'from' }],
    send: (q, h) =>
      inject('GET', `/api/v1/merchants/${shop}/audit${then(q)}from=2026-10`, { ...h, cookie: owner }),
  }),
  'a query date that does not exist': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '查询参数 to：不是实际存在的日期（应为 YYYY-MM-DD 日期）',
    en: 'query parameter to: not a calendar date (expected a YYYY-MM-DD date that exists)',
    problems: [{ in: 'querystring', path: 'to' }],
    send: (q, h) =>
      inject('GET', `/api/v1/merchants/${shop}/audit${then(q)}to=2026-02-30`, { ...h, cookie: owner }),
  }),
  'a body missing a field, with a mistyped one': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '请求体字段 password：必填，未提供；请求体字段 pasword：没有这个字段（是否想写 password？）；可用的有 email、password',
    en: 'body field password: required but missing; body field pasword: unknown field (did you mean password?); accepted: email, password',
    problems: [
      { in: 'body', path: 'password' },
      { in: 'body', path: 'pasword' },
    ],
    send: (q, h) =>
      inject('POST', `/api/v1/auth/login${q}`, h, {
        email: 'owner@example.com',
        pasword: 'Correct-Horse-42',
      }),
  }),
  'a body field of the wrong type and one too long': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '请求体字段 name：最多 200 个字符；请求体字段 merchantId：应为文本',
    en: 'body field name: must be at most 200 characters; body field merchantId: expected text',
    problems: [
      { in: 'body', path: 'name' },
      { in: 'body', path: 'merchantId' },
    ],
    send: (q, h) =>
      inject(
        'POST',
        `/api/v1/merchants${q}`,
        { ...h, cookie: owner },
        { name: 'x'.repeat(201), merchantId: 7 },
      ),
  }),
  'no body where one is needed': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '请求体：为空，应为 JSON 对象',
    en: 'the body: empty; expected an object',
    problems: [{ in: 'body', path: '' }],
    send: (q, h) => inject('POST', `/api/v1/auth/login${q}`, { ...h, ...json }, ''),
  }),
  'a path id that is not a number': () => ({
    status: 400,
    code: 'invalid_request',
    zh: '路径参数 id：应为数字',
    en: 'path parameter id: expected a number',
    problems: [{ in: 'params', path: 'id' }],
    send: (q, h) => inject('GET', `/api/v1/merchants/abc${q}`, { ...h, cookie: owner }),
  }),
  'no session or token': () => ({
    status: 401,
    code: 'unauthenticated',
    zh: '请先登录（API 调用请发送 Bearer 令牌）',
    en: 'log in or send a bearer token',
    send: (q, h) => inject('GET', `/api/v1/me${q}`, h),
  }),
  'a session that was logged out': () => ({
    status: 401,
    code: 'unauthenticated',
    zh: '登录已过期或已退出，请重新登录',
    en: 'your session has expired or was ended; log in again',
    send: async (q, h) => {
      const cookie = await t.login('owner@example.com');
      expect((await inject('POST', '/api/v1/auth/logout', { cookie })).statusCode).toBe(200);
      return inject('GET', `/api/v1/merchants${q}`, { ...h, cookie });
    },
  }),
  'a bearer token that is not one': () => ({
    status: 401,
    code: 'unauthenticated',
    zh: 'API 令牌无效、已撤销或已过期',
    en: 'the bearer token is invalid, revoked or expired',
    send: (q, h) => inject('GET', `/api/v1/merchants${q}`, { ...h, authorization: 'Bearer pgt_nothing' }),
  }),
  'an Authorization header that is not Bearer': () => ({
    status: 401,
    code: 'unauthenticated',
    zh: 'Authorization 请求头应为“Bearer 令牌”',
    en: 'the Authorization header must be "Bearer <token>"',
    send: (q, h) => inject('GET', `/api/v1/merchants${q}`, { ...h, authorization: 'Basic b3duZXI6eA==' }),
  }),
  'staff changing the plan': () => ({
    status: 403,
    code: 'forbidden',
    zh: `您在商户 ${shop} 的角色是店员，只能查看，不能修改`,
    en: `role staff is read only on merchant ${shop}`,
    send: (q, h) =>
      inject(
        'PUT',
        `/api/v1/merchants/${shop}/plan${q}`,
        { ...h, cookie: staff, 'content-type': 'application/yaml' },
        PLAN_YAML,
      ),
  }),
  'a staff account creating a merchant': () => ({
    status: 403,
    code: 'forbidden',
    zh: '店员账号不能创建商户',
    en: 'staff accounts cannot create merchants',
    send: (q, h) => inject('POST', `/api/v1/merchants${q}`, { ...h, cookie: staff }, { name: 'Mine' }),
  }),
  'a path no route serves (GET)': () => ({
    status: 404,
    code: 'not_found',
    zh: '没有这个接口：GET /api/v1/nothing',
    en: 'no route GET /api/v1/nothing',
    send: (q, h) => inject('GET', `/api/v1/nothing${q}`, h),
  }),
  'a path no route serves (POST)': () => ({
    status: 404,
    code: 'not_found',
    zh: '没有这个接口：POST /api/v1/nothing',
    en: 'no route POST /api/v1/nothing',
    send: (q, h) => inject('POST', `/api/v1/nothing${q}`, { ...h, ...json }, {}),
  }),
  'a merchant that does not exist': () => ({
    status: 404,
    code: 'not_found',
    zh: '未找到商户 99999',
    en: 'merchant 99999 not found',
    send: (q, h) => inject('GET', `/api/v1/merchants/99999${q}`, { ...h, cookie: owner }),
  }),
  "another owner's merchant": () => ({
    status: 404,
    code: 'not_found',
    zh: `未找到商户 ${otherShop}`,
    en: `merchant ${otherShop} not found`,
    send: (q, h) => inject('GET', `/api/v1/merchants/${otherShop}/records${q}`, { ...h, cookie: owner }),
  }),
  "another owner's merchant where the query's lang defaults to zh": () => ({
    status: 404,
    code: 'not_found',
    zh: `未找到商户 ${otherShop}`,
    en: `merchant ${otherShop} not found`,
    send: (q, h) => inject('GET', `/api/v1/merchants/${otherShop}/audit${q}`, { ...h, cookie: owner }),
  }),
  'an import that does not exist': () => ({
    status: 404,
    code: 'not_found',
    zh: '未找到导入 #9999',
    en: 'import 9999 not found',
    send: (q, h) => inject('DELETE', `/api/v1/merchants/${shop}/imports/9999${q}`, { ...h, cookie: owner }),
  }),
  'a token that does not exist': () => ({
    status: 404,
    code: 'not_found',
    zh: '未找到令牌 9999',
    en: 'token 9999 not found',
    send: (q, h) => inject('DELETE', `/api/v1/tokens/9999${q}`, { ...h, cookie: owner }),
  }),
  'a merchant without a plan': () => ({
    status: 404,
    code: 'no_plan',
    zh: `商户 ${shop} 还没有费率方案`,
    en: `merchant ${shop} has no plan yet`,
    send: (q, h) => inject('GET', `/api/v1/merchants/${shop}/plan${q}`, { ...h, cookie: owner }),
  }),
};

describe.each(Object.entries(REFUSALS))('%s', (_what, refusal) => {
  it.each(LANGUAGES)('is answered to %s in its language, the other beside it', async (_who, pick, lang) => {
    const r = refusal();
    const res = await r.send(pick.query, pick.headers);
    expect(res.statusCode, res.body).toBe(r.status);
    const { error } = res.json();
    expect(error.code).toBe(r.code);
    // The unknown-route answer names the URL as asked, query string and all.
    const asked = (text: string) =>
      r.code === 'not_found' && text.includes('/api/v1/nothing') ? `${text}${pick.query}` : text;
    expect(error.message).toBe(asked(lang === 'en' ? r.en : r.zh));
    expect(error.details.zh).toBe(asked(r.zh));
    expect(error.details.en).toBe(asked(r.en));
    if (r.problems !== undefined) {
      expect(
        error.details.problems.map((p: { in: string; path: string }) => ({ in: p.in, path: p.path })),
      ).toEqual(r.problems);
    }
  });
});

it('tells a session that ran out as such, in either language', async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'owner@example.com', password: 'Correct-Horse-42' },
  });
  const cookie = sessionCookie(res);
  const before = t.clock.now;
  t.clock.now = new Date(before.getTime() + (SESSION_DAYS + 1) * 86_400_000);
  try {
    const zh = await inject('GET', '/api/v1/me', { cookie });
    expect(zh.statusCode).toBe(401);
    expect(zh.json().error).toMatchObject({
      code: 'unauthenticated',
      message: '登录已过期或已退出，请重新登录',
    });
    const en = await inject('GET', '/api/v1/me', { cookie, 'accept-language': 'en' });
    expect(en.json().error.message).toBe('your session has expired or was ended; log in again');
  } finally {
    t.clock.now = before;
  }
});

it('keeps ?lang=zh over an English browser', async () => {
  const res = await inject('GET', `/api/v1/merchants/${shop}/audit?lang=zh&from=2026-10`, {
    cookie: owner,
    'accept-language': 'en-US',
  });
  expect(res.statusCode).toBe(400);
  expect(res.json().error.message).toBe('查询参数 from：应为 YYYY-MM-DD 日期');
});
