import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { hashSecret, newSecret } from '../../accounts/secret-token.js';
import { appendAudit } from '../../storage/audit-log-repo.js';
import { createToken, listTokens, revokeToken } from '../../storage/tokens-repo.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError } from '../http-error.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { dbId, noNul, routeSchema } from '../zod-route.js';

const TokenBody = z.object({ name: noNul().min(1).max(100).default('api') }).strict();
const IdParams = z.object({ id: dbId() });

/** Bearer tokens for machines: create (shown once), list, revoke. */
export function tokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post(
    '/api/v1/tokens',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({
        body: TokenBody,
        summary: 'Create a bearer token (shown once)',
        tags: ['tokens'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body as z.infer<typeof TokenBody>;
      const token = newSecret('pgt');
      const at = ctx.now().toISOString();
      const id = await createToken(ctx.db, {
        userId: actor.userId,
        name: body.name,
        tokenHash: hashSecret(token),
        at,
      });
      await appendAudit(ctx.db, {
        userId: actor.userId,
        action: 'token.create',
        details: { tokenId: id, name: body.name },
        address: request.ip,
        at,
      });
      return reply.status(201).send({ id, name: body.name, token });
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({ summary: 'Your tokens (without secrets)', tags: ['tokens'] }),
    },
    async (request) => ({ tokens: await listTokens(ctx.db, actorOf(request).userId) }),
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({ params: IdParams, summary: 'Revoke a token', tags: ['tokens'] }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof IdParams>;
      const at = ctx.now().toISOString();
      if (!(await revokeToken(ctx.db, actor.userId, id, at)))
        throw bilingualError(requestLang(request), 404, 'not_found', {
          zh: `未找到令牌 ${id}`,
          en: `token ${id} not found`,
        });
      await appendAudit(ctx.db, {
        userId: actor.userId,
        action: 'token.revoke',
        details: { tokenId: id },
        address: request.ip,
        at,
      });
      return { ok: true };
    },
  );
}
