import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  checkPasswordPolicy,
  hashPassword,
  passwordChangeDue,
  verifyPassword,
} from '../../accounts/password.js';
import { hashSecret, newSecret } from '../../accounts/secret-token.js';
import { appendAudit } from '../../storage/audit-log-repo.js';
import { listMerchants } from '../../storage/merchants-repo.js';
import {
  createSession,
  deleteExpiredSessions,
  deleteOtherSessions,
  deleteSession,
} from '../../storage/sessions-repo.js';
import { findUserByEmail, getUser, setPasswordHash } from '../../storage/users-repo.js';
import { actorOf, requireActor, resolveActor } from '../authenticate.js';
import { bilingualError, HttpError } from '../http-error.js';
import { requestLang } from '../request-lang.js';
import { SESSION_COOKIE, SESSION_DAYS, type ServerContext } from '../server-context.js';
import { routeSchema } from '../zod-route.js';

const LoginBody = z
  .object({ email: z.string().min(3).max(254), password: z.string().min(1).max(1024) })
  .strict();
const PasswordBody = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().max(1024) })
  .strict();

/**
 * A password the policy refuses: every problem in the request's language, both languages of each in `details` (the
 * dashboard shows them in the language it is set to).
 */
export function passwordPolicyError(
  lang: 'zh' | 'en',
  problems: readonly { zh: string; en: string }[],
): HttpError {
  const en = lang === 'en';
  return new HttpError(
    400,
    'password_policy',
    problems.map((p) => (en ? p.en : p.zh)).join(en ? '; ' : '；'),
    problems,
  );
}

// Verifying against a fixed hash when the email is unknown keeps the answer time the same either way.
let dummyHash: Promise<string> | undefined;

/** The signed-in user as GET /api/v1/me returns it. */
export async function describeMe(ctx: ServerContext, userId: number, lang: 'zh' | 'en') {
  const user = await getUser(ctx.db, userId);
  if (user === undefined)
    throw bilingualError(lang, 401, 'unauthenticated', {
      zh: '该账号已不存在，请重新登录',
      en: 'the user no longer exists',
    });
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    passwordChangedAt: user.password_changed_at,
    passwordChangeDue:
      user.must_change_password === 1 || passwordChangeDue(user.password_changed_at, ctx.now()),
    merchants: await listMerchants(ctx.db, user.id),
  };
}

function setSessionCookie(
  ctx: ServerContext,
  reply: FastifyReply,
  value: string,
  maxAgeSeconds: number,
): void {
  reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secureCookies,
    maxAge: maxAgeSeconds,
  });
}

/** Login, logout, password change and the current user. */
export function authRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(
    '/api/v1/auth/login',
    {
      schema: routeSchema({
        body: LoginBody,
        summary: 'Log in; sets an HttpOnly session cookie',
        tags: ['auth'],
      }),
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof LoginBody>;
      const email = body.email.trim().toLowerCase();
      const now = ctx.now();
      const keys = [`account:${email}`, `address:${request.ip}`];
      // Counted before the (slow) password check, so parallel guesses cannot all get through.
      const wait = ctx.limiter.attempt(keys, now.getTime());
      if (wait > 0) {
        await appendAudit(ctx.db, {
          userId: null,
          action: 'login.blocked',
          details: { email },
          address: request.ip,
          at: now.toISOString(),
        });
        reply.header('retry-after', String(Math.ceil(wait / 1000)));
        throw bilingualError(requestLang(request), 429, 'too_many_attempts', {
          zh: '登录失败次数过多，请稍后再试',
          en: 'too many failed logins; try again later',
        });
      }
      const user = await findUserByEmail(ctx.db, email);
      dummyHash ??= hashPassword('posguard-dummy-Password-1');
      const ok = await verifyPassword(body.password, user?.password_hash ?? (await dummyHash));
      if (user === undefined || !ok) {
        await appendAudit(ctx.db, {
          userId: user?.id ?? null,
          action: 'login.failed',
          details: { email },
          address: request.ip,
          at: now.toISOString(),
        });
        throw bilingualError(requestLang(request), 401, 'invalid_credentials', {
          zh: '邮箱或密码错误',
          en: 'wrong email or password',
        });
      }
      ctx.limiter.forgive(keys, now.getTime());
      ctx.limiter.clear(`account:${email}`);
      const secret = newSecret('pgs');
      const expires = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
      await deleteExpiredSessions(ctx.db, now.toISOString());
      await createSession(ctx.db, {
        userId: user.id,
        tokenHash: hashSecret(secret),
        at: now.toISOString(),
        expiresAt: expires.toISOString(),
      });
      await appendAudit(ctx.db, {
        userId: user.id,
        action: 'login',
        address: request.ip,
        at: now.toISOString(),
      });
      setSessionCookie(ctx, reply, secret, SESSION_DAYS * 86_400);
      return { user: await describeMe(ctx, user.id, requestLang(request)) };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { preHandler: requireActor(ctx), schema: routeSchema({ summary: 'End the session', tags: ['auth'] }) },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.sessionId !== undefined) await deleteSession(ctx.db, actor.sessionId);
      await appendAudit(ctx.db, {
        userId: actor.userId,
        action: 'logout',
        address: request.ip,
        at: ctx.now().toISOString(),
      });
      setSessionCookie(ctx, reply, '', 0);
      return { ok: true };
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({
        body: PasswordBody,
        summary: 'Change the password (policy enforced)',
        tags: ['auth'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const body = request.body as z.infer<typeof PasswordBody>;
      const user = await getUser(ctx.db, actor.userId);
      if (user === undefined || !(await verifyPassword(body.currentPassword, user.password_hash))) {
        throw bilingualError(requestLang(request), 403, 'invalid_credentials', {
          zh: '当前密码不正确',
          en: 'the current password is wrong',
        });
      }
      const problems = checkPasswordPolicy(body.newPassword, user.email);
      if (body.newPassword === body.currentPassword) {
        problems.push({
          code: 'password.too_simple',
          zh: '新密码不能与旧密码相同',
          en: 'the new password must differ from the old one',
        });
      }
      if (problems.length > 0) {
        throw passwordPolicyError(requestLang(request), problems);
      }
      const at = ctx.now().toISOString();
      await setPasswordHash(ctx.db, user.id, await hashPassword(body.newPassword), at);
      // Other sessions end: a changed password must lock out whoever knew the old one.
      await deleteOtherSessions(ctx.db, user.id, actor.sessionId);
      await appendAudit(ctx.db, { userId: user.id, action: 'password.change', address: request.ip, at });
      return { ok: true };
    },
  );

  // The dashboard's first request on every visit asks whether anyone is signed in; "no one" is a normal answer
  // there, so it is 200 with `user: null` (a 401 would be logged by the browser as a failed resource on every
  // login page). API clients keep GET /api/v1/me, which still refuses without a session or token.
  app.get(
    '/api/v1/auth/session',
    {
      schema: routeSchema({
        summary:
          'Who is signed in: `{ user }` as GET /api/v1/me answers, or `{ user: null }` (200) without a valid session or token',
        tags: ['auth'],
      }),
    },
    async (request, reply) => {
      const actor = await resolveActor(ctx, request);
      if (actor === null) {
        // A cookie that names no live session (expired, logged out elsewhere) is dropped with the answer.
        const cookie = request.cookies[SESSION_COOKIE];
        if (request.headers.authorization === undefined && cookie !== undefined && cookie !== '')
          setSessionCookie(ctx, reply, '', 0);
        return { user: null };
      }
      return { user: await describeMe(ctx, actor.userId, requestLang(request)) };
    },
  );

  app.get(
    '/api/v1/me',
    { preHandler: requireActor(ctx), schema: routeSchema({ summary: 'The signed-in user', tags: ['auth'] }) },
    async (request) => describeMe(ctx, actorOf(request).userId, requestLang(request)),
  );
}
