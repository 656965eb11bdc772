import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserSuite, type DashboardHarness, PASSWORD, startDashboard } from './harness.js';

// QA: every first visit logged "Failed to load resource: the server responded with a status of 401
// (Unauthorized)": the dashboard asked GET /api/v1/me, which refuses anyone not signed in. The dashboard now asks
// GET /api/v1/auth/session, which answers 200 with `user: null`; /api/v1/me still refuses API clients.

const suite = browserSuite();

/** What the dashboard asks first on every visit. */
const SESSION_PROBE = '/api/v1/auth/session';

/** Console errors, uncaught page errors and failed answers (4xx/5xx) a page shows from now on. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return errors;
}

suite('dashboard: the login page logs no error', () => {
  let h: DashboardHarness;

  beforeAll(async () => {
    h = await startDashboard('posguard-e2e-console-', ['clean@example.com']);
  }, 180_000);

  afterAll(async () => h?.close());

  it('opens /, a deep link and /login signed out without a console error or a refused request', async () => {
    await h.withBrowser({ width: 1280, height: 900 }, false, async (page) => {
      const errors = watchErrors(page);
      // Each answer's body is read as it arrives: a later navigation would discard it.
      const pending: Promise<{ status: number; body: unknown }>[] = [];
      page.on('response', (r) => {
        if (new URL(r.url()).pathname === SESSION_PROBE)
          pending.push(r.json().then((body: unknown) => ({ status: r.status(), body })));
      });
      const answers: { status: number; body: unknown }[] = [];
      for (const path of ['/', '/m/1/upload', '/login']) {
        await page.goto(`${h.base}${path}`);
        await page.locator('input[name=email]').waitFor();
        await page.waitForLoadState('networkidle');
        answers.push(...(await Promise.all(pending.splice(0))));
      }
      expect(errors).toEqual([]);
      // Each visit asked who is signed in (twice under the test build's React strict mode) and heard "no one".
      expect(answers.length).toBeGreaterThanOrEqual(3);
      expect(answers).toEqual(answers.map(() => ({ status: 200, body: { user: null } })));

      // API clients are still refused without a session or token.
      const me = await page.request.get(`${h.base}/api/v1/me`);
      expect(me.status()).toBe(401);

      // Signed in, a reload finds the session through the same probe; logging out lands on a clean login page.
      await page.locator('input[name=email]').fill('clean@example.com');
      await page.locator('input[name=password]').fill(PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('[data-testid=logout]').waitFor();
      const [probe] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === SESSION_PROBE),
        page.reload(),
      ]);
      await page.locator('[data-testid=logout]').waitFor();
      expect(probe.status()).toBe(200);
      expect(((await probe.json()) as { user: { email: string } | null }).user?.email).toBe(
        'clean@example.com',
      );
      await page.locator('[data-testid=logout]').click();
      await page.locator('input[name=email]').waitFor();
      await page.waitForLoadState('networkidle');
      expect(errors).toEqual([]);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);

  it('answers the probe as GET /api/v1/me does when signed in, and {user: null} otherwise, never a 401', async () => {
    const probe = (headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'GET', url: SESSION_PROBE, headers });
    expect((await probe()).json()).toEqual({ user: null });
    expect((await probe()).statusCode).toBe(200);
    expect((await probe({ authorization: 'Bearer pgt_nothing' })).json()).toEqual({ user: null });
    expect((await probe({ cookie: 'posguard_session=pgs_nothing' })).json()).toEqual({ user: null });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'clean@example.com', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    const signedIn = await probe({ cookie });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toEqual({ user: me.json() });
    // GET /api/v1/me keeps refusing API clients without credentials.
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('shows the login page without an error for a session cookie that has ended, and drops the cookie', async () => {
    await h.withBrowser({ width: 390, height: 844 }, true, async (page, context) => {
      const errors = watchErrors(page);
      await context.addCookies([
        { name: 'posguard_session', value: 'pgs_ended', url: h.base, httpOnly: true, sameSite: 'Lax' },
      ]);
      await page.goto(`${h.base}/`);
      await page.locator('input[name=email]').waitFor();
      await page.waitForLoadState('networkidle');
      expect(errors).toEqual([]);
      const left = (await context.cookies(h.base)).filter((c) => c.name === 'posguard_session');
      expect(left).toEqual([]);
    });
    expect(h.externalRequests).toEqual([]);
  }, 180_000);
});
