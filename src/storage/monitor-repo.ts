import type { Kysely, Transaction } from 'kysely';
import { naturalKey } from '../monitor/natural-key.js';
import { DEFAULT_RULES, type MonitorRules, parseMonitorRules } from '../monitor/rules.js';
import type { PosRecord } from '../records/index.js';
import { requireMerchantRole } from './access.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The rules in force for a merchant: its tuned file, or the defaults. No access check (internal). */
export async function rulesInForce(db: Db, merchantId: number): Promise<MonitorRules> {
  const row = await db
    .selectFrom('monitor_rules')
    .select('text')
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (row === undefined) return DEFAULT_RULES;
  const parsed = parseMonitorRules(row.text);
  return parsed.ok ? parsed.rules : DEFAULT_RULES;
}

/** A merchant's rule text (members): the tuned text if any, and the rules in force. */
export async function getMonitorRules(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<{ text: string | null; rules: MonitorRules; updatedAt: string | null }> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const row = await db
    .selectFrom('monitor_rules')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  return {
    text: row?.text ?? null,
    rules: await rulesInForce(db, merchantId),
    updatedAt: row?.updated_at ?? null,
  };
}

/** Replaces a merchant's tuned rules (owner or agent); the text must already be valid. */
export async function saveMonitorRules(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  text: string,
  at: string,
): Promise<void> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  await db
    .insertInto('monitor_rules')
    .values({ merchant_id: merchantId, text, updated_by: userId, updated_at: at })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ text, updated_by: userId, updated_at: at }))
    .execute();
}

/** Remembers pushed records by natural key so a statement file bringing them again skips them. */
export async function rememberPushed(
  trx: Db,
  merchantId: number,
  records: readonly PosRecord[],
  ids: readonly number[],
): Promise<void> {
  const rows = records.map((r, i) => ({
    record_id: ids[i] ?? 0,
    merchant_id: merchantId,
    natural_key: naturalKey(r) ?? null,
    claimed_import_id: null,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('pushed_records')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

/**
 * What an import's line is to the records pushed through the API: `pushed` when it is a pushed record no file
 * had brought yet (now claimed by this import), `imported` when it is a pushed record an earlier import already
 * found in its file (the same line in an overlapping export, such as a statement downloaded again).
 */
export type PushedMatch = 'pushed' | 'imported';

/**
 * For an import: a function that says whether a record is one already pushed through the API, and how (see
 * PushedMatch). A pushed record answers one line of each file: two equal lines in a file match two pushes, not
 * one. A pushed record an earlier file found is that file's line only on the settle day it was pushed with, so a
 * later file settling the same sale again on another day still brings a second record. Cheap when the merchant
 * never pushed anything.
 */
export async function pushedRecordMatcher(
  trx: Db,
  merchantId: number,
  importId: number,
): Promise<((record: PosRecord) => Promise<PushedMatch | undefined>) | undefined> {
  const any = await trx
    .selectFrom('pushed_records')
    .select('record_id')
    .where('merchant_id', '=', merchantId)
    .where('natural_key', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  if (any === undefined) return undefined;
  const foundAgain = new Set<number>();
  return async (record) => {
    const key = naturalKey(record);
    if (key === undefined) return undefined;
    // A push an import matched afterwards (the file came first) is that file's record: an overlapping export
    // skips it as a line already stored, so only pushes that stored records of their own are looked at here.
    const rows = await trx
      .selectFrom('pushed_records')
      .innerJoin('records', 'records.id', 'pushed_records.record_id')
      .select(['pushed_records.record_id', 'pushed_records.claimed_import_id', 'records.settle_date'])
      .where('pushed_records.merchant_id', '=', merchantId)
      .where('pushed_records.natural_key', '=', key)
      .where('records.import_id', 'is', null)
      .orderBy('pushed_records.record_id')
      .execute();
    const again = rows.find(
      (r) =>
        r.claimed_import_id !== null &&
        r.claimed_import_id !== importId &&
        !foundAgain.has(r.record_id) &&
        (r.settle_date === null || record.settleDate === undefined || r.settle_date === record.settleDate),
    );
    if (again !== undefined) {
      foundAgain.add(again.record_id);
      return 'imported';
    }
    const fresh = rows.find((r) => r.claimed_import_id === null);
    if (fresh === undefined) return undefined;
    await trx
      .updateTable('pushed_records')
      .set({ claimed_import_id: importId })
      .where('record_id', '=', fresh.record_id)
      .execute();
    return 'pushed';
  };
}
