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
let aliceCaseId: number;
let aliceAttachmentId: number;
let aliceChannelId: number;
let aliceImportId: number;

const ALICE_MARKERS = [
  'alice@example.com',
  'Alice 的店',
  '898440153991234',
  '100000000001',
  'Alice 的跳点投诉',
  'alice-hook',
  'ALICE-SN-0001',
];

// Alice's one terminal: a devices file in the layout `posguard simulate` writes.
const ALICE_DEVICES_YAML = `merchantId: "898440153991234"
terminals:
  - terminalId: "12345678"
    sn: ALICE-SN-0001
    model: P2
    versions:
      - { from: 2026-09-01, firmware: "1.0" }
`;

function expectNoAliceData(body: string): void {
  for (const marker of ALICE_MARKERS) expect(body).not.toContain(marker);
}

type Call = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
  const attachment = multipartBody('intruder.txt', 'intruder attachment');
  return {
    'GET /api/v1/merchants/{id}': { method: 'GET', url: `/api/v1/merchants/${m}` },
    'PATCH /api/v1/merchants/{id}': {
      method: 'PATCH',
      url: `/api/v1/merchants/${m}`,
      payload: { keepUploads: false },
    },
    'GET /api/v1/merchants/{id}/imports/{importId}/file': {
      method: 'GET',
      url: `/api/v1/merchants/${m}/imports/${aliceImportId}/file`,
    },
    'DELETE /api/v1/merchants/{id}/imports/{importId}': {
      method: 'DELETE',
      url: `/api/v1/merchants/${m}/imports/${aliceImportId}`,
    },
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
    'GET /api/v1/merchants/{id}/evidence.zip': { method: 'GET', url: `/api/v1/merchants/${m}/evidence.zip` },
    'POST /api/v1/merchants/{id}/cases': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/cases`,
      payload: { title: 'Intruder case', amountClaimedFen: 1 },
    },
    'GET /api/v1/merchants/{id}/cases': { method: 'GET', url: `/api/v1/merchants/${m}/cases` },
    'GET /api/v1/merchants/{id}/cases/{caseId}': {
      method: 'GET',
      url: `/api/v1/merchants/${m}/cases/${aliceCaseId}`,
    },
    'PATCH /api/v1/merchants/{id}/cases/{caseId}': {
      method: 'PATCH',
      url: `/api/v1/merchants/${m}/cases/${aliceCaseId}`,
      payload: { title: 'Renamed by intruder' },
    },
    'POST /api/v1/merchants/{id}/cases/{caseId}/notes': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/cases/${aliceCaseId}/notes`,
      payload: { text: 'intruder note' },
    },
    'POST /api/v1/merchants/{id}/cases/{caseId}/attachments': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/cases/${aliceCaseId}/attachments`,
      headers: attachment.headers,
      payload: attachment.payload,
    },
    'GET /api/v1/merchants/{id}/cases/{caseId}/attachments/{attachmentId}': {
      method: 'GET',
      url: `/api/v1/merchants/${m}/cases/${aliceCaseId}/attachments/${aliceAttachmentId}`,
    },
    'POST /api/v1/merchants/{id}/devices/import': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/import`,
      headers: { 'content-type': 'application/yaml' },
      payload: 'terminals:\n  - terminalId: "99999999"\n',
    },
    'GET /api/v1/merchants/{id}/devices': { method: 'GET', url: `/api/v1/merchants/${m}/devices` },
    'POST /api/v1/merchants/{id}/devices/{terminalId}/inspections': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/12345678/inspections`,
      payload: { date: '2026-09-30', note: 'intruder inspection' },
    },
    'GET /api/v1/merchants/{id}/compare': { method: 'GET', url: `/api/v1/merchants/${m}/compare` },
    'POST /api/v1/merchants/{id}/plan/preview': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/plan/preview`,
      headers: { 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    },
    'POST /api/v1/merchants/{id}/transactions': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/transactions`,
      payload: {
        type: 'sale',
        status: 'success',
        time: '2026-10-01T12:00:00+08:00',
        channel: 'card',
        card: 'credit',
        amountFen: 100,
      },
    },
    'POST /api/v1/merchants/{id}/settlements': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/settlements`,
      payload: {
        type: 'sale',
        status: 'success',
        time: '2026-10-01T10:00:00+08:00',
        terminalId: '12345678',
        refNo: '700000000001',
        channel: 'card',
        card: 'credit',
        cardNo: '622588******1234',
        amountFen: 100_000,
        feeFen: 900,
      },
    },
    'POST /api/v1/merchants/{id}/alert-channels': {
      method: 'POST',
      url: `/api/v1/merchants/${m}/alert-channels`,
      payload: { type: 'webhook', url: 'http://127.0.0.1:9/intruder', secret: 'x' },
    },
    'GET /api/v1/merchants/{id}/alert-channels': {
      method: 'GET',
      url: `/api/v1/merchants/${m}/alert-channels`,
    },
    'PATCH /api/v1/merchants/{id}/alert-channels/{channelId}': {
      method: 'PATCH',
      url: `/api/v1/merchants/${m}/alert-channels/${aliceChannelId}`,
      payload: { language: 'en' },
    },
    'DELETE /api/v1/merchants/{id}/alert-channels/{channelId}': {
      method: 'DELETE',
      url: `/api/v1/merchants/${m}/alert-channels/${aliceChannelId}`,
    },
    'GET /api/v1/merchants/{id}/alerts': { method: 'GET', url: `/api/v1/merchants/${m}/alerts` },
    'GET /api/v1/merchants/{id}/monitor-rules': {
      method: 'GET',
      url: `/api/v1/merchants/${m}/monitor-rules`,
    },
    'PUT /api/v1/merchants/{id}/monitor-rules': {
      method: 'PUT',
      url: `/api/v1/merchants/${m}/monitor-rules`,
      headers: { 'content-type': 'application/yaml' },
      payload: 'rules: { off_hours: { enabled: false } }\n',
    },
  };
}

const WRITES = new Set([
  'PATCH /api/v1/merchants/{id}',
  'DELETE /api/v1/merchants/{id}/imports/{importId}',
  'PUT /api/v1/merchants/{id}/plan',
  'POST /api/v1/merchants/{id}/statements',
  'POST /api/v1/users',
  'POST /api/v1/merchants/{id}/cases',
  'PATCH /api/v1/merchants/{id}/cases/{caseId}',
  'POST /api/v1/merchants/{id}/cases/{caseId}/notes',
  'POST /api/v1/merchants/{id}/cases/{caseId}/attachments',
  'POST /api/v1/merchants/{id}/devices/import',
  'POST /api/v1/merchants/{id}/devices/{terminalId}/inspections',
  'POST /api/v1/merchants/{id}/transactions',
  'POST /api/v1/merchants/{id}/settlements',
  'POST /api/v1/merchants/{id}/alert-channels',
  'PATCH /api/v1/merchants/{id}/alert-channels/{channelId}',
  'DELETE /api/v1/merchants/{id}/alert-channels/{channelId}',
  'PUT /api/v1/merchants/{id}/monitor-rules',
]);

// Routes with no tenant in the path: each answers with the caller's own data only (checked below).
const OWN_ONLY = [
  'GET /api/health',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password',
  'GET /api/v1/me',
  'GET /api/v1/auth/session',
  'POST /api/v1/tokens',
  'GET /api/v1/tokens',
  'GET /api/v1/users',
  'POST /api/v1/merchants',
  'GET /api/v1/merchants',
  'GET /api/v1/audit-log',
  'GET /api/v1/portfolio',
  'POST /api/v1/plans/check',
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
  const get = async (path: string) =>
    (await call(alice, { method: 'GET', url: `/api/v1/merchants/${merchantA}${path}` })).json();
  return {
    records: records.json(),
    merchant: merchant.json(),
    plan: plan.json(),
    users: users.json(),
    cases: await get('/cases'),
    case: await get(`/cases/${aliceCaseId}`),
    devices: await get('/devices'),
    channels: await get('/alert-channels'),
    alerts: await get('/alerts'),
    rules: await get('/monitor-rules'),
  };
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
  // Alice keeps her uploads, so her statement file is there to download (or to be refused to others).
  const keep = await call(alice, {
    method: 'PATCH',
    url: `/api/v1/merchants/${merchantA}`,
    payload: { keepUploads: true },
  });
  expect(keep.statusCode, keep.body).toBe(200);
  const up = multipartBody('alice.csv', settlementCsv(OVERCHARGED));
  const uploaded = await call(alice, {
    method: 'POST',
    url: `/api/v1/merchants/${merchantA}/statements`,
    headers: up.headers,
    payload: up.payload,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  expect(uploaded.json().kept.kept).toBe(true);
  aliceImportId = uploaded.json().importId;
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
  const created = await call(alice, {
    method: 'POST',
    url: `/api/v1/merchants/${merchantA}/cases`,
    payload: { title: 'Alice 的跳点投诉', provider: '乐刷', amountClaimedFen: 240 },
  });
  expect(created.statusCode, created.body).toBe(201);
  aliceCaseId = created.json().id;
  const note = await call(alice, {
    method: 'POST',
    url: `/api/v1/merchants/${merchantA}/cases/${aliceCaseId}/notes`,
    payload: { text: '已致电客服' },
  });
  expect(note.statusCode, note.body).toBe(201);
  const file = multipartBody('alice-evidence.txt', 'Alice evidence');
  const attached = await call(alice, {
    method: 'POST',
    url: `/api/v1/merchants/${merchantA}/cases/${aliceCaseId}/attachments`,
    headers: file.headers,
    payload: file.payload,
  });
  expect(attached.statusCode, attached.body).toBe(201);
  aliceAttachmentId = attached.json().id;
  const devices = await call(alice, {
    method: 'POST',
    url: `/api/v1/merchants/${merchantA}/devices/import`,
    headers: { 'content-type': 'application/yaml' },
    payload: ALICE_DEVICES_YAML,
  });
  expect(devices.statusCode, devices.body).toBe(200);
  const channel = await call(alice, {
    method: 'POST',
    url: `/api/v1/merchants/${merchantA}/alert-channels`,
    payload: { type: 'webhook', url: 'http://127.0.0.1:9/alice-hook', secret: 'alice-secret' },
  });
  expect(channel.statusCode, channel.body).toBe(201);
  aliceChannelId = channel.json().id;
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
      // Alice's token is not Sam's to see: 404, the same answer as for a token that does not exist.
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
    const portfolio = await call(bob, { method: 'GET', url: '/api/v1/portfolio' });
    expect(portfolio.statusCode, portfolio.body).toBe(200);
    expectNoAliceData(portfolio.body);
    expect(portfolio.body).toContain('Bob 的店');
    // Checking a plan reads nothing stored: the answer is about the posted text only.
    const check = await call(bob, {
      method: 'POST',
      url: '/api/v1/plans/check',
      headers: { 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().ok).toBe(true);
    expectNoAliceData(check.body);
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

  it('checks membership before reading a plan preview, even for an invalid plan', async () => {
    const res = await call(bob, {
      method: 'POST',
      url: `/api/v1/merchants/${merchantA}/plan/preview`,
      headers: { 'content-type': 'application/yaml' },
      payload: 'periods: [{ from: 2026-01-01, rates: [{ rate: abc }] }]\n',
    });
    expect(res.statusCode).toBe(404);
    expectNoAliceData(res.body);
  });
});
