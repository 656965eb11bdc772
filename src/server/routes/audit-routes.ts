import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditReport } from '../../audit/report-types.js';
import { renderCsv } from '../../audit/render-csv.js';
import { renderHtml } from '../../audit/render-html.js';
import { listAuditLog } from '../../storage/audit-log-repo.js';
import { actorOf, requireActor } from '../authenticate.js';
import { auditFromInput, auditMerchant, type Lang, merchantAuditInput } from '../merchant-audit.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { MerchantParams } from './merchant-routes.js';
import { dbId, isoDate, orderedRange, routeSchema } from '../zod-route.js';

const date = isoDate();
// `lang` is declared so the OpenAPI shows it; the language is read with requestLang (?lang=, else Accept-Language,
// else zh), as evidence.zip, the alerts and the errors are, so a default here would hide the header.
const RangeQuery = z
  .object({ from: date.optional(), to: date.optional(), lang: z.enum(['zh', 'en']).optional() })
  .strict()
  .superRefine(orderedRange);
const LogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: dbId().optional(),
});

function rangeOf(q: z.infer<typeof RangeQuery>): { from?: string; to?: string } {
  return { ...(q.from === undefined ? {} : { from: q.from }), ...(q.to === undefined ? {} : { to: q.to }) };
}

/** The audit of a merchant's stored records (JSON, HTML report, findings CSV) and the audit log. */
export function auditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = requireActor(ctx);
  const schema = (summary: string) =>
    routeSchema({ params: MerchantParams, querystring: RangeQuery, summary, tags: ['audit'] });

  const report = async (request: FastifyRequest, lang: Lang): Promise<AuditReport> => {
    const { id } = request.params as z.infer<typeof MerchantParams>;
    const query = request.query as z.infer<typeof RangeQuery>;
    return auditMerchant(ctx.db, actorOf(request).userId, id, rangeOf(query), lang);
  };

  app.get(
    '/api/v1/merchants/:id/audit',
    {
      preHandler: auth,
      schema: schema(
        'The audit JSON (same as `posguard audit --format json`); texts in ?lang= (else Accept-Language, else zh)',
      ),
    },
    async (request) => report(request, requestLang(request)),
  );

  app.get(
    '/api/v1/merchants/:id/report.html',
    {
      preHandler: auth,
      schema: schema('The self-contained HTML report, in ?lang= (else Accept-Language, else zh)'),
    },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const query = request.query as z.infer<typeof RangeQuery>;
      const lang = requestLang(request);
      const input = await merchantAuditInput(ctx.db, actorOf(request).userId, id, lang);
      const audit = auditFromInput(input, rangeOf(query));
      const html = renderHtml(audit, {
        lang,
        ...(input.planText === undefined ? {} : { planText: input.planText }),
      });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  app.get(
    '/api/v1/merchants/:id/findings.csv',
    {
      preHandler: auth,
      schema: schema('The findings as CSV (UTF-8 with BOM), in ?lang= (else Accept-Language, else zh)'),
    },
    async (request, reply) => {
      const lang = requestLang(request);
      const audit = await report(request, lang);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="posguard-findings-${id}.csv"`)
        .send(renderCsv(audit, { lang }));
    },
  );

  app.get(
    '/api/v1/audit-log',
    {
      preHandler: auth,
      schema: routeSchema({
        querystring: LogQuery,
        summary: 'Who did what, on your merchants and your account (newest first)',
        tags: ['audit-log'],
      }),
    },
    async (request) => {
      const q = request.query as z.infer<typeof LogQuery>;
      const lines = await listAuditLog(ctx.db, actorOf(request).userId, {
        limit: q.limit,
        ...(q.before === undefined ? {} : { before: q.before }),
      });
      return { entries: lines };
    },
  );
}
