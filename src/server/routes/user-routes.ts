import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkPasswordPolicy, generatePassword, hashPassword } from '../../accounts/password.js';
import { appendAudit } from '../../storage/audit-log-repo.js';
import { grantMembership, requireGrantAllowed } from '../../storage/merchants-repo.js';
import { MEMBER_ROLES } from '../../storage/schema.js';
import { createUser, findUserByEmail, listVisibleUsers } from '../../storage/users-repo.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError } from '../http-error.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { routeSchema } from '../zod-route.js';
import { passwordPolicyError } from './auth-routes.js';

const InviteBody = z
  .object({
    email: z.email().max(254),
    role: z.enum(MEMBER_ROLES),
    merchantIds: z.array(z.number().int().positive()).min(1).max(1000),
    password: z.string().max(1024).optional(),
  })
  .strict();

/** Inviting people to one's merchants, and listing who shares them. */
export function userRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(
    '/api/v1/users',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({
        body: InviteBody,
        summary: 'Invite a user to your merchants with a role (owner or agent only)',
        tags: ['users'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body as z.infer<typeof InviteBody>;
      const at = ctx.now().toISOString();
      let user = await findUserByEmail(ctx.db, body.email);
      // Re-inviting oneself could only demote oneself out of one's own merchants.
      if (user?.id === actor.userId)
        throw bilingualError(requestLang(request), 400, 'invalid_request', {
          zh: '不能邀请自己',
          en: 'you cannot invite yourself',
        });
      // Every merchant must be the inviter's to share, with this role, before anything is created.
      for (const merchantId of body.merchantIds) {
        await requireGrantAllowed(ctx.db, actor.userId, {
          merchantId,
          role: body.role,
          ...(user === undefined ? {} : { userId: user.id }),
        });
      }
      let temporaryPassword: string | undefined;
      if (user === undefined) {
        const password = body.password ?? generatePassword();
        const problems = checkPasswordPolicy(password, body.email);
        if (problems.length > 0) throw passwordPolicyError(requestLang(request), problems);
        if (body.password === undefined) temporaryPassword = password;
        user = await createUser(ctx.db, {
          email: body.email,
          passwordHash: await hashPassword(password),
          role: body.role,
          mustChangePassword: true,
          at,
        });
      }
      for (const merchantId of body.merchantIds) {
        await grantMembership(ctx.db, actor.userId, { merchantId, userId: user.id, role: body.role, at });
        await appendAudit(ctx.db, {
          userId: actor.userId,
          merchantId,
          action: 'user.invite',
          details: { invitedUserId: user.id, email: user.email, role: body.role },
          address: request.ip,
          at,
        });
      }
      const answer: Record<string, unknown> = {
        id: user.id,
        email: user.email,
        role: body.role,
        merchantIds: body.merchantIds,
      };
      if (temporaryPassword !== undefined) answer['temporaryPassword'] = temporaryPassword;
      return reply.status(201).send(answer);
    },
  );

  app.get(
    '/api/v1/users',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({ summary: 'Users on the merchants you own or serve as agent', tags: ['users'] }),
    },
    async (request) => ({ users: await listVisibleUsers(ctx.db, actorOf(request).userId) }),
  );
}
