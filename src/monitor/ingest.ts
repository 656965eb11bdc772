import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parsePlan } from '../plans/parse-plan.js';
import type { FeePlan } from '../plans/plan-types.js';
import { type PosRecord, RecordSchema } from '../records/index.js';
import { requireMerchantRole } from '../storage/access.js';
import { raiseAlerts } from '../storage/alerts-repo.js';
import { rememberPushed, rulesInForce } from '../storage/monitor-repo.js';
import { recordToRow } from '../storage/record-row.js';
import type { Database } from '../storage/schema.js';
import { checkSettlementRecords } from './settlement-checks.js';
import { checkTerminalRecords } from './terminal-checks.js';

/** Which side a push comes from: the terminal (transactions) or the provider (settlement lines). */
export type IngestKind = 'terminal' | 'settlement';

/** The answer of an ingest call (stored verbatim for idempotent replays). */
export interface IngestAnswer {
  status: number;
  body: unknown;
}

/** A refused push: 400 with per-record problems, or 409 for a reused key with another body. */
export class IngestRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'IngestRefused';
  }
}

/** Validates a pushed body (one record or an array) for a side; `source` defaults to {file:'api', row:n}. */
export function validatePush(kind: IngestKind, body: unknown): PosRecord[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0)
    throw new IngestRefused(400, 'invalid_request', 'send one record or a non-empty array');
  if (list.length > 5000) throw new IngestRefused(413, 'too_large', 'at most 5000 records per request');
  const out: PosRecord[] = [];
  const problems: string[] = [];
  list.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`[${i}]: expected a record object`);
      return;
    }
    const value = item as Record<string, unknown>;
    if (value['kind'] !== undefined && value['kind'] !== kind) {
      problems.push(`[${i}].kind: this route takes ${kind} records, not ${JSON.stringify(value['kind'])}`);
      return;
    }
    const parsed = RecordSchema.safeParse({
      ...value,
      kind,
      source: value['source'] ?? { file: 'api', row: i + 1 },
    });
    if (parsed.success) out.push(parsed.data);
    else problems.push(...parsed.error.issues.map((x) => `[${i}].${x.path.join('.')}: ${x.message}`));
  });
  if (problems.length > 0)
    throw new IngestRefused(400, 'invalid_record', problems.slice(0, 20).join('; '), problems);
  return out;
}

function hashBody(kind: IngestKind, body: unknown): string {
  return createHash('sha256')
    .update(`${kind}\n${JSON.stringify(body)}`)
    .digest('hex');
}

const planCache = new WeakMap<object, Map<string, FeePlan | undefined>>();

async function planOf(db: Kysely<Database>, merchantId: number): Promise<FeePlan | undefined> {
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
      );
    }
    return { status: row.status_code, body: JSON.parse(row.response_json) as unknown };
  };
  const earlier = await replay();
  if (earlier !== undefined) return earlier;
  const records = validatePush(kind, body);
  const plan = kind === 'settlement' ? await planOf(db, merchantId) : undefined;
  try {
    return await db.transaction().execute(async (trx) => {
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
      const ids: number[] = [];
      for (let i = 0; i < records.length; i += 500) {
        const rows = records.slice(i, i + 500).map((r) => recordToRow(r, merchantId, null));
        const inserted = await trx.insertInto('records').values(rows).returning('id').execute();
        for (const r of inserted) ids.push(r.id);
      }
      await rememberPushed(trx, merchantId, records, ids);
      const drafts =
        kind === 'terminal'
          ? await checkTerminalRecords(trx, merchantId, rules, records, ids)
          : await checkSettlementRecords(trx, merchantId, rules, plan, records, ids);
      const alerts = await raiseAlerts(trx, merchantId, drafts, ids, options.at, options.publicUrl);
      const answer: IngestAnswer = {
        status: 201,
        body: { stored: records.length, recordIds: ids, alerts },
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
