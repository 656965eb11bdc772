import type { Kysely } from 'kysely';
import type { Database, MemberRole } from './schema.js';

/** What an action needs: `read` (any member), `write` (owner or agent). */
export type AccessNeed = 'read' | 'write';

/**
 * A refused access to a merchant. `not_found` when the user is no member (so ids of other tenants' merchants
 * reveal nothing), `forbidden` when a member's role does not allow the action (staff writing).
 */
export class AccessDenied extends Error {
  readonly code: 'not_found' | 'forbidden';
  constructor(code: 'not_found' | 'forbidden', message: string) {
    super(message);
    this.name = 'AccessDenied';
    this.code = code;
  }
}

/** Roles that may change a merchant's data. */
export const WRITE_ROLES: readonly MemberRole[] = ['owner', 'agent'];

/**
 * The acting user's role on a merchant, or AccessDenied. Every repository function that touches one
 * merchant's data calls this first, so tenant isolation holds whatever route calls it.
 */
export async function requireMerchantRole(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  need: AccessNeed,
): Promise<MemberRole> {
  const membership = await db
    .selectFrom('memberships')
    .select('role')
    .where('user_id', '=', userId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (membership === undefined) throw new AccessDenied('not_found', `merchant ${merchantId} not found`);
  if (need === 'write' && !WRITE_ROLES.includes(membership.role)) {
    throw new AccessDenied('forbidden', `role ${membership.role} is read only on merchant ${merchantId}`);
  }
  return membership.role;
}

/** Ids of the merchants a user may read (or write, with `need: 'write'`). */
export async function accessibleMerchantIds(
  db: Kysely<Database>,
  userId: number,
  need: AccessNeed = 'read',
): Promise<number[]> {
  let query = db.selectFrom('memberships').select('merchant_id').where('user_id', '=', userId);
  if (need === 'write') query = query.where('role', 'in', WRITE_ROLES);
  const rows = await query.orderBy('merchant_id').execute();
  return rows.map((r) => r.merchant_id);
}
