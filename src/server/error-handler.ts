import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccessDenied } from '../storage/access.js';
import { type Bilingual, bilingualError, HttpError } from './http-error.js';
import { InvalidRequest } from './invalid-request.js';
import { requestLang } from './request-lang.js';

/**
 * Fastify's and @fastify/multipart's own refusals (a body or file over the limit, a Content-Type no parser takes,
 * a broken form), told in both languages: they come before or beneath a route's code, so without this an upload
 * refused for its size or its type would be the only English answer a zh-CN browser gets. The codes stay
 * Fastify's.
 */
const FASTIFY_TEXT: Record<string, Bilingual> = {
  FST_REQ_FILE_TOO_LARGE: {
    zh: '上传的文件超过大小上限；请拆分后分别上传，或压缩为 ZIP 后上传',
    en: 'the uploaded file is larger than the limit; split it, or upload it as a ZIP',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    zh: '请求体超过大小上限；文件请以 multipart/form-data 上传',
    en: 'the request body is larger than the limit; send files as multipart/form-data',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    zh: '不支持该请求内容类型（Content-Type）；文件请以 multipart/form-data 上传，其他请求用 application/json',
    en: 'this Content-Type is not supported; send files as multipart/form-data, other requests as application/json',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    zh: '请求不是 multipart/form-data；请把文件放在 file 字段上传',
    en: 'the request is not multipart/form-data; send the file in the `file` field',
  },
  FST_FILES_LIMIT: {
    zh: '一次只能上传一个文件，请放在 file 字段',
    en: 'send exactly one file per upload, in the `file` field',
  },
  FST_FIELDS_LIMIT: { zh: '表单字段过多', en: 'the form has too many fields' },
  FST_PARTS_LIMIT: { zh: '表单的部分过多', en: 'the form has too many parts' },
  FST_PROTO_VIOLATION: {
    zh: '表单字段名不能是 __proto__ 或 constructor',
    en: 'a form field may not be named __proto__ or constructor',
  },
  FST_MP_PREMATURE_CLOSE: {
    zh: '上传在完成前中断，请重新发送文件',
    en: 'the upload was closed before it was complete; send the file again',
  },
  FST_INVALID_JSON_FIELD_ERROR: {
    zh: '表单字段声明为 JSON，但内容不是有效的 JSON',
    en: 'a form field declared as JSON is not valid JSON',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    zh: '请求的 Content-Length 与实际长度不符，请重新发送',
    en: 'the Content-Length does not match the body sent; send the request again',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    zh: '声明为 JSON 的请求体为空',
    en: 'the body is declared as JSON but is empty',
  },
};

/** An access refusal thrown without its Chinese (the English names what was refused). */
const DENIED_TEXT: Record<AccessDenied['code'], string> = {
  not_found: '未找到，或您无权访问',
  forbidden: '您的角色无权执行此操作',
};

const INTERNAL: Bilingual = {
  zh: '服务器内部错误，请稍后重试；一直出现时请联系管理员',
  en: 'internal error',
};

/** 404 for a path no route serves, in the request's language (the dashboard's catch-all answers it for GET /api). */
export function noRoute(request: FastifyRequest): HttpError {
  const route = `${request.method} ${request.url}`;
  return bilingualError(requestLang(request), 404, 'not_found', {
    zh: `没有这个接口：${route}`,
    en: `no route ${route}`,
  });
}

function send(reply: FastifyReply, error: HttpError): FastifyReply {
  const body: { code: string; message: string; details?: unknown } = {
    code: error.code,
    message: error.message,
  };
  if (error.details !== undefined) body.details = error.details;
  return reply.status(error.statusCode).send({ error: body });
}

/**
 * The one place errors become HTTP answers: `{ "error": { "code", "message", "details"? } }`, the message in the
 * request's language (?lang, Accept-Language, else zh) with both texts in `details.zh` / `details.en`.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError | AccessDenied | Error, request, reply) => {
    if (error instanceof HttpError) return send(reply, error);
    const lang = requestLang(request);
    if (error instanceof AccessDenied) {
      const status = error.code === 'not_found' ? 404 : 403;
      const text = { zh: error.zh ?? DENIED_TEXT[error.code], en: error.message };
      return send(reply, bilingualError(lang, status, error.code, text));
    }
    if (error instanceof InvalidRequest) {
      return send(
        reply,
        bilingualError(lang, 400, 'invalid_request', error.text, { problems: error.problems }),
      );
    }
    const fe = error as FastifyError & { validationContext?: string };
    if (fe.validationContext !== undefined || fe.code === 'FST_ERR_VALIDATION') {
      const where = fe.validationContext ?? 'request';
      return send(
        reply,
        bilingualError(lang, 400, 'invalid_request', {
          zh: `请求无效（${where}）：${fe.message}`,
          en: `${where}: ${fe.message}`,
        }),
      );
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code =
        fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'too_large'
          : (fe.code ?? 'bad_request').toLowerCase();
      const text = FASTIFY_TEXT[fe.code] ?? { zh: `请求未被接受：${fe.message}`, en: fe.message };
      return send(reply, bilingualError(lang, fe.statusCode, code, text));
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, bilingualError(lang, 500, 'internal', INTERNAL));
  });
  app.setNotFoundHandler((request, reply) => send(reply, noRoute(request)));
}
