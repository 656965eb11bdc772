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
import { HttpError } from '../http-error.js';
import type { ServerContext } from '../server-context.js';
import { dbId, noNul, routeSchema } from '../zod-route.js';
import { MerchantParams } from './merchant-routes.js';

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

/** Turns a case refusal into the API's answer: 404 unknown, 409 forbidden transition, 400 bad input, 413. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CaseError) {
      const status = { case_not_found: 404, invalid_transition: 409, invalid: 400, too_large: 413 }[
        error.code
      ];
      throw new HttpError(status, error.code, error.message);
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
      const created = await answer(() => createCase(ctx.db, actor, id, body));
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
      return answer(() => getCase(ctx.db, actorOf(request).userId, id, caseId, ctx.now()));
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
      return answer(() => updateCase(ctx.db, actor, id, caseId, body));
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
      return reply.status(201).send(await answer(() => addCaseNote(ctx.db, actor, id, caseId, text)));
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
      // Refuse before reading the upload from someone who may not write here.
      await requireMerchantRole(ctx.db, userId, id, 'write');
      if (!request.isMultipart())
        throw new HttpError(415, 'unsupported_media_type', 'send multipart/form-data with a `file` part');
      let file: { name: string; contentType: string; bytes: Buffer } | undefined;
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file' || file !== undefined) {
          part.file.resume();
          throw new HttpError(400, 'invalid_request', 'send exactly one file, in the `file` field');
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > MAX_ATTACHMENT_BYTES) {
            part.file.resume();
            throw new HttpError(
              413,
              'too_large',
              `an attachment may be at most ${MAX_ATTACHMENT_BYTES} bytes`,
            );
          }
          chunks.push(chunk);
        }
        if (part.file.truncated) throw new HttpError(413, 'too_large', 'the upload is too large');
        file = { name: safeName(part.filename), contentType: part.mimetype, bytes: Buffer.concat(chunks) };
      }
      if (file === undefined) throw new HttpError(400, 'invalid_request', 'no `file` part in the upload');
      const uploaded = file;
      const actor = { userId, at: ctx.now().toISOString(), address: request.ip };
      const info = await answer(() => addCaseAttachment(ctx.db, actor, id, caseId, uploaded));
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
      const found = await answer(() =>
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
