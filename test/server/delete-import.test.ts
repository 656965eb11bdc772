import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { inviteUser, type OwnedMerchant, ownerWithMerchant, uploadStatement } from './merchant-harness.js';
import { type Line, OVERCHARGED, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

const SHOP = { name: '测试小店', merchantId: '898440153991234' };
const CSV = settlementCsv(OVERCHARGED);

/** A credit sale of ¥1,000.00 on 2026-10-`day` charged `fee` (0.60% is the plan's ¥6.00). */
function creditSale(day: number, ref: string, fee = '6.00'): Line {
  const settled = (100_000 - Math.round(Number(fee) * 100)) / 100;
  return {
    time: `2026-10-${String(day).padStart(2, '0')} 10:00:00`,
    ref,
    card: '贷记卡',
    amount: '1000.00',
    fee,
    settled: settled.toFixed(2),
    settleDate: `2026-10-${String(day + 1).padStart(2, '0')}`,
  };
}

/** A pushed settlement line as the provider's API would send it: a credit sale of ¥1,000.00 on 2026-10-08. */
function pushLine(ref: string, feeFen: number) {
  return {
    type: 'sale',
    status: 'success',
    time: '2026-10-08T10:00:00+08:00',
    merchantId: SHOP.merchantId,
    terminalId: '12345678',
    refNo: ref,
    channel: 'card',
    card: 'credit',
    amountFen: 100_000,
    feeFen,
  };
}

function remove(cookie: string, merchantId: number, importId: number, query = '') {
  return t.app.inject({
    method: 'DELETE',
    url: `/api/v1/merchants/${merchantId}/imports/${importId}${query}`,
    headers: { cookie },
  });
}

/** What a merchant holds, as its owner reads it through the API. */
async function holdings(owner: OwnedMerchant) {
  const merchant = (await owner.get(`/api/v1/merchants/${owner.id}`)).json();
  const records = (await owner.get(`/api/v1/merchants/${owner.id}/records?limit=1000`)).json().records;
  const alerts = (await owner.get(`/api/v1/merchants/${owner.id}/alerts`)).json().alerts as {
    kind: string;
    amountFen: number | null;
    recordId: number | null;
    details: Record<string, unknown>;
  }[];
  return { imports: merchant.imports as { id: number; file: string }[], records, alerts };
}

async function auditLog(cookie: string) {
  const log = await t.app.inject({ method: 'GET', url: '/api/v1/audit-log', headers: { cookie } });
  return log.json().entries as {
    action: string;
    merchantId: number | null;
    details: Record<string, unknown>;
  }[];
}

describe.each(DIALECTS)('DELETE /api/v1/merchants/{id}/imports/{importId} (%s)', (dialect: DialectName) => {
  it('removes the records, the kept file and the alerts, logs it, and lets the same file be uploaded again', async () => {
    t = await testApp(dialect);
    const owner = await ownerWithMerchant(t, SHOP);
    await owner.putPlan();
    const keep = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/merchants/${owner.id}`,
      headers: { cookie: owner.cookie },
      payload: { keepUploads: true },
    });
    expect(keep.statusCode, keep.body).toBe(200);
    const up = await owner.upload('结算明细_202610.csv', CSV, { kind: 'settlement' });
    expect(up.statusCode, up.body).toBe(201);
    const importId = up.json<{ importId: number }>().importId;
    // Three credit sales charged ¥6.80 where 0.60% is ¥6.00: one alert for the day, 240 fen.
    expect((await holdings(owner)).alerts.map((a) => [a.kind, a.amountFen])).toEqual([
      ['fee_overcharge', 240],
    ]);
    expect((await owner.get(`/api/v1/merchants/${owner.id}/audit`)).json().summary.overchargeFen).toBe(240);

    const res = await remove(owner.cookie, owner.id, importId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      importId,
      file: '结算明细_202610.csv',
      sha256: up.json().files[0].sha256,
      kind: 'settlement',
      preset: 'generic',
      removed: { records: 4, keptFiles: 1, alerts: 1 },
      keptPushedRecords: 0,
      laterOverlaps: [],
    });
    expect(await holdings(owner)).toEqual({ imports: [], records: [], alerts: [] });
    const audit = (await owner.get(`/api/v1/merchants/${owner.id}/audit`)).json();
    expect(audit.summary).toMatchObject({ settlementRecords: 0, overchargeFen: 0 });
    expect(audit.files).toEqual([]);
    expect((await owner.get(`/api/v1/merchants/${owner.id}/imports/${importId}/file`)).statusCode).toBe(404);
    const logged = (await auditLog(owner.cookie)).find((e) => e.action === 'import.delete');
    expect(logged).toMatchObject({
      merchantId: owner.id,
      details: { importId, file: '结算明细_202610.csv', records: 4, keptFiles: 1, alerts: 1 },
    });

    // The same bytes are a new import now, not a duplicate, and raise their alert again.
    const again = await owner.upload('结算明细_202610.csv', CSV, { kind: 'settlement' });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toMatchObject({ duplicate: false, alerts: 1 });
    expect(again.json().importId).not.toBe(importId);
    const after = await holdings(owner);
    expect(after.records).toHaveLength(4);
    expect(after.alerts.map((a) => [a.kind, a.amountFen])).toEqual([['fee_overcharge', 240]]);
    // Read another way (the earlier 409 case): nothing is left of the first reading to conflict with.
    expect((await remove(owner.cookie, owner.id, again.json().importId)).statusCode).toBe(200);
    const asJournal = await owner.upload('结算明细_202610.csv', CSV, { kind: 'terminal' });
    expect(asJournal.statusCode, asJournal.body).toBe(201);
  });

  it("answers 404 to another merchant's owner, 403 to staff, 401 without a session, and changes nothing", async () => {
    t = await testApp(dialect);
    const alice = await ownerWithMerchant(t, SHOP, 'alice@example.com');
    const bob = await ownerWithMerchant(t, { name: 'Bob 的店', merchantId: '222' }, 'bob@example.com');
    const importId = (await alice.upload('alice.csv', CSV)).json<{ importId: number }>().importId;
    const bobImport = (
      await bob.upload('bob.csv', settlementCsv(OVERCHARGED.map((l) => ({ ...l, merchant: '222' }))))
    ).json<{ importId: number }>().importId;
    expect(
      (await inviteUser(t, alice.cookie, 'sam@example.com', 'staff', [alice.id], 'Sam-Password-2026'))
        .statusCode,
    ).toBe(201);
    const sam = await t.login('sam@example.com', 'Sam-Password-2026');
    const before = await holdings(alice);
    expect(before.records).toHaveLength(4);

    const byBob = await remove(bob.cookie, alice.id, importId);
    expect(byBob.statusCode).toBe(404);
    expect(byBob.body).not.toContain('alice.csv');
    // Alice's import id under Bob's own merchant names nothing of his.
    expect((await remove(bob.cookie, bob.id, importId)).statusCode).toBe(404);
    // Nor Bob's import under Alice's merchant.
    expect((await remove(alice.cookie, alice.id, bobImport)).statusCode).toBe(404);
    const bySam = await remove(sam, alice.id, importId);
    expect(bySam.statusCode).toBe(403);
    expect(bySam.json().error.code).toBe('forbidden');
    const anonymous = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/merchants/${alice.id}/imports/${importId}`,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await holdings(alice)).toEqual(before);
    expect((await holdings(bob)).records).toHaveLength(4);
    expect((await auditLog(alice.cookie)).filter((e) => e.action === 'import.delete')).toEqual([]);

    expect((await remove(alice.cookie, alice.id, importId)).statusCode).toBe(200);
    const twice = await remove(alice.cookie, alice.id, importId);
    expect(twice.statusCode).toBe(404);
    expect(twice.json().error.code).toBe('not_found');
    expect((await remove(alice.cookie, alice.id, 0)).statusCode).toBe(400);
    expect((await holdings(bob)).records).toHaveLength(4);
  });

  it("deletes an agent file's landing on one merchant only", async () => {
    t = await testApp(dialect);
    await t.addUser('agent@example.com', 'agent');
    const cookie = await t.login('agent@example.com');
    const make = async (code: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/merchants',
          headers: { cookie },
          payload: { name: code, merchantId: code },
        })
      ).json<{ id: number }>().id;
    const a = await make('111');
    const b = await make('222');
    const lines = OVERCHARGED.map((l, i) => ({ ...l, merchant: i % 2 === 0 ? '111' : '222' }));
    const up = await uploadStatement(t, cookie, a, 'agent-daily.csv', settlementCsv(lines));
    expect(up.statusCode, up.body).toBe(201);
    const landings = up.json().landings as { merchantId: number; importId: number }[];
    const onA = landings.find((l) => l.merchantId === a)?.importId ?? -1;

    const res = await remove(cookie, a, onA);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().removed.records).toBe(2);
    const count = async (id: number) =>
      (await t.app.inject({ method: 'GET', url: `/api/v1/merchants/${id}`, headers: { cookie } })).json()
        .records as number;
    expect([await count(a), await count(b)]).toEqual([0, 2]);
  });

  it('keeps the lines a push also brought, and a re-upload skips them again', async () => {
    t = await testApp(dialect);
    const owner = await ownerWithMerchant(t, SHOP);
    const push = (ref: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/merchants/${owner.id}/settlements`,
        headers: { cookie: owner.cookie },
        payload: pushLine(ref, 680),
      });
    // Line 1 was pushed before the file came (the file skips it); line 2 is pushed after (the push matches it).
    expect((await push('100000000001')).json().stored).toBe(1);
    const up = await owner.upload('s.csv', CSV);
    expect(up.json().landings[0].stored).toBe(3);
    const matched = await push('100000000002');
    expect(matched.json().stored).toBe(0);

    const res = await remove(owner.cookie, owner.id, up.json().importId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ removed: { records: 2 }, keptPushedRecords: 1 });
    const left = (await holdings(owner)).records as { refNo: string; importId: number | null }[];
    expect(left.map((r) => [r.refNo, r.importId])).toEqual([
      ['100000000001', null],
      ['100000000002', null],
    ]);

    const again = await owner.upload('s.csv', CSV);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().landings[0].stored).toBe(2);
    expect((await holdings(owner)).records).toHaveLength(4);
  });

  it("recounts a day's overcharge alert that a pushed line still makes up", async () => {
    t = await testApp(dialect);
    const owner = await ownerWithMerchant(t, SHOP);
    await owner.putPlan();
    const up = await owner.upload('s.csv', CSV);
    expect(up.json().alerts).toBe(1);
    const pushed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${owner.id}/settlements`,
      headers: { cookie: owner.cookie },
      payload: pushLine('100000000009', 700),
    });
    expect(pushed.statusCode, pushed.body).toBe(201);
    const pushedId = pushed.json().recordIds[0] as number;
    // 3 × 80 fen from the file and 100 fen from the push, one alert for the day.
    expect((await holdings(owner)).alerts.map((a) => a.amountFen)).toEqual([340]);

    const res = await remove(owner.cookie, owner.id, up.json().importId);
    expect(res.json().removed).toEqual({ records: 4, keptFiles: 0, alerts: 0 });
    const [alert, ...others] = (await holdings(owner)).alerts;
    expect(others).toEqual([]);
    expect(alert).toMatchObject({
      kind: 'fee_overcharge',
      amountFen: 100,
      recordId: pushedId,
      details: { recordId: pushedId, refNo: '100000000009', lines: 1, totalOverchargeFen: 100 },
    });
  });

  it("forgets a wrong file's rates: the right file after it is no rate change", async () => {
    t = await testApp(dialect);
    const owner = await ownerWithMerchant(t, SHOP);
    // The wrong shop's statement: its credit sales charged 0.68%.
    const wrong = await owner.upload(
      'wrong.csv',
      settlementCsv([1, 2, 3, 4].map((d) => creditSale(d, `90000000000${d}`, '6.80'))),
    );
    expect(wrong.statusCode, wrong.body).toBe(201);
    expect((await remove(owner.cookie, owner.id, wrong.json().importId)).statusCode).toBe(200);

    const right = await owner.upload(
      'right.csv',
      settlementCsv([5, 6, 7, 8].map((d) => creditSale(d, `10000000000${d}`))),
    );
    expect(right.statusCode, right.body).toBe(201);
    expect(right.json().alerts).toBe(0);
    expect((await holdings(owner)).alerts).toEqual([]);
  });

  it('names later imports that skipped lines this file had', async () => {
    t = await testApp(dialect);
    const owner = await ownerWithMerchant(t, SHOP);
    const mid = await owner.upload('结算明细_截至15日.csv', settlementCsv(OVERCHARGED.slice(0, 2)));
    const end = await owner.upload('结算明细_整月.csv', CSV);
    expect(end.json().landings[0]).toMatchObject({ stored: 2, alreadyStored: 2 });
    const res = await remove(owner.cookie, owner.id, mid.json().importId);
    expect(res.json().laterOverlaps).toEqual([
      { importId: end.json().importId, file: '结算明细_整月.csv', alreadyStored: 2 },
    ]);
  });

  it('leaves everything as it was when the deletion fails midway', async () => {
    t = await testApp(dialect);
    const owner = await ownerWithMerchant(t, SHOP);
    await owner.putPlan();
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/merchants/${owner.id}`,
      headers: { cookie: owner.cookie },
      payload: { keepUploads: true },
    });
    const up = await owner.upload('s.csv', CSV);
    const importId = up.json<{ importId: number }>().importId;
    const before = await holdings(owner);
    expect(before.records).toHaveLength(4);
    // The import row goes last: the database refusing it must take back every change made before.
    if (dialect === 'sqlite') {
      await sql`CREATE TRIGGER refuse_import_delete BEFORE DELETE ON imports BEGIN SELECT RAISE(ABORT, 'refused'); END`.execute(
        t.storage.db,
      );
    } else {
      await sql`CREATE FUNCTION refuse_import_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`.execute(
        t.storage.db,
      );
      await sql`CREATE TRIGGER refuse_import_delete BEFORE DELETE ON imports FOR EACH ROW EXECUTE FUNCTION refuse_import_delete()`.execute(
        t.storage.db,
      );
    }
    const failed = await remove(owner.cookie, owner.id, importId);
    expect(failed.statusCode).toBe(500);
    expect(await holdings(owner)).toEqual(before);
    expect((await owner.get(`/api/v1/merchants/${owner.id}/imports/${importId}/file`)).statusCode).toBe(200);
    expect((await auditLog(owner.cookie)).filter((e) => e.action === 'import.delete')).toEqual([]);

    await sql`DROP TRIGGER refuse_import_delete${sql.raw(dialect === 'sqlite' ? '' : ' ON imports')}`.execute(
      t.storage.db,
    );
    expect((await remove(owner.cookie, owner.id, importId)).statusCode).toBe(200);
  });

  it('is documented in the OpenAPI schema with what it answers', async () => {
    t = await testApp(dialect);
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = spec.paths['/api/v1/merchants/{id}/imports/{importId}']?.delete;
    expect(op.tags).toEqual(['statements']);
    expect(op.description).toContain('403');
    const answer = op.responses['200'].content['application/json'].schema;
    expect(Object.keys(answer.properties)).toEqual(
      expect.arrayContaining(['importId', 'removed', 'keptPushedRecords', 'laterOverlaps']),
    );
  });
});
