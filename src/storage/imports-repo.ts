import type { Kysely } from 'kysely';
import type { PosRecord } from '../records/index.js';
import type { FileImportSummary } from '../statements/import.js';
import { requireMerchantRole, WRITE_ROLES } from './access.js';
import { pushedRecordMatcher } from './monitor-repo.js';
import { insertRecords } from './records-repo.js';
import type { Database, ImportRow } from './schema.js';

/** Where an import's records went: per merchant, the import id and how many records were stored. */
export interface ImportLanding {
  merchantId: number;
  importId: number;
  stored: number;
  /** True when this merchant already had this file (same SHA-256): nothing was added. */
  duplicate: boolean;
}

/** The outcome of storing one imported file. */
export interface SaveImportResult {
  /** The import on the target merchant (the earlier one when the file was already there). */
  importId: number;
  duplicate: boolean;
  landings: ImportLanding[];
  /** Records naming a merchant number the uploader cannot write to: counted, never stored. */
  unassigned: { merchantId: string; records: number }[];
}

/** The import with this SHA-256 on a merchant, if the merchant has it (members only). */
export async function findImportBySha(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  sha256: string,
): Promise<ImportRow | undefined> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  return db
    .selectFrom('imports')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}

/** A merchant's imports, oldest first (members only). */
export async function listImports(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<ImportRow[]> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  return db.selectFrom('imports').selectAll().where('merchant_id', '=', merchantId).orderBy('id').execute();
}

/** Records to store: an array, or a function that streams them (called twice at most, so it must restart). */
export type RecordSource = readonly PosRecord[] | (() => AsyncIterable<PosRecord>);

async function* iterate(source: RecordSource): AsyncGenerator<PosRecord> {
  if (typeof source === 'function') yield* source();
  else yield* source;
}

const BATCH = 500;

/**
 * Stores one imported file for the target merchant in ONE transaction: the import rows and every record, or
 * nothing. The same file (SHA-256) on the same merchant adds nothing and returns the earlier import id. Records
 * naming another merchant number (an agent's daily file) land on the uploader's merchant with that number when
 * the uploader may write to it; the rest are counted in `unassigned`, not stored. Records stream through in
 * batches, so a 200 MiB file never sits in memory whole.
 */
export async function saveImport(
  db: Kysely<Database>,
  userId: number,
  input: {
    merchantId: number;
    summary: FileImportSummary;
    records: RecordSource;
    at: string;
    /** Test seam: runs inside the transaction after the first batch, to prove a failure leaves nothing. */
    afterFirstInsert?: () => Promise<void>;
    /** Runs inside the transaction once the target merchant's new import is stored (not for a duplicate). */
    beforeCommit?: (trx: Kysely<Database>, own: ImportLanding) => Promise<void>;
  },
): Promise<SaveImportResult> {
  return db.transaction().execute(async (trx) => {
    await requireMerchantRole(trx, userId, input.merchantId, 'write');
    const target = await trx
      .selectFrom('merchants')
      .select(['id', 'merchant_code'])
      .where('id', '=', input.merchantId)
      .executeTakeFirstOrThrow();
    const writable = await trx
      .selectFrom('merchants')
      .innerJoin('memberships', 'memberships.merchant_id', 'merchants.id')
      .select(['merchants.id', 'merchants.merchant_code'])
      .where('memberships.user_id', '=', userId)
      .where('memberships.role', 'in', WRITE_ROLES)
      .where('merchants.merchant_code', 'is not', null)
      .orderBy('merchants.id')
      .execute();
    const byCode = new Map<string, number[]>();
    for (const m of writable) {
      if (m.merchant_code === null) continue;
      const ids = byCode.get(m.merchant_code);
      if (ids === undefined) byCode.set(m.merchant_code, [m.id]);
      else ids.push(m.id);
    }

    // A merchant created without its merchant number still takes a file that names exactly one unknown number.
    let adopted: string | undefined;
    if (target.merchant_code === null) {
      const unknown = new Set<string>();
      for await (const r of iterate(input.records)) {
        if (r.merchantId !== undefined && !byCode.has(r.merchantId)) unknown.add(r.merchantId);
        if (unknown.size > 1) break;
      }
      if (unknown.size === 1) [adopted] = unknown;
    }

    const s = input.summary;
    const landings = new Map<number, ImportLanding>();
    const pushedMatchers = new Map<number, (record: PosRecord) => Promise<boolean>>();
    const land = async (merchantId: number): Promise<ImportLanding> => {
      const known = landings.get(merchantId);
      if (known !== undefined) return known;
      const earlier = await trx
        .selectFrom('imports')
        .select('id')
        .where('merchant_id', '=', merchantId)
        .where('sha256', '=', s.sha256)
        .executeTakeFirst();
      let landing: ImportLanding;
      if (earlier !== undefined) landing = { merchantId, importId: earlier.id, stored: 0, duplicate: true };
      else {
        const row = await trx
          .insertInto('imports')
          .values({
            merchant_id: merchantId,
            file_name: s.file,
            sha256: s.sha256,
            bytes: s.bytes,
            preset: s.preset,
            encoding: s.encoding,
            kind: s.kind,
            rows: s.rows,
            stored: 0,
            rejected_json: JSON.stringify(s.rejected),
            warnings_json: JSON.stringify(s.warnings),
            created_by: userId,
            created_at: input.at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        landing = { merchantId, importId: row.id, stored: 0, duplicate: false };
      }
      landings.set(merchantId, landing);
      // Records pushed live through the API and now found again in this file are the same records: skipped.
      if (!landing.duplicate) {
        const matcher = await pushedRecordMatcher(trx, merchantId, landing.importId);
        if (matcher !== undefined) pushedMatchers.set(merchantId, matcher);
      }
      return landing;
    };
    await land(target.id);

    const batches = new Map<number, PosRecord[]>();
    let inserted = false;
    const flush = async (landing: ImportLanding): Promise<void> => {
      const batch = batches.get(landing.merchantId);
      if (batch === undefined || batch.length === 0) return;
      await insertRecords(trx, landing.merchantId, landing.importId, batch);
      landing.stored += batch.length;
      batches.set(landing.merchantId, []);
      if (!inserted && input.afterFirstInsert !== undefined) await input.afterFirstInsert();
      inserted = true;
    };
    const unassigned = new Map<string, number>();
    for await (const record of iterate(input.records)) {
      const code = record.merchantId;
      const destinations =
        code === undefined || code === target.merchant_code || code === adopted
          ? [target.id]
          : byCode.get(code);
      if (destinations === undefined) {
        const key = code ?? '';
        unassigned.set(key, (unassigned.get(key) ?? 0) + 1);
        continue;
      }
      for (const id of destinations) {
        const landing = await land(id);
        if (landing.duplicate) continue;
        const pushed = pushedMatchers.get(id);
        if (pushed !== undefined && (await pushed(record))) continue;
        const batch = batches.get(id);
        if (batch === undefined) batches.set(id, [record]);
        else batch.push(record);
        if ((batch?.length ?? 1) >= BATCH) await flush(landing);
      }
    }
    for (const landing of landings.values()) {
      if (landing.duplicate) continue;
      await flush(landing);
      await trx
        .updateTable('imports')
        .set({ stored: landing.stored })
        .where('id', '=', landing.importId)
        .execute();
    }
    const own = landings.get(target.id);
    if (own === undefined) throw new Error('the target merchant has no landing');
    if (!own.duplicate && input.beforeCommit !== undefined) await input.beforeCommit(trx, own);
    return {
      importId: own.importId,
      duplicate: own.duplicate,
      landings: [...landings.values()],
      unassigned: [...unassigned].map(([merchantId, records]) => ({ merchantId, records })),
    };
  });
}
