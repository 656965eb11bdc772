import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Records a new session by the SHA-256 of its cookie value (the value itself is never stored). */
export async function createSession(
  db: Kysely<Database>,
  session: { userId: number; tokenHash: string; at: string; expiresAt: string },
): Promise<number> {
  const row = await db
    .insertInto('sessions')
    .values({
      user_id: session.userId,
      token_hash: session.tokenHash,
      created_at: session.at,
      expires_at: session.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The live session with this hash (not expired at `at`), if any. */
export async function findSession(
  db: Kysely<Database>,
  tokenHash: string,
  at: string,
): Promise<{ id: number; userId: number } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select(['id', 'user_id'])
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return row === undefined ? undefined : { id: row.id, userId: row.user_id };
}

/** Ends one session (logout). */
export async function deleteSession(db: Kysely<Database>, sessionId: number): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of a user but one (after a password change). */
export async function deleteOtherSessions(
  db: Kysely<Database>,
  userId: number,
  keepId?: number,
): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepId !== undefined) query = query.where('id', '!=', keepId);
  await query.execute();
}

/** Removes sessions that expired before `at` (run at each login, so the table does not grow forever). */
export async function deleteExpiredSessions(db: Kysely<Database>, at: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', at).execute();
}
