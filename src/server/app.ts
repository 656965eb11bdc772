import { tmpdir } from 'node:os';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { LoginLimiter } from '../accounts/login-limiter.js';
import type { Database } from '../storage/schema.js';
import { installErrorHandler } from './error-handler.js';
import { bilingualError, type HttpError } from './http-error.js';
import { requestLang } from './request-lang.js';
import { alertRoutes } from './routes/alert-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { evidenceRoutes } from './routes/evidence-routes.js';
import { caseRoutes } from './routes/case-routes.js';
import { compareRoutes } from './routes/compare-routes.js';
import { deviceRoutes } from './routes/device-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { ingestRoutes } from './routes/ingest-routes.js';
import { merchantRoutes } from './routes/merchant-routes.js';
import { MAX_UPLOAD_BYTES, statementRoutes } from './routes/statement-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { webRoutes } from './routes/web-routes.js';
import type { ServerContext } from './server-context.js';
import { installZodCompilers, routeSchema } from './zod-route.js';

/** What the API server needs; everything but the database has a default. */
export interface AppOptions {
  db: Kysely<Database>;
  /** Fastify's logger option (a pino logger or its options); off by default (tests). */
  logger?: FastifyServerOptions['logger'];
  /** The clock; tests move it to prove the 90-day reminder and the rate-limit window. */
  now?: () => Date;
  limiter?: LoginLimiter;
  /** Set the cookie's Secure flag (serve behind HTTPS). */
  secureCookies?: boolean;
  tmpDir?: string;
  /** The biggest statement upload accepted (default 200 MiB). */
  maxUploadBytes?: number;
  /** Trust X-Forwarded-For (behind a reverse proxy) so the per-address rate limit sees the client. */
  trustProxy?: boolean;
}

/** 400 for a body sent as JSON that is not, in the request's language, saying where JSON.parse stopped. */
function invalidJson(lang: 'zh' | 'en', error: unknown): HttpError {
  const reason = error instanceof Error ? error.message : '';
  const at = /at position (\d+)/.exec(reason)?.[1];
  const where =
    at !== undefined
      ? { zh: `（第 ${Number(at) + 1} 个字符处）`, en: ` (at character ${Number(at) + 1})` }
      : /end of JSON input/.test(reason)
        ? { zh: '（内容不完整）', en: ' (it ends too early)' }
        : { zh: '', en: '' };
  return bilingualError(lang, 400, 'invalid_json', {
    zh: `请求体不是有效的 JSON${where.zh}；请检查引号、逗号和括号`,
    en: `the body is not valid JSON${where.en}; check its quotes, commas and brackets`,
  });
}

/** Builds the posguard HTTP API (not listening; call `listen` or use `inject` in tests). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 2 * 1024 * 1024,
  });
  const ctx: ServerContext = {
    db: options.db,
    now: options.now ?? (() => new Date()),
    limiter: options.limiter ?? new LoginLimiter(),
    secureCookies: options.secureCookies ?? false,
    tmpDir: options.tmpDir ?? tmpdir(),
    maxUploadBytes: options.maxUploadBytes ?? MAX_UPLOAD_BYTES,
    kickAlerts: () => undefined,
  };
  app.decorateRequest('actor', null);
  installZodCompilers(app);
  installErrorHandler(app);

  // JSON is parsed here rather than by Fastify so a plan sent as JSON keeps its text (and line numbers).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(invalidJson(requestLang(request), error), undefined);
    }
  });
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, typeof body === 'string' ? body : body.toString('utf8')),
  );

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: ctx.maxUploadBytes, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'posguard API',
        description: 'POS 跳点卫士: statements, fee plans and audits per merchant',
        version: '1',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'posguard_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/api/health', { schema: routeSchema({ summary: 'Liveness', tags: ['health'] }) }, async () => ({
    status: 'ok',
  }));
  authRoutes(app, ctx);
  tokenRoutes(app, ctx);
  userRoutes(app, ctx);
  merchantRoutes(app, ctx);
  statementRoutes(app, ctx);
  auditRoutes(app, ctx);
  evidenceRoutes(app, ctx);
  caseRoutes(app, ctx);
  deviceRoutes(app, ctx);
  compareRoutes(app, ctx);
  dashboardRoutes(app, ctx);
  ingestRoutes(app, ctx);
  alertRoutes(app, ctx);
  await webRoutes(app);
  return app;
}
