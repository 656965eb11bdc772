import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkImportedRecords, landingToCheck } from '../../monitor/check-imported.js';
import { monitorSettingsFor } from '../../monitor/monitor-settings.js';
import { RECORD_KINDS } from '../../records/index.js';
import { builtinPresets } from '../../statements/preset.js';
import { requireMerchantRole } from '../../storage/access.js';
import { deleteImport } from '../../storage/imports-repo.js';
import { getKeptUpload } from '../../storage/kept-uploads-repo.js';
import { actorOf, requireActor } from '../authenticate.js';
import { type Bilingual, bilingualError, HttpError } from '../http-error.js';
import { ImportAbandoned, importStatement, UnpackedTooLarge } from '../import-statement.js';
import type { Lang } from '../merchant-audit.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { MerchantParams } from './merchant-routes.js';
import { dbId, routeSchema, zod } from '../zod-route.js';

/** The biggest statement file accepted in one upload. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const ImportParams = MerchantParams.extend({ importId: dbId() });

const Fields = z
  .object({ kind: z.enum(RECORD_KINDS).optional(), preset: z.string().min(1).max(64).optional() })
  .strict();

function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f]/g, '');
  return base === '' || base === '.' || base === '..' ? 'upload' : base;
}

const MIB = 1024 * 1024;

/** An upload limit as people read it: whole MiB when it is some, else bytes. */
function sizeText(bytes: number): Bilingual {
  return bytes >= MIB && bytes % MIB === 0
    ? { zh: `${bytes / MIB} MiB`, en: `${bytes / MIB} MiB` }
    : { zh: `${bytes} 字节`, en: `${bytes} bytes` };
}

/** 413 for an upload over `maxBytes`, in the request's language; the case attachment route answers with it too. */
export function tooLarge(lang: Lang, maxBytes: number): HttpError {
  const limit = sizeText(maxBytes);
  return bilingualError(lang, 413, 'too_large', {
    zh: `文件超过上传上限 ${limit.zh}；请拆分后分别上传，或压缩为 ZIP 后上传`,
    en: `the file is larger than the upload limit of ${limit.en}; split it, or upload it as a ZIP`,
  });
}

/**
 * An upload that stopped halfway (the browser closed, the network dropped) or is not multipart is the sender's
 * problem (400); the database was not touched. Our own errors and disk errors pass through, and so do the
 * multipart plugin's (a limit reached), which the error handler tells in the request's language.
 */
export function badUpload(error: unknown, lang: Lang): unknown {
  if (error instanceof HttpError || !(error instanceof Error)) return error;
  if ('syscall' in error || typeof (error as { statusCode?: unknown }).statusCode === 'number') return error;
  return bilingualError(lang, 400, 'invalid_upload', {
    zh: '上传不完整或不是有效的 multipart/form-data，请重新发送文件',
    en: `the upload is incomplete or not valid multipart/form-data (${error.message}); send the file again`,
  });
}

/** 400 for a form with a second file: one statement per request, each its own import. */
function oneFilePerRequest(lang: Lang): HttpError {
  return bilingualError(lang, 400, 'invalid_request', {
    zh: '每次请求只能上传一个文件（放在 file 字段）；多个文件请分别上传，或压缩为一个 ZIP 后上传',
    en: 'send one file per request (in the `file` field); upload several files one by one, or as one ZIP',
  });
}

/** 400 for a `preset` field naming no preset this server has, listing those it has. */
function unknownPreset(lang: Lang, name: string): HttpError {
  const known = [...builtinPresets().keys()].sort();
  return bilingualError(
    lang,
    400,
    'invalid_request',
    {
      zh: `preset 字段「${name}」不是已知的预设；可用的预设：${known.join('、')}；不填则自动识别`,
      en: `preset "${name}" is not a known preset; known presets: ${known.join(', ')}; leave it out to detect the layout`,
    },
    { field: 'preset', known },
  );
}

/**
 * 503 for an upload whose import was abandoned because the server is stopping: nothing of it was stored (the
 * transaction was rolled back), so sending it again later imports it whole.
 */
function abandoned(lang: Lang): HttpError {
  return bilingualError(lang, 503, 'shutting_down', {
    zh: '服务器正在停止，本次导入已取消，未保存任何内容；请稍后重新上传该文件',
    en: 'the server is stopping; this import was cancelled and nothing of it was stored; upload the file again later',
  });
}

/** The form fields refused, each named with what it takes. */
function fieldsRefused(issues: readonly z.core.$ZodIssue[], fields: Record<string, string>): Bilingual {
  const texts = issues.map((issue): Bilingual => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      return {
        zh: `表单中有不认识的字段 ${keys}；只接受 file、kind、preset`,
        en: `unknown form field(s) ${keys}; only file, kind and preset are accepted`,
      };
    }
    if (issue.path[0] === 'kind') {
      return {
        zh: `kind 字段「${fields['kind'] ?? ''}」无效，应为 terminal（终端流水）、settlement（结算单）或 bank（银行流水）`,
        en: `kind "${fields['kind'] ?? ''}" is not one of terminal, settlement, bank`,
      };
    }
    return {
      zh: `preset 字段应为 1 到 64 个字符的预设名`,
      en: 'preset must be a preset name of 1 to 64 characters',
    };
  });
  return { zh: texts.map((t) => t.zh).join('；'), en: texts.map((t) => t.en).join('; ') };
}

/** DELETE …/imports/{importId}: what went, as deleteImport answers. */
const DeletedImportAnswer = z.object({
  importId: z.number().int(),
  file: z.string(),
  sha256: z.string(),
  kind: z.enum(RECORD_KINDS),
  preset: z.string(),
  removed: z.object({
    records: z.number().int().describe('records the import had stored'),
    keptFiles: z.number().int().describe('the kept copy of the file (0 or 1)'),
    alerts: z.number().int().describe('monitor alerts raised on its lines, with their deliveries'),
  }),
  keptPushedRecords: z
    .number()
    .int()
    .describe('lines a push through the API brought too: kept as the pushed records they are'),
  laterOverlaps: z
    .array(z.object({ importId: z.number().int(), file: z.string(), alreadyStored: z.number().int() }))
    .describe(
      'later imports of the same kind that skipped lines as already stored; lines of this file among them are gone with it',
    ),
});

/** Statement upload: one multipart `file` (up to 200 MiB), optional `kind` and `preset` fields. */
export function statementRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // The imports running now: a server told to stop (SIGTERM, app.close) abandons them, each rolled back whole,
  // instead of waiting for a file of a million lines to finish.
  const running = new Set<AbortController>();
  let stopping = false;
  app.addHook('preClose', async () => {
    stopping = true;
    for (const controller of running) controller.abort();
  });

  app.post(
    '/api/v1/merchants/:id/statements',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({
        params: MerchantParams,
        summary:
          'Upload a statement file (multipart `file`; optional `kind`, `preset`); atomic and idempotent',
        tags: ['statements'],
        consumes: ['multipart/form-data'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const lang = requestLang(request);
      // Refuse before reading 200 MiB from someone who may not write here.
      await requireMerchantRole(ctx.db, actor.userId, id, 'write');
      if (!request.isMultipart())
        throw bilingualError(lang, 415, 'unsupported_media_type', {
          zh: '请以 multipart/form-data 上传，文件放在 file 字段',
          en: 'send multipart/form-data with a `file` part',
        });
      const oneFile = {
        zh: '请只上传一个文件，放在 file 字段',
        en: 'send exactly one file, in the `file` field',
      };
      const dir = join(ctx.tmpDir, `posguard-upload-${randomUUID()}`);
      await mkdir(dir, { recursive: true });
      // From here until the records are stored, a stopping server abandons the upload (see `running`).
      const controller = new AbortController();
      running.add(controller);
      const abandon = (): HttpError => {
        // The server is going: this connection must not stay open for another request.
        void reply.header('connection', 'close');
        return abandoned(lang);
      };
      try {
        if (stopping) throw abandon();
        const fields: Record<string, string> = {};
        let spooled: { path: string; name: string } | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (spooled !== undefined) {
                part.file.resume();
                throw oneFilePerRequest(lang);
              }
              if (part.fieldname !== 'file') {
                part.file.resume();
                throw bilingualError(lang, 400, 'invalid_request', oneFile);
              }
              const name = safeName(part.filename);
              const path = join(dir, name);
              await pipeline(part.file, createWriteStream(path), { signal: controller.signal });
              if (part.file.truncated) throw tooLarge(lang, ctx.maxUploadBytes);
              spooled = { path, name };
            } else if (typeof part.value === 'string') {
              fields[part.fieldname] = part.value;
            }
          }
        } catch (error) {
          if (controller.signal.aborted) throw abandon();
          // The multipart limit of one file is met at the second: the sender's mistake (400), not a size (413).
          if ((error as { code?: unknown }).code === 'FST_FILES_LIMIT') throw oneFilePerRequest(lang);
          throw badUpload(error, lang);
        }
        if (controller.signal.aborted) throw abandon();
        if (spooled === undefined)
          throw bilingualError(lang, 400, 'invalid_request', {
            zh: '上传中没有文件，请把文件放在 file 字段',
            en: 'no `file` part in the upload',
          });
        const parsed = Fields.safeParse(fields);
        if (!parsed.success)
          throw bilingualError(lang, 400, 'invalid_request', fieldsRefused(parsed.error.issues, fields));
        // A preset this server does not have is a wrong form field (400), not a file that cannot be read.
        if (parsed.data.preset !== undefined && !builtinPresets().has(parsed.data.preset))
          throw unknownPreset(lang, parsed.data.preset);
        let answer: Awaited<ReturnType<typeof importStatement>>;
        try {
          answer = await importStatement(ctx.db, actor.userId, id, spooled, {
            ...(parsed.data.kind === undefined ? {} : { kind: parsed.data.kind }),
            ...(parsed.data.preset === undefined ? {} : { preset: parsed.data.preset }),
            at: ctx.now().toISOString(),
            address: request.ip,
            lang,
            tmpDir: dir,
            maxUnpackedBytes: ctx.maxUploadBytes,
            signal: controller.signal,
          });
        } catch (error) {
          if (error instanceof UnpackedTooLarge) throw tooLarge(lang, ctx.maxUploadBytes);
          if (error instanceof ImportAbandoned) throw abandon();
          throw error;
        } finally {
          // Stored (or refused): a stop now leaves the records whole; only the checks below are cut short.
          running.delete(controller);
        }
        if (answer.duplicate) return reply.status(200).send(answer);
        // A statement is checked the moment it arrives, as a pushed settlement line or a watched folder's file
        // is: an overcharge or a rate change raises its alert now, not at the next daily run. Each merchant
        // the file landed on is checked on its own lines.
        let alerts = 0;
        const publicUrl = monitorSettingsFor(ctx.db).publicUrl;
        for (const landing of answer.landings) {
          if (!landingToCheck(landing)) continue;
          // Stopping: the records are stored; the checks left undone are the daily run's.
          if (stopping) break;
          try {
            const raised = await checkImportedRecords(ctx.db, landing.merchantId, landing.importId, {
              at: ctx.now().toISOString(),
              publicUrl,
            });
            alerts += raised.length;
          } catch (error) {
            // The records are stored (committed); a failed check must not turn the upload into an error.
            request.log.error(
              { err: error, importId: landing.importId },
              'checking an uploaded statement failed',
            );
          }
        }
        if (alerts > 0) ctx.kickAlerts();
        return reply.status(201).send({ ...answer, alerts });
      } finally {
        running.delete(controller);
        // The spooled upload goes; a kept copy (owner's opt-in) is in the database.
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/api/v1/merchants/:id/imports/:importId/file',
    {
      preHandler: requireActor(ctx),
      schema: routeSchema({
        params: ImportParams,
        summary:
          'Download the kept file of an import (masked when it held full card numbers); 404 when not kept',
        tags: ['statements'],
      }),
    },
    async (request, reply) => {
      const { id, importId } = request.params as z.infer<typeof ImportParams>;
      const found = await getKeptUpload(ctx.db, actorOf(request).userId, id, importId);
      return reply
        .type('application/octet-stream')
        .header(
          'content-disposition',
          `attachment; filename="import-${found.importId}"; filename*=UTF-8''${encodeURIComponent(found.name)}`,
        )
        .header('x-content-sha256', found.sha256)
        .header('x-original-sha256', found.originalSha256)
        .header('x-masked', found.masked ? '1' : '0')
        .send(found.bytes);
    },
  );

  app.delete(
    '/api/v1/merchants/:id/imports/:importId',
    {
      preHandler: requireActor(ctx),
      schema: {
        ...routeSchema({
          params: ImportParams,
          summary: 'Delete an import (a wrong or test file), so that the file can be uploaded again',
          tags: ['statements'],
        }),
        description:
          "Owner or agent (staff: 403; another merchant's import or none: 404). In one transaction, removes the " +
          "import's records, its kept file, the monitor alerts raised on its lines (a day's overcharge total " +
          'that other lines still make up is recounted instead) and the rate-change history they fed, and logs ' +
          '`import.delete` in the audit log. Lines a push through the API also brought stay. Answers what went.',
        response: { 200: zod(DeletedImportAnswer) },
      },
    },
    async (request) => {
      const { id, importId } = request.params as z.infer<typeof ImportParams>;
      return deleteImport(ctx.db, actorOf(request).userId, id, importId, {
        at: ctx.now().toISOString(),
        address: request.ip,
      });
    },
  );
}
