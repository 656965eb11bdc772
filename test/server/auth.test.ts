import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, sessionCookie, type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

const login = (email: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });

describe('health and docs', () => {
  it('answers GET /api/health with {"status":"ok"} and serves OpenAPI at /docs', async () => {
    t = await testApp();
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const spec = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    const paths = Object.keys(spec.json().paths);
    expect(paths).toContain('/api/v1/merchants/{id}/statements');
    expect(paths).toContain('/api/v1/auth/login');
    const ui = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
  });

  it('answers unknown routes and bad bodies with the one error shape', async () => {
    t = await testApp();
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: {
        code: 'not_found',
        message: '没有这个接口：GET /api/v1/nothing',
        details: { zh: '没有这个接口：GET /api/v1/nothing', en: 'no route GET /api/v1/nothing' },
      },
    });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@b.c' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('invalid_request');
    expect(invalid.json().error.message).toContain('password');
  });
});

describe('sessions', () => {
  it('logs in with an HttpOnly SameSite=Lax cookie that stops working after logout', async () => {
    t = await testApp();
    await t.addUser('Owner@Example.com');
    const res = await login('owner@example.com', PASSWORD);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/posguard_session=pgs_/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    const cookie = sessionCookie(res);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'owner@example.com', role: 'owner', passwordChangeDue: false });
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const wrong = await login('owner@example.com', 'Wrong-Password-1');
    const unknown = await login('nobody@example.com', PASSWORD);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(await t.app.inject({ method: 'GET', url: '/api/v1/me' }).then((r) => r.statusCode)).toBe(401);
  });

  it('limits failed logins per account (5 in 15 minutes → 429), even from other addresses', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    for (let i = 0; i < 5; i++) {
      expect((await login('owner@example.com', 'Wrong-Password-1', `10.0.1.${i}`)).statusCode).toBe(401);
    }
    // The right password is refused too while the account is locked.
    const locked = await login('owner@example.com', PASSWORD, '10.0.2.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.now = new Date(t.clock.now.getTime() + 15 * 60_000 + 1000);
    expect((await login('owner@example.com', PASSWORD, '10.0.2.1')).statusCode).toBe(200);
  });

  it('does not let 40 guesses fired at once slip past the limit of 5', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    // A script sends its guesses in parallel: each must be counted before its password is checked.
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login('owner@example.com', `Wrong-Password-${i}`, `10.0.3.${i}`)),
    );
    const checked = answers.filter((a) => a.statusCode === 401).length;
    const refused = answers.filter((a) => a.statusCode === 429).length;
    expect(checked).toBe(5);
    expect(refused).toBe(35);
  });

  it('counts a successful login in parallel with guesses as no failure', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const [ok] = await Promise.all([
      login('owner@example.com', PASSWORD, '10.0.4.1'),
      login('owner@example.com', 'Wrong-Password-1', '10.0.4.2'),
    ]);
    expect(ok?.statusCode).toBe(200);
    // Four more failures are still allowed before the lock: the good login took no slot for good.
    for (let i = 0; i < 4; i++) {
      expect((await login('owner@example.com', 'Wrong-Password-1', '10.0.4.3')).statusCode).toBe(401);
    }
  });

  it('limits failed logins per address across accounts', async () => {
    t = await testApp();
    await t.addUser('victim@example.com');
    for (let i = 0; i < 5; i++) {
      expect((await login(`guess${i}@example.com`, 'Wrong-Password-1', '10.9.9.9')).statusCode).toBe(401);
    }
    expect((await login('victim@example.com', PASSWORD, '10.9.9.9')).statusCode).toBe(429);
    expect((await login('victim@example.com', PASSWORD, '10.9.9.8')).statusCode).toBe(200);
  });
});

describe('passwords', () => {
  it('enforces the policy, changes the password, and ends the other sessions', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const cookie = await t.login('owner@example.com');
    const other = await t.login('owner@example.com');
    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { cookie },
        payload: { currentPassword, newPassword },
      });
    const short = await change(PASSWORD, 'Ab1!');
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe('password_policy');
    expect(short.json().error.details.map((p: { code: string }) => p.code)).toContain('password.too_short');
    // Long enough but only two classes (lowercase + digits).
    const simple = await change(PASSWORD, 'abcdefgh1234');
    expect(simple.json().error.details.map((p: { code: string }) => p.code)).toEqual(['password.too_simple']);
    expect((await change('Not-The-Password-1', 'Brand-New-Pass-9')).statusCode).toBe(403);
    expect((await change(PASSWORD, 'Brand-New-Pass-9')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(
      200,
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: other } })).statusCode,
    ).toBe(401);
    expect((await login('owner@example.com', PASSWORD)).statusCode).toBe(401);
    expect((await login('owner@example.com', 'Brand-New-Pass-9')).statusCode).toBe(200);
  });

  it('reminds to change a password older than 90 days', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const cookie = await t.login('owner@example.com');
    // A bearer token does not expire like the 7-day session, so it can watch the 90 days go by.
    const { token } = (
      await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie }, payload: {} })
    ).json();
    const due = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${token}` },
        })
      ).json().passwordChangeDue;
    t.clock.now = new Date(t.clock.now.getTime() + 90 * 86_400_000);
    expect(await due()).toBe(false);
    t.clock.now = new Date(t.clock.now.getTime() + 86_400_000);
    expect(await due()).toBe(true);
    // Sessions last 7 days, so log in again at the new time.
    const fresh = await t.login('owner@example.com');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { cookie: fresh },
      payload: { currentPassword: PASSWORD, newPassword: 'Brand-New-Pass-9' },
    });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: fresh } });
    expect(me.json().passwordChangeDue).toBe(false);
  });
});

describe('tokens', () => {
  it('creates a bearer token shown once, uses it, lists it without the secret, and revokes it', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    const cookie = await t.login('owner@example.com');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie },
      payload: { name: 'pos-sync' },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^pgt_/);
    const bearer = { authorization: `Bearer ${token}` };
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe('owner@example.com');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie } });
    expect(list.json().tokens).toHaveLength(1);
    expect(list.body).not.toContain(token);
    expect(list.json().tokens[0]).toMatchObject({ id, name: 'pos-sync', revokedAt: null });
    expect(list.json().tokens[0].lastUsedAt).not.toBeNull();
    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: { cookie } });
    expect(revoke.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: { cookie } })).statusCode,
    ).toBe(404);
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Bearer pgt_forged' },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('logs logins, failures and token changes in the audit log', async () => {
    t = await testApp();
    await t.addUser('owner@example.com');
    await login('owner@example.com', 'Wrong-Password-1');
    const cookie = await t.login('owner@example.com');
    const { id } = (
      await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie }, payload: {} })
    ).json();
    await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: { cookie } });
    const log = await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: { cookie } });
    expect(log.json().entries.map((e: { action: string }) => e.action)).toEqual([
      'token.revoke',
      'token.create',
      'login',
      'login.failed',
    ]);
  });
});
