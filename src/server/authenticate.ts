import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret } from '../accounts/secret-token.js';
import { findSession } from '../storage/sessions-repo.js';
import { useToken } from '../storage/tokens-repo.js';
import { getUser } from '../storage/users-repo.js';
import { HttpError } from './http-error.js';
import { type Actor, SESSION_COOKIE, type ServerContext } from './server-context.js';

/** Resolves the actor from a bearer token or the session cookie; null when neither is valid. */
export async function resolveActor(ctx: ServerContext, request: FastifyRequest): Promise<Actor | null> {
  const at = ctx.now().toISOString();
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1] === undefined) return null;
    const token = await useToken(ctx.db, hashSecret(match[1]), at);
    if (token === undefined) return null;
    const user = await getUser(ctx.db, token.userId);
    return user === undefined
      ? null
      : { userId: user.id, email: user.email, role: user.role, tokenId: token.id };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined || cookie === '') return null;
  const session = await findSession(ctx.db, hashSecret(cookie), at);
  if (session === undefined) return null;
  const user = await getUser(ctx.db, session.userId);
  return user === undefined
    ? null
    : { userId: user.id, email: user.email, role: user.role, sessionId: session.id };
}

/** A preHandler that refuses requests without a valid session or token (401). */
export function requireActor(ctx: ServerContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.actor = await resolveActor(ctx, request);
    if (request.actor === null) throw new HttpError(401, 'unauthenticated', 'log in or send a bearer token');
  };
}

/** The actor of a request that passed requireActor. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) throw new HttpError(401, 'unauthenticated', 'log in or send a bearer token');
  return request.actor;
}
