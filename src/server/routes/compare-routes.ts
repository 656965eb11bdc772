import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type CatalogEntry, loadCatalogFile, SHIPPED_CATALOG } from '../../compare/catalog.js';
import { comparePlans } from '../../compare/compare-plans.js';
import { jumpRecordsFromAudit } from '../../compare/jump-records.js';
import { merchantHistory } from '../../compare/merchant-history.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError } from '../http-error.js';
import { auditFromInput, merchantAuditInput } from '../merchant-audit.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { isoDate, routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';

const CompareQuery = z
  .object({
    months: z.coerce.number().int().min(1).max(999).optional(),
    /** The day the merchant would switch: the first year is priced from it (default today, Asia/Shanghai). */
    asOf: isoDate().optional(),
  })
  .strict();

/** The provider comparison over a merchant's stored terminal records, for the dashboard's ranking. */
export function compareRoutes(app: FastifyInstance, ctx: ServerContext): void {
  let catalog: ReturnType<typeof loadCatalogFile> | undefined;
  // The load is kept, the refusal made per request: each caller is told in its own language.
  const shipped = async (lang: 'zh' | 'en'): Promise<CatalogEntry[]> => {
    catalog ??= loadCatalogFile(SHIPPED_CATALOG);
    const c = await catalog;
    if (!c.ok) throw bilingualError(lang, 500, 'invalid_catalog', { zh: c.zh, en: c.en });
    return c.entries;
  };

  app.get(
    '/api/v1/merchants/:id/compare',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({
        params: MerchantParams,
        querystring: CompareQuery,
        summary:
          'The shipped provider catalogue priced over the stored terminal records, cheapest first year first; `asOf` = the switch date the first year starts on (same JSON as `posguard compare --format json`)',
        tags: ['compare'],
      }),
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const { months, asOf } = request.query as z.infer<typeof CompareQuery>;
      const input = await merchantAuditInput(ctx.db, actorOf(request).userId, id);
      const history = merchantHistory(input.records.terminal, months === undefined ? {} : { months });
      const jumps =
        input.records.settlement.length === 0
          ? []
          : jumpRecordsFromAudit(auditFromInput(input, {}), input.plans[0]?.provider);
      return comparePlans(
        history,
        await shipped(requestLang(request)),
        jumps,
        asOf === undefined ? {} : { asOf },
      );
    },
  );
}
