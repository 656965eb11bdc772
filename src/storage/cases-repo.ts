import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { CaseError } from '../cases/case-error.js';
import {
  type CaseState,
  canMove,
  DEFAULT_IDLE_DAYS,
  MAX_ATTACHMENT_BYTES,
  nextStates,
} from '../cases/case-states.js';
import { requireMerchantRole } from './access.js';
import { appendAudit } from './audit-log-repo.js';
import type { CasesTable, Database } from './schema.js';

/** A case as the API returns it in lists. */
export interface CaseSummary {
  id: number;
  merchantId: number;
  title: string;
  provider: string | null;
  state: CaseState;
  nextStates: readonly CaseState[];
  amountClaimedFen: number;
  amountRecoveredFen: number;
  findingIds: string[];
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  /** Whole days since the last change, as of the clock the caller passed. */
  idleDays: number;
}

export interface CaseNote {
  id: number;
  at: string;
  userId: number | null;
  text: string;
  fromState: CaseState | null;
  toState: CaseState | null;
}

export interface CaseAttachmentInfo {
  id: number;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  createdBy: number | null;
  createdAt: string;
}

/** A case with its notes (oldest first) and attachments. */
export interface CaseDetail extends CaseSummary {
  notes: CaseNote[];
  attachments: CaseAttachmentInfo[];
}

/** Who acts, when, and from where: every change is written to the audit log with these. */
export interface CaseActor {
  userId: number;
  at: string;
  address?: string | null;
}

type CaseRow = Selectable<CasesTable>;

const DAY_MS = 86_400_000;

function idleDaysOf(updatedAt: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(updatedAt)) / DAY_MS));
}

function toSummary(row: CaseRow, now: Date): CaseSummary {
  const state = row.state as CaseState;
  return {
    id: row.id,
    merchantId: row.merchant_id,
    title: row.title,
    provider: row.provider,
    state,
    nextStates: nextStates(state),
    amountClaimedFen: row.amount_claimed_fen,
    amountRecoveredFen: row.amount_recovered_fen,
    findingIds: JSON.parse(row.finding_ids_json) as string[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    idleDays: idleDaysOf(row.updated_at, now),
  };
}

function checkAmount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new CaseError(
      'invalid',
      `${name} 应为非负整数（分）`,
      `${name} must be a non-negative integer (fen)`,
    );
  }
}

function checkText(name: string, value: string, max: number): string {
  const text = value.trim();
  if (text === '' || text.length > max) {
    throw new CaseError(
      'invalid',
      `${name} 不能为空且不超过 ${max} 字`,
      `${name} must be 1–${max} characters`,
    );
  }
  return text;
}

async function caseRow(db: Kysely<Database>, merchantId: number, caseId: number): Promise<CaseRow> {
  const row = await db
    .selectFrom('cases')
    .selectAll()
    .where('id', '=', caseId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (row === undefined) {
    throw new CaseError('case_not_found', `案件 ${caseId} 不存在`, `case ${caseId} not found`);
  }
  return row;
}

/** Opens a case (owner or agent) and logs it. */
export async function createCase(
  db: Kysely<Database>,
  actor: CaseActor,
  merchantId: number,
  input: {
    title: string;
    provider?: string | undefined;
    amountClaimedFen: number;
    findingIds?: readonly string[] | undefined;
    note?: string | undefined;
  },
): Promise<CaseDetail> {
  await requireMerchantRole(db, actor.userId, merchantId, 'write');
  const title = checkText('title', input.title, 200);
  checkAmount('amountClaimedFen', input.amountClaimedFen);
  const findingIds = [...new Set(input.findingIds ?? [])];
  const note = input.note === undefined ? undefined : checkText('note', input.note, 10_000);
  const id = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('cases')
      .values({
        merchant_id: merchantId,
        title,
        provider: input.provider?.trim() || null,
        state: 'open',
        amount_claimed_fen: input.amountClaimedFen,
        amount_recovered_fen: 0,
        finding_ids_json: JSON.stringify(findingIds),
        created_by: actor.userId,
        created_at: actor.at,
        updated_at: actor.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (note !== undefined) {
      await trx
        .insertInto('case_notes')
        .values({
          case_id: row.id,
          merchant_id: merchantId,
          user_id: actor.userId,
          at: actor.at,
          text: note,
          from_state: null,
          to_state: 'open',
        })
        .execute();
    }
    await appendAudit(trx, {
      userId: actor.userId,
      merchantId,
      action: 'case.create',
      details: { caseId: row.id, title, amountClaimedFen: input.amountClaimedFen, findingIds },
      address: actor.address ?? null,
      at: actor.at,
    });
    return row.id;
  });
  return getCase(db, actor.userId, merchantId, id, new Date(actor.at));
}

/** A merchant's cases, newest first; `idleDays` keeps only the unclosed ones unchanged for that many days. */
export async function listCases(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  options: { now: Date; state?: CaseState; idleDays?: number },
): Promise<CaseSummary[]> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  let query = db.selectFrom('cases').selectAll().where('merchant_id', '=', merchantId);
  if (options.state !== undefined) query = query.where('state', '=', options.state);
  const rows = await query.orderBy('id', 'desc').execute();
  const all = rows.map((r) => toSummary(r, options.now));
  if (options.idleDays === undefined) return all;
  const days = options.idleDays;
  return all.filter((c) => c.state !== 'closed' && c.idleDays >= days);
}

/**
 * Every unclosed case, in every merchant, with no change for `days` (default 7) days as of `now`: the reminder
 * list a monitor can turn into alerts. No user check — callers are system jobs.
 */
export async function idleCases(
  db: Kysely<Database>,
  now: Date,
  days: number = DEFAULT_IDLE_DAYS,
): Promise<CaseSummary[]> {
  const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
  const rows = await db
    .selectFrom('cases')
    .selectAll()
    .where('state', '!=', 'closed')
    .where('updated_at', '<=', cutoff)
    .orderBy('merchant_id')
    .orderBy('id')
    .execute();
  // updated_at is an ISO UTC string from Date#toISOString, so the string comparison above is a time comparison;
  // the filter below re-checks with real arithmetic in case a row was written with another offset.
  return rows.map((r) => toSummary(r, now)).filter((c) => c.idleDays >= days);
}

/** One case with its notes and attachment list. */
export async function getCase(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  caseId: number,
  now: Date,
): Promise<CaseDetail> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  const row = await caseRow(db, merchantId, caseId);
  const notes = await db
    .selectFrom('case_notes')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  const attachments = await db
    .selectFrom('case_attachments')
    .select(['id', 'name', 'content_type', 'size', 'sha256', 'created_by', 'created_at'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
  return {
    ...toSummary(row, now),
    notes: notes.map((n) => ({
      id: n.id,
      at: n.at,
      userId: n.user_id,
      text: n.text,
      fromState: n.from_state as CaseState | null,
      toState: n.to_state as CaseState | null,
    })),
    attachments: attachments.map((a) => ({
      id: a.id,
      name: a.name,
      contentType: a.content_type,
      size: a.size,
      sha256: a.sha256,
      createdBy: a.created_by,
      createdAt: a.created_at,
    })),
  };
}

/**
 * Changes a case: a state change (which needs a note saying why), amounts, title, provider, linked findings.
 * A transition the life cycle forbids is a CaseError `invalid_transition`.
 */
export async function updateCase(
  db: Kysely<Database>,
  actor: CaseActor,
  merchantId: number,
  caseId: number,
  change: {
    state?: CaseState | undefined;
    note?: string | undefined;
    title?: string | undefined;
    provider?: string | undefined;
    amountClaimedFen?: number | undefined;
    amountRecoveredFen?: number | undefined;
    findingIds?: readonly string[] | undefined;
  },
): Promise<CaseDetail> {
  await requireMerchantRole(db, actor.userId, merchantId, 'write');
  if (Object.values(change).every((v) => v === undefined)) {
    throw new CaseError('invalid', '没有要修改的内容', 'nothing to change');
  }
  checkAmount('amountClaimedFen', change.amountClaimedFen);
  checkAmount('amountRecoveredFen', change.amountRecoveredFen);
  const note = change.note === undefined ? undefined : checkText('note', change.note, 10_000);
  const title = change.title === undefined ? undefined : checkText('title', change.title, 200);
  await db.transaction().execute(async (trx) => {
    const row = await caseRow(trx, merchantId, caseId);
    const from = row.state as CaseState;
    const to = change.state;
    const moving = to !== undefined && to !== from;
    if (moving && !canMove(from, to)) {
      throw new CaseError(
        'invalid_transition',
        `案件不能从 ${from} 改为 ${to}（可改为：${nextStates(from).join('、') || '无'}）`,
        `a case cannot move from ${from} to ${to} (allowed: ${nextStates(from).join(', ') || 'none'})`,
      );
    }
    if (moving && note === undefined) {
      throw new CaseError('invalid', '改变状态时请写一条备注说明原因', 'a state change needs a note');
    }
    const values: Partial<Record<keyof CaseRow, unknown>> = { updated_at: actor.at };
    const details: Record<string, unknown> = { caseId };
    if (moving) {
      values.state = to;
      details['from'] = from;
      details['to'] = to;
    }
    if (title !== undefined) values.title = details['title'] = title;
    if (change.provider !== undefined) values.provider = details['provider'] = change.provider.trim() || null;
    if (change.amountClaimedFen !== undefined)
      values.amount_claimed_fen = details['amountClaimedFen'] = change.amountClaimedFen;
    if (change.amountRecoveredFen !== undefined)
      values.amount_recovered_fen = details['amountRecoveredFen'] = change.amountRecoveredFen;
    if (change.findingIds !== undefined) {
      const ids = [...new Set(change.findingIds)];
      values.finding_ids_json = JSON.stringify(ids);
      details['findingIds'] = ids;
    }
    await trx
      .updateTable('cases')
      .set(values as never)
      .where('id', '=', caseId)
      .execute();
    if (note !== undefined) {
      await trx
        .insertInto('case_notes')
        .values({
          case_id: caseId,
          merchant_id: merchantId,
          user_id: actor.userId,
          at: actor.at,
          text: note,
          from_state: moving ? from : null,
          to_state: moving ? (to ?? null) : null,
        })
        .execute();
      details['note'] = note;
    }
    await appendAudit(trx, {
      userId: actor.userId,
      merchantId,
      action: moving ? 'case.move' : 'case.update',
      details,
      address: actor.address ?? null,
      at: actor.at,
    });
  });
  return getCase(db, actor.userId, merchantId, caseId, new Date(actor.at));
}

/** Adds a timestamped note by the acting user. */
export async function addCaseNote(
  db: Kysely<Database>,
  actor: CaseActor,
  merchantId: number,
  caseId: number,
  text: string,
): Promise<CaseDetail> {
  return updateCase(db, actor, merchantId, caseId, { note: text });
}

/** Stores an attachment's bytes with its name, size and SHA-256 (at most 50 MiB) and logs it. */
export async function addCaseAttachment(
  db: Kysely<Database>,
  actor: CaseActor,
  merchantId: number,
  caseId: number,
  file: { name: string; contentType?: string | undefined; bytes: Buffer },
): Promise<CaseAttachmentInfo> {
  await requireMerchantRole(db, actor.userId, merchantId, 'write');
  if (file.bytes.length > MAX_ATTACHMENT_BYTES) {
    throw new CaseError(
      'too_large',
      `附件超过 ${MAX_ATTACHMENT_BYTES} 字节`,
      `an attachment may be at most ${MAX_ATTACHMENT_BYTES} bytes`,
    );
  }
  const name = checkText('name', file.name, 255);
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const contentType = file.contentType?.trim() || 'application/octet-stream';
  return db.transaction().execute(async (trx) => {
    await caseRow(trx, merchantId, caseId);
    const row = await trx
      .insertInto('case_attachments')
      .values({
        case_id: caseId,
        merchant_id: merchantId,
        name,
        content_type: contentType,
        size: file.bytes.length,
        sha256,
        content_base64: file.bytes.toString('base64'),
        created_by: actor.userId,
        created_at: actor.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('cases').set({ updated_at: actor.at }).where('id', '=', caseId).execute();
    await appendAudit(trx, {
      userId: actor.userId,
      merchantId,
      action: 'case.attach',
      details: { caseId, attachmentId: row.id, name, size: file.bytes.length, sha256 },
      address: actor.address ?? null,
      at: actor.at,
    });
    return {
      id: row.id,
      name,
      contentType,
      size: file.bytes.length,
      sha256,
      createdBy: actor.userId,
      createdAt: actor.at,
    };
  });
}

/** An attachment's bytes and metadata (members only). */
export async function getCaseAttachment(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  caseId: number,
  attachmentId: number,
): Promise<CaseAttachmentInfo & { bytes: Buffer }> {
  await requireMerchantRole(db, userId, merchantId, 'read');
  await caseRow(db, merchantId, caseId);
  const row = await db
    .selectFrom('case_attachments')
    .selectAll()
    .where('id', '=', attachmentId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (row === undefined) {
    throw new CaseError(
      'case_not_found',
      `附件 ${attachmentId} 不存在`,
      `attachment ${attachmentId} not found`,
    );
  }
  return {
    id: row.id,
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    createdBy: row.created_by,
    createdAt: row.created_at,
    bytes: Buffer.from(row.content_base64, 'base64'),
  };
}
