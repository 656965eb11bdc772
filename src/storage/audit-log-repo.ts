import type { Kysely } from 'kysely';
import { accessibleMerchantIds } from './access.js';
import type { Database } from './schema.js';

/** One line of the append-only log of who did what. */
export interface AuditEntry {
  userId: number | null;
  merchantId?: number | null;
  action: string;
  details?: Record<string, unknown>;
  address?: string | null;
  at: string;
}

/** A logged line as the API returns it. */
export interface AuditLogLine {
  id: number;
  at: string;
  userId: number | null;
  merchantId: number | null;
  action: string;
  details: Record<string, unknown>;
  address: string | null;
}

/** Appends a line; there is no update or delete (the database refuses them too). */
export async function appendAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      user_id: entry.userId,
      merchant_id: entry.merchantId ?? null,
      action: entry.action,
      details_json: JSON.stringify(entry.details ?? {}),
      address: entry.address ?? null,
    })
    .execute();
}

/** The lines a user may see: those on merchants they belong to, and their own account's. Newest first. */
export async function listAuditLog(
  db: Kysely<Database>,
  userId: number,
  page: { limit: number; before?: number },
): Promise<AuditLogLine[]> {
  const merchants = await accessibleMerchantIds(db, userId);
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) => {
      const own = eb.and([eb('user_id', '=', userId), eb('merchant_id', 'is', null)]);
      return merchants.length === 0 ? own : eb.or([own, eb('merchant_id', 'in', merchants)]);
    });
  if (page.before !== undefined) query = query.where('id', '<', page.before);
  const rows = await query.orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    userId: r.user_id,
    merchantId: r.merchant_id,
    action: r.action,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
    address: r.address,
  }));
}
