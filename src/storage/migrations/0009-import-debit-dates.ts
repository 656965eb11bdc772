import type { Kysely, Migration } from 'kysely';

/**
 * imports.skipped_debit_dates_json: the days a bank file's skipped debit lines span (skippedDebitDatesOf of its
 * import summary, a JSON array of `{ first, last }`), so the audit of stored records knows the days the file
 * covered as `posguard audit` does. Null for other files, for a bank file without debits, and for imports stored
 * before it (their summaries are gone): those add no days.
 */
export function importDebitDatesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('imports').addColumn('skipped_debit_dates_json', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('imports').dropColumn('skipped_debit_dates_json').execute();
    },
  };
}
