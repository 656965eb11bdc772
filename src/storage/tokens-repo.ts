import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A bearer token as its owner sees it (never the token itself). */
export interface TokenInfo {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Stores a new token by its SHA-256 and returns its id. */
export async function createToken(
  db: Kysely<Database>,
  token: { userId: number; name: string; tokenHash: string; at: string },
): Promise<number> {
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: token.userId, name: token.name, token_hash: token.tokenHash, created_at: token.at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The user a live (unrevoked) token acts for, marking it used. */
export async function useToken(
  db: Kysely<Database>,
  tokenHash: string,
  at: string,
): Promise<{ id: number; userId: number } | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
  return { id: row.id, userId: row.user_id };
}

/** The user's own tokens. */
export async function listTokens(db: Kysely<Database>, userId: number): Promise<TokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes one of the user's own tokens; false when the user has no such live token. */
export async function revokeToken(
  db: Kysely<Database>,
  userId: number,
  tokenId: number,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
