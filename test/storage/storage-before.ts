import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Migration, MigrationProvider } from 'kysely';
import pg from 'pg';
import { type DialectName, openDatabase, type Storage } from '../../src/storage/database.js';
import { migrateToLatest, migrationProvider } from '../../src/storage/migrate.js';
import { PG_URL } from './test-storage.js';

/** posguard's migrations whose names sort before `name`: the schema as a release without `name` left it. */
export function migrationsBefore(dialect: DialectName, name: string): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      const all = await migrationProvider(dialect).getMigrations();
      return Object.fromEntries(Object.entries(all).filter(([n]) => n < name));
    },
  };
}

/**
 * A database of one dialect (own temp SQLite file, or own PostgreSQL schema) migrated up to, not including, the
 * migration `name`; `migrateToLatest(storage, { backupDir: dir })` then applies the rest as an upgrade does.
 */
export async function storageBefore(
  dialect: DialectName,
  name: string,
): Promise<{ storage: Storage; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-db-before-'));
  const provider = migrationsBefore(dialect, name);
  if (dialect === 'sqlite') {
    const storage = openDatabase({ dialect: 'sqlite', file: join(dir, 'test.db') });
    await migrateToLatest(storage, { provider });
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
  await migrateToLatest(storage, { backupDir: dir, provider });
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
