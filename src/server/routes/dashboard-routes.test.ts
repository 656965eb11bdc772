import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from '../../../test/server/sample-data.js';
import { multipartBody, type TestApp, testApp } from '../../../test/server/test-app.js';

// Three credit sales of ¥1,000.00 charged ¥6.80 where PLAN_YAML says 0.60% (¥6.00), and one debit sale of
// ¥100.00 charged the right ¥0.55: ¥0.80 × 3 = ¥2.40 (240 fen) overcharged.
const PLAN_068 = PLAN_YAML.replace('card: credit, rate: 0.60%', 'card: credit, rate: 0.68%');

describe('dashboard routes', () => {
  let t: TestApp;
  let cookie: string;
  let other: string;
  let shop: number;
  let quiet: number;
  let webDir: string;

  beforeAll(async () => {
    // A stand-in for the built dashboard: the static route serves whatever dist/web holds.
    webDir = mkdtempSync(join(tmpdir(), 'posguard-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>posguard dashboard</title>');
    writeFileSync(join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
    process.env['POSGUARD_WEB_DIR'] = webDir;
    t = await testApp();
    delete process.env['POSGUARD_WEB_DIR'];
    t.clock.now = new Date('2026-10-20T04:00:00Z');
    await t.addUser('owner@example.com');
    await t.addUser('other@example.com');
    cookie = await t.login('owner@example.com');
    other = await t.login('other@example.com');
    const create = async (name: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/merchants',
          headers: { cookie },
          payload: { name },
        })
      ).json().id as number;
    quiet = await create('安静小店');
    shop = await create('测试小店');
    const plan = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${shop}/plan`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(plan.statusCode).toBe(200);
    const body = multipartBody('结算.csv', settlementCsv(OVERCHARGED), { kind: 'settlement' });
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${shop}/statements`,
      headers: { cookie, ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode).toBe(201);
  });

  afterAll(async () => {
    await t.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('ranks the portfolio by money lost, with the 30-day window for jumps', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/portfolio', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // 2026-10-20 12:00 in Shanghai, minus 30 days.
    expect(body.since).toBe('2026-09-20');
    expect(body.merchants.map((m: { id: number }) => m.id)).toEqual([shop, quiet]);
    expect(body.merchants[0]).toMatchObject({
      name: '测试小店',
      lossFen: 240,
      overchargeFen: 240,
      recentJumps: [],
    });
    expect(body.merchants[1]).toMatchObject({ lossFen: 0, findings: 0 });
    const theirs = await t.app.inject({
      method: 'GET',
      url: '/api/v1/portfolio',
      headers: { cookie: other },
    });
    expect(theirs.json().merchants).toEqual([]);
  });

  it('checks a plan as `posguard plan check` does: path, line and message', async () => {
    const bad = PLAN_YAML.replace('rate: 0.60%', 'rate: 0.6x%');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/plans/check?lang=en',
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: bad,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.ok).toBe(false);
    // The credit rule is on line 10 of PLAN_YAML; its rate is the second rule of the first period.
    expect(body.errors[0]).toMatchObject({ path: 'periods[0].rates[1].rate', line: 10 });
    expect(body.errors[0].text.startsWith('plan.yaml:10 periods[0].rates[1].rate: ')).toBe(true);
    const good = await t.app.inject({
      method: 'POST',
      url: '/api/v1/plans/check',
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(good.json()).toMatchObject({ ok: true, errors: [] });
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/plans/check',
      headers: { 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('previews what another plan would have charged, without saving it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${shop}/plan/preview`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_068,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // Charged: 3 × 680 + 55 = 2095 fen. Under 0.68%: 3 × 680 + 55 (0.55% of 10000 = 55) = 2095, no loss.
    expect(body).toMatchObject({ ok: true, sales: 4, unpriced: 0, chargedFeeFen: 2095, plannedFeeFen: 2095 });
    expect(body.differenceFen).toBe(0);
    expect(body.proposed.overchargeFen).toBe(0);
    expect(body.current.overchargeFen).toBe(240);
    // Under the saved plan (0.60%): 3 × 600 + 55 = 1855, so 240 fen more was charged.
    const saved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${shop}/plan/preview`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(saved.json()).toMatchObject({ plannedFeeFen: 1855, differenceFen: 240 });
    // Nothing was saved: the plan in force is still version 1 with the 0.60% text.
    const plan = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${shop}/plan`,
      headers: { cookie },
    });
    expect(plan.json()).toMatchObject({ version: 1, text: PLAN_YAML });
    const invalid = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${shop}/plan/preview`,
      headers: { cookie, 'content-type': 'application/yaml' },
      payload: 'periods: 3',
    });
    expect(invalid.json().ok).toBe(false);
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${shop}/plan/preview`,
      headers: { cookie: other, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('serves the dashboard at / with an index.html fallback for app paths, JSON 404 for the API', async () => {
    const root = await t.app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('posguard dashboard');
    const deep = await t.app.inject({ method: 'GET', url: `/m/${shop}/findings/abc?kind=fee_overcharge` });
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['content-type']).toContain('text/html');
    expect(deep.body).toContain('posguard dashboard');
    const asset = await t.app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({
      error: {
        code: 'not_found',
        message: '没有这个接口：GET /api/v1/nothing-here',
        details: { zh: '没有这个接口：GET /api/v1/nothing-here', en: 'no route GET /api/v1/nothing-here' },
      },
    });
  });
});
