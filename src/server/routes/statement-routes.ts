import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkImportedRecords } from '../../monitor/check-imported.js';
import { monitorSettingsFor } from '../../monitor/monitor-settings.js';
import { RECORD_KINDS } from '../../records/index.js';
import { requireMerchantRole } from '../../storage/access.js';
import { getKeptUpload } from '../../storage/kept-uploads-repo.js';
import { actorOf, requireActor } from '../authenticate.js';
import { HttpError } from '../http-error.js';
import { importStatement } from '../import-statement.js';
import { requestLang } from '../request-lang.js';
import type { ServerContext } from '../server-context.js';
import { MerchantParams } from './merchant-routes.js';
import { dbId, routeSchema } from '../zod-route.js';

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

/**
 * An upload that stopped halfway (the browser closed, the network dropped) or is not multipart is the sender's
 * problem (400); the database was not touched. Our own errors and disk errors pass through.
 */
function badUpload(error: unknown): unknown {
  if (error instanceof HttpError || !(error instanceof Error)) return error;
  if ('syscall' in error || typeof (error as { statusCode?: unknown }).statusCode === 'number') return error;
  return new HttpError(
    400,
    'invalid_upload',
    `the upload is incomplete or not valid multipart/form-data (${error.message}); send the file again`,
  );
}

/** Statement upload: one multipart `file` (up to 200 MiB), optional `kind` and `preset` fields. */
export function statementRoutes(app: FastifyInstance, ctx: ServerContext): void {
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
      // Refuse before reading 200 MiB from someone who may not write here.
      await requireMerchantRole(ctx.db, actor.userId, id, 'write');
      if (!request.isMultipart())
        throw new HttpError(415, 'unsupported_media_type', 'send multipart/form-data with a `file` part');
      const dir = join(ctx.tmpDir, `posguard-upload-${randomUUID()}`);
      await mkdir(dir, { recursive: true });
      try {
        const fields: Record<string, string> = {};
        let spooled: { path: string; name: string } | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file' || spooled !== undefined) {
                part.file.resume();
                throw new HttpError(400, 'invalid_request', 'send exactly one file, in the `file` field');
              }
              const name = safeName(part.filename);
              const path = join(dir, name);
              await pipeline(part.file, createWriteStream(path));
              if (part.file.truncated) {
                throw new HttpError(413, 'too_large', `the file is larger than ${ctx.maxUploadBytes} bytes`);
              }
              spooled = { path, name };
            } else if (typeof part.value === 'string') {
              fields[part.fieldname] = part.value;
            }
          }
        } catch (error) {
          throw badUpload(error);
        }
        if (spooled === undefined)
          throw new HttpError(400, 'invalid_request', 'no `file` part in the upload');
        const parsed = Fields.safeParse(fields);
        if (!parsed.success) {
          throw new HttpError(
            400,
            'invalid_request',
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          );
        }
        const answer = await importStatement(ctx.db, actor.userId, id, spooled, {
          ...(parsed.data.kind === undefined ? {} : { kind: parsed.data.kind }),
          ...(parsed.data.preset === undefined ? {} : { preset: parsed.data.preset }),
          at: ctx.now().toISOString(),
          address: request.ip,
          lang: requestLang(request),
        });
        if (answer.duplicate) return reply.status(200).send(answer);
        // A statement is checked the moment it arrives, as a pushed settlement line or a watched folder's file
        // is: an overcharge or a rate change raises its alert now, not at the next daily run. Each merchant
        // the file landed on is checked on its own lines.
        let alerts = 0;
        const publicUrl = monitorSettingsFor(ctx.db).publicUrl;
        for (const landing of answer.landings) {
          if (landing.duplicate || landing.stored === 0) continue;
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
}
