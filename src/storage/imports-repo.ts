import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { type DateSpan, skippedDebitDatesOf } from '../audit/audit.js';
import type { PosRecord } from '../records/index.js';
import type { FileImportSummary, ImportWarning, RejectedRow } from '../statements/import.js';
import { lockMerchant } from '../monitor/ingest.js';
import { naturalKey } from '../monitor/natural-key.js';
import { AccessDenied, requireMerchantRole, WRITE_ROLES } from './access.js';
import { appendAudit } from './audit-log-repo.js';
import { forgetImportedLines, monitorFootprint } from './forget-imported-lines.js';
import { deleteKeptUpload } from './kept-uploads-repo.js';
import { type PushedMatch, pushedRecordMatcher } from './monitor-repo.js';
import { recordToRow, rowToRecord } from './record-row.js';
import { deleteImportRecords, detachPushedRecords, insertRecords } from './records-repo.js';
import type { Database, ImportRow, RecordRow } from './schema.js';

/** Where an import's records went: per merchant, the import id and how many records were stored. */
export interface ImportLanding {
  merchantId: number;
  importId: number;
  stored: number;
  /** True when this merchant already had this file (same SHA-256): nothing was added. */
  duplicate: boolean;
  /**
   * Lines already stored from an earlier, different file (an export that overlaps one imported before):
   * skipped, so a statement downloaded mid-month and again at month end does not count twice.
   */
  alreadyStored: number;
  /**
   * Lines that are records pushed live before (the same natural key) whose billed values — fee, settled
   * amount, settle date… — the statement filled in or changed on the pushed record: the statement is the bill.
   */
  updated: number;
}

/** The outcome of storing one imported file. */
export interface SaveImportResult {
  /** The import on the target merchant (the earlier one when the file was already there). */
  importId: number;
  duplicate: boolean;
  landings: ImportLanding[];
  /** Records naming a merchant number the uploader cannot write to: counted, never stored. */
  unassigned: UnassignedLines[];
  /** Warnings on the file added in storing it (lines that went to another merchant), also on the import row. */
  warnings: ImportWarning[];
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

/**
 * How a file's rejected rows and warnings are stored on an import row when the file held lines of more than one
 * merchant (an agent's daily file, or lines of merchant numbers the uploader does not serve): rows that could not
 * be read carry no reliable merchant number, so their content (which may be another tenant's line) is for the
 * uploader only. A single merchant's file keeps the plain arrays.
 */
interface UploaderOnly<T> {
  uploaderOnly: true;
  rows: T[];
  /**
   * On warnings_json of the import on the merchant the file was uploaded to: the lines naming a merchant number
   * the uploader has no shop for, per number (SaveImportResult.unassigned), so the list of imports still says why
   * they were not stored after the upload's answer is gone. See setAsideLines.
   */
  unassigned?: UnassignedLines[];
}

/** Lines of an upload naming a merchant number the uploader has no shop for: counted per number, never stored. */
export interface UnassignedLines {
  merchantId: string;
  records: number;
}

/**
 * What the list of imports says of an import's lines that were set aside as another merchant's (a merchant number
 * the uploader has no shop for): how many, in both languages, and which numbers for the uploader only (they may
 * be other tenants' merchants, kept off what the merchant's owner and staff read, as the audit log keeps them).
 */
export interface SetAsideLines {
  records: number;
  /** Per merchant number, in the order the file first named them; for the file's uploader only. */
  merchants?: UnassignedLines[];
  message: string;
  messageEn: string;
}

const UnassignedSchema = z.array(z.object({ merchantId: z.string(), records: z.number().int().positive() }));

/** How many merchant numbers a set-aside note names before it only counts the rest. */
const NAMED_NUMBERS = 5;

/**
 * The lines of an import's upload that named another merchant number and were not stored, as `viewerId` may see
 * them; undefined when there were none (or the import was stored before they were kept with it).
 * @example setAsideLines(row, uploaderId)
 *   // → { records: 3, merchants: [{ merchantId: '822000000000002', records: 3 }],
 *   //     message: '3 行属于其他商户号，未导入：商户号 822000000000002 共 3 行', messageEn: '…' }
 */
export function setAsideLines(
  row: Pick<ImportRow, 'warnings_json' | 'created_by'>,
  viewerId: number,
): SetAsideLines | undefined {
  const value = JSON.parse(row.warnings_json) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const parsed = UnassignedSchema.safeParse((value as Partial<UploaderOnly<unknown>>).unassigned);
  if (!parsed.success || parsed.data.length === 0) return undefined;
  const merchants = parsed.data;
  const records = merchants.reduce((n, m) => n + m.records, 0);
  if (row.created_by === null || row.created_by !== viewerId)
    return {
      records,
      message: `${records} 行属于其他商户号，未导入；这些商户号仅上传者可见`,
      messageEn: `${records} line(s) of other merchant numbers not imported; the numbers are shown to the file's uploader only`,
    };
  const named = merchants.slice(0, NAMED_NUMBERS);
  const rest = merchants.slice(NAMED_NUMBERS);
  const restLines = rest.reduce((n, m) => n + m.records, 0);
  const number = (m: UnassignedLines, none: string) => (m.merchantId === '' ? none : m.merchantId);
  return {
    records,
    merchants,
    message:
      `${records} 行属于其他商户号，未导入：` +
      named.map((m) => `商户号 ${number(m, '（空）')} 共 ${m.records} 行`).join('；') +
      (rest.length > 0 ? `；另有 ${rest.length} 个商户号共 ${restLines} 行` : ''),
    messageEn:
      `${records} line(s) of other merchant numbers not imported: ` +
      named.map((m) => `merchant number ${number(m, '(empty)')}: ${m.records} line(s)`).join('; ') +
      (rest.length > 0 ? `; ${rest.length} more merchant number(s): ${restLines} line(s)` : ''),
  };
}

function parseNotes<T>(json: string): { rows: T[]; uploaderOnly: boolean } {
  const value = JSON.parse(json) as T[] | UploaderOnly<T>;
  return Array.isArray(value)
    ? { rows: value, uploaderOnly: false }
    : { rows: value.rows, uploaderOnly: true };
}

/**
 * An import's rejected rows and file warnings as `viewerId` may see them. The uploader of a file that held
 * several merchants' lines sees every row; anyone else (the merchant's owner and staff, another agent) sees
 * how many rows were rejected and their row numbers, never their content, and a count of the file's warnings.
 */
export function importNotes(
  row: Pick<ImportRow, 'file_name' | 'rejected_json' | 'warnings_json' | 'created_by'>,
  viewerId: number,
): { rejected: RejectedRow[]; warnings: ImportWarning[] } {
  const rejected = parseNotes<RejectedRow>(row.rejected_json);
  const warnings = parseNotes<ImportWarning>(row.warnings_json);
  const full = row.created_by !== null && row.created_by === viewerId;
  return {
    rejected:
      !rejected.uploaderOnly || full
        ? rejected.rows
        : rejected.rows.map((r) => ({
            file: r.file,
            row: r.row,
            reason: '此行未能导入；该文件含多个商户的数据，原因仅上传者可见',
            reasonEn:
              "row not imported; the file holds several merchants' lines, so the reason is shown to its uploader only",
          })),
    warnings:
      !warnings.uploaderOnly || full || warnings.rows.length === 0
        ? warnings.rows
        : [
            {
              code: 'shared_file_warnings',
              file: row.file_name,
              message: `该文件含多个商户的数据，${warnings.rows.length} 条文件提示仅上传者可见`,
              messageEn: `the file holds several merchants' lines; ${warnings.rows.length} file warning(s) are shown to its uploader only`,
            },
          ],
  };
}

/** A bank file's skipped debit days as imports.skipped_debit_dates_json keeps them; null when it has none. */
function debitDatesJson(summary: FileImportSummary): string | null {
  const spans = skippedDebitDatesOf([summary]);
  return spans.length === 0 ? null : JSON.stringify(spans);
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const DateSpansSchema = z.array(z.object({ first: day, last: day }));

/**
 * The days the skipped debit lines of these imports' bank files span, for the audit (AuditInput.bankDebitDates):
 * a bank file covers those days even where it lists no credit. An import stored before the column was kept, or
 * holding something unreadable there, adds none.
 */
export function bankDebitDatesOf(rows: readonly Pick<ImportRow, 'skipped_debit_dates_json'>[]): DateSpan[] {
  const spans: DateSpan[] = [];
  for (const row of rows) {
    if (row.skipped_debit_dates_json === null) continue;
    let value: unknown;
    try {
      value = JSON.parse(row.skipped_debit_dates_json);
    } catch {
      continue;
    }
    const parsed = DateSpansSchema.safeParse(value);
    if (parsed.success) spans.push(...parsed.data);
  }
  return spans;
}

/** Records to store: an array, or a function that streams them (called twice at most, so it must restart). */
export type RecordSource = readonly PosRecord[] | (() => AsyncIterable<PosRecord>);

async function* iterate(source: RecordSource): AsyncGenerator<PosRecord> {
  if (typeof source === 'function') yield* source();
  else yield* source;
}

const BATCH = 500;

/** A record as the line it is, without where it was read: equal for the same line in two exports. */
function lineKey(record: PosRecord): string {
  const { source: _source, ...line } = rowToRecord(recordToRow(record, 0, null) as unknown as RecordRow);
  // A digest, not the line itself: the budget may hold one per line of a file of millions of lines.
  return createHash('sha1').update(JSON.stringify(line)).digest('base64');
}

/** How many `time` values one overlap lookup names: well under every bound on a statement's parameters. */
const PROBE = 200;

/** What the overlap check keeps of one merchant across the batches of a file. */
interface Overlap {
  /**
   * Per line that has stored copies (its lineKey): how many are still unclaimed, so a line the new file lists
   * twice keeps its second copy (a real second settlement).
   */
  budget: Map<string, number>;
  /**
   * Per kind, the first and last `time` of the merchant's records from other imports, in the byte order of the
   * text (null: none): a line outside it cannot repeat one of them, which a statement of a new month never does.
   */
  spans: Map<string, { first: string; last: string } | null>;
}

async function spanOf(
  trx: Transaction<Database>,
  merchantId: number,
  importId: number,
  kind: string,
  overlap: Overlap,
): Promise<{ first: string; last: string } | null> {
  const known = overlap.spans.get(kind);
  if (known !== undefined) return known;
  // Byte order on PostgreSQL too, whatever the column's collation: a line's time is looked up by equality only,
  // so any stored time equal to it lies within the span in that order.
  const time =
    trx.getExecutor().adapter instanceof PostgresAdapter
      ? sql`${sql.ref('time')} collate "C"`
      : sql.ref('time');
  const row = await trx
    .selectFrom('records')
    .select([sql<string | null>`min(${time})`.as('first'), sql<string | null>`max(${time})`.as('last')])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', kind)
    .where('import_id', 'is not', null)
    .where('import_id', '!=', importId)
    .executeTakeFirst();
  const span =
    row?.first === null || row?.first === undefined || row.last === null
      ? null
      : { first: row.first, last: row.last };
  overlap.spans.set(kind, span);
  return span;
}

/** Byte order of two strings of ASCII (times are ISO 8601), as SQLite's BINARY and PostgreSQL's "C" order them. */
const outside = (time: string, span: { first: string; last: string } | null): boolean =>
  span === null || time < span.first || time > span.last;

/**
 * Drops from a batch the lines a merchant already holds from earlier imports of other files, identical in
 * every field but file and row: the same statement line in an overlapping export. `overlap.budget` carries, per
 * line that has stored copies, how many are still unclaimed across batches. Pushed records (no import) are
 * matched elsewhere.
 */
async function dropOverlap(
  trx: Transaction<Database>,
  merchantId: number,
  importId: number,
  batch: readonly PosRecord[],
  overlap: Overlap,
): Promise<PosRecord[]> {
  const { budget } = overlap;
  // Only lines within the span of the merchant's earlier imports can repeat one of their lines.
  const keys: (string | undefined)[] = [];
  for (const r of batch) {
    keys.push(
      outside(r.time, await spanOf(trx, merchantId, importId, r.kind, overlap)) ? undefined : lineKey(r),
    );
  }
  // Lines not met before, looked up by kind and time: the (merchant_id, kind, time) index answers each lookup
  // directly, where an OR of (kind, time, amount) triples read all the merchant's records for every batch (the
  // time of an import grew with its lines times the merchant's: 16 s of CPU for 20,000 over 20,000).
  const fresh = new Set<string>();
  const times = new Map<string, Set<string>>();
  keys.forEach((k, i) => {
    const r = batch[i];
    if (k === undefined || r === undefined || budget.has(k) || fresh.has(k)) return;
    fresh.add(k);
    const ofKind = times.get(r.kind);
    if (ofKind === undefined) times.set(r.kind, new Set([r.time]));
    else ofKind.add(r.time);
  });
  // Fresh lines no earlier import holds: forgotten after this batch (met again, each is looked up again and
  // still found in none), so the budget grows with the overlapping lines only.
  const none = new Set<string>();
  if (fresh.size > 0) {
    const found = new Map<string, number>();
    for (const [kind, set] of times) {
      const list = [...set];
      for (let i = 0; i < list.length; i += PROBE) {
        const rows = await trx
          .selectFrom('records')
          .selectAll()
          .where('merchant_id', '=', merchantId)
          .where('kind', '=', kind)
          .where('time', 'in', list.slice(i, i + PROBE))
          .where('import_id', 'is not', null)
          .where('import_id', '!=', importId)
          .execute();
        for (const row of rows) {
          const k = lineKey(rowToRecord(row));
          if (fresh.has(k)) found.set(k, (found.get(k) ?? 0) + 1);
        }
      }
    }
    for (const k of fresh) {
      const n = found.get(k) ?? 0;
      budget.set(k, n);
      if (n === 0) none.add(k);
    }
  }
  const kept: PosRecord[] = [];
  keys.forEach((k, i) => {
    const r = batch[i];
    if (r === undefined) return;
    const n = k === undefined ? 0 : (budget.get(k) ?? 0);
    if (n > 0 && k !== undefined) budget.set(k, n - 1);
    else kept.push(r);
  });
  // A line whose stored copies were all claimed stays, at 0: its next repeat is a real second line.
  for (const k of none) budget.delete(k);
  return kept;
}

/** The first key of the advisory lock an import takes ("psgi"); the second is derived from the file's hash. */
const IMPORT_LOCK = 0x70736769;

/**
 * Serialises imports of the same file (SHA-256) on PostgreSQL, where transactions run side by side: without
 * it two uploads of one file (a retried upload, two tabs) both see no earlier import and both store every
 * record, doubling the merchant's money. SQLite runs one write transaction at a time already.
 */
async function lockFile(trx: Transaction<Database>, sha256: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  const key = Number.parseInt(sha256.slice(0, 8), 16) | 0;
  await sql`select pg_advisory_xact_lock(${IMPORT_LOCK}::int, ${key}::int)`.execute(trx);
}

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
    /**
     * The merchant numbers the records carry, each once (the reader collects them), when the caller knows them:
     * a merchant without its number then adopts one without a first pass over the records.
     */
    merchantCodes?: readonly string[];
    /**
     * Aborted when the import must stop (the server is stopping): checked between batches, it throws the
     * signal's reason and the transaction is rolled back, leaving nothing.
     */
    signal?: AbortSignal;
    /**
     * Runs inside the transaction once the target merchant's new import is stored (not for a duplicate);
     * `shared` is true when the file held lines of other merchants too (then it is not one merchant's file).
     */
    beforeCommit?: (trx: Kysely<Database>, own: ImportLanding, info: { shared: boolean }) => Promise<void>;
  },
): Promise<SaveImportResult> {
  return db.transaction().execute(async (trx) => {
    await lockFile(trx, input.summary.sha256);
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
      if (input.merchantCodes !== undefined) {
        for (const code of input.merchantCodes) if (!byCode.has(code)) unknown.add(code);
      } else {
        for await (const r of iterate(input.records)) {
          if (r.merchantId !== undefined && !byCode.has(r.merchantId)) unknown.add(r.merchantId);
          if (unknown.size > 1) break;
        }
      }
      if (unknown.size === 1) [adopted] = unknown;
    }

    const s = input.summary;
    const landings = new Map<number, ImportLanding>();
    const pushedMatchers = new Map<number, (record: PosRecord) => Promise<PushedMatch | undefined>>();
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
      if (earlier !== undefined)
        landing = {
          merchantId,
          importId: earlier.id,
          stored: 0,
          duplicate: true,
          alreadyStored: 0,
          updated: 0,
        };
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
            skipped_debit_dates_json: debitDatesJson(s),
            truncated: s.truncated === true ? 1 : 0,
            created_by: userId,
            created_at: input.at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        landing = { merchantId, importId: row.id, stored: 0, duplicate: false, alreadyStored: 0, updated: 0 };
      }
      landings.set(merchantId, landing);
      // Records pushed live through the API and now found again in this file are the same records: skipped (and
      // counted as already stored when an earlier file had found them, as an overlapping export's lines are).
      if (!landing.duplicate) {
        const matcher = await pushedRecordMatcher(trx, merchantId, landing.importId);
        if (matcher !== undefined) pushedMatchers.set(merchantId, matcher);
      }
      return landing;
    };
    await land(target.id);

    const batches = new Map<number, PosRecord[]>();
    const overlaps = new Map<number, Overlap | null>();
    const billed = new Set<number>();
    let inserted = false;
    /**
     * Stores a merchant's lines read since its last batch: those that are records pushed live before are matched
     * to them (and bill them), those an earlier import holds are dropped, the rest inserted. Only lines whose
     * natural key some pushed record of the merchant carries are matched one by one; a lookup per batch finds
     * them, where a lookup per line made a file of a million lines a million queries.
     */
    const flush = async (landing: ImportLanding): Promise<void> => {
      const lines = batches.get(landing.merchantId);
      if (lines === undefined || lines.length === 0) return;
      batches.set(landing.merchantId, []);
      input.signal?.throwIfAborted();
      let whole = lines;
      const matcher = pushedMatchers.get(landing.merchantId);
      if (matcher !== undefined) {
        const keys = lines.map(naturalKey);
        const wanted = [...new Set(keys.filter((k): k is string => k !== undefined))];
        const pushedKeys = new Set<string>();
        for (let i = 0; i < wanted.length; i += PROBE) {
          const rows = await trx
            .selectFrom('pushed_records')
            .select('natural_key')
            .distinct()
            .where('merchant_id', '=', landing.merchantId)
            .where('natural_key', 'in', wanted.slice(i, i + PROBE))
            .execute();
          for (const row of rows) if (row.natural_key !== null) pushedKeys.add(row.natural_key);
        }
        whole = [];
        for (const [i, record] of lines.entries()) {
          const key = keys[i];
          const pushed = key !== undefined && pushedKeys.has(key) ? await matcher(record) : undefined;
          if (pushed === 'imported') landing.alreadyStored += 1;
          if (pushed === 'pushed' && (await billPushedRecord(trx, landing, record, billed)))
            landing.updated += 1;
          if (pushed === undefined) whole.push(record);
        }
      }
      let overlap = overlaps.get(landing.merchantId);
      if (overlap === undefined) {
        // A merchant with nothing imported before has nothing to overlap: no lookups at all.
        const other = await trx
          .selectFrom('imports')
          .select('id')
          .where('merchant_id', '=', landing.merchantId)
          .where('id', '!=', landing.importId)
          .limit(1)
          .executeTakeFirst();
        overlap = other === undefined ? null : { budget: new Map(), spans: new Map() };
        overlaps.set(landing.merchantId, overlap);
      }
      const batch =
        overlap === null || whole.length === 0
          ? whole
          : await dropOverlap(trx, landing.merchantId, landing.importId, whole, overlap);
      landing.alreadyStored += whole.length - batch.length;
      if (batch.length > 0) await insertRecords(trx, landing.merchantId, landing.importId, batch);
      landing.stored += batch.length;
      if (!inserted && input.afterFirstInsert !== undefined) await input.afterFirstInsert();
      inserted = true;
      // SQLite answers synchronously: without a turn of the event loop here, a file of a million lines would
      // hold the server (its health check, its signals) until the last batch.
      await nextTurn();
    };
    const unassigned = new Map<string, number>();
    const linesOf = new Map<number, number>();
    let read = 0;
    for await (const record of iterate(input.records)) {
      // Lines that land nowhere (other tenants' numbers) fill no batch: the signal is heard between them too.
      read += 1;
      if (read % BATCH === 0) input.signal?.throwIfAborted();
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
        linesOf.set(id, (linesOf.get(id) ?? 0) + 1);
        const landing = await land(id);
        if (landing.duplicate) continue;
        const batch = batches.get(id);
        if (batch === undefined) batches.set(id, [record]);
        else batch.push(record);
        if ((batch?.length ?? 1) >= BATCH) await flush(landing);
      }
    }
    // A file with lines of more than one merchant: its rejected rows and warnings are the uploader's to read
    // (see importNotes), on every merchant it landed on.
    const shared = landings.size > 1 || unassigned.size > 0;
    for (const landing of landings.values()) if (!landing.duplicate) await flush(landing);
    input.signal?.throwIfAborted();
    const elsewhere = await linesElsewhere(trx, s.file, target.id, landings, linesOf);
    const warnings = elsewhere === undefined ? [] : [elsewhere];
    const ownBilled = billedWarning(s.file, landings.get(target.id));
    if (ownBilled !== undefined) warnings.push(ownBilled);
    const notStored = [...unassigned].map(([merchantId, records]) => ({ merchantId, records }));
    for (const landing of landings.values()) {
      if (landing.duplicate) continue;
      const isTarget = landing.merchantId === target.id;
      await trx
        .updateTable('imports')
        .set({
          stored: landing.stored,
          ...(shared
            ? {
                rejected_json: JSON.stringify({ uploaderOnly: true, rows: s.rejected }),
                warnings_json: JSON.stringify({
                  uploaderOnly: true,
                  rows: isTarget ? [...s.warnings, ...warnings] : s.warnings,
                  ...(isTarget && notStored.length > 0 ? { unassigned: notStored } : {}),
                } satisfies UploaderOnly<ImportWarning>),
              }
            : isTarget && warnings.length > 0
              ? { warnings_json: JSON.stringify([...s.warnings, ...warnings]) }
              : {}),
        })
        .where('id', '=', landing.importId)
        .execute();
    }
    const own = landings.get(target.id);
    if (own === undefined) throw new Error('the target merchant has no landing');
    if (!own.duplicate && input.beforeCommit !== undefined) await input.beforeCommit(trx, own, { shared });
    return {
      importId: own.importId,
      duplicate: own.duplicate,
      landings: [...landings.values()],
      unassigned: notStored,
      warnings,
    };
  });
}

/** The billing columns a statement line fills in on the pushed record it matches, when it has them. */
const BILLED_FIELDS = [
  ['feeFen', 'fee_fen'],
  ['settledFen', 'settled_fen'],
  ['settleDate', 'settle_date'],
  ['rate', 'rate'],
  ['discountFen', 'discount_fen'],
] as const satisfies readonly (readonly [keyof PosRecord, keyof RecordRow])[];

/**
 * A statement line the pushed-record matcher just claimed for this import: the pushed record takes the line's
 * billed values where they differ (a real-time notice often carries no fee, or the fee announced before the
 * provider billed another), so the fee check and the audit read what was billed. The record stays the pushed
 * one. `billed` holds the records already billed by this file (two identical lines claim two pushed records).
 * Returns whether anything changed.
 */
async function billPushedRecord(
  trx: Transaction<Database>,
  landing: ImportLanding,
  line: PosRecord,
  billed: Set<number>,
): Promise<boolean> {
  const key = naturalKey(line);
  if (key === undefined) return false;
  const claimed = await trx
    .selectFrom('pushed_records')
    .innerJoin('records', 'records.id', 'pushed_records.record_id')
    .selectAll('records')
    .where('pushed_records.merchant_id', '=', landing.merchantId)
    .where('pushed_records.natural_key', '=', key)
    .where('pushed_records.claimed_import_id', '=', landing.importId)
    .orderBy('pushed_records.record_id')
    .execute();
  const row = claimed.find((r) => !billed.has(r.id));
  if (row === undefined) return false;
  billed.add(row.id);
  const lineRow = recordToRow(line, landing.merchantId, null) as unknown as RecordRow;
  const changes: Partial<Pick<RecordRow, (typeof BILLED_FIELDS)[number][1]>> = {};
  for (const [field, column] of BILLED_FIELDS) {
    if (line[field] === undefined || lineRow[column] === row[column]) continue;
    Object.assign(changes, { [column]: lineRow[column] });
  }
  if (Object.keys(changes).length === 0) return false;
  await trx.updateTable('records').set(changes).where('id', '=', row.id).execute();
  return true;
}

/** The note that lines of the file billed records pushed before, with what the statement changed on them. */
function billedWarning(file: string, landing: ImportLanding | undefined): ImportWarning | undefined {
  if (landing === undefined || landing.duplicate || landing.updated === 0) return undefined;
  return {
    code: 'pushed_records_billed',
    file,
    message: `${landing.updated} 行与此前推送的交易为同一笔，已按对账单更新其手续费、结算金额或结算日期，并按对账单金额复查`,
    messageEn: `${landing.updated} line(s) are sales pushed before; their fee, settled amount or settle date were updated to the statement's and checked as billed`,
  };
}

/** How many merchants a note on lines that went elsewhere names before it only counts the rest. */
const NAMED_MERCHANTS = 5;

/**
 * The note for the uploader when lines of the file named the merchant number of another of their merchants and
 * went there instead of to the merchant the file was uploaded to (a shop's statement uploaded under a second
 * shop, an agent's daily file): which merchants, how many lines each, and how many of those that merchant
 * already had. Without it such lines look like an overlapping export of this merchant's own.
 */
async function linesElsewhere(
  trx: Transaction<Database>,
  file: string,
  targetId: number,
  landings: ReadonlyMap<number, ImportLanding>,
  linesOf: ReadonlyMap<number, number>,
): Promise<ImportWarning | undefined> {
  const others = [...linesOf].filter(([id]) => id !== targetId);
  if (others.length === 0) return undefined;
  const merchants = await trx
    .selectFrom('merchants')
    .select(['id', 'name', 'merchant_code'])
    .where(
      'id',
      'in',
      others.map(([id]) => id),
    )
    .execute();
  const byId = new Map(merchants.map((m) => [m.id, m]));
  const parts = others.slice(0, NAMED_MERCHANTS).map(([id, lines]) => {
    const m = byId.get(id);
    const code = m?.merchant_code ?? '';
    const landing = landings.get(id);
    const zh = `「${m?.name ?? id}」（商户号 ${code}）${lines} 行`;
    const en = `"${m?.name ?? id}" (merchant number ${code}): ${lines} line(s)`;
    if (landing?.duplicate === true)
      return {
        zh: `${zh}，该商户已导入过此文件，未重复添加`,
        en: `${en}, a file it already had, nothing added`,
      };
    if ((landing?.alreadyStored ?? 0) > 0)
      return {
        zh: `${zh}，其中 ${landing?.alreadyStored} 行该商户此前已导入，未重复添加`,
        en: `${en}, ${landing?.alreadyStored} of them already there from earlier imports and skipped`,
      };
    return { zh, en };
  });
  const rest = others.length - parts.length;
  const total = others.reduce((n, [, lines]) => n + lines, 0);
  const nothingHere = (linesOf.get(targetId) ?? 0) === 0;
  return {
    code: 'lines_of_other_merchants',
    file,
    message:
      `此文件中 ${total} 行的商户号属于您的其他商户，已按商户号记入该商户，未记入本商户：` +
      parts.map((p) => p.zh).join('；') +
      (rest > 0 ? `；另有 ${rest} 家商户` : '') +
      (nothingHere ? '。本商户没有导入任何行；如这些流水属于本商户，请核对本商户的商户号' : ''),
    messageEn:
      `${total} line(s) of this file name the merchant number of another of your merchants and went there, not to this merchant: ` +
      parts.map((p) => p.en).join('; ') +
      (rest > 0 ? `; and ${rest} more merchant(s)` : '') +
      (nothingHere
        ? '. Nothing was imported to this merchant; if these lines are its own, check its merchant number'
        : ''),
  };
}

/** What deleting an import removed, as DELETE …/imports/{importId} answers. */
export interface DeletedImport {
  importId: number;
  file: string;
  sha256: string;
  kind: string;
  preset: string;
  removed: {
    records: number;
    /** The kept copy of the file (0 or 1). */
    keptFiles: number;
    /** Monitor alerts raised on the import's lines (their pending deliveries go with them). */
    alerts: number;
  };
  /** Lines of the file a push through the API brought too: they stay, as the pushed records they are. */
  keptPushedRecords: number;
  /**
   * Imports of the same kind uploaded after this one that skipped lines as already stored (an overlapping
   * export): the lines may have been this file's, and are then gone with it. Uploading those files again after
   * deleting them brings the lines back.
   */
  laterOverlaps: { importId: number; file: string; alreadyStored: number }[];
}

/**
 * Later imports of the merchant, of this kind, whose upload skipped lines already stored: the audit log keeps
 * how many (the import row keeps only what was stored).
 */
async function laterOverlaps(
  trx: Transaction<Database>,
  merchantId: number,
  earlier: ImportRow,
): Promise<DeletedImport['laterOverlaps']> {
  const logged = await trx
    .selectFrom('audit_log')
    .select('details_json')
    .where('merchant_id', '=', merchantId)
    .where('action', '=', 'import')
    .orderBy('id')
    .execute();
  const skipped = new Map<number, number>();
  for (const line of logged) {
    const details = JSON.parse(line.details_json) as { importId?: number; alreadyStored?: number };
    if (details.importId === undefined || details.importId <= earlier.id) continue;
    if ((details.alreadyStored ?? 0) > 0) skipped.set(details.importId, details.alreadyStored ?? 0);
  }
  if (skipped.size === 0) return [];
  const later = await trx
    .selectFrom('imports')
    .select(['id', 'file_name'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', earlier.kind)
    .where('id', 'in', [...skipped.keys()])
    .orderBy('id')
    .execute();
  return later.map((i) => ({ importId: i.id, file: i.file_name, alreadyStored: skipped.get(i.id) ?? 0 }));
}

/**
 * Deletes one import of a merchant (owner or agent) in ONE transaction: its records, its kept file, the alerts
 * raised on its lines and what the live monitor remembers of them (see forgetImportedLines), the import itself,
 * and a line in the audit log; or nothing. Records a push also brought stay. The file can then be uploaded again
 * as a new import. Another merchant's import, or one that does not exist, is AccessDenied('not_found').
 */
export async function deleteImport(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  importId: number,
  options: { at: string; address?: string | null },
): Promise<DeletedImport> {
  return db.transaction().execute(async (trx) => {
    await requireMerchantRole(trx, userId, merchantId, 'write');
    const find = () =>
      trx
        .selectFrom('imports')
        .selectAll()
        .where('merchant_id', '=', merchantId)
        .where('id', '=', importId)
        .executeTakeFirst();
    const seen = await find();
    if (seen === undefined)
      throw new AccessDenied('not_found', `import ${importId} not found`, `未找到导入 #${importId}`);
    // The same locks as an upload of this file and as a push or check on this merchant, so none of them runs
    // on records half gone; read again under them, since a concurrent delete may have won.
    await lockFile(trx, seen.sha256);
    await lockMerchant(trx, merchantId);
    const row = await find();
    if (row === undefined)
      throw new AccessDenied('not_found', `import ${importId} not found`, `未找到导入 #${importId}`);
    const keptPushedRecords = await detachPushedRecords(trx, merchantId, importId);
    const footprint = await monitorFootprint(trx, merchantId, importId);
    const keptFiles = await deleteKeptUpload(trx, merchantId, importId);
    const records = await deleteImportRecords(trx, merchantId, importId);
    const alerts = await forgetImportedLines(trx, merchantId, footprint);
    const overlaps = await laterOverlaps(trx, merchantId, row);
    await trx.deleteFrom('imports').where('id', '=', importId).execute();
    const removed = { records, keptFiles, alerts };
    await appendAudit(trx, {
      userId,
      merchantId,
      action: 'import.delete',
      details: {
        importId,
        file: row.file_name,
        sha256: row.sha256,
        kind: row.kind,
        preset: row.preset,
        ...removed,
        keptPushedRecords,
      },
      address: options.address ?? null,
      at: options.at,
    });
    return {
      importId,
      file: row.file_name,
      sha256: row.sha256,
      kind: row.kind,
      preset: row.preset,
      removed,
      keptPushedRecords,
      laterOverlaps: overlaps,
    };
  });
}
