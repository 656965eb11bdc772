import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { type CatalogEntry, loadCatalogFile, SHIPPED_CATALOG } from '../../compare/catalog.js';
import { comparePlans } from '../../compare/compare-plans.js';
import { journalCoverage } from '../../compare/journal-coverage.js';
import { statementJumps } from '../../compare/jump-records.js';
import { merchantGroups } from '../../compare/merchant-groups.js';
import { merchantHistory } from '../../compare/merchant-history.js';
import { tableTitles, titleCoverage } from '../../compare/table-titles.js';
import type { Database } from '../../storage/schema.js';
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

/** Base64 characters of a kept file's head: 16 KiB, the most a title is read from (title-lines.ts). */
const HEAD_BASE64_CHARS = Math.ceil((16 * 1024) / 3) * 4;

/**
 * The title lines of the merchant's journals and statements whose file was kept (tableTitles, under the import's
 * file name), by kind: the server keeps records, not files, so a title — the provider a statement names, the days a
 * journal covers — is known only for a kept upload. Only each file's head is read. The caller has checked that the
 * user may read the merchant.
 */
async function keptTitles(
  db: Kysely<Database>,
  merchantId: number,
): Promise<{ terminal: Map<string, string[]>; settlement: Map<string, string[]> }> {
  const kept = await db
    .selectFrom('kept_uploads')
    .innerJoin('imports', 'imports.id', 'kept_uploads.import_id')
    .select([
      'imports.file_name as file',
      'imports.kind as kind',
      sql<string>`substr(kept_uploads.content_base64, 1, ${sql.lit(HEAD_BASE64_CHARS)})`.as('head'),
    ])
    .where('kept_uploads.merchant_id', '=', merchantId)
    .where('imports.kind', 'in', ['terminal', 'settlement'])
    .orderBy('imports.id')
    .execute();
  const out = { terminal: new Map<string, string[]>(), settlement: new Map<string, string[]>() };
  for (const k of kept) {
    const into = k.kind === 'terminal' ? out.terminal : out.settlement;
    const titles = await tableTitles({ name: k.file, bytes: Buffer.from(k.head, 'base64') }, k.file);
    // Two uploads of one name (a portal's daily 结算单.csv) cite their lines alike: the first's title stands.
    for (const [table, lines] of titles) if (!into.has(table)) into.set(table, lines);
  }
  return out;
}

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
      const titles = await keptTitles(ctx.db, id);
      const terminal = input.records.terminal;
      // As `posguard compare` does over the same files: each journal table's title counts for that table, and the
      // findings go to providers by statementJumps, the statements' titles, merchants and terminals.
      const history = merchantHistory(terminal, {
        coverage: journalCoverage(terminal, titleCoverage(titles.terminal)),
        ...(months === undefined ? {} : { months }),
      });
      // The stored lines are this merchant's: one comparison, of the one merchant number they name when they do.
      const groups = merchantGroups(terminal);
      const group = groups.ok && groups.groups.length === 1 ? groups.groups[0] : undefined;
      const jumps =
        input.records.settlement.length === 0
          ? { records: [] }
          : statementJumps({
              report: auditFromInput(input, {}),
              planProvider: input.plans[0]?.provider,
              settlement: input.records.settlement,
              titles: titles.settlement,
            })(group ?? {}, false);
      return comparePlans(history, await shipped(requestLang(request)), jumps.records, {
        ...(asOf === undefined ? {} : { asOf }),
        unassignedJumps: jumps.unassigned,
      });
    },
  );
}
