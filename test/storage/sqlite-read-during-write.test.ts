import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../server/test-app.js';

// On SQLite a big upload is stored in one write transaction; reads of other requests must not wait for its commit.
// Each test opens a write transaction through the app's own storage (the one Kysely handle the server uses, as an
// import does) and, before it commits, reads through the same handle or the HTTP API: the read is awaited inside
// the transaction, so it can only finish while the transaction is open, and it must see the last commit only.

const AT = '2026-10-01T04:00:00.000Z';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function merchantNames(app: TestApp, cookie: string): Promise<string[]> {
  const res = await app.app.inject({ method: 'GET', url: '/api/v1/merchants', headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res
    .json<{ merchants: { name: string }[] }>()
    .merchants.map((m) => m.name)
    .sort();
}

describe('SQLite reads while a write transaction is open', () => {
  it('runs the file in WAL mode', async () => {
    t = await testApp('sqlite');
    expect(t.storage.config.dialect).toBe('sqlite');
    const file = t.storage.config.dialect === 'sqlite' ? t.storage.config.file : '';
    const probe = new SQLite(file, { readonly: true });
    try {
      expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      probe.close();
    }
  });

  it('answers a read through the storage with the committed rows before the transaction commits', async () => {
    t = await testApp('sqlite');
    const db = t.storage.db;
    await db
      .insertInto('merchants')
      .values({ name: 'committed', merchant_code: null, demo: 0, created_at: AT })
      .execute();
    const names = async (q: typeof db) =>
      (await q.selectFrom('merchants').select('name').orderBy('name').execute()).map((r) => r.name);

    const during = await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('merchants')
        .values({ name: 'pending', merchant_code: null, demo: 0, created_at: AT })
        .execute();
      return { outside: await names(db), inside: await names(trx) };
    });
    expect(during).toEqual({ outside: ['committed'], inside: ['committed', 'pending'] });
    expect(await names(db)).toEqual(['committed', 'pending']);
  });

  it('answers an HTTP read (session check and merchant list) while another write transaction is open', async () => {
    t = await testApp('sqlite');
    const app = t;
    const userId = await app.addUser('owner@example.com');
    const cookie = await app.login('owner@example.com');
    const created = await app.app.inject({
      method: 'POST',
      url: '/api/v1/merchants',
      headers: { cookie },
      payload: { name: 'Shop A' },
    });
    expect(created.statusCode, created.body).toBe(201);

    const seen = await app.storage.db.transaction().execute(async (trx) => {
      const m = await trx
        .insertInto('merchants')
        .values({ name: 'Shop B', merchant_code: null, demo: 0, created_at: AT })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('memberships')
        .values({ user_id: userId, merchant_id: m.id, role: 'owner', created_at: AT })
        .execute();
      return merchantNames(app, cookie);
    });
    expect(seen).toEqual(['Shop A']);
    expect(await merchantNames(app, cookie)).toEqual(['Shop A', 'Shop B']);
  });

  it('still queues a write of another request behind the open transaction', async () => {
    t = await testApp('sqlite');
    const db = t.storage.db;
    const order: string[] = [];
    let queued: Promise<unknown> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('merchants')
        .values({ name: 'first', merchant_code: null, demo: 0, created_at: AT })
        .execute();
      queued = db
        .insertInto('merchants')
        .values({ name: 'second', merchant_code: null, demo: 0, created_at: AT })
        .execute()
        .then(() => order.push('other write'));
      // The reader answers meanwhile, without the uncommitted row and without letting the write in.
      const outside = await db.selectFrom('merchants').select('name').execute();
      order.push(`read ${outside.length}`);
      order.push('transaction ends');
    });
    await queued;
    expect(order).toEqual(['read 0', 'transaction ends', 'other write']);
    const names = (await db.selectFrom('merchants').select('name').orderBy('id').execute()).map(
      (r) => r.name,
    );
    expect(names).toEqual(['first', 'second']);
  });
});
