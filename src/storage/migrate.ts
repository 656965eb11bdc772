import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { writeBackup } from './backup.js';
import { type DialectName, ownTableNames, type Storage } from './database.js';
import { initialMigration } from './migrations/0001-initial.js';
import { monitorMigration } from './migrations/0002-monitor.js';
import { casesDevicesMigration } from './migrations/0003-cases-devices.js';
import { keepUploadsMigration } from './migrations/0004-keep-uploads.js';
import { sharedFileNotesMigration } from './migrations/0005-shared-file-notes.js';
import { recordDiscountMigration } from './migrations/0006-record-discount.js';
import { alertMessageEnMigration } from './migrations/0007-alert-message-en.js';
import { backfillDeductionKeysMigration } from './migrations/0008-backfill-deduction-keys.js';
import { importDebitDatesMigration } from './migrations/0009-import-debit-dates.js';
import { alertChannelLanguageMigration } from './migrations/0010-alert-channel-language.js';
import { importTruncatedMigration } from './migrations/0011-import-truncated.js';
import { TABLE_ORDER } from './schema.js';

/** The migrations, defined in code so a built package needs no migration files on disk. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001-initial': initialMigration(dialect),
        '0002-monitor': monitorMigration(dialect),
        '0003-cases-devices': casesDevicesMigration(dialect),
        '0004-keep-uploads': keepUploadsMigration(dialect),
        '0005-shared-file-notes': sharedFileNotesMigration(),
        '0006-record-discount': recordDiscountMigration(),
        '0007-alert-message-en': alertMessageEnMigration(),
        '0008-backfill-deduction-keys': backfillDeductionKeysMigration(),
        '0009-import-debit-dates': importDebitDatesMigration(),
        '0010-alert-channel-language': alertChannelLanguageMigration(),
        '0011-import-truncated': importTruncatedMigration(),
      };
    },
  };
}

function migratorOf(storage: Storage, provider?: MigrationProvider): Migrator {
  // On PostgreSQL the bookkeeping tables live in our own schema: Kysely would otherwise take another schema's
  // kysely_migration table (introspection sees every schema) for ours.
  const schema = storage.config.dialect === 'postgres' ? (storage.config.schema ?? 'public') : undefined;
  return new Migrator({
    db: storage.db as Kysely<unknown>,
    provider: provider ?? migrationProvider(storage.dialect),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(storage: Storage, provider?: MigrationProvider): Promise<string[]> {
  const all = await migratorOf(storage, provider).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** True when any posguard table already exists and holds a row. */
export async function holdsData(storage: Storage): Promise<boolean> {
  const existing = await ownTableNames(storage);
  for (const table of TABLE_ORDER) {
    if (!existing.has(table)) continue;
    const row = await storage.db
      .selectFrom(table)
      .select((eb) => eb.lit(1).as('one'))
      .limit(1)
      .executeTakeFirst();
    if (row !== undefined) return true;
  }
  return false;
}

/**
 * Creates the PostgreSQL schema the config names when it is missing, so its tables and the migration bookkeeping
 * land there (its search_path names only it) rather than nowhere. An existing schema is only looked up: creating
 * a schema needs CREATE on the database, which a user given one schema may not have.
 */
async function ensureSchema(storage: Storage): Promise<void> {
  if (storage.config.dialect !== 'postgres' || storage.config.schema === undefined) return;
  const schema = storage.config.schema;
  const exists = async () =>
    (await sql`select 1 from pg_catalog.pg_namespace where nspname = ${schema}`.execute(storage.db)).rows
      .length > 0;
  if (await exists()) return;
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(storage.db);
  } catch (error) {
    // Another process starting on the same schema may have created it meanwhile.
    if (!(await exists())) throw error;
  }
}

export interface MigrateOutcome {
  applied: string[];
  /** Where the pre-migration backup went, when one was written. */
  backupFile?: string;
}

/**
 * Brings the schema up to date. When migrations are pending and the database already holds data, a backup is
 * written first (beside the SQLite file, or in `backupDir` for PostgreSQL) so an update can be undone.
 */
export async function migrateToLatest(
  storage: Storage,
  options: { backupDir?: string; now?: () => Date; provider?: MigrationProvider } = {},
): Promise<MigrateOutcome> {
  await ensureSchema(storage);
  const pending = await pendingMigrations(storage, options.provider);
  const outcome: MigrateOutcome = { applied: [] };
  if (pending.length === 0) return outcome;
  if (await holdsData(storage)) {
    const stamp = (options.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-');
    const dir =
      options.backupDir ??
      (storage.config.dialect === 'sqlite' ? dirname(resolve(storage.config.file)) : process.cwd());
    const base =
      storage.config.dialect === 'sqlite' ? `${storage.config.file.split(/[\\/]/).pop()}` : 'posguard-pg';
    const file = join(dir, `${base}.before-migration-${stamp}.jsonl.gz`);
    await writeBackup(storage, file);
    outcome.backupFile = file;
  }
  const { error, results } = await migratorOf(storage, options.provider).migrateToLatest();
  outcome.applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return outcome;
}
