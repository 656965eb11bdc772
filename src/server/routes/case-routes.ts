import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CaseError } from '../../cases/case-error.js';
import { CASE_STATES, DEFAULT_IDLE_DAYS, MAX_ATTACHMENT_BYTES } from '../../cases/case-states.js';
import {
  addCaseAttachment,
  addCaseNote,
  createCase,
  getCase,
  getCaseAttachment,
  listCases,
  updateCase,
} from '../../storage/cases-repo.js';
import { requireMerchantRole } from '../../storage/access.js';
import { actorOf, requireActor } from '../authenticate.js';
import { bilingualError } from '../http-error.js';
import type { Lang } from '../merchant-audit.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { dbId, noNul, routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';
import { badUpload, tooLarge } from './statement-routes.js';

const CaseParams = MerchantParams.extend({ caseId: dbId() });
const AttachmentParams = CaseParams.extend({ attachmentId: dbId() });
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const findingIds = z.array(z.string().min(1).max(200)).max(10_000);

const CreateBody = z
  .object({
    title: noNul().min(1).max(200),
    provider: noNul().max(200).optional(),
    amountClaimedFen: fen,
    findingIds: findingIds.optional(),
    note: noNul().min(1).max(10_000).optional(),
  })
  .strict();
const PatchBody = z
  .object({
    state: z.enum(CASE_STATES).optional(),
    note: noNul().min(1).max(10_000).optional(),
    title: noNul().min(1).max(200).optional(),
    provider: noNul().max(200).optional(),
    amountClaimedFen: fen.optional(),
    amountRecoveredFen: fen.optional(),
    findingIds: findingIds.optional(),
  })
  .strict();
const NoteBody = z.object({ text: noNul().min(1).max(10_000) }).strict();
const ListQuery = z
  .object({
    state: z.enum(CASE_STATES).optional(),
    idle: z.enum(['true', 'false']).optional(),
    days: z.coerce.number().int().min(0).max(3650).optional(),
  })
  .strict();

/**
 * Turns a case refusal into the API's answer in the request's language: 404 unknown, 409 forbidden transition,
 * 400 bad input, 413.
 */
async function answer<T>(lang: Lang, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CaseError) {
      const status = { case_not_found: 404, invalid_transition: 409, invalid: 400, too_large: 413 }[
        error.code
      ];
      throw bilingualError(lang, status, error.code, { zh: error.zh, en: error.message });
    }
    throw error;
  }
}

function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f"]/g, '');
  return base === '' || base === '.' || base === '..' ? 'attachment' : base;
}

/** Cases: the dispute life cycle with notes and attachments, idle reminders; every change is in the audit log. */
export function caseRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const auth = requireActor(ctx);
  const base = '/api/v1/merchants/:id/cases';

  app.post(
    base,
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        body: CreateBody,
        summary: 'Open a case',
        tags: ['cases'],
      }),
    },
    async (request, reply) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const body = request.body as z.infer<typeof CreateBody>;
      const actor = { userId: actorOf(request).userId, at: ctx.now().toISOString(), address: request.ip };
      const created = await answer(requestLang(request), () => createCase(ctx.db, actor, id, body));
      return reply.status(201).send(created);
    },
  );

  app.get(
    base,
    {
      preHandler: auth,
      schema: routeSchema({
        params: MerchantParams,
        querystring: ListQuery,
        summary: `A merchant's cases, newest first; ?idle=true keeps those unchanged for ?days (default ${DEFAULT_IDLE_DAYS})`,
        tags: ['cases'],
      }),
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof MerchantParams>;
      const q = request.query as z.infer<typeof ListQuery>;
      const cases = await listCases(ctx.db, actorOf(request).userId, id, {
        now: ctx.now(),
        ...(q.state === undefined ? {} : { state: q.state }),
        ...(q.idle === 'true' ? { idleDays: q.days ?? DEFAULT_IDLE_DAYS } : {}),
      });
      return { cases };
    },
  );

  app.get(
    `${base}/:caseId`,
    {
      preHandler: auth,
      schema: routeSchema({
        params: CaseParams,
        summary: 'One case with notes and attachments',
        tags: ['cases'],
      }),
    },
    async (request) => {
      const { id, caseId } = request.params as z.infer<typeof CaseParams>;
      return answer(requestLang(request), () =>
        getCase(ctx.db, actorOf(request).userId, id, caseId, ctx.now()),
      );
    },
  );

  app.patch(
    `${base}/:caseId`,
    {
      preHandler: auth,
      schema: routeSchema({
        params: CaseParams,
        body: PatchBody,
        summary: 'Change a case: state (with a note), amounts, title, provider, linked findings',
        tags: ['cases'],
      }),
    },
    async (request) => {
      const { id, caseId } = request.params as z.infer<typeof CaseParams>;
      const body = request.body as z.infer<typeof PatchBody>;
      const actor = { userId: actorOf(request).userId, at: ctx.now().toISOString(), address: request.ip };
      return answer(requestLang(request), () => updateCase(ctx.db, actor, id, caseId, body));
    },
  );

  app.post(
    `${base}/:caseId/notes`,
    {
      preHandler: auth,
      schema: routeSchema({ params: CaseParams, body: NoteBody, summary: 'Add a note', tags: ['cases'] }),
    },
    async (request, reply) => {
      const { id, caseId } = request.params as z.infer<typeof CaseParams>;
      const { text } = request.body as z.infer<typeof NoteBody>;
      const actor = { userId: actorOf(request).userId, at: ctx.now().toISOString(), address: request.ip };
      return reply
        .status(201)
        .send(await answer(requestLang(request), () => addCaseNote(ctx.db, actor, id, caseId, text)));
    },
  );

  app.post(
    `${base}/:caseId/attachments`,
    {
      preHandler: auth,
      schema: routeSchema({
        params: CaseParams,
        summary: `Attach a file (multipart \`file\`, at most ${MAX_ATTACHMENT_BYTES} bytes), e.g. the evidence pack`,
        tags: ['cases'],
        consumes: ['multipart/form-data'],
      }),
    },
    async (request, reply) => {
      const { id, caseId } = request.params as z.infer<typeof CaseParams>;
      const userId = actorOf(request).userId;
      const lang = requestLang(request);
      // Refuse before reading the upload from someone who may not write here.
      await requireMerchantRole(ctx.db, userId, id, 'write');
      if (!request.isMultipart())
        throw bilingualError(lang, 415, 'unsupported_media_type', {
          zh: '请以 multipart/form-data 上传附件，文件放在 file 字段',
          en: 'send multipart/form-data with a `file` part',
        });
      // The smaller of the attachment limit and the server's upload limit (the multipart plugin's).
      const limit = Math.min(MAX_ATTACHMENT_BYTES, ctx.maxUploadBytes);
      let file: { name: string; contentType: string; bytes: Buffer } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file') continue;
          if (part.fieldname !== 'file' || file !== undefined) {
            part.file.resume();
            throw bilingualError(lang, 400, 'invalid_request', {
              zh: '请只上传一个附件，放在 file 字段',
              en: 'send exactly one file, in the `file` field',
            });
          }
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of part.file as AsyncIterable<Buffer>) {
            size += chunk.length;
            if (size > limit) {
              part.file.resume();
              throw tooLarge(lang, limit);
            }
            chunks.push(chunk);
          }
          if (part.file.truncated) throw tooLarge(lang, limit);
          file = { name: safeName(part.filename), contentType: part.mimetype, bytes: Buffer.concat(chunks) };
        }
      } catch (error) {
        // The multipart plugin's own "file too large" names no limit: say which.
        if (error instanceof Error && 'code' in error && error.code === 'FST_REQ_FILE_TOO_LARGE')
          throw tooLarge(lang, limit);
        throw badUpload(error, lang);
      }
      if (file === undefined)
        throw bilingualError(lang, 400, 'invalid_request', {
          zh: '上传中没有附件，请把文件放在 file 字段',
          en: 'no `file` part in the upload',
        });
      const uploaded = file;
      const actor = { userId, at: ctx.now().toISOString(), address: request.ip };
      const info = await answer(lang, () => addCaseAttachment(ctx.db, actor, id, caseId, uploaded));
      return reply.status(201).send(info);
    },
  );

  app.get(
    `${base}/:caseId/attachments/:attachmentId`,
    {
      preHandler: auth,
      schema: routeSchema({ params: AttachmentParams, summary: 'Download an attachment', tags: ['cases'] }),
    },
    async (request, reply) => {
      const { id, caseId, attachmentId } = request.params as z.infer<typeof AttachmentParams>;
      const found = await answer(requestLang(request), () =>
        getCaseAttachment(ctx.db, actorOf(request).userId, id, caseId, attachmentId),
      );
      return reply
        .type(found.contentType)
        .header(
          'content-disposition',
          `attachment; filename="attachment-${found.id}"; filename*=UTF-8''${encodeURIComponent(found.name)}`,
        )
        .header('x-content-sha256', found.sha256)
        .send(found.bytes);
    },
  );
}
