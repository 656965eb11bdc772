import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildEvidencePack, type PackInput } from '../../explain/evidence-pack.js';
import { findCjkFont } from '../../explain/render-pdf.js';
import { listImports } from '../../storage/imports-repo.js';
import { todayInShanghai } from '../../time/shanghai.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError } from '../http-error.js';
import { auditFromInput, merchantAuditInput } from '../merchant-audit.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { isoDate, orderedRange, routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';

const date = isoDate();
const EvidenceQuery = z
  .object({
    from: date.optional(),
    to: date.optional(),
    date: date.optional(),
    lang: z.enum(['zh', 'en']).optional(),
  })
  .strict()
  .superRefine(orderedRange);

/**
 * GET /api/v1/merchants/:id/evidence.zip — the evidence pack of a merchant's stored records (members only), in
 * `?lang=` or else the language the request prefers (Accept-Language), as the dashboard shows it.
 */
export function evidenceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/api/v1/merchants/:id/evidence.zip',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({
        params: MerchantParams,
        querystring: EvidenceQuery,
        summary:
          'The evidence pack (zip): report HTML and PDF, findings CSV, complaint letter, plan and a SHA-256 manifest; ' +
          'report and CSV in ?lang (else Accept-Language, else zh), the letter to send in zh-CN with its English beside it',
        tags: ['audit'],
      }),
    },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const query = request.query as z.infer<typeof EvidenceQuery>;
      const lang = requestLang(request);
      const input = await merchantAuditInput(ctx.db, actorOf(request).userId, id, lang);
      const report = auditFromInput(input, {
        ...(query.from === undefined ? {} : { from: query.from }),
        ...(query.to === undefined ? {} : { to: query.to }),
      });
      const font = findCjkFont(process.env);
      if (!font.ok) throw bilingualError(lang, 503, 'no_cjk_font', font);
      // The server keeps records, not files: the manifest lists each import with the size and hash it had.
      const imports = await listImports(ctx.db, actorOf(request).userId, id);
      const inputs: PackInput[] = imports
        .sort((a, b) => a.id - b.id)
        .map((f) => ({
          name: f.file_name,
          kind: f.kind === 'terminal' || f.kind === 'bank' ? f.kind : 'settlement',
          sha256: f.sha256,
          size: f.bytes,
        }));
      if (input.planText !== undefined)
        inputs.push({ name: 'plan.yaml', kind: 'plan', bytes: Buffer.from(input.planText, 'utf8') });
      // The letter is signed with the merchant as registered: the server keeps no statement's title lines.
      const merchant = await ctx.db
        .selectFrom('merchants')
        .select(['name', 'merchant_code'])
        .where('id', '=', id)
        .executeTakeFirst();
      const pack = await buildEvidencePack({
        ...(merchant === undefined
          ? {}
          : {
              parties: [
                {
                  kind: 'terminal' as const,
                  merchant: merchant.name,
                  ...(merchant.merchant_code === null ? {} : { merchantId: merchant.merchant_code }),
                },
              ],
            }),
        report,
        inputs,
        plans: input.plans,
        ...(input.planText === undefined ? {} : { planText: input.planText }),
        font: font.font,
        date: query.date ?? todayInShanghai(ctx.now().getTime()),
        lang,
      });
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="posguard-evidence-${id}.zip"`)
        .send(pack.zip);
    },
  );
}
