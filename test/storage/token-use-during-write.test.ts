import { afterEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/accounts/secret-token.js';
import type { DialectName } from '../../src/storage/database.js';
import { useToken } from '../../src/storage/tokens-repo.js';
import { type TestApp, testApp } from '../server/test-app.js';
import { DIALECTS } from './test-storage.js';

// A request with a bearer token reads the token; it writes last_used_at only when the stored stamp is more than
// five minutes old, and never waits for that write. On SQLite the write queues behind an open write transaction
// (an upload being stored), so the request is awaited inside such a transaction here: it can only finish while
// the transaction is open.

/** The test app's clock (testApp). */
const NOW = '2026-10-01T04:00:00.000Z';
/** One minute before NOW: recent, no stamp due. */
const RECENT = '2026-10-01T03:59:00.000Z';
/** A day before NOW: old, the next use stamps NOW. */
const OLD = '2026-09-30T04:00:00.000Z';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** An owner with one bearer token whose last_used_at is set to `lastUsedAt` directly in the database. */
async function ownerWithToken(app: TestApp, lastUsedAt: string | null) {
  await app.addUser('owner@example.com');
  const cookie = await app.login('owner@example.com');
  const created = await app.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: { cookie },
    payload: { name: 'pos-sync' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const { id, token } = created.json<{ id: number; token: string }>();
  await app.storage.db
    .updateTable('api_tokens')
    .set({ last_used_at: lastUsedAt })
    .where('id', '=', id)
    .execute();
  return { id, token, bearer: { authorization: `Bearer ${token}` } };
}

async function lastUsedAt(app: TestApp, id: number): Promise<string | null> {
  const row = await app.storage.db
    .selectFrom('api_tokens')
    .select('last_used_at')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.last_used_at;
}

describe.each(DIALECTS)('useToken on %s', (dialect: DialectName) => {
  it('leaves a recent last_used_at as it is', async () => {
    t = await testApp(dialect);
    const { id, token } = await ownerWithToken(t, RECENT);
    const used = await useToken(t.storage.db, hashSecret(token), NOW);
    expect(used?.id).toBe(id);
    await used?.stamped;
    expect(await lastUsedAt(t, id)).toBe(RECENT);
  });

  it('moves an old (or missing) last_used_at forward to the time of use', async () => {
    t = await testApp(dialect);
    const { id, token } = await ownerWithToken(t, OLD);
    const used = await useToken(t.storage.db, hashSecret(token), NOW);
    await used?.stamped;
    expect(await lastUsedAt(t, id)).toBe(NOW);

    await t.storage.db.updateTable('api_tokens').set({ last_used_at: null }).where('id', '=', id).execute();
    await (await useToken(t.storage.db, hashSecret(token), NOW))?.stamped;
    expect(await lastUsedAt(t, id)).toBe(NOW);
  });
});

describe('a bearer-token request on SQLite while a write transaction is open', () => {
  it('is answered before the transaction ends when the token was used recently, and writes nothing', async () => {
    t = await testApp('sqlite');
    const app = t;
    const { id, bearer } = await ownerWithToken(app, RECENT);
    const status = await app.storage.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('merchants')
        .values({ name: 'being stored', merchant_code: null, demo: 0, created_at: NOW })
        .execute();
      const me = await app.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
      return me.statusCode;
    });
    expect(status).toBe(200);
    expect(await lastUsedAt(app, id)).toBe(RECENT);
  });

  it('is answered before the transaction ends when the token is stale, and the stamp lands after the commit', async () => {
    t = await testApp('sqlite');
    const app = t;
    const { id, bearer } = await ownerWithToken(app, OLD);
    const db = app.storage.db;
    const during = await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('merchants')
        .values({ name: 'being stored', merchant_code: null, demo: 0, created_at: NOW })
        .execute();
      const me = await app.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer });
      return {
        status: me.statusCode,
        email: me.json<{ email: string }>().email,
        stamp: await lastUsedAt(app, id),
      };
    });
    // Answered inside the transaction, the stamp still waiting for the write connection.
    expect(during).toEqual({ status: 200, email: 'owner@example.com', stamp: OLD });
    // A write queued now runs after the stamp queued during the transaction.
    await db.updateTable('api_tokens').set({ name: 'pos-sync' }).where('id', '=', id).execute();
    expect(await lastUsedAt(app, id)).toBe(NOW);
  });

  it('keeps the latest of two stamps that land out of order', async () => {
    t = await testApp('sqlite');
    const { id, token } = await ownerWithToken(t, OLD);
    const db = t.storage.db;
    const hash = hashSecret(token);
    const [later, earlier] = await db.transaction().execute(async () => {
      // Both read the old stamp and queue a write: the later use (NOW) first, then an earlier one.
      return [await useToken(db, hash, NOW), await useToken(db, hash, '2026-10-01T03:00:00.000Z')];
    });
    await later?.stamped;
    await earlier?.stamped;
    expect(await lastUsedAt(t, id)).toBe(NOW);
  });
});
