import { createHash } from 'node:crypto';
import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import { parsePlan } from '../plans/parse-plan.js';
import type { FeePlan } from '../plans/plan-types.js';
import { luhn, maskCardNumber } from '../records/card-number.js';
import { type PosRecord, RecordSchema } from '../records/index.js';
import { requireMerchantRole } from '../storage/access.js';
import { raiseAlerts } from '../storage/alerts-repo.js';
import { rememberPushed, rulesInForce } from '../storage/monitor-repo.js';
import { recordToRow, rowToRecord } from '../storage/record-row.js';
import { addDays, localDateOf, withShanghaiOffset } from '../time/shanghai.js';
import type { Bilingual } from '../server/http-error.js';
import { naturalKey, UNNUMBERED_TYPES } from './natural-key.js';
import { issueWording } from './rules.js';
import type { Database, RecordRow } from '../storage/schema.js';
import { checkSettlementRecords } from './settlement-checks.js';
import { checkTerminalRecords } from './terminal-checks.js';

/** Which side a push comes from: the terminal (transactions) or the provider (settlement lines). */
export type IngestKind = 'terminal' | 'settlement';

/** The answer of an ingest call (stored verbatim for idempotent replays). */
export interface IngestAnswer {
  status: number;
  body: unknown;
}

/**
 * A refused push: 400 with per-record problems (`details`, each in both languages), 413 for too many records, or
 * 409 for a reused key with another body. `message` is the English, `zh` the same in Chinese.
 */
export class IngestRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly zh?: string,
  ) {
    super(message);
    this.name = 'IngestRefused';
  }
}

// C0 and C1 control characters (tab and line breaks included): a pushed identifier carrying them would add lines
// to the robot messages the alerts are sent as.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * A full card number never reaches the database or an alert: a `cardNo` written with spaces or dashes
 * (`6225 8812 3456 7898`, which the schema's digit-run check lets through) and a `payerId` that is a card
 * number (13–19 digits passing the Luhn check; Alipay's 2088… user ids are not cards) are masked 6 + 4.
 * Control characters in identifiers become a space; an offset-less time gets Shanghai's +08:00.
 */
function scrub(record: PosRecord): PosRecord {
  const out: Record<string, unknown> = { ...record };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'string' && k !== 'time' && k !== 'completedAt' && k !== 'settleDate') {
      CONTROL.lastIndex = 0;
      if (CONTROL.test(v)) out[k] = v.replace(CONTROL, ' ').trim();
    }
  }
  // A time without an offset means Shanghai wall time (RecordSchema); stored with it, so that no reader takes
  // it as the server's own zone (a process in UTC would put an evening sale on the next day).
  for (const k of ['time', 'completedAt'] as const) {
    const t = out[k];
    if (typeof t === 'string') out[k] = withShanghaiOffset(t);
  }
  const card = out['cardNo'];
  if (typeof card === 'string') {
    const digits = card.replace(/[\s-]/g, '');
    if (/^\d{11,19}$/.test(digits)) out['cardNo'] = maskCardNumber(digits);
  }
  const payer = out['payerId'];
  if (typeof payer === 'string') {
    const digits = payer.replace(/[\s-]/g, '');
    if (/^\d{13,19}$/.test(digits) && !digits.startsWith('2088') && luhn(digits))
      out['payerId'] = maskCardNumber(digits);
  }
  return out as unknown as PosRecord;
}

/** The most records one push may carry. */
const MAX_RECORDS = 5000;

const KIND_ZH: Record<IngestKind, string> = { terminal: '终端交易', settlement: '结算明细' };

/**
 * The Chinese of what the record schema (src/records) says in English only; a message not listed here is shown
 * as the API words that kind of issue.
 */
const RECORD_WORDS_ZH: Record<string, string> = {
  'expected an integer amount of fen': '应为整数金额（分）',
  'expected an ISO time': '应为 ISO 时间，如 2026-10-01T12:00:00+08:00',
  'expected a date YYYY-MM-DD': '应为 YYYY-MM-DD 日期',
  'a card number must be masked (first 6 / last 4 at most)': '卡号必须脱敏（最多保留前 6 位和后 4 位）',
};

/** One problem of a pushed record: `[index].path`, and what is wrong there, zh-CN and English. */
export interface RecordProblem extends Bilingual {
  index: number;
  path: string;
}

function recordProblem(index: number, path: string, what: Bilingual): RecordProblem {
  const where = path === '' ? `[${index}]` : `[${index}].${path}`;
  return { index, path, zh: `${where}：${what.zh}`, en: `${where}: ${what.en}` };
}

/** 400 invalid_record: the first twenty problems in the message, every one in `details`. */
function invalidRecords(problems: readonly RecordProblem[]): IngestRefused {
  const shown = problems.slice(0, 20);
  return new IngestRefused(
    400,
    'invalid_record',
    shown.map((p) => p.en).join('; '),
    problems,
    shown.map((p) => p.zh).join('；'),
  );
}

/** Validates a pushed body (one record or an array) for a side; `source` defaults to {file:'api', row:n}. */
export function validatePush(kind: IngestKind, body: unknown): PosRecord[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0)
    throw new IngestRefused(
      400,
      'invalid_request',
      'send one record or a non-empty array',
      undefined,
      '请发送一条记录或一个非空数组',
    );
  if (list.length > MAX_RECORDS)
    throw new IngestRefused(
      413,
      'too_large',
      `at most ${MAX_RECORDS} records per request`,
      undefined,
      `每次最多推送 ${MAX_RECORDS} 条记录，请分批发送`,
    );
  const out: PosRecord[] = [];
  const problems: RecordProblem[] = [];
  list.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(
        recordProblem(i, '', { zh: '应为一条记录（JSON 对象）', en: 'expected a record object' }),
      );
      return;
    }
    const value = item as Record<string, unknown>;
    if (value['kind'] !== undefined && value['kind'] !== kind) {
      const sent = JSON.stringify(value['kind']);
      problems.push(
        recordProblem(i, 'kind', {
          zh: `此接口只接收${KIND_ZH[kind]}（${kind}）记录，不接收 ${sent}`,
          en: `this route takes ${kind} records, not ${sent}`,
        }),
      );
      return;
    }
    const parsed = RecordSchema.safeParse(
      { ...value, kind, source: value['source'] ?? { file: 'api', row: i + 1 } },
      { reportInput: true },
    );
    if (parsed.success) out.push(scrub(parsed.data));
    else
      for (const { path, what } of issueWording(parsed.error.issues, RecordSchema))
        problems.push(recordProblem(i, path, { zh: RECORD_WORDS_ZH[what.en] ?? what.zh, en: what.en }));
  });
  if (problems.length > 0) throw invalidRecords(problems);
  return out;
}

/**
 * A pushed record naming another merchant number than the route's merchant is refused, as an invalid record:
 * stored here it would be checked against this merchant's plan and shown to its owner and staff. (An upload
 * puts such lines on their own merchant or leaves them unassigned; a push names one merchant, so it is the
 * sender's mistake.) A merchant without a number yet cannot tell, and takes the records as before.
 */
async function refuseOtherMerchants(
  db: Kysely<Database>,
  merchantId: number,
  records: readonly PosRecord[],
): Promise<void> {
  const row = await db
    .selectFrom('merchants')
    .select('merchant_code')
    .where('id', '=', merchantId)
    .executeTakeFirst();
  const code = row?.merchant_code ?? null;
  if (code === null) return;
  const problems: RecordProblem[] = [];
  records.forEach((r, i) => {
    if (r.merchantId !== undefined && r.merchantId !== code)
      problems.push(
        recordProblem(i, 'merchantId', {
          zh: `${r.merchantId} 不是本商户的商户号（${code}）`,
          en: `${r.merchantId} is not this merchant's number (${code})`,
        }),
      );
  });
  if (problems.length > 0) throw invalidRecords(problems);
}

function hashBody(kind: IngestKind, body: unknown): string {
  return createHash('sha256')
    .update(`${kind}\n${JSON.stringify(body)}`)
    .digest('hex');
}

const planCache = new WeakMap<object, Map<string, FeePlan | undefined>>();

/** The merchant's latest fee plan, parsed once per version (undefined without one or when it does not parse). */
export async function planOf(db: Kysely<Database>, merchantId: number): Promise<FeePlan | undefined> {
  const row = await db
    .selectFrom('plans')
    .select(['text', 'version'])
    .where('merchant_id', '=', merchantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  let cache = planCache.get(db);
  if (cache === undefined) {
    cache = new Map();
    planCache.set(db, cache);
  }
  const key = `${merchantId}:${row.version}`;
  if (cache.has(key)) return cache.get(key);
  const parsed = parsePlan(row.text, 'plan');
  const plan = parsed.ok ? parsed.plan : undefined;
  cache.set(key, plan);
  return plan;
}

/** The first key of the advisory locks posguard's ingest takes ("psgd"), the merchant id being the second. */
const INGEST_LOCK = 0x70736764;

/**
 * Serialises the pushes of one merchant: on PostgreSQL requests run side by side, and without this a sale
 * resubmitted before the first request committed does not see it (no duplicate_submission), and two requests
 * raising the same alert fail on its unique key. SQLite runs one write transaction at a time already.
 */
export async function lockMerchant(trx: Transaction<Database>, merchantId: number): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(${INGEST_LOCK}::int, ${merchantId}::int)`.execute(trx);
}

/** The column that holds the strongest identifier of a record's natural key. */
function keyColumn(
  r: PosRecord,
): ['ref_no' | 'voucher_no' | 'order_no' | 'provider_order_no', string] | undefined {
  if (r.refNo !== undefined) return ['ref_no', r.refNo];
  if (r.terminalId !== undefined && r.voucherNo !== undefined) return ['voucher_no', r.voucherNo];
  if (r.orderNo !== undefined) return ['order_no', r.orderNo];
  if (r.providerOrderNo !== undefined) return ['provider_order_no', r.providerOrderNo];
  return undefined;
}

/**
 * For each pushed record, the id of the record an imported file already brought with the same natural key
 * and that no push has matched yet (the mirror of the import skipping pushed records): a statement uploaded
 * or watched first and pushed afterwards is one record, not a duplicate settlement. Each imported record
 * answers one push only, and is looked for within a day of the pushed record's trade date; a deduction or
 * payout without an identifier, on the settle day its key names.
 */
async function importedTwins(
  trx: Transaction<Database>,
  merchantId: number,
  kind: IngestKind,
  records: readonly PosRecord[],
): Promise<(number | undefined)[]> {
  const out: (number | undefined)[] = records.map(() => undefined);
  const byColumn = new Map<string, Set<string>>();
  const unnumbered: PosRecord[] = [];
  for (const r of records) {
    const col = keyColumn(r);
    if (col === undefined) {
      if (naturalKey(r) !== undefined) unnumbered.push(r);
      continue;
    }
    const values = byColumn.get(col[0]) ?? new Set<string>();
    values.add(col[1]);
    byColumn.set(col[0], values);
  }
  if (byColumn.size === 0 && unnumbered.length === 0) return out;
  // Free for a merchant that only pushes: no import, nothing to look for.
  const any = await trx
    .selectFrom('imports')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .limit(1)
    .executeTakeFirst();
  if (any === undefined) return out;
  // The same record has the same trade time: looked for among the days the push covers (a day either side,
  // whatever offset each time is written with), on the (merchant, kind, time) index.
  const dates = records.map((r) => localDateOf(r.time)).sort();
  const lo = addDays(dates[0] ?? '1970-01-01', -1);
  const hi = addDays(dates[dates.length - 1] ?? '1970-01-01', 2);
  const unclaimedImports = () =>
    trx
      .selectFrom('records')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', kind)
      .where('import_id', 'is not', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('pushed_records')
              .select('pushed_records.id')
              .whereRef('pushed_records.record_id', '=', 'records.id'),
          ),
        ),
      );
  const candidates = new Map<string, number[]>();
  const collected = new Set<number>();
  const collect = (rows: readonly RecordRow[]): void => {
    for (const row of rows) {
      // A numbered deduction may come back from both queries: it answers one push all the same.
      if (collected.has(row.id)) continue;
      collected.add(row.id);
      const key = naturalKey(rowToRecord(row));
      if (key === undefined) continue;
      const ids = candidates.get(key) ?? [];
      ids.push(row.id);
      candidates.set(key, ids);
    }
  };
  for (const [column, values] of byColumn) {
    const list = [...values];
    for (let i = 0; i < list.length; i += 500) {
      collect(
        await unclaimedImports()
          .where('time', '>=', lo)
          .where('time', '<', hi)
          .where(column as 'ref_no', 'in', list.slice(i, i + 500))
          .orderBy('id')
          .execute(),
      );
    }
  }
  if (unnumbered.length > 0) {
    // A statement may time a deduction at its settle day rather than the trade: found by the settle day its
    // key names, or by the trade days when it has none.
    const settleDates = [...new Set(unnumbered.flatMap((r) => r.settleDate ?? []))];
    collect(
      await unclaimedImports()
        .where('type', 'in', UNNUMBERED_TYPES)
        .where((eb) =>
          eb.or([
            ...(settleDates.length === 0 ? [] : [eb('settle_date', 'in', settleDates)]),
            eb.and([eb('settle_date', 'is', null), eb('time', '>=', lo), eb('time', '<', hi)]),
          ]),
        )
        .orderBy('id')
        .execute(),
    );
  }
  records.forEach((r, i) => {
    const key = naturalKey(r);
    if (key !== undefined) out[i] = candidates.get(key)?.shift();
  });
  return out;
}

function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${(error as { code?: string }).code ?? ''}` : '';
  return /UNIQUE constraint|SQLITE_CONSTRAINT_PRIMARYKEY|duplicate key|23505/.test(text);
}

/**
 * Stores pushed records for a merchant (owner or agent) and checks them on arrival, in ONE transaction with
 * the idempotency key: a replay of the same key and body returns the first answer and stores nothing, the
 * same key with another body is refused (409), and concurrent replays store once (the key is unique).
 */
export async function ingestRecords(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  kind: IngestKind,
  body: unknown,
  options: { idempotencyKey?: string | undefined; at: string; publicUrl: string },
): Promise<IngestAnswer> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  const key = options.idempotencyKey;
  const hash = hashBody(kind, body);
  const replay = async (): Promise<IngestAnswer | undefined> => {
    if (key === undefined) return undefined;
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    if (row.request_hash !== hash) {
      throw new IngestRefused(
        409,
        'idempotency_conflict',
        `Idempotency-Key ${key} was used with another body`,
        undefined,
        `Idempotency-Key ${key} 已用于另一份不同的请求内容；重试请发送原样的请求体，新请求请换一个键`,
      );
    }
    return { status: row.status_code, body: JSON.parse(row.response_json) as unknown };
  };
  const earlier = await replay();
  if (earlier !== undefined) return earlier;
  const records = validatePush(kind, body);
  await refuseOtherMerchants(db, merchantId, records);
  const plan = kind === 'settlement' ? await planOf(db, merchantId) : undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      await lockMerchant(trx, merchantId);
      if (key !== undefined) {
        // Claim the key first: a concurrent request with the same key blocks or fails here, before any record.
        await trx
          .insertInto('idempotency_keys')
          .values({
            merchant_id: merchantId,
            key,
            request_hash: hash,
            status_code: 0,
            response_json: 'null',
            created_at: options.at,
          })
          .execute();
      }
      const rules = await rulesInForce(trx, merchantId);
      // Records an imported file already brought are not stored again; they are checked as that record.
      const twins = await importedTwins(trx, merchantId, kind, records);
      const fresh = records.filter((_, i) => twins[i] === undefined);
      const freshIds: number[] = [];
      for (let i = 0; i < fresh.length; i += 500) {
        const rows = fresh.slice(i, i + 500).map((r) => recordToRow(r, merchantId, null));
        const inserted = await trx.insertInto('records').values(rows).returning('id').execute();
        for (const r of inserted) freshIds.push(r.id);
      }
      await rememberPushed(trx, merchantId, fresh, freshIds);
      const matched = twins.flatMap((t, i) => (t === undefined ? [] : [{ t, r: records[i] as PosRecord }]));
      if (matched.length > 0) {
        // Remembered as matched by a push (and claimed by their own import), so no later push or file takes them.
        const owners = await trx
          .selectFrom('records')
          .select(['id', 'import_id'])
          .where(
            'id',
            'in',
            matched.map((x) => x.t),
          )
          .execute();
        const importOf = new Map(owners.map((o) => [o.id, o.import_id]));
        await trx
          .insertInto('pushed_records')
          .values(
            matched.map((x) => ({
              record_id: x.t,
              merchant_id: merchantId,
              natural_key: naturalKey(x.r) ?? null,
              claimed_import_id: importOf.get(x.t) ?? null,
            })),
          )
          .execute();
      }
      let next = 0;
      const ids = twins.map((t) => t ?? (freshIds[next++] as number));
      const drafts =
        kind === 'terminal'
          ? await checkTerminalRecords(trx, merchantId, rules, records, ids)
          : await checkSettlementRecords(trx, merchantId, rules, plan, records, ids, options.at);
      const alerts = await raiseAlerts(trx, merchantId, drafts, ids, options.at, options.publicUrl);
      const answer: IngestAnswer = {
        status: 201,
        body: { stored: fresh.length, recordIds: ids, alerts },
      };
      if (key !== undefined) {
        await trx
          .updateTable('idempotency_keys')
          .set({ status_code: answer.status, response_json: JSON.stringify(answer.body) })
          .where('merchant_id', '=', merchantId)
          .where('key', '=', key)
          .execute();
      }
      return answer;
    });
  } catch (error) {
    // Another request with the same key committed first (PostgreSQL runs them side by side): answer as it did.
    if (key !== undefined && isUniqueViolation(error)) {
      const first = await replay();
      if (first !== undefined) return first;
    }
    throw error;
  }
}
