import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { monitorSettingsFor } from '../../monitor/monitor-settings.js';
import { recheckAfterPlanSave } from '../../monitor/recheck-after-plan.js';
import { parsePlan } from '../../plans/parse-plan.js';
import { RECORD_KINDS } from '../../records/index.js';
import { appendAudit } from '../../storage/audit-log-repo.js';
import { importNotes, listImports, setAsideLines } from '../../storage/imports-repo.js';
import { keepUploadsOf, setKeepUploads } from '../../storage/kept-uploads-repo.js';
import { createMerchant, getMerchant, listMerchants } from '../../storage/merchants-repo.js';
import { latestPlan, savePlan } from '../../storage/plans-repo.js';
import { countRecords, listRecords } from '../../storage/records-repo.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError, HttpError } from '../http-error.js';
import { planNamesOtherMerchant } from '../merchant-audit.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { dbId, MAX_DB_ID, plainText, routeSchema } from '../zod-route.js';

const MerchantBody = z
  .object({
    name: plainText().trim().min(1).max(200),
    merchantId: plainText().trim().min(1).max(64).optional(),
  })
  .strict();
const MerchantPatch = z.object({ keepUploads: z.boolean() }).strict();
export const MerchantParams = z.object({ id: dbId() });
const RecordsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).max(MAX_DB_ID).optional(),
  kind: z.enum(RECORD_KINDS).optional(),
  /** Only the records read from this file name and row (a finding's source), without paging through all. */
  file: z.string().min(1).max(1000).optional(),
  row: z.coerce.number().int().min(0).max(MAX_DB_ID).optional(),
});
const PlanBody = z.union([z.string().max(1_000_000), z.record(z.string(), z.unknown())]);

/** Merchants, their plan and their stored records. */
export function merchantRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = requireActor(ctx);

  app.post(
    '/api/v1/merchants',
    {
      preHandler: auth,
      schema: routeSchema({ body: MerchantBody, summary: 'Create a merchant', tags: ['merchants'] }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body as z.infer<typeof MerchantBody>;
      const at = ctx.now().toISOString();
      const merchant = await createMerchant(ctx.db, actor.userId, {
        name: body.name,
        merchantId: body.merchantId,
        at,
      });
      await appendAudit(ctx.db, {
        userId: actor.userId,
        merchantId: merchant.id,
        action: 'merchant.create',
        details: { name: merchant.name, merchantId: merchant.merchantId },
        address: request.ip,
        at,
      });
      return reply.status(201).send(merchant);
    },
  );

  app.get(
    '/api/v1/merchants',
    { preHandler: auth, schema: routeSchema({ summary: 'Your merchants', tags: ['merchants'] }) },
    async (request) => ({ merchants: await listMerchants(ctx.db, actorOf(request).userId) }),
  );

  app.get(
    '/api/v1/merchants/:id',
    {
      preHandler: auth,
      schema: routeSchema({ params: MerchantParams, summary: 'One merchant', tags: ['merchants'] }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const merchant = await getMerchant(ctx.db, actor.userId, id);
      const imports = await listImports(ctx.db, actor.userId, id);
      return {
        ...merchant,
        keepUploads: await keepUploadsOf(ctx.db, actor.userId, id),
        records: await countRecords(ctx.db, actor.userId, id),
        imports: imports.map((i) => {
          // Lines of the upload naming a merchant number the uploader has no shop for: why `stored` may be 0.
          const setAside = setAsideLines(i, actor.userId);
          return {
            id: i.id,
            file: i.file_name,
            sha256: i.sha256,
            preset: i.preset,
            encoding: i.encoding,
            kind: i.kind,
            rows: i.rows,
            stored: i.stored,
            rejected: importNotes(i, actor.userId).rejected.length,
            createdAt: i.created_at,
            // Cut off mid-row: its last day is left unchecked until the file is downloaded again.
            ...(i.truncated === 1 ? { truncated: true as const } : {}),
            ...(setAside === undefined ? {} : { setAside }),
          };
        }),
      };
    },
  );

  app.patch(
    '/api/v1/merchants/:id',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        body: MerchantPatch,
        summary:
          'Change merchant settings (`keepUploads`: keep uploaded statement files, card numbers masked)',
        tags: ['merchants'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const body = request.body as z.infer<typeof MerchantPatch>;
      await setKeepUploads(ctx.db, actor.userId, id, body.keepUploads);
      await appendAudit(ctx.db, {
        userId: actor.userId,
        merchantId: id,
        action: 'merchant.update',
        details: { keepUploads: body.keepUploads },
        address: request.ip,
        at: ctx.now().toISOString(),
      });
      return { ...(await getMerchant(ctx.db, actor.userId, id)), keepUploads: body.keepUploads };
    },
  );

  app.put(
    '/api/v1/merchants/:id/plan',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        body: PlanBody,
        summary: 'Set the fee plan (YAML with Content-Type application/yaml, or JSON)',
        tags: ['plans'],
        consumes: ['application/yaml', 'application/json'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const format = typeof request.body === 'string' ? 'yaml' : 'json';
      const text =
        typeof request.body === 'string' ? request.body : (request.rawBody ?? JSON.stringify(request.body));
      const parsed = parsePlan(text, format === 'yaml' ? 'plan.yaml' : 'plan.json');
      if (!parsed.ok) {
        // `details` stays the list of problems, each in both languages (the upload page lists them).
        const n = parsed.errors.length;
        const zh = parsed.errors
          .map((e) => `${e.path || '（顶层）'}${e.line === undefined ? '' : `（第 ${e.line} 行）`}：${e.zh}`)
          .join('；');
        const en = parsed.errors
          .map((e) => `${e.path || '(root)'}${e.line === undefined ? '' : ` (line ${e.line})`}: ${e.en}`)
          .join('; ');
        throw new HttpError(
          400,
          'invalid_plan',
          requestLang(request) === 'en'
            ? `the plan has ${n} ${n === 1 ? 'problem' : 'problems'}: ${en}`
            : `费率方案有 ${n} 处错误：${zh}`,
          parsed.errors,
        );
      }
      const stored = await savePlan(ctx.db, actor.userId, id, { text, format, at: ctx.now().toISOString() });
      await appendAudit(ctx.db, {
        userId: actor.userId,
        merchantId: id,
        action: 'plan.set',
        details: { version: stored.version, format },
        address: request.ip,
        at: stored.createdAt,
      });
      // Settlement lines stored before this plan (or priced by an earlier version) are checked against it
      // now: an overcharge in a statement uploaded before the plan existed raises its alert.
      try {
        const raised = await recheckAfterPlanSave(ctx.db, id, {
          at: stored.createdAt,
          publicUrl: monitorSettingsFor(ctx.db).publicUrl,
        });
        if (raised.length > 0) ctx.kickAlerts();
      } catch (error) {
        // The plan is saved (committed); a failed re-check must not turn the save into an error.
        request.log.error({ err: error, merchantId: id }, 're-checking settlements after a plan save failed');
      }
      // A plan naming another merchant number is still this merchant's plan (the audit and the monitor price
      // its lines with it), but the number is most likely a slip: said as a warning, not refused.
      const merchant = await getMerchant(ctx.db, actor.userId, id);
      const other = planNamesOtherMerchant(parsed.plan.merchantId, merchant.merchantId);
      return {
        ...stored,
        plan: parsed.plan,
        warnings: other === undefined ? parsed.warnings : [...parsed.warnings, other],
      };
    },
  );

  app.get(
    '/api/v1/merchants/:id/plan',
    {
      preHandler: auth,
      schema: routeSchema({ params: MerchantParams, summary: 'The plan in force', tags: ['plans'] }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const stored = await latestPlan(ctx.db, actor.userId, id);
      if (stored === undefined)
        throw bilingualError(requestLang(request), 404, 'no_plan', {
          zh: `商户 ${id} 还没有费率方案`,
          en: `merchant ${id} has no plan yet`,
        });
      const parsed = parsePlan(stored.text, stored.format === 'yaml' ? 'plan.yaml' : 'plan.json');
      return { ...stored, plan: parsed.ok ? parsed.plan : null };
    },
  );

  app.get(
    '/api/v1/merchants/:id/records',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        querystring: RecordsQuery,
        summary:
          'Stored records, paged by id (`after` = the last id seen); `file` and `row` pick the rows a finding cites',
        tags: ['records'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const q = request.query as z.infer<typeof RecordsQuery>;
      const page = await listRecords(ctx.db, actor.userId, id, {
        limit: q.limit,
        ...(q.after === undefined ? {} : { after: q.after }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.file === undefined ? {} : { file: q.file }),
        ...(q.row === undefined ? {} : { row: q.row }),
      });
      const last = page[page.length - 1];
      return {
        records: page.map((r) => ({ id: r.id, importId: r.importId, ...r.record })),
        nextAfter: page.length === q.limit && last !== undefined ? last.id : null,
      };
    },
  );
}
