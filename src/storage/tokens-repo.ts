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

/** How old last_used_at may be before a request stamps it again: most requests with a token only read. */
export const TOKEN_USE_STAMP_MS = 5 * 60_000;

/**
 * The user a live (unrevoked) token acts for. A last_used_at older than TOKEN_USE_STAMP_MS (or none) is set to
 * `at` without the caller waiting: `stamped` settles once that write is done or dropped (at once when none).
 */
export async function useToken(
  db: Kysely<Database>,
  tokenHash: string,
  at: string,
): Promise<{ id: number; userId: number; stamped: Promise<void> } | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'last_used_at'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const staleBefore = new Date(Date.parse(at) - TOKEN_USE_STAMP_MS).toISOString();
  const stamped =
    row.last_used_at !== null && row.last_used_at >= staleBefore
      ? Promise.resolve()
      : // On SQLite a write queues behind any open write transaction (an upload being stored): the request is
        // answered meanwhile. The stamp is informational, so a failed write is dropped; it never moves back.
        db
          .updateTable('api_tokens')
          .set({ last_used_at: at })
          .where('id', '=', row.id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute()
          .then(
            () => undefined,
            () => undefined,
          );
  return { id: row.id, userId: row.user_id, stamped };
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
