import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret } from '../accounts/secret-token.js';
import { findSession } from '../storage/sessions-repo.js';
import { useToken } from '../storage/tokens-repo.js';
import { getUser } from '../storage/users-repo.js';
import { type Bilingual, bilingualError, type HttpError } from './http-error.js';
import { requestLang } from './request-lang.js';
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

const NOT_LOGGED_IN: Bilingual = {
  zh: '请先登录（API 调用请发送 Bearer 令牌）',
  en: 'log in or send a bearer token',
};
const SESSION_ENDED: Bilingual = {
  zh: '登录已过期或已退出，请重新登录',
  en: 'your session has expired or was ended; log in again',
};
const TOKEN_REFUSED: Bilingual = {
  zh: 'API 令牌无效、已撤销或已过期',
  en: 'the bearer token is invalid, revoked or expired',
};
const NOT_BEARER: Bilingual = {
  zh: 'Authorization 请求头应为“Bearer 令牌”',
  en: 'the Authorization header must be "Bearer <token>"',
};

/** 401 in the request's language, saying what was wrong: nothing sent, a session that ended, or a refused token. */
function unauthenticated(request: FastifyRequest): HttpError {
  const header = request.headers.authorization;
  const cookie = request.cookies[SESSION_COOKIE];
  const text =
    header !== undefined
      ? /^Bearer\s+\S+$/i.test(header)
        ? TOKEN_REFUSED
        : NOT_BEARER
      : cookie === undefined || cookie === ''
        ? NOT_LOGGED_IN
        : SESSION_ENDED;
  return bilingualError(requestLang(request), 401, 'unauthenticated', text);
}

/** A preHandler that refuses requests without a valid session or token (401). */
export function requireActor(ctx: ServerContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.actor = await resolveActor(ctx, request);
    if (request.actor === null) throw unauthenticated(request);
  };
}

/** The actor of a request that passed requireActor. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) throw unauthenticated(request);
  return request.actor;
}
