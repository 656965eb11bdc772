import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/start-server.js';
import { configFromEnv } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrate.js';
import { TABLE_ORDER } from '../../src/storage/schema.js';
import { PG_URL, runPostgres } from './test-storage.js';

// `posguard serve` inside one PostgreSQL schema: named by POSGUARD_PG_SCHEMA or the URL, created when missing,
// holding every table and the migration bookkeeping (none of it in public).

describe('configFromEnv: the PostgreSQL schema', () => {
  const url = 'postgresql://u@h/db';

  it('takes POSGUARD_PG_SCHEMA, ?schema= (dropped from the URL pg sees) or the search_path of libpq options', () => {
    expect(configFromEnv({ DATABASE_URL: url, POSGUARD_PG_SCHEMA: 'posguard' })).toEqual({
      dialect: 'postgres',
      url,
      schema: 'posguard',
    });
    expect(configFromEnv({ DATABASE_URL: `${url}?sslmode=disable&schema=tenant_1` })).toEqual({
      dialect: 'postgres',
      url: `${url}?sslmode=disable`,
      schema: 'tenant_1',
    });
    const withOptions = `${url}?options=-c%20search_path%3Dtenant_2`;
    expect(configFromEnv({ DATABASE_URL: withOptions })).toEqual({
      dialect: 'postgres',
      url: withOptions,
      schema: 'tenant_2',
    });
    expect(configFromEnv({ DATABASE_URL: url, POSGUARD_PG_SCHEMA: '' })).toEqual({
      dialect: 'postgres',
      url,
    });
    expect(configFromEnv({ POSGUARD_PG_SCHEMA: 'posguard' })).toEqual({
      dialect: 'sqlite',
      file: './posguard.db',
    });
  });

  it('refuses two different schemas and names that need quoting', () => {
    expect(() => configFromEnv({ DATABASE_URL: `${url}?schema=a`, POSGUARD_PG_SCHEMA: 'b' })).toThrow(
      /POSGUARD_PG_SCHEMA and DATABASE_URL \(\?schema=\) name different PostgreSQL schemas \(b, a\)/,
    );
    expect(() => configFromEnv({ DATABASE_URL: url, POSGUARD_PG_SCHEMA: 'Posguard' })).toThrow(
      /the PostgreSQL schema "Posguard" in POSGUARD_PG_SCHEMA is not usable/,
    );
    expect(() => configFromEnv({ DATABASE_URL: `${url}?schema=a;drop` })).toThrow(/"a;drop"/);
  });
});

const uniqueSchema = (tag: string) => `pgs_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;

describe.runIf(runPostgres)('posguard serve on a PostgreSQL schema', () => {
  const admin = () => new pg.Client({ connectionString: PG_URL });
  let server: RunningServer | undefined;
  let schema: string | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
    if (schema !== undefined) {
      const c = admin();
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
      schema = undefined;
    }
  });

  async function tablesOf(name: string): Promise<string[]> {
    const c = admin();
    await c.connect();
    try {
      const rows = await c.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1 order by table_name',
        [name],
      );
      return rows.rows.map((r) => r.table_name);
    } finally {
      await c.end();
    }
  }

  /** Where a user with this e-mail exists: the schemas whose `users` table holds the row. */
  async function schemasHoldingUser(email: string): Promise<string[]> {
    const c = admin();
    await c.connect();
    try {
      const found: string[] = [];
      const schemas = await c.query<{ s: string }>(
        "select table_schema as s from information_schema.tables where table_name = 'users' order by 1",
      );
      for (const { s } of schemas.rows) {
        const hit = await c
          .query(`select 1 from "${s}".users where email = $1`, [email])
          .catch(() => ({ rowCount: 0 })); // a parallel test's schema dropped meanwhile
        if ((hit.rowCount ?? 0) > 0) found.push(s);
      }
      return found;
    } finally {
      await c.end();
    }
  }

  const serve = (env: NodeJS.ProcessEnv) =>
    startServer({ host: '127.0.0.1', port: 0, env, say: () => undefined, logger: false });

  it('creates the POSGUARD_PG_SCHEMA schema and puts every table and the migration bookkeeping there', async () => {
    schema = uniqueSchema('env');
    const email = `${schema}@example.com`;
    expect(await tablesOf(schema)).toEqual([]);
    server = await serve({
      DATABASE_URL: PG_URL,
      POSGUARD_PG_SCHEMA: schema,
      POSGUARD_ADMIN_EMAIL: email,
      POSGUARD_ADMIN_PASSWORD: 'Schema-Pass-2026',
      POSGUARD_DEMO: '0',
    });
    const expected = [...TABLE_ORDER, 'kysely_migration', 'kysely_migration_lock'].sort();
    expect(await tablesOf(schema)).toEqual(expected);
    expect(await schemasHoldingUser(email)).toEqual([schema]);

    const c = admin();
    await c.connect();
    try {
      const migrations = await c.query(`select name from ${schema}.kysely_migration`);
      // Every migration the code registers, each recorded once in this schema's bookkeeping.
      const registered = Object.keys(await migrationProvider('postgres').getMigrations());
      expect(registered.length).toBeGreaterThanOrEqual(11);
      expect(migrations.rows.map((r: { name: string }) => r.name).sort()).toEqual(registered.sort());
    } finally {
      await c.end();
    }
    // The server's own connections look in that schema only.
    const row = await server.storage.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(1);

    // Started again on the same schema: nothing left to migrate, the owner is not created twice.
    await server.close();
    server = undefined;
    const said: string[] = [];
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      env: { DATABASE_URL: PG_URL, POSGUARD_PG_SCHEMA: schema, POSGUARD_DEMO: '0' },
      say: (line) => said.push(line),
      logger: false,
    });
    expect(said).toEqual([]);
    expect(await schemasHoldingUser(email)).toEqual([schema]);
  });

  it('takes the schema from ?schema= in DATABASE_URL and keeps the URL’s other libpq options', async () => {
    schema = uniqueSchema('url');
    const email = `${schema}@example.com`;
    const url = `${PG_URL}?options=${encodeURIComponent('-c statement_timeout=123456')}&schema=${schema}`;
    server = await serve({
      DATABASE_URL: url,
      POSGUARD_ADMIN_EMAIL: email,
      POSGUARD_ADMIN_PASSWORD: 'Schema-Pass-2026',
      POSGUARD_DEMO: '0',
    });
    expect(server.storage.config).toMatchObject({ dialect: 'postgres', schema });
    expect(await tablesOf(schema)).toContain('kysely_migration');
    expect(await tablesOf(schema)).toContain('records');
    expect(await schemasHoldingUser(email)).toEqual([schema]);
    const pgConfig = await server.storage.db
      .selectNoFrom((eb) => [
        eb.fn<string>('current_schema', []).as('schema'),
        eb.fn<string>('current_setting', [eb.val('statement_timeout')]).as('timeout'),
      ])
      .executeTakeFirstOrThrow();
    expect(pgConfig).toEqual({ schema, timeout: '123456ms' });
  });
});
