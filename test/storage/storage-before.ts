import type { Migration, MigrationProvider } from 'kysely';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { migrationProvider } from '../../src/storage/migrate.js';
import { freshStorage } from './test-storage.js';

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
  return freshStorage(dialect, migrationsBefore(dialect, name));
}
