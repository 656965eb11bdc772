import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ownTableNames } from '../../src/storage/database.js';
import { pendingMigrations } from '../../src/storage/migrate.js';
import { freshStorage, PG_URL, runPostgres } from './test-storage.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function admin<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

describe.runIf(runPostgres)('PostgreSQL introspection of a schema-scoped database', () => {
  it("sees only its own schema's tables, not another schema's, not even its migration table", async () => {
    const { storage, cleanup } = await freshStorage('postgres');
    cleanups.push(cleanup);
    const other = `t_other_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await admin((c) => c.query(`CREATE SCHEMA ${other}; CREATE TABLE ${other}.stranger (id int)`));
    cleanups.push(() =>
      admin((c) => c.query(`DROP SCHEMA IF EXISTS ${other} CASCADE`)).then(() => undefined),
    );
    const tables = await storage.db.introspection.getTables();
    expect(new Set(tables.map((t) => t.schema)).size).toBe(1);
    expect(tables.map((t) => t.name)).not.toContain('stranger');
    expect(tables.map((t) => t.name)).toContain('records');
    expect(await ownTableNames(storage)).toContain('records');
  });

  it('migrates and introspects while other connections create and drop schemas', async () => {
    // Kysely's own introspection resolved every schema's name, so a schema dropped by another connection in the
    // middle of its query failed it with "schema … does not exist" (parallel tests, or another tenant's schema).
    const { storage, cleanup } = await freshStorage('postgres');
    cleanups.push(cleanup);
    let churning = true;
    const churn = admin(async (c) => {
      let n = 0;
      while (churning) {
        const name = `t_churn_${process.pid}_${n++}`;
        await c.query(`CREATE SCHEMA ${name}; CREATE TABLE ${name}.t (id serial primary key)`);
        await c.query(`DROP SCHEMA ${name} CASCADE`);
      }
      return n;
    });
    try {
      for (let i = 0; i < 60; i += 1) {
        expect(await pendingMigrations(storage)).toEqual([]);
        expect(await ownTableNames(storage)).toContain('records');
      }
    } finally {
      churning = false;
    }
    expect(await churn).toBeGreaterThan(0);
  });
});
