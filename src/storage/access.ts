import type { Kysely } from 'kysely';
import type { Database, MemberRole } from './schema.js';

/** What an action needs: `read` (any member), `write` (owner or agent). */
export type AccessNeed = 'read' | 'write';

/**
 * A refused access to a merchant. `not_found` when the user is no member (so ids of other tenants' merchants
 * reveal nothing), `forbidden` when a member's role does not allow the action (staff writing). `message` is the
 * English, `zh` the same in Chinese (the server answers in the request's language).
 */
export class AccessDenied extends Error {
  readonly code: 'not_found' | 'forbidden';
  readonly zh: string | undefined;
  constructor(code: 'not_found' | 'forbidden', message: string, zh?: string) {
    super(message);
    this.name = 'AccessDenied';
    this.code = code;
    this.zh = zh;
  }
}

/** A member role as the dashboard names it in Chinese. */
export const ROLE_ZH: Record<MemberRole, string> = { owner: '店主', agent: '代理商', staff: '店员' };

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
  if (membership === undefined) {
    throw new AccessDenied('not_found', `merchant ${merchantId} not found`, `未找到商户 ${merchantId}`);
  }
  if (need === 'write' && !WRITE_ROLES.includes(membership.role)) {
    throw new AccessDenied(
      'forbidden',
      `role ${membership.role} is read only on merchant ${merchantId}`,
      `您在商户 ${merchantId} 的角色是${ROLE_ZH[membership.role]}，只能查看，不能修改`,
    );
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
