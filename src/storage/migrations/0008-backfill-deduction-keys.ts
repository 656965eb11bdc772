import type { Kysely, Migration } from 'kysely';
import { naturalKey } from '../../monitor/natural-key.js';
import { rowToRecord } from '../record-row.js';
import type { Database } from '../schema.js';

/** How many pushed records one round reads and keys: bounded memory whatever the table's size. */
const BATCH = 500;

/**
 * pushed_records.natural_key for the records pushed before a deduction or payout without an identifier had a key
 * (day, label and amount): those were stored with none, so a statement bringing them again stored them twice.
 * Fills the key of every pushed record that lacks one with naturalKey, the function a push uses now, read from the
 * record as stored; a record it still gives no key (a sale with no identifier) keeps none. Walks the table in id
 * order, `batchSize` rows at a time, and touches only keyless rows, so running it again changes nothing.
 */
export function backfillDeductionKeysMigration(batchSize = BATCH): Migration {
  return {
    async up(untyped: Kysely<unknown>): Promise<void> {
      const db = untyped as Kysely<Database>;
      let after = 0;
      for (;;) {
        const rows = await db
          .selectFrom('pushed_records')
          .innerJoin('records', 'records.id', 'pushed_records.record_id')
          .selectAll('records')
          .select('pushed_records.id as pushed_id')
          .where('pushed_records.natural_key', 'is', null)
          .where('pushed_records.id', '>', after)
          .orderBy('pushed_records.id')
          .limit(batchSize)
          .execute();
        for (const { pushed_id, ...record } of rows) {
          const key = naturalKey(rowToRecord(record));
          if (key === undefined) continue;
          await db
            .updateTable('pushed_records')
            .set({ natural_key: key })
            .where('id', '=', pushed_id)
            .where('natural_key', 'is', null)
            .execute();
        }
        const last = rows.at(-1);
        if (last === undefined || rows.length < batchSize) return;
        after = last.pushed_id;
      }
    },
    async down(): Promise<void> {
      // The keys filled are the ones the code before this migration gives new pushes too: nothing to undo.
    },
  };
}
