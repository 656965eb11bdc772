import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idleCases } from '../../src/storage/cases-repo.js';
import { multipartBody, type TestApp, testApp } from '../server/test-app.js';

// Olga owns merchant M; Sam is staff on M; Bob owns merchant N (another tenant).
let t: TestApp;
let olga: string;
let sam: string;
let bob: string;
let m: number;
let n: number;

async function call(
  cookie: string,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await t.app.inject({
    method,
    url,
    headers: { cookie },
    ...(payload === undefined ? {} : { payload }),
  });
  return {
    status: res.statusCode,
    body: res.body === '' ? {} : (JSON.parse(res.body) as Record<string, unknown>),
  };
}

beforeAll(async () => {
  t = await testApp();
  const olgaId = await t.addUser('olga@example.com');
  const samId = await t.addUser('sam@example.com', 'staff');
  await t.addUser('bob@example.com');
  olga = await t.login('olga@example.com');
  bob = await t.login('bob@example.com');
  sam = await t.login('sam@example.com');
  m = (await call(olga, 'POST', '/api/v1/merchants', { name: '鸿运便利店' })).body['id'] as number;
  n = (await call(bob, 'POST', '/api/v1/merchants', { name: 'Bob 的店' })).body['id'] as number;
  await t.storage.db
    .insertInto('memberships')
    .values({ user_id: samId, merchant_id: m, role: 'staff', created_at: t.clock.now.toISOString() })
    .execute();
  void olgaId;
});

// Sessions last 7 days: after moving the clock a week on, everyone logs in again.
async function relogin(): Promise<void> {
  olga = await t.login('olga@example.com');
  bob = await t.login('bob@example.com');
  sam = await t.login('sam@example.com');
}

afterAll(async () => {
  await t.close();
});

describe('cases through the API', () => {
  let caseId: number;

  it('opens a case in state open with the amount claimed, linked findings and a first note', async () => {
    const res = await call(olga, 'POST', `/api/v1/merchants/${m}/cases`, {
      title: '9月贷记卡跳点',
      provider: '乐刷',
      amountClaimedFen: 31_250,
      findingIds: ['fee_overcharge:abc', 'fee_overcharge:def'],
      note: '已导出证据包',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      state: 'open',
      amountClaimedFen: 31_250,
      amountRecoveredFen: 0,
      findingIds: ['fee_overcharge:abc', 'fee_overcharge:def'],
      nextStates: ['contacted', 'rejected', 'closed'],
      idleDays: 0,
    });
    expect((res.body['notes'] as { text: string }[]).map((x) => x.text)).toEqual(['已导出证据包']);
    caseId = res.body['id'] as number;
  });

  it('moves open → contacted → promised → refunded → closed, each with a note; notes keep the order', async () => {
    const steps: [string, string, object?][] = [
      ['contacted', '已致电 95016，工单 A123'],
      ['promised', '客服承诺退还'],
      ['refunded', '退款到账', { amountRecoveredFen: 31_250 }],
      ['closed', '结案'],
    ];
    for (const [state, note, extra] of steps) {
      t.clock.now = new Date(t.clock.now.getTime() + 3_600_000);
      const res = await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${caseId}`, {
        state,
        note,
        ...extra,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body['state']).toBe(state);
    }
    const shown = await call(olga, 'GET', `/api/v1/merchants/${m}/cases/${caseId}`);
    expect(shown.body['amountRecoveredFen']).toBe(31_250);
    const notes = shown.body['notes'] as { text: string; fromState: string | null; toState: string | null }[];
    expect(notes.map((x) => [x.fromState, x.toState])).toEqual([
      [null, 'open'],
      ['open', 'contacted'],
      ['contacted', 'promised'],
      ['promised', 'refunded'],
      ['refunded', 'closed'],
    ]);
    expect(shown.body['nextStates']).toEqual([]);
  });

  it('refuses a transition the life cycle forbids with 409, and a state change without a note with 400', async () => {
    const closed = await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${caseId}`, {
      state: 'open',
      note: '再试一次',
    });
    expect(closed.status).toBe(409);
    expect((closed.body['error'] as { code: string }).code).toBe('invalid_transition');
    const fresh = await call(olga, 'POST', `/api/v1/merchants/${m}/cases`, {
      title: '流量费',
      amountClaimedFen: 9900,
    });
    const id = fresh.body['id'] as number;
    const skip = await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${id}`, {
      state: 'refunded',
      note: 'x',
    });
    expect(skip.status).toBe(409);
    const silent = await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${id}`, { state: 'contacted' });
    expect(silent.status).toBe(400);
    const bad = await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${id}`, { state: 'lost', note: 'x' });
    expect(bad.status).toBe(400);
    expect((await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${id}`, {})).status).toBe(400);
  });

  it('reopens a rejected case', async () => {
    const created = await call(olga, 'POST', `/api/v1/merchants/${m}/cases`, {
      title: '押金',
      amountClaimedFen: 29_900,
    });
    const id = created.body['id'] as number;
    expect(
      (
        await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${id}`, {
          state: 'rejected',
          note: '服务商拒绝',
        })
      ).status,
    ).toBe(200);
    const reopened = await call(olga, 'PATCH', `/api/v1/merchants/${m}/cases/${id}`, {
      state: 'open',
      note: '拨打 12363 投诉',
    });
    expect(reopened.status).toBe(200);
    expect(reopened.body['state']).toBe('open');
  });

  it('adds notes with the time and the author', async () => {
    const res = await call(olga, 'POST', `/api/v1/merchants/${m}/cases/${caseId}/notes`, {
      text: '补充：对账单截图',
    });
    expect(res.status).toBe(201);
    const last = (res.body['notes'] as { text: string; at: string; userId: number }[]).at(-1);
    expect(last?.text).toBe('补充：对账单截图');
    expect(last?.at).toBe(t.clock.now.toISOString());
    expect(typeof last?.userId).toBe('number');
  });

  it('stores an attachment with its size and sha256 and gives the same bytes back', async () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.from('证据包 evidence'), 0x00, 0xff]);
    const upload = multipartBody('evidence-pack.zip', bytes);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/cases/${caseId}/attachments`,
      headers: { cookie: olga, ...upload.headers },
      payload: upload.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    const info = JSON.parse(res.body) as { id: number; size: number; sha256: string; name: string };
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(info).toMatchObject({ name: 'evidence-pack.zip', size: bytes.length, sha256: sha });
    const down = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${m}/cases/${caseId}/attachments/${info.id}`,
      headers: { cookie: olga },
    });
    expect(down.statusCode).toBe(200);
    expect(Buffer.compare(down.rawPayload, bytes)).toBe(0);
    expect(down.headers['x-content-sha256']).toBe(sha);
    expect(createHash('sha256').update(down.rawPayload).digest('hex')).toBe(sha);
    const missing = await call(olga, 'GET', `/api/v1/merchants/${m}/cases/${caseId}/attachments/9999`);
    expect(missing.status).toBe(404);
  });

  it('lists idle cases only after 7 days without a change (injected clock), and idleCases agrees', async () => {
    const t0 = t.clock.now;
    const created = await call(olga, 'POST', `/api/v1/merchants/${m}/cases`, {
      title: '结算短款',
      amountClaimedFen: 10_000,
    });
    const id = created.body['id'] as number;
    const idleIds = async (): Promise<number[]> =>
      (
        (await call(olga, 'GET', `/api/v1/merchants/${m}/cases?idle=true`)).body['cases'] as { id: number }[]
      ).map((c) => c.id);
    t.clock.now = new Date(t0.getTime() + 6 * 86_400_000 + 23 * 3_600_000);
    await relogin();
    expect(await idleIds()).not.toContain(id);
    t.clock.now = new Date(t0.getTime() + 7 * 86_400_000);
    expect(await idleIds()).toContain(id);
    // The closed case is never idle.
    expect(await idleIds()).not.toContain(caseId);
    expect((await idleCases(t.storage.db, t.clock.now)).map((c) => c.id)).toContain(id);
    expect((await idleCases(t.storage.db, t.clock.now, 8)).map((c) => c.id)).not.toContain(id);
    // Any change resets the clock.
    await call(olga, 'POST', `/api/v1/merchants/${m}/cases/${id}/notes`, { text: '已催办' });
    expect(await idleIds()).not.toContain(id);
    const custom = (await call(olga, 'GET', `/api/v1/merchants/${m}/cases?idle=true&days=0`)).body[
      'cases'
    ] as { id: number }[];
    expect(custom.map((c) => c.id)).toContain(id);
  });

  it('writes every change to the audit log', async () => {
    const log = await call(olga, 'GET', '/api/v1/audit-log?limit=1000');
    const lines = (
      log.body['entries'] as { action: string; merchantId: number; details: Record<string, unknown> }[]
    ).filter((l) => l.details['caseId'] === caseId);
    const actions = lines.map((l) => l.action).reverse();
    expect(actions).toEqual([
      'case.create',
      'case.move',
      'case.move',
      'case.move',
      'case.move',
      'case.update',
      'case.attach',
    ]);
    expect(lines.every((l) => l.merchantId === m)).toBe(true);
    const move = lines.find((l) => l.details['to'] === 'refunded');
    expect(move?.details).toMatchObject({ from: 'promised', to: 'refunded', amountRecoveredFen: 31_250 });
  });

  it('keeps tenants apart: another owner gets 404, staff may read but not write (403)', async () => {
    const url = `/api/v1/merchants/${m}/cases`;
    expect((await call(bob, 'GET', url)).status).toBe(404);
    expect((await call(bob, 'GET', `${url}/${caseId}`)).status).toBe(404);
    expect((await call(bob, 'POST', url, { title: 'x', amountClaimedFen: 1 })).status).toBe(404);
    expect((await call(bob, 'PATCH', `${url}/${caseId}`, { note: 'x' })).status).toBe(404);
    // Bob's own merchant does not see Olga's case under its id either.
    expect((await call(bob, 'GET', `/api/v1/merchants/${n}/cases/${caseId}`)).status).toBe(404);
    expect(((await call(bob, 'GET', `/api/v1/merchants/${n}/cases`)).body['cases'] as unknown[]).length).toBe(
      0,
    );
    expect((await call(sam, 'GET', url)).status).toBe(200);
    expect((await call(sam, 'GET', `${url}/${caseId}`)).status).toBe(200);
    expect((await call(sam, 'POST', url, { title: 'x', amountClaimedFen: 1 })).status).toBe(403);
    expect((await call(sam, 'PATCH', `${url}/${caseId}`, { note: 'x' })).status).toBe(403);
    expect((await call(sam, 'POST', `${url}/${caseId}/notes`, { text: 'x' })).status).toBe(403);
    const upload = multipartBody('a.txt', 'hello');
    const res = await t.app.inject({
      method: 'POST',
      url: `${url}/${caseId}/attachments`,
      headers: { cookie: sam, ...upload.headers },
      payload: upload.payload,
    });
    expect(res.statusCode).toBe(403);
    const bobUpload = await t.app.inject({
      method: 'POST',
      url: `${url}/${caseId}/attachments`,
      headers: { cookie: bob, ...upload.headers },
      payload: upload.payload,
    });
    expect(bobUpload.statusCode).toBe(404);
  });
});
