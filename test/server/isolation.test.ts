import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from './sample-data.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';

// Alice owns merchant A (with records, a plan, a token); Bob owns merchant B; Sam is staff on A.
let t: TestApp;
let alice: string;
let bob: string;
let sam: string;
let merchantA: number;
let merchantB: number;
let aliceTokenId: number;
let aliceToken: string;

const ALICE_MARKERS = ['alice@example.com', 'Alice 的店', '898440153991234', '100000000001'];

function expectNoAliceData(body: string): void {
  for (const marker of ALICE_MARKERS) expect(body).not.toContain(marker);
}

type Call = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer | object;
};

/** A valid request for every route of the API, aimed at merchant `m` (or Alice's token). */
function requestsFor(m: number): Record<string, Call> {
  const upload = multipartBody(
    'other.csv',
    settlementCsv(OVERCHARGED.map((l) => ({ ...l, ref: `9${l.ref.slice(1)}` }))),
  );
  return {
    'GET /api/v1/merchants/{id}': { method: 'GET', url: `/api/v1/merchants/${m}` },
    'GET /api/v1/merchants/{id}/plan': { method: 'GET', url: `/api/v1/merchants/${m}/plan` },
    'PUT /api/v1/merchants/{id}/plan': {
      method: 'PUT',
      url: `/api/v1/merchants/${m}/plan`,
      headers: { 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    },
    'GET /api/v1/merchants/{id}/records': { method: 'GET', url: `/api/v1/merchants/${m}/records` },
    'POST /api/v1/merchants/{id}/statements': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/statements`,
      headers: upload.headers,
      payload: upload.payload,
    },
    'GET /api/v1/merchants/{id}/audit': { method: 'GET', url: `/api/v1/merchants/${m}/audit` },
    'GET /api/v1/merchants/{id}/report.html': { method: 'GET', url: `/api/v1/merchants/${m}/report.html` },
    'GET /api/v1/merchants/{id}/findings.csv': { method: 'GET', url: `/api/v1/merchants/${m}/findings.csv` },
    'POST /api/v1/users': {
      method: 'POST',
      url: '/api/v1/users',
      payload: { email: 'intruder@example.com', role: 'owner', merchantIds: [m] },
    },
    'DELETE /api/v1/tokens/{id}': { method: 'DELETE', url: `/api/v1/tokens/${aliceTokenId}` },
  };
}

const WRITES = new Set([
  'PUT /api/v1/merchants/{id}/plan',
  'POST /api/v1/merchants/{id}/statements',
  'POST /api/v1/users',
]);

// Routes with no tenant in the path: each answers with the caller's own data only (checked below).
const OWN_ONLY = [
  'GET /api/health',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password',
  'GET /api/v1/me',
  'POST /api/v1/tokens',
  'GET /api/v1/tokens',
  'GET /api/v1/users',
  'POST /api/v1/merchants',
  'GET /api/v1/merchants',
  'GET /api/v1/audit-log',
];

async function call(cookie: string, c: Call) {
  return t.app.inject({
    method: c.method,
    url: c.url,
    headers: { ...(c.headers ?? {}), cookie },
    ...(c.payload === undefined ? {} : { payload: c.payload }),
  });
}

async function aliceState() {
  const records = await call(alice, {
    method: 'GET',
    url: `/api/v1/merchants/${merchantA}/records?limit=1000`,
  });
  const merchant = await call(alice, { method: 'GET', url: `/api/v1/merchants/${merchantA}` });
  const plan = await call(alice, { method: 'GET', url: `/api/v1/merchants/${merchantA}/plan` });
  const users = await call(alice, { method: 'GET', url: '/api/v1/users' });
  return { records: records.json(), merchant: merchant.json(), plan: plan.json(), users: users.json() };
}

beforeAll(async () => {
  t = await testApp();
  await t.addUser('alice@example.com');
  await t.addUser('bob@example.com');
  alice = await t.login('alice@example.com');
  bob = await t.login('bob@example.com');
  merchantA = (
    await call(alice, {
      method: 'POST',
      url: '/api/v1/merchants',
      payload: { name: 'Alice 的店', merchantId: '898440153991234' },
    })
  ).json().id;
  merchantB = (
    await call(bob, {
      method: 'POST',
      url: '/api/v1/merchants',
      payload: { name: 'Bob 的店', merchantId: '222' },
    })
  ).json().id;
  await call(alice, requestsFor(merchantA)['PUT /api/v1/merchants/{id}/plan'] as Call);
  const up = multipartBody('alice.csv', settlementCsv(OVERCHARGED));
  expect(
    (
      await call(alice, {
        method: 'POST',
        url: `/api/v1/merchants/${merchantA}/statements`,
        headers: up.headers,
        payload: up.payload,
      })
    ).statusCode,
  ).toBe(201);
  const token = (
    await call(alice, { method: 'POST', url: '/api/v1/tokens', payload: { name: 'alice-sync' } })
  ).json();
  aliceTokenId = token.id;
  aliceToken = token.token;
  const invite = await call(alice, {
    method: 'POST',
    url: '/api/v1/users',
    payload: {
      email: 'sam@example.com',
      role: 'staff',
      merchantIds: [merchantA],
      password: 'Sam-Password-2026',
    },
  });
  expect(invite.statusCode).toBe(201);
  sam = await t.login('sam@example.com', 'Sam-Password-2026');
});
afterAll(async () => t.close());

describe('tenant isolation', () => {
  it('knows every route the API serves', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const served = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const known = new Set([...Object.keys(requestsFor(1)), ...OWN_ONLY]);
    expect(served.filter((r) => !known.has(r))).toEqual([]);
  });

  it('walks every merchant route as another merchant’s owner: 404, and nothing of Alice’s read or changed', async () => {
    const before = await aliceState();
    for (const [route, c] of Object.entries(requestsFor(merchantA))) {
      const res = await call(bob, c);
      expect([route, res.statusCode]).toEqual([route, 404]);
      expectNoAliceData(res.body);
    }
    expect(await aliceState()).toEqual(before);
    // Alice's token survived Bob's attempt to revoke it.
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${aliceToken}` },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('walks every write route as staff: 403, and nothing changed', async () => {
    const before = await aliceState();
    for (const [route, c] of Object.entries(requestsFor(merchantA))) {
      const res = await call(sam, c);
      if (WRITES.has(route)) expect([route, res.statusCode]).toEqual([route, 403]);
      else if (route === 'DELETE /api/v1/tokens/{id}') expect([route, res.statusCode]).toEqual([route, 404]);
      else expect([route, res.statusCode]).toEqual([route, 200]);
    }
    const create = await call(sam, {
      method: 'POST',
      url: '/api/v1/merchants',
      payload: { name: 'Sam 的店' },
    });
    expect(create.statusCode).toBe(403);
    expect(await aliceState()).toEqual(before);
  });

  it('answers the routes without a tenant in the path with the caller’s own data only', async () => {
    for (const c of [
      { method: 'GET', url: '/api/v1/me' },
      { method: 'GET', url: '/api/v1/tokens' },
      { method: 'GET', url: '/api/v1/users' },
      { method: 'GET', url: '/api/v1/merchants' },
      { method: 'GET', url: '/api/v1/audit-log' },
      { method: 'POST', url: '/api/v1/tokens', payload: { name: 'bob' } },
    ] as Call[]) {
      const res = await call(bob, c);
      expect(res.statusCode).toBeLessThan(300);
      expectNoAliceData(res.body);
    }
    const merchants = (await call(bob, { method: 'GET', url: '/api/v1/merchants' })).json().merchants;
    expect(merchants.map((m: { id: number }) => m.id)).toEqual([merchantB]);
  });

  it('keeps an agent file naming Alice’s merchant number on Bob’s side out of Alice’s data', async () => {
    const before = await aliceState();
    const up = multipartBody(
      'bob-agent.csv',
      settlementCsv(OVERCHARGED.map((l) => ({ ...l, ref: `8${l.ref.slice(1)}` }))),
    );
    const res = await call(bob, {
      method: 'POST',
      url: `/api/v1/merchants/${merchantB}/statements`,
      headers: up.headers,
      payload: up.payload,
    });
    expect(res.statusCode).toBe(201);
    expect(
      res.json().landings.map((l: { merchantId: number; stored: number }) => [l.merchantId, l.stored]),
    ).toEqual([[merchantB, 0]]);
    expect(res.json().unassigned).toEqual([{ merchantId: '898440153991234', records: 4 }]);
    expect(await aliceState()).toEqual(before);
  });

  it('refuses every route but health and login without credentials', async () => {
    for (const [route, c] of Object.entries(requestsFor(merchantA))) {
      const res = await t.app.inject({
        method: c.method,
        url: c.url,
        ...(c.headers ? { headers: c.headers } : {}),
        ...(c.payload === undefined ? {} : { payload: c.payload }),
      });
      expect([route, res.statusCode]).toEqual([route, 401]);
    }
  });
});
