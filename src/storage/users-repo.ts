import type { Kysely } from 'kysely';
import { WRITE_ROLES } from './access.js';
import type { Database, MemberRole, UserRow } from './schema.js';

/** Adds a user; the email is stored lower-cased so logins ignore case. */
export async function createUser(
  db: Kysely<Database>,
  user: { email: string; passwordHash: string; role: MemberRole; mustChangePassword: boolean; at: string },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      email: user.email.trim().toLowerCase(),
      password_hash: user.passwordHash,
      role: user.role,
      password_changed_at: user.at,
      must_change_password: user.mustChangePassword ? 1 : 0,
      created_at: user.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The user with this email (case-insensitive), if any. */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

/** The user with this id, if any. */
export async function getUser(db: Kysely<Database>, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How many users exist (an empty database gets its first owner on start). */
export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces a user's password hash and restarts the 90-day clock. */
export async function setPasswordHash(
  db: Kysely<Database>,
  userId: number,
  hash: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: hash, password_changed_at: at, must_change_password: 0 })
    .where('id', '=', userId)
    .execute();
}

/** A user another user can see: who they are and their roles on the merchants both share. */
export interface VisibleUser {
  id: number;
  email: string;
  role: MemberRole;
  memberships: { merchantId: number; role: MemberRole }[];
}

/**
 * Users who are members of merchants the acting user owns or serves as agent, with their memberships on those
 * merchants only (no view into other tenants).
 */
export async function listVisibleUsers(db: Kysely<Database>, actorId: number): Promise<VisibleUser[]> {
  const rows = await db
    .selectFrom('memberships as mine')
    .innerJoin('memberships as theirs', 'theirs.merchant_id', 'mine.merchant_id')
    .innerJoin('users', 'users.id', 'theirs.user_id')
    .select(['users.id', 'users.email', 'users.role', 'theirs.merchant_id', 'theirs.role as member_role'])
    .where('mine.user_id', '=', actorId)
    .where('mine.role', 'in', WRITE_ROLES)
    .orderBy('users.id')
    .orderBy('theirs.merchant_id')
    .execute();
  const byId = new Map<number, VisibleUser>();
  for (const r of rows) {
    let user = byId.get(r.id);
    if (user === undefined) {
      user = { id: r.id, email: r.email, role: r.role, memberships: [] };
      byId.set(r.id, user);
    }
    user.memberships.push({ merchantId: r.merchant_id, role: r.member_role });
  }
  return [...byId.values()];
}
