import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  creditLine,
  merchantRoutes,
  type MonitorApp,
  monitorApp,
  ownerWithMerchant,
  signInStaff,
} from './monitor-harness.js';

let m: MonitorApp;
let alice = '';
let bob = '';
let staff = '';
let a = 0;
let channelId = 0;

type Call = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object | string;
  headers?: Record<string, string>;
};

/** One valid request for every monitor route, aimed at merchant `id`. */
function monitorRequests(id: number): Record<string, Call> {
  return {
    'POST /api/v1/merchants/{id}/transactions': {
      method: 'POST',
      url: `/api/v1/merchants/${id}/transactions`,
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
      url: `/api/v1/merchants/${id}/settlements`,
      payload: creditLine(100_000, 900, 7),
    },
    'POST /api/v1/merchants/{id}/alert-channels': {
      method: 'POST',
      url: `/api/v1/merchants/${id}/alert-channels`,
      payload: { type: 'webhook', url: 'http://127.0.0.1:9/intruder', secret: 'x' },
    },
    'GET /api/v1/merchants/{id}/alert-channels': {
      method: 'GET',
      url: `/api/v1/merchants/${id}/alert-channels`,
    },
    'PATCH /api/v1/merchants/{id}/alert-channels/{channelId}': {
      method: 'PATCH',
      url: `/api/v1/merchants/${id}/alert-channels/${channelId}`,
      payload: { language: 'en' },
    },
    'DELETE /api/v1/merchants/{id}/alert-channels/{channelId}': {
      method: 'DELETE',
      url: `/api/v1/merchants/${id}/alert-channels/${channelId}`,
    },
    'GET /api/v1/merchants/{id}/alerts': { method: 'GET', url: `/api/v1/merchants/${id}/alerts` },
    'GET /api/v1/merchants/{id}/monitor-rules': {
      method: 'GET',
      url: `/api/v1/merchants/${id}/monitor-rules`,
    },
    'PUT /api/v1/merchants/{id}/monitor-rules': {
      method: 'PUT',
      url: `/api/v1/merchants/${id}/monitor-rules`,
      headers: { 'content-type': 'application/yaml' },
      payload: 'rules: { off_hours: { enabled: false } }\n',
    },
  };
}

async function state(): Promise<string> {
  const db = m.storage.db;
  const parts = await Promise.all([
    db.selectFrom('records').selectAll().where('merchant_id', '=', a).orderBy('id').execute(),
    db.selectFrom('monitor_alerts').selectAll().where('merchant_id', '=', a).orderBy('id').execute(),
    db.selectFrom('alert_channels').selectAll().where('merchant_id', '=', a).orderBy('id').execute(),
    db.selectFrom('monitor_rules').selectAll().where('merchant_id', '=', a).execute(),
  ]);
  return JSON.stringify(parts);
}

beforeAll(async () => {
  m = await monitorApp({ worker: false });
  ({ cookie: alice, id: a } = await ownerWithMerchant(m));
  const aliceRoutes = merchantRoutes(m.app, alice, a);
  const ch = await aliceRoutes.post('alert-channels', {
    type: 'webhook',
    url: 'http://127.0.0.1:9/alice-hook',
    secret: 'alice-secret',
  });
  channelId = ch.json<{ id: number }>().id;
  await aliceRoutes.post('settlements', creditLine(100_000, 800, 1));
  await m.addUser('bob@example.com');
  bob = await m.login('bob@example.com');
  await m.app.inject({
    method: 'POST',
    url: '/api/v1/merchants',
    headers: { cookie: bob },
    payload: { name: 'Bob 的店' },
  });
  staff = await signInStaff(m, a);
});
afterAll(async () => m.close());

describe('monitor routes keep tenants apart', () => {
  it('another merchant’s owner gets 404 on every monitor route, and nothing of Alice’s leaks or changes', async () => {
    const before = await state();
    for (const [route, c] of Object.entries(monitorRequests(a))) {
      const res = await m.app.inject({ ...c, headers: { ...(c.headers ?? {}), cookie: bob } });
      expect([route, res.statusCode]).toEqual([route, 404]);
      expect(res.body).not.toContain('alice-secret');
      expect(res.body).not.toContain('多扣');
    }
    expect(await state()).toBe(before);
  });

  it('staff read (200) but every write is 403, and nothing changes', async () => {
    const before = await state();
    for (const [route, c] of Object.entries(monitorRequests(a))) {
      const res = await m.app.inject({ ...c, headers: { ...(c.headers ?? {}), cookie: staff } });
      expect([route, res.statusCode]).toEqual([route, c.method === 'GET' ? 200 : 403]);
      expect(res.body).not.toContain('alice-secret');
    }
    expect(await state()).toBe(before);
  });
});
