import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { auditRecords } from '../../audit/audit.js';
import type { AuditSummary } from '../../audit/report-types.js';
import { saleLineOf } from '../../monitor/rate-window.js';
import { formatPlanIssue, type PlanIssue, parsePlan } from '../../plans/parse-plan.js';
import { quoteFee } from '../../plans/expected-fee.js';
import { requireMerchantRole } from '../../storage/access.js';
import { getMerchant, listMerchants } from '../../storage/merchants-repo.js';
import { addDays, localDateOf } from '../../time/shanghai.js';
import { actorOf, requireActor } from '../authenticate.js';
import { auditFromInput, merchantAuditInput, planNamesOtherMerchant } from '../merchant-audit.js';
import type { ServerContext } from '../server-context.js';
import { routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';

const PlanText = z.string().max(1_000_000);
const LangQuery = z.object({ lang: z.enum(['zh', 'en']).default('zh') });

/** A plan issue as the dashboard shows it: the fields plus the line `posguard plan check` prints. */
function describeIssue(issue: PlanIssue, lang: 'zh' | 'en') {
  return { ...issue, text: formatPlanIssue('plan.yaml', issue, lang) };
}

function planTextOf(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body ?? '');
}

/** Days counted as "recent" for a rate jump on the portfolio. */
export const RECENT_JUMP_DAYS = 30;

/** Endpoints the dashboard needs beyond the issue 6 contract: portfolio, plan check and plan preview. */
export function dashboardRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = requireActor(ctx);

  app.get(
    '/api/v1/portfolio',
    {
      preHandler: auth,
      schema: routeSchema({
        summary: `Your merchants ranked by money lost, with rate jumps in the last ${RECENT_JUMP_DAYS} days`,
        tags: ['dashboard'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const since = addDays(localDateOf(ctx.now().toISOString()), -RECENT_JUMP_DAYS);
      const merchants = await listMerchants(ctx.db, actor.userId);
      const rows = [];
      for (const m of merchants) {
        const audit = auditFromInput(await merchantAuditInput(ctx.db, actor.userId, m.id), {});
        const findings = Object.values(audit.summary.findingsByKind).reduce((n, c) => n + c, 0);
        const recentJumps = audit.rateChanges.filter((c) => c.date >= since);
        rows.push({
          id: m.id,
          name: m.name,
          merchantId: m.merchantId,
          demo: m.demo,
          role: m.role,
          lossFen: audit.summary.lossFen,
          overchargeFen: audit.summary.overchargeFen,
          findings,
          rateChanges: audit.rateChanges.length,
          // The whole formula on each side: a fixed fee or a cap that moved is a jump even when the rate did not.
          recentJumps: recentJumps.map((c) => ({
            date: c.date,
            channel: c.channel,
            card: c.card,
            band: c.band,
            beforeRate: c.beforeRate,
            afterRate: c.afterRate,
            beforeFixedFen: c.beforeFixedFen,
            afterFixedFen: c.afterFixedFen,
            ...(c.beforeCapFen === undefined ? {} : { beforeCapFen: c.beforeCapFen }),
            ...(c.afterCapFen === undefined ? {} : { afterCapFen: c.afterCapFen }),
            // An episode's end and a cap no sale could reach, so the dashboard never words them as lasting or removed.
            ...(c.until === undefined ? {} : { until: c.until }),
            ...(c.beforeCapUnknown === undefined ? {} : { beforeCapUnknown: c.beforeCapUnknown }),
            ...(c.afterCapUnknown === undefined ? {} : { afterCapUnknown: c.afterCapUnknown }),
          })),
          lastRecordDate:
            (audit.effectiveRates ?? [])
              .map((r) => r.date)
              .sort()
              .at(-1) ?? null,
        });
      }
      rows.sort(
        (a, b) => b.lossFen - a.lossFen || b.recentJumps.length - a.recentJumps.length || a.id - b.id,
      );
      return { since, merchants: rows };
    },
  );

  app.post(
    '/api/v1/plans/check',
    {
      preHandler: auth,
      schema: routeSchema({
        body: PlanText,
        querystring: LangQuery,
        summary: 'Validate a plan (YAML body) as `posguard plan check` does, without saving it',
        tags: ['plans'],
        consumes: ['application/yaml', 'text/plain'],
      }),
    },
    async (request) => {
      const { lang } = request.query as z.infer<typeof LangQuery>;
      const parsed = parsePlan(planTextOf(request.body), 'plan.yaml');
      if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => describeIssue(e, lang)) };
      return { ok: true, errors: [], warnings: parsed.warnings.map((w) => describeIssue(w, lang)) };
    },
  );

  app.post(
    '/api/v1/merchants/:id/plan/preview',
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        body: PlanText,
        querystring: LangQuery,
        summary: "What this plan (YAML body) would have charged on the merchant's stored data (not saved)",
        tags: ['plans'],
        consumes: ['application/yaml', 'text/plain'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const { lang } = request.query as z.infer<typeof LangQuery>;
      // Membership first: a stranger learns nothing, not even that the merchant id exists.
      await requireMerchantRole(ctx.db, actor.userId, id, 'read');
      const parsed = parsePlan(planTextOf(request.body), 'plan.yaml');
      if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => describeIssue(e, lang)) };
      // As the stored plan is (merchantAuditInput): the plan would be this merchant's whatever merchantId it
      // names, so it prices the merchant's lines without one, and a number naming another merchant is warned of.
      const { merchantId: named, ...plan } = parsed.plan;
      const other = planNamesOtherMerchant(named, (await getMerchant(ctx.db, actor.userId, id)).merchantId);
      const input = await merchantAuditInput(ctx.db, actor.userId, id, lang);
      const current = auditFromInput(input, {});
      const proposed = auditRecords({
        ...input.records,
        plans: [plan],
        files: input.files,
        rejected: input.rejected,
        warnings: [],
      });
      // Settled sales priced one by one under the proposed plan, beside the fee actually taken: the lines the
      // monitor prices as sales (pre-authorisation completions too; the fee, else amount − settled).
      let sales = 0;
      let chargedFeeFen = 0;
      let plannedFeeFen = 0;
      let unpriced = 0;
      for (const r of input.records.settlement) {
        const sale = saleLineOf(r);
        if (sale === undefined) continue;
        const quote = quoteFee(plan, {
          amountFen: r.amountFen,
          channel: r.channel,
          card: r.card,
          date: localDateOf(r.time),
        });
        if (!quote.ok) {
          unpriced += 1;
          continue;
        }
        sales += 1;
        chargedFeeFen += sale.feeFen;
        plannedFeeFen += quote.feeFen;
      }
      const brief = (s: AuditSummary) => ({
        overchargeFen: s.overchargeFen,
        lossFen: s.lossFen,
        findingsByKind: s.findingsByKind,
      });
      return {
        ok: true,
        warnings: [...parsed.warnings, ...(other === undefined ? [] : [other])].map((w) =>
          describeIssue(w, lang),
        ),
        sales,
        unpriced,
        chargedFeeFen,
        plannedFeeFen,
        differenceFen: chargedFeeFen - plannedFeeFen,
        proposed: brief(proposed.summary),
        current: brief(current.summary),
      };
    },
  );
}
