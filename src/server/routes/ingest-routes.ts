import { Cron } from 'croner';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AlertWorker } from '../../monitor/alert-worker.js';
import { runDailyChecks } from '../../monitor/daily-checks.js';
import {
  IngestRefused,
  type IngestKind,
  ingestRecords,
  type RecordProblem,
  validatePush,
} from '../../monitor/ingest.js';
import { monitorSettingsFor } from '../../monitor/monitor-settings.js';
import type { PosRecord } from '../../records/index.js';
import { requireMerchantRole } from '../../storage/access.js';
import { localDateOfEpoch } from '../../time/shanghai.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError, HttpError } from '../http-error.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';

const KeyHeader = z.string().min(1).max(255);

/** Types whose money comes in (positive amount, discount ≥ 0), in the merchant's view RecordSchema takes. */
const COMING_IN: Readonly<Record<string, string>> = { sale: '消费', 'preauth-complete': '预授权完成' };
/** Types whose money goes back (negative amount, discount ≤ 0). */
const GOING_BACK: Readonly<Record<string, string>> = { refund: '退货', void: '撤销', reversal: '冲正' };

/**
 * The pushed records whose amount (or merchant discount) has the wrong sign for their type: a sale's amount is
 * positive, a refund's, void's or reversal's negative (RecordSchema, the merchant's view). A negative sale would
 * be stored and read as money the merchant lost less of (a missing settlement of −¥50.00); the schema itself
 * takes any sign, as the importers need, so the push route checks it. Deductions and rebates are read by their
 * size everywhere and are not checked.
 */
function wrongSigns(records: readonly PosRecord[]): RecordProblem[] {
  const problems: RecordProblem[] = [];
  const problem = (index: number, path: string, zh: string, en: string): void => {
    problems.push({ index, path, zh: `[${index}].${path}：${zh}`, en: `[${index}].${path}: ${en}` });
  };
  records.forEach((r, i) => {
    const incoming = COMING_IN[r.type];
    const back = GOING_BACK[r.type];
    if (incoming !== undefined && r.amountFen <= 0)
      problem(
        i,
        'amountFen',
        `${incoming}（${r.type}）的金额应为正数（分），收到 ${r.amountFen}；退回的钱请以 type "refund"（退货）、"void"（撤销）或 "reversal"（冲正）推送，金额为负数`,
        `a ${r.type}'s amount is positive (fen), got ${r.amountFen}; send money going back as type "refund", "void" or "reversal", with a negative amount`,
      );
    if (back !== undefined && r.amountFen >= 0)
      problem(
        i,
        'amountFen',
        `${back}（${r.type}）的金额应为负数（分；按商户视角，退回的钱为负），收到 ${r.amountFen}`,
        `a ${r.type}'s amount is negative (fen; the merchant's view: money going back), got ${r.amountFen}`,
      );
    const discount = r.discountFen;
    if (discount === undefined) return;
    if (incoming !== undefined && discount < 0)
      problem(
        i,
        'discountFen',
        `${incoming}（${r.type}）的商家优惠应 ≥ 0（分），收到 ${discount}`,
        `a ${r.type}'s discountFen is 0 or more (fen), got ${discount}`,
      );
    if (back !== undefined && discount > 0)
      problem(
        i,
        'discountFen',
        `${back}（${r.type}）的商家优惠应 ≤ 0（分），收到 ${discount}`,
        `a ${r.type}'s discountFen is 0 or less (fen), got ${discount}`,
      );
  });
  return problems;
}

/**
 * Live ingest (POST …/transactions, …/settlements) with checks on arrival, plus the monitor's background
 * work in this process: the alert delivery worker and the daily reconciliation (croner, Asia/Shanghai).
 */
export function ingestRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = requireActor(ctx);
  const settings = monitorSettingsFor(ctx.db);
  const worker = settings.worker ? new AlertWorker(ctx.db, settings, ctx.now) : undefined;
  // Statement uploads check their lines on arrival too (statement-routes): they wake the same worker.
  ctx.kickAlerts = () => worker?.kick();
  let cron: Cron | undefined;
  app.addHook('onReady', async () => {
    worker?.start();
    if (settings.scheduler) {
      cron = new Cron(
        settings.dailyCron,
        { timezone: 'Asia/Shanghai', unref: true, protect: true },
        async () => {
          const now = ctx.now();
          await runDailyChecks(ctx.db, localDateOfEpoch(now.getTime()), {
            at: now.toISOString(),
            publicUrl: settings.publicUrl,
          }).catch((error: unknown) => app.log.error({ err: error }, 'daily monitor run failed'));
          worker?.kick();
        },
      );
    }
  });
  app.addHook('onClose', async () => {
    cron?.stop();
    await worker?.stop();
  });

  const route = (path: string, kind: IngestKind, summary: string): void => {
    app.post(
      path,
      {
        preHandler: auth,
        schema: routeSchema({ params: MerchantParams, summary, tags: ['monitor'] }),
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { id } = request.params as z.infer<typeof MerchantParams>;
        await requireMerchantRole(ctx.db, actor.userId, id, 'write');
        const lang = requestLang(request);
        const header = request.headers['idempotency-key'];
        let key: string | undefined;
        if (header !== undefined) {
          const parsed = KeyHeader.safeParse(Array.isArray(header) ? header[0] : header);
          if (!parsed.success)
            throw bilingualError(lang, 400, 'invalid_request', {
              zh: 'Idempotency-Key 请求头应为 1 到 255 个字符',
              en: 'Idempotency-Key: 1 to 255 characters',
            });
          key = parsed.data;
        }
        if (request.body === undefined)
          throw bilingualError(lang, 400, 'invalid_request', {
            zh: '请求体为空；请发送一条 JSON 记录或一个 JSON 数组',
            en: 'send a JSON record or array',
          });
        try {
          // Shape first (ingestRecords checks it again, cheaply), then the signs the schema leaves open.
          const signs = wrongSigns(validatePush(kind, request.body));
          if (signs.length > 0) {
            const shown = signs.slice(0, 20);
            throw new IngestRefused(
              400,
              'invalid_record',
              shown.map((p) => p.en).join('; '),
              signs,
              shown.map((p) => p.zh).join('；'),
            );
          }
          const answer = await ingestRecords(ctx.db, actor.userId, id, kind, request.body, {
            idempotencyKey: key,
            at: ctx.now().toISOString(),
            publicUrl: settings.publicUrl,
          });
          worker?.kick();
          return reply.status(answer.status).send(answer.body);
        } catch (error) {
          if (error instanceof IngestRefused) {
            if (error.zh !== undefined)
              throw bilingualError(
                lang,
                error.status,
                error.code,
                { zh: error.zh, en: error.message },
                error.details === undefined ? {} : { problems: error.details },
              );
            throw new HttpError(error.status, error.code, error.message, error.details);
          }
          throw error;
        }
      },
    );
  };
  route(
    '/api/v1/merchants/:id/transactions',
    'terminal',
    'Push terminal transactions (one record or an array; Idempotency-Key makes retries safe)',
  );
  route(
    '/api/v1/merchants/:id/settlements',
    'settlement',
    'Push settlement lines (one record or an array; checked against the plan at once)',
  );
}
