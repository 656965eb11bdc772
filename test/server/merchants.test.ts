import { afterEach, describe, expect, it } from 'vitest';
import { engineAuditOf, inviteUser, ownerWithMerchant, uploadStatement } from './merchant-harness.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

/** A shop as an owner first enters it, before looking up its merchant number. */
const SHOP = { name: '测试小店' };
/** The same shop with the number its sample statement lines carry, so that uploads land on it. */
const NUMBERED_SHOP = { name: '测试小店', merchantId: '898440153991234' };

describe('merchants and plans', () => {
  it('creates, lists and shows merchants', async () => {
    t = await testApp();
    const { id, get } = await ownerWithMerchant(t, NUMBERED_SHOP);
    const list = await get('/api/v1/merchants');
    expect(list.json().merchants).toEqual([
      {
        id,
        name: '测试小店',
        merchantId: '898440153991234',
        demo: false,
        role: 'owner',
        createdAt: t.clock.now.toISOString(),
      },
    ]);
    const one = await get(`/api/v1/merchants/${id}`);
    expect(one.json()).toMatchObject({ id, records: 0, imports: [] });
    expect((await get('/api/v1/merchants/999')).statusCode).toBe(404);
    expect((await get('/api/v1/merchants/abc')).statusCode).toBe(400);
  });

  it('takes the plan as YAML or JSON, keeps versions, and rejects an invalid plan with path and line', async () => {
    t = await testApp();
    const { id, putPlan, get } = await ownerWithMerchant(t, SHOP);
    const url = `/api/v1/merchants/${id}/plan`;
    const yaml = await putPlan(PLAN_YAML);
    expect(yaml.statusCode).toBe(200);
    expect(yaml.json()).toMatchObject({ version: 1, format: 'yaml', text: PLAN_YAML });
    expect(yaml.json().plan.periods[0].rates).toHaveLength(3);
    const asJson = JSON.stringify(
      { periods: [{ from: '2026-09-01', rates: [{ channel: 'card', rate: '0.60%' }] }] },
      null,
      2,
    );
    const json = await putPlan(asJson, 'application/json');
    expect(json.statusCode).toBe(200);
    expect(json.json()).toMatchObject({ version: 2, format: 'json', text: asJson });
    const got = await get(url);
    expect(got.json()).toMatchObject({ version: 2, format: 'json', text: asJson });

    // Line 4 holds a rate that is not a rate.
    const badYaml = 'periods:\n  - from: 2026-09-01\n    rates:\n      - { channel: card, rate: cheap }\n';
    const bad = await putPlan(badYaml);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_plan');
    const issue = bad.json().error.details[0];
    expect(issue.path).toBe('periods[0].rates[0].rate');
    expect(issue.line).toBe(4);
    expect(typeof issue.zh).toBe('string');
    const badJson =
      '{\n  "periods": [\n    { "from": "2026-13-40", "rates": [ { "rate": "0.6%" } ] }\n  ]\n}';
    const bad2 = await putPlan(badJson, 'application/json');
    expect(bad2.statusCode).toBe(400);
    expect(bad2.json().error.details[0]).toMatchObject({ path: 'periods[0].from', line: 3 });
    // The invalid plans changed nothing.
    expect((await get(url)).json().version).toBe(2);
  });
});

describe('statements', () => {
  it('stores an upload, pages its records, and adds nothing for the same file again', async () => {
    t = await testApp();
    const { id, upload, get } = await ownerWithMerchant(t, NUMBERED_SHOP);
    const csv = settlementCsv(OVERCHARGED);
    const first = await upload('结算明细_202610.csv', csv, { kind: 'settlement' });
    expect(first.statusCode).toBe(201);
    const body = first.json();
    expect(body.duplicate).toBe(false);
    expect(body.files).toHaveLength(1);
    expect(body.files[0]).toMatchObject({
      file: '结算明细_202610.csv',
      preset: 'generic',
      kind: 'settlement',
      rows: 4,
      rejected: [],
    });
    expect(body.landings).toEqual([
      { merchantId: id, importId: body.importId, stored: 4, duplicate: false, alreadyStored: 0, updated: 0 },
    ]);

    const page1 = await get(`/api/v1/merchants/${id}/records?limit=3`);
    expect(page1.json().records).toHaveLength(3);
    expect(page1.json().records[0]).toMatchObject({
      importId: body.importId,
      kind: 'settlement',
      refNo: '100000000001',
      amountFen: 100000,
      feeFen: 680,
      cardNo: '622202******0123',
      source: { file: '结算明细_202610.csv', row: 2 },
    });
    const after = page1.json().nextAfter;
    const page2 = await get(`/api/v1/merchants/${id}/records?limit=3&after=${after}`);
    expect(page2.json().records.map((r: { refNo: string }) => r.refNo)).toEqual(['100000000004']);
    expect(page2.json().nextAfter).toBeNull();

    const again = await upload('renamed.csv', csv);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ importId: body.importId, duplicate: true });
    const merchant = await get(`/api/v1/merchants/${id}`);
    expect(merchant.json().records).toBe(4);
    expect(merchant.json().imports).toHaveLength(1);
    const log = await get('/api/v1/audit-log');
    expect(log.json().entries.filter((e: { action: string }) => e.action === 'import')).toHaveLength(1);
  });

  it('answers an unreadable file with one clear error and stores nothing', async () => {
    t = await testApp();
    const { cookie, id, upload, get } = await ownerWithMerchant(t, SHOP);
    const res = await upload('photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0, 0, 0]));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('unreadable_file');
    expect(res.json().error.message).toContain('photo.png');
    expect(res.json().error.message).not.toContain('upload-');
    const merchant = await get(`/api/v1/merchants/${id}`);
    expect(merchant.json().imports).toEqual([]);
    const noFile = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements`,
      headers: { cookie, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(noFile.statusCode).toBe(415);
    const badKind = await upload('s.csv', settlementCsv(OVERCHARGED), { kind: 'receipts' });
    expect(badKind.statusCode).toBe(400);
  });

  it('refuses a file over the upload limit with 413 and stores nothing', async () => {
    t = await testApp('sqlite', 1000);
    const { id, upload, get } = await ownerWithMerchant(t, NUMBERED_SHOP);
    const big = settlementCsv(
      [...OVERCHARGED, ...OVERCHARGED, ...OVERCHARGED].map((l, i) => ({
        ...l,
        ref: `${i}`.padStart(12, '7'),
      })),
    );
    expect(big.length).toBeGreaterThan(1000);
    const res = await upload('big.csv', big);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('too_large');
    const merchant = await get(`/api/v1/merchants/${id}`);
    expect(merchant.json()).toMatchObject({ records: 0, imports: [] });
  });

  it('lands an agent file on each merchant it names that the agent serves, and reports the others', async () => {
    t = await testApp();
    await t.addUser('agent@example.com', 'agent');
    const cookie = await t.login('agent@example.com');
    const make = async (merchantId: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/merchants',
          headers: { cookie },
          payload: { name: merchantId, merchantId },
        })
      ).json().id as number;
    const a = await make('111');
    const b = await make('222');
    const lines = OVERCHARGED.map((l, i) => ({ ...l, merchant: ['111', '222', '999', '222'][i] ?? '111' }));
    const res = await uploadStatement(t, cookie, a, 'agent-daily.csv', settlementCsv(lines));
    expect(res.statusCode).toBe(201);
    expect(
      res.json().landings.map((l: { merchantId: number; stored: number }) => [l.merchantId, l.stored]),
    ).toEqual([
      [a, 1],
      [b, 2],
    ]);
    expect(res.json().unassigned).toEqual([{ merchantId: '999', records: 1 }]);
    const recordsOf = async (id: number) =>
      (await t.app.inject({ method: 'GET', url: `/api/v1/merchants/${id}/records`, headers: { cookie } }))
        .json()
        .records.map((r: { refNo: string }) => r.refNo);
    expect(await recordsOf(a)).toEqual(['100000000001']);
    expect(await recordsOf(b)).toEqual(['100000000002', '100000000004']);

    // Merchant 222's own people see its import in the audit log, but nothing of merchant 999, which the
    // agent's file also named: another tenant's number and volume are not theirs to read.
    const invite = await inviteUser(t, cookie, 'clerk222@example.com', 'staff', [b], 'Clerk-Password-222');
    expect(invite.statusCode).toBe(201);
    const clerk = await t.login('clerk222@example.com', 'Clerk-Password-222');
    const log = await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: { cookie: clerk } });
    const imports = log.json().entries.filter((e: { action: string }) => e.action === 'import');
    expect(imports.map((e: { merchantId: number }) => e.merchantId)).toEqual([b]);
    expect(JSON.stringify(log.json())).not.toContain('"999"');
    expect(JSON.stringify(log.json())).not.toContain('unassigned');
    // The agent who uploaded still finds what was left out, on its own account's log.
    const own = await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: { cookie } });
    const left = own.json().entries.find((e: { action: string }) => e.action === 'import.unassigned');
    expect(left?.merchantId).toBeNull();
    expect(left?.details.unassigned).toEqual([{ merchantId: '999', records: 1 }]);
  });
});

describe('records of a finding', () => {
  it('answers the records at one file and row, from every import of that name', async () => {
    t = await testApp();
    const { id, upload, get } = await ownerWithMerchant(t, NUMBERED_SHOP);
    // October and November exported under the same name; November has one sale, at row 2 as well.
    expect((await upload('结算明细.csv', settlementCsv(OVERCHARGED))).statusCode).toBe(201);
    const november = settlementCsv([
      {
        time: '2026-11-02 09:00:00',
        ref: '200000000001',
        card: '贷记卡',
        amount: '500.00',
        fee: '3.00',
        settled: '497.00',
        settleDate: '2026-11-03',
      },
    ]);
    expect((await upload('结算明细.csv', november)).statusCode).toBe(201);
    const at = async (row: number) =>
      (
        await get(`/api/v1/merchants/${id}/records?file=${encodeURIComponent('结算明细.csv')}&row=${row}`)
      ).json().records as { refNo: string; source: { file: string; row: number } }[];
    // Row 2 is the first data row of both files (row 1 is the header).
    expect((await at(2)).map((r) => r.refNo).sort()).toEqual(['100000000001', '200000000001']);
    expect((await at(4)).map((r) => r.refNo)).toEqual(['100000000003']);
    expect(await at(99)).toEqual([]);
  });
});

describe('audit', () => {
  it('returns exactly what auditRecords returns for the same files and plan', async () => {
    t = await testApp();
    const { id, putPlan, upload, get } = await ownerWithMerchant(t, NUMBERED_SHOP);
    await putPlan();
    const csv = settlementCsv(OVERCHARGED);
    await upload('settle.csv', csv);
    const res = await get(`/api/v1/merchants/${id}/audit`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(await engineAuditOf(csv));
    // Worked by hand: three credit sales of ¥1,000.00 charged ¥6.80 against 0.60% = ¥6.00.
    expect(res.json().summary.overchargeFen).toBe(240);
    expect(res.json().findings.map((f: { overchargeFen: number }) => f.overchargeFen)).toEqual([80, 80, 80]);

    const ranged = await get(`/api/v1/merchants/${id}/audit?from=2026-11-01`);
    expect(ranged.json().summary.overchargeFen).toBe(0);
    const html = await get(`/api/v1/merchants/${id}/report.html`);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<!DOCTYPE html>');
    expect(html.body).toContain('2.40');
    const csvRes = await get(`/api/v1/merchants/${id}/findings.csv?lang=en`);
    expect(csvRes.statusCode).toBe(200);
    expect(csvRes.headers['content-type']).toContain('text/csv');
    expect(csvRes.body.startsWith('\uFEFF')).toBe(true);
    expect(csvRes.body.trim().split(/\r?\n/)).toHaveLength(4);
    const badRange = await get(`/api/v1/merchants/${id}/audit?from=yesterday`);
    expect(badRange.statusCode).toBe(400);
  });
});

describe('users', () => {
  it('lets an owner invite staff, who can read but not write', async () => {
    t = await testApp();
    const { cookie, id, get } = await ownerWithMerchant(t, SHOP);
    const invite = await inviteUser(t, cookie, 'clerk@example.com', 'staff', [id]);
    expect(invite.statusCode).toBe(201);
    const temp = invite.json().temporaryPassword as string;
    expect(temp.length).toBeGreaterThanOrEqual(10);
    const users = await get('/api/v1/users');
    expect(users.json().users.map((u: { email: string }) => u.email)).toEqual([
      'owner@example.com',
      'clerk@example.com',
    ]);
    const staff = await t.login('clerk@example.com', temp);
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: staff } })).json();
    expect(me.passwordChangeDue).toBe(true);
    expect(me.merchants.map((m: { id: number; role: string }) => [m.id, m.role])).toEqual([[id, 'staff']]);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/merchants/${id}/records`,
          headers: { cookie: staff },
        })
      ).statusCode,
    ).toBe(200);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/merchants/${id}/plan`,
      headers: { cookie: staff, 'content-type': 'application/yaml' },
      payload: PLAN_YAML,
    });
    expect(put.statusCode).toBe(403);
    expect(put.json().error.code).toBe('forbidden');
    const weak = await inviteUser(t, cookie, 'weak@example.com', 'staff', [id], 'password');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('password_policy');
  });

  it('does not let an agent demote the owner or hand out ownership', async () => {
    t = await testApp();
    const { cookie, id, get } = await ownerWithMerchant(t, SHOP);
    const invite = await inviteUser(t, cookie, 'agent@example.com', 'agent', [id], 'Agent-Password-2026');
    expect(invite.statusCode).toBe(201);
    const agent = await t.login('agent@example.com', 'Agent-Password-2026');
    // The agent re-invites the owner as read-only staff: the merchant would lose its only writer.
    const demote = await inviteUser(t, agent, 'owner@example.com', 'staff', [id]);
    expect(demote.statusCode).toBe(403);
    expect(demote.json().error.code).toBe('forbidden');
    const crown = await inviteUser(t, agent, 'friend@example.com', 'owner', [id]);
    expect(crown.statusCode).toBe(403);
    const me = (await get('/api/v1/me')).json();
    expect(me.merchants.map((m: { id: number; role: string }) => [m.id, m.role])).toEqual([[id, 'owner']]);
    // Refused before anything was created: no account was left behind for friend@.
    const users = await get('/api/v1/users');
    expect(users.json().users.map((u: { email: string }) => u.email)).toEqual([
      'owner@example.com',
      'agent@example.com',
    ]);
    // The agent may still invite staff.
    const clerk = await inviteUser(t, agent, 'clerk@example.com', 'staff', [id]);
    expect(clerk.statusCode).toBe(201);
    // An agent onboarding a client's merchant of its own making may hand it to its first owner.
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/merchants',
      headers: { cookie: agent },
      payload: { name: '代理商新商户' },
    });
    expect(made.json().role).toBe('agent');
    const handOver = await inviteUser(t, agent, 'client@example.com', 'owner', [made.json().id]);
    expect(handOver.statusCode).toBe(201);
  });
});
