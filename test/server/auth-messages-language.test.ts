import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t?.close());

type Answer = { error: { code: string; message: string; details?: unknown } };

/** A request in one of the ways a client names its language: nothing (Chinese), Accept-Language, or ?lang=. */
const LANGUAGES = [
  { how: 'no language named', headers: {}, query: '', lang: 'zh' },
  { how: 'Accept-Language: en-US', headers: { 'accept-language': 'en-US,en;q=0.9' }, query: '', lang: 'en' },
  {
    how: 'Accept-Language: zh-CN',
    headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
    query: '',
    lang: 'zh',
  },
  { how: '?lang=en', headers: { 'accept-language': 'zh-CN' }, query: '?lang=en', lang: 'en' },
] as const;

describe('account messages in the request’s language', () => {
  it.each(LANGUAGES)('a wrong password at login, $how', async ({ headers, query, lang }) => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/auth/login${query}`,
      headers,
      payload: { email: 'owner@example.com', password: 'Not-The-Password-1' },
    });
    expect(res.statusCode).toBe(401);
    const { error } = res.json<Answer>();
    expect(error.code).toBe('invalid_credentials');
    expect(error.message).toBe(lang === 'en' ? 'wrong email or password' : '邮箱或密码错误');
    expect(error.details).toEqual({ zh: '邮箱或密码错误', en: 'wrong email or password' });
  });

  it('too many failed logins, in Chinese and in English', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const attempt = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers,
        payload: { email: 'owner@example.com', password: 'Not-The-Password-1' },
      });
    let res = await attempt({});
    while (res.statusCode === 401) res = await attempt({});
    expect(res.statusCode).toBe(429);
    expect(res.json<Answer>().error.message).toBe('登录失败次数过多，请稍后再试');
    expect((await attempt({ 'accept-language': 'en' })).json<Answer>().error.message).toBe(
      'too many failed logins; try again later',
    );
  });

  it.each(LANGUAGES)('a wrong current password, $how', async ({ headers, query, lang }) => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const cookie = await t.login('owner@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/auth/password${query}`,
      headers: { ...headers, cookie },
      payload: { currentPassword: 'Not-The-Password-1', newPassword: 'A-Brand-New-Password-9' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<Answer>().error.message).toBe(
      lang === 'en' ? 'the current password is wrong' : '当前密码不正确',
    );
  });

  it('a new password against the policy: every problem, in the request’s language, both kept in details', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const cookie = await t.login('owner@example.com');
    const change = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { ...headers, cookie },
        payload: { currentPassword: PASSWORD, newPassword: 'short' },
      });
    const zh = (await change({})).json<Answer>().error;
    const en = (await change({ 'accept-language': 'en' })).json<Answer>().error;
    const problems = zh.details as { zh: string; en: string }[];
    expect(problems.length).toBeGreaterThan(0);
    expect(en.details).toEqual(problems);
    expect(zh.message).toBe(problems.map((p) => p.zh).join('；'));
    expect(en.message).toBe(problems.map((p) => p.en).join('; '));
  });

  it('inviting oneself, and an invitation password against the policy, in the request’s language', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const cookie = await t.login('owner@example.com');
    const merchant = await t.app.inject({
      method: 'POST',
      url: '/api/v1/merchants',
      headers: { cookie },
      payload: { name: '自己的店' },
    });
    const merchantIds = [merchant.json<{ id: number }>().id];
    const invite = (payload: object, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...headers, cookie }, payload });
    const self = { email: 'owner@example.com', role: 'staff', merchantIds };
    expect((await invite(self, {})).json<Answer>().error.message).toBe('不能邀请自己');
    expect((await invite(self, { 'accept-language': 'en' })).json<Answer>().error.message).toBe(
      'you cannot invite yourself',
    );
    const weak = { email: 'staff@example.com', role: 'staff', merchantIds, password: 'short' };
    const zh = (await invite(weak, {})).json<Answer>().error;
    const problems = zh.details as { zh: string; en: string }[];
    expect(zh.message).toBe(problems.map((p) => p.zh).join('；'));
    expect((await invite(weak, { 'accept-language': 'en' })).json<Answer>().error.message).toBe(
      problems.map((p) => p.en).join('; '),
    );
  });
});
