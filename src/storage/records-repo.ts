import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { PosRecord, RecordKind } from '../records/index.js';
import { requireMerchantRole } from './access.js';
import { recordToRow, rowToRecord } from './record-row.js';
import type { Database } from './schema.js';

// 31 columns × 500 rows stays under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
const INSERT_BATCH = 500;

/**
 * The text of an insert of `n` records, per database adapter, as the query builder wrote it the first time: a
 * file of a million lines is two thousand inserts of the same shape, and building each again (its 15,500
 * parameters parsed and compiled one by one) cost a third of the time of storing them.
 */
const insertTexts = new WeakMap<object, Map<number, string | null>>();

/** A row's values in the order of its columns (every row of recordToRow has the same columns, in one order). */
function flatValues(rows: readonly Record<string, unknown>[]): unknown[] {
  const columns = Object.keys(rows[0] ?? {});
  const values: unknown[] = [];
  for (const row of rows) for (const column of columns) values.push(row[column]);
  return values;
}

async function insertRows(
  trx: Transaction<Database> | Kysely<Database>,
  rows: ReturnType<typeof recordToRow>[],
): Promise<void> {
  const adapter = trx.getExecutor().adapter;
  let texts = insertTexts.get(adapter);
  if (texts === undefined) {
    texts = new Map();
    insertTexts.set(adapter, texts);
  }
  const text = texts.get(rows.length);
  const values = flatValues(rows);
  if (typeof text === 'string') {
    await trx.executeQuery(CompiledQuery.raw(text, values));
    return;
  }
  const query = trx.insertInto('records').values(rows);
  if (text === undefined) {
    // The text is reused only when its parameters are the rows' values in column order, as checked here once.
    const compiled = query.compile();
    const same =
      compiled.parameters.length === values.length && compiled.parameters.every((v, i) => v === values[i]);
    texts.set(rows.length, same ? compiled.sql : null);
  }
  await query.execute();
}

/**
 * Inserts records for one merchant inside the caller's transaction. Not exported from a route: callers
 * (saveImport, live ingest) check access first and own the transaction, so a failure leaves nothing behind.
 */
export async function insertRecords(
  trx: Transaction<Database> | Kysely<Database>,
  merchantId: number,
  importId: number | null,
  records: readonly PosRecord[],
): Promise<void> {
  for (let i = 0; i < records.length; i += INSERT_BATCH) {
    const rows = records.slice(i, i + INSERT_BATCH).map((r) => recordToRow(r, merchantId, importId));
    await insertRows(trx, rows);
  }
}

/**
 * Before an import's records are removed: those a push also brought (the push matched the file's line and
 * stored nothing of its own, see ingestRecords) stay as the pushed records they are, no longer the file's, and
 * pushed records the file had found again are released, so that a later upload of the same lines skips them
 * once more. Returns how many of the import's records were kept that way. Inside the caller's transaction.
 */
export async function detachPushedRecords(
  trx: Transaction<Database>,
  merchantId: number,
  importId: number,
): Promise<number> {
  const detached = await trx
    .updateTable('records')
    .set({ import_id: null })
    .where('merchant_id', '=', merchantId)
    .where('import_id', '=', importId)
    .where('id', 'in', (eb) =>
      eb.selectFrom('pushed_records').select('record_id').where('merchant_id', '=', merchantId),
    )
    .executeTakeFirst();
  await trx
    .updateTable('pushed_records')
    .set({ claimed_import_id: null })
    .where('merchant_id', '=', merchantId)
    .where('claimed_import_id', '=', importId)
    .execute();
  return Number(detached.numUpdatedRows);
}

/** Deletes the records an import stored for a merchant, inside the caller's transaction; returns how many. */
export async function deleteImportRecords(
  trx: Transaction<Database>,
  merchantId: number,
  importId: number,
): Promise<number> {
  const deleted = await trx
    .deleteFrom('records')
    .where('merchant_id', '=', merchantId)
    .where('import_id', '=', importId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

/** A stored record with its row id and the import it came from. */
export interface StoredRecord {
  id: number;
  importId: number | null;
  record: PosRecord;
}

/** A page of a merchant's records in id order, for members of that merchant only. */
export async function listRecords(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  page: { limit: number; after?: number; kind?: RecordKind; file?: string; row?: number },
): Promise<StoredRecord[]> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  let query = db.selectFrom('records').selectAll().where('merchant_id', '=', merchantId);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  if (page.kind !== undefined) query = query.where('kind', '=', page.kind);
  if (page.file !== undefined) query = query.where('source_file', '=', page.file);
  if (page.row !== undefined) query = query.where('source_row', '=', page.row);
  const rows = await query.orderBy('id').limit(page.limit).execute();
  return rows.map((row) => ({ id: row.id, importId: row.import_id, record: rowToRecord(row) }));
}

/** How many records a merchant holds (members only). */
export async function countRecords(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<number> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const row = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every record of a merchant split by kind, as the audit takes them (members only). */
export async function recordsForAudit(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<{ terminal: PosRecord[]; settlement: PosRecord[]; bank: PosRecord[] }> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const out = { terminal: [] as PosRecord[], settlement: [] as PosRecord[], bank: [] as PosRecord[] };
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('records')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(10_000)
      .execute();
    for (const row of rows) {
      const record = rowToRecord(row);
      out[record.kind].push(record);
      after = row.id;
    }
    if (rows.length < 10_000) return out;
  }
}
