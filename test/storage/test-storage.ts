import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationProvider } from 'kysely';
import pg from 'pg';
import { type DialectName, openDatabase, type Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';

/** The PostgreSQL the storage tests use (database `test` on 127.0.0.1). */
export const PG_URL = process.env['POSGUARD_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether PostgreSQL answered; under CI=true the PostgreSQL tests run (and fail) either way. */
export const postgresUp = await probePostgres();
export const runPostgres = postgresUp || process.env['CI'] === 'true';
if (!runPostgres)
  console.warn(`posguard storage tests: PostgreSQL at ${PG_URL} unreachable — skipping its half locally`);

/** The dialects to loop over: both, or SQLite only when PostgreSQL is down outside CI. */
export const DIALECTS: DialectName[] = runPostgres ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * A fresh migrated database of one dialect (own temp file or own schema) and how to throw it away; migrated with
 * `provider` when given (a release's migrations, see storage-before.ts), else with all of posguard's.
 */
export async function freshStorage(
  dialect: DialectName,
  provider?: MigrationProvider,
): Promise<{ storage: Storage; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-db-'));
  const migrations = provider === undefined ? {} : { provider };
  if (dialect === 'sqlite') {
    const storage = openDatabase({ dialect: 'sqlite', file: join(dir, 'test.db') });
    await migrateToLatest(storage, migrations);
    return {
      storage,
      dir,
      cleanup: async () => {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const storage = openDatabase({ dialect: 'postgres', url: PG_URL, schema });
  await migrateToLatest(storage, { backupDir: dir, ...migrations });
  return {
    storage,
    dir,
    cleanup: async () => {
      await storage.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
