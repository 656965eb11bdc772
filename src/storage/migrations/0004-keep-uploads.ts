import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely';
import type { DialectName } from '../database.js';

/** The owner's opt-in to keep uploaded statement files, and the kept files themselves (issue 6). */
export function keepUploadsMigration(dialect: DialectName): Migration {
  const id = dialect === 'postgres' ? 'serial' : 'integer';
  const idCol = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('merchants')
        .addColumn('keep_uploads', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Bytes are kept as base64 text: portable across SQLite and PostgreSQL and through JSON-lines backups.
      await db.schema
        .createTable('kept_uploads')
        .addColumn('id', id, idCol)
        .addColumn('merchant_id', 'integer', (c) =>
          c.notNull().references('merchants.id').onDelete('cascade'),
        )
        .addColumn('import_id', 'integer', (c) => c.notNull().references('imports.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('masked', 'integer', (c) => c.notNull().check(sql`masked in (0, 1)`))
        .addColumn('original_size', 'bigint', (c) => c.notNull())
        .addColumn('original_sha256', 'text', (c) => c.notNull())
        .addColumn('content_base64', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('kept_uploads_import', ['import_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('kept_uploads').ifExists().execute();
      await db.schema.alterTable('merchants').dropColumn('keep_uploads').execute();
    },
  };
}
