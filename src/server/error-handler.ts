import type { FastifyError, FastifyInstance } from 'fastify';
import { AccessDenied } from '../storage/access.js';
import { HttpError } from './http-error.js';

/** The one place errors become HTTP answers: `{ "error": { "code", "message", "details"? } }`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError | AccessDenied | Error, request, reply) => {
    if (error instanceof HttpError) {
      const body: { code: string; message: string; details?: unknown } = {
        code: error.code,
        message: error.message,
      };
      if (error.details !== undefined) body.details = error.details;
      return reply.status(error.statusCode).send({ error: body });
    }
    if (error instanceof AccessDenied) {
      return reply
        .status(error.code === 'not_found' ? 404 : 403)
        .send({ error: { code: error.code, message: error.message } });
    }
    const fe = error as FastifyError & { validationContext?: string };
    if (fe.validationContext !== undefined || fe.code === 'FST_ERR_VALIDATION') {
      return reply.status(400).send({
        error: { code: 'invalid_request', message: `${fe.validationContext ?? 'request'}: ${fe.message}` },
      });
    }
    if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: { code: 'too_large', message: fe.message } });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = (fe.code ?? 'bad_request').toLowerCase();
      return reply.status(fe.statusCode).send({ error: { code, message: fe.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }),
  );
}
