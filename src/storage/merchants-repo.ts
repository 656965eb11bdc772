import type { Kysely } from 'kysely';
import { AccessDenied, requireMerchantRole } from './access.js';
import type { Database, MemberRole } from './schema.js';

/** A merchant as its members see it, with the acting user's role on it. */
export interface MerchantInfo {
  id: number;
  name: string;
  merchantId: string | null;
  demo: boolean;
  role: MemberRole;
  createdAt: string;
}

/**
 * Creates a merchant with the creating user as its first member (owner, or agent for an agent account).
 * Staff accounts cannot create merchants.
 */
export async function createMerchant(
  db: Kysely<Database>,
  userId: number,
  merchant: { name: string; merchantId?: string | undefined; demo?: boolean; at: string },
): Promise<MerchantInfo> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
    if (user === undefined || user.role === 'staff') {
      throw new AccessDenied('forbidden', 'staff accounts cannot create merchants', '店员账号不能创建商户');
    }
    const row = await trx
      .insertInto('merchants')
      .values({
        name: merchant.name,
        merchant_code: merchant.merchantId ?? null,
        demo: merchant.demo === true ? 1 : 0,
        created_at: merchant.at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('memberships')
      .values({ user_id: userId, merchant_id: row.id, role: user.role, created_at: merchant.at })
      .execute();
    return {
      id: row.id,
      name: row.name,
      merchantId: row.merchant_code,
      demo: row.demo === 1,
      role: user.role,
      createdAt: row.created_at,
    };
  });
}

/** The merchants the user belongs to. */
export async function listMerchants(db: Kysely<Database>, userId: number): Promise<MerchantInfo[]> {
  const rows = await db
    .selectFrom('merchants')
    .innerJoin('memberships', 'memberships.merchant_id', 'merchants.id')
    .select([
      'merchants.id',
      'merchants.name',
      'merchants.merchant_code',
      'merchants.demo',
      'merchants.created_at',
      'memberships.role',
    ])
    .where('memberships.user_id', '=', userId)
    .orderBy('merchants.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    merchantId: r.merchant_code,
    demo: r.demo === 1,
    role: r.role,
    createdAt: r.created_at,
  }));
}

/** One merchant the user belongs to; AccessDenied('not_found') otherwise. */
export async function getMerchant(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
): Promise<MerchantInfo> {
  const all = await listMerchants(db, userId);
  const found = all.find((m) => m.id === merchantId);
  if (found === undefined)
    throw new AccessDenied('not_found', `merchant ${merchantId} not found`, `未找到商户 ${merchantId}`);
  return found;
}

/** How many merchants exist at all (the demo seed runs on an empty database only). */
export async function countMerchants(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('merchants')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Whether the acting user may give `role` on a merchant to the user `userId` (undefined: a new account):
 * any writer (owner or agent) may add staff and agents, but only an owner may add a further owner or change
 * an owner's role — otherwise an agent could re-invite the merchant's owner as read-only staff. An agent may
 * give a merchant without an owner its first one (onboarding a client).
 */
export async function requireGrantAllowed(
  db: Kysely<Database>,
  actorId: number,
  grant: { merchantId: number; userId?: number; role: MemberRole },
): Promise<void> {
  const actorRole = await requireMerchantRole(db, actorId, grant.merchantId, 'write');
  if (actorRole === 'owner') return;
  if (grant.role === 'owner') {
    // An agent setting up a client's merchant may hand it to its first owner, never add a second one.
    const owner = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('merchant_id', '=', grant.merchantId)
      .where('role', '=', 'owner')
      .executeTakeFirst();
    if (owner !== undefined)
      throw new AccessDenied(
        'forbidden',
        `only an owner may add an owner to merchant ${grant.merchantId}`,
        `只有店主才能为商户 ${grant.merchantId} 再添加店主`,
      );
  }
  if (grant.userId === undefined) return;
  const current = await db
    .selectFrom('memberships')
    .select('role')
    .where('user_id', '=', grant.userId)
    .where('merchant_id', '=', grant.merchantId)
    .executeTakeFirst();
  if (current?.role === 'owner')
    throw new AccessDenied(
      'forbidden',
      `only an owner may change an owner's role on merchant ${grant.merchantId}`,
      `只有店主才能更改商户 ${grant.merchantId} 店主的角色`,
    );
}

/**
 * Gives a user a role on a merchant the acting user owns or serves as agent (replacing an earlier role,
 * within what requireGrantAllowed allows).
 */
export async function grantMembership(
  db: Kysely<Database>,
  actorId: number,
  grant: { merchantId: number; userId: number; role: MemberRole; at: string },
): Promise<void> {
  await requireGrantAllowed(db, actorId, grant);
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('memberships')
      .where('user_id', '=', grant.userId)
      .where('merchant_id', '=', grant.merchantId)
      .execute();
    await trx
      .insertInto('memberships')
      .values({
        user_id: grant.userId,
        merchant_id: grant.merchantId,
        role: grant.role,
        created_at: grant.at,
      })
      .execute();
  });
}
