import { type Kysely, type Migration, sql } from 'kysely';

/**
 * imports.truncated: 1 for a statement file cut off mid-row (FileImportSummary.truncated, truncated-export.ts), so
 * the audit of stored records does not count the file's last day as covered, as `posguard audit` does not; 0 for a
 * whole file. Imports stored before it are marked from the `file.truncated` warning their warnings_json kept (the
 * importer gives that warning exactly when it marks the summary), so files already uploaded cut off stop showing
 * false missing settlements too.
 */
export function importTruncatedMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('imports')
        .addColumn('truncated', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update imports set truncated = 1 where warnings_json like ${'%"code":"file.truncated"%'}`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('imports').dropColumn('truncated').execute();
    },
  };
}
