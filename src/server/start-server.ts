import type { FastifyInstance } from 'fastify';
import { ensureFirstOwner } from '../accounts/first-owner.js';
import { configFromEnv, openDatabase, type Storage } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import { buildApp } from './app.js';
import { seedDemo } from './demo-seed.js';

/** How `posguard serve` was asked to run. */
export interface ServeOptions {
  host?: string;
  port?: number;
  dbFile?: string;
  env: NodeJS.ProcessEnv;
  /** Lines for the person at the console (the generated password, where data went). */
  say: (line: string) => void;
  /** Fastify logger: true = pino to stdout at info; false in tests. */
  logger?: boolean;
}

/** A running server and how to stop it. */
export interface RunningServer {
  app: FastifyInstance;
  storage: Storage;
  url: string;
  close(): Promise<void>;
}

/**
 * POSGUARD_MAX_UPLOAD_BYTES: the biggest upload, and the most a compressed one may unpack to (default 200 MiB).
 * Anything but a positive whole number of bytes is an error at start, not a limit silently ignored.
 */
function uploadLimitOf(env: NodeJS.ProcessEnv): number | undefined {
  const text = env['POSGUARD_MAX_UPLOAD_BYTES'];
  if (text === undefined || text === '') return undefined;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new Error(
      `POSGUARD_MAX_UPLOAD_BYTES 应为正整数（字节数），而不是「${text}」/ must be a positive whole number of bytes, not "${text}"`,
    );
  return bytes;
}

/**
 * Opens (creating) the database, backs it up and migrates it when needed, creates the first owner and the
 * demo merchant on an empty database, and listens on HOST:PORT (default 127.0.0.1:3000).
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const env = options.env;
  const maxUploadBytes = uploadLimitOf(env);
  const storage = openDatabase(configFromEnv(env, options.dbFile));
  try {
    const migrated = await migrateToLatest(storage);
    if (migrated.backupFile !== undefined) {
      options.say(`迁移数据库前已备份 / backed up before migrating: ${migrated.backupFile}`);
    }
    const now = new Date();
    const owner = await ensureFirstOwner(storage.db, env, now);
    if (owner !== undefined) {
      options.say(`已创建管理员 / first owner created: ${owner.email}`);
      if (owner.generatedPassword !== undefined) {
        options.say(
          `初始密码（只显示这一次，首次登录后请修改）/ initial password (shown once, change it after logging in): ${owner.generatedPassword}`,
        );
      }
      if (env['POSGUARD_DEMO'] !== '0') {
        const demo = await seedDemo(storage.db, owner.userId, now);
        if (demo !== undefined) {
          options.say(
            `已生成演示商户 / demo merchant seeded: ${demo.name} (${demo.records} records; POSGUARD_DEMO=0 turns this off)`,
          );
        }
      }
    }
    const app = await buildApp({
      db: storage.db,
      logger: options.logger === false ? false : { level: env['LOG_LEVEL'] ?? 'info' },
      secureCookies: env['POSGUARD_SECURE_COOKIES'] === '1',
      trustProxy: env['POSGUARD_TRUST_PROXY'] === '1',
      ...(maxUploadBytes === undefined ? {} : { maxUploadBytes }),
    });
    const host = options.host ?? env['HOST'] ?? '127.0.0.1';
    const port = options.port ?? (env['PORT'] === undefined ? 3000 : Number(env['PORT']));
    const address = await app.listen({ host, port });
    return {
      app,
      storage,
      url: address,
      async close() {
        // Requests under way finish (an import is abandoned and rolled back, see statementRoutes); a keep-alive
        // connection that falls idle meanwhile would otherwise hold the close for its whole keep-alive timeout
        // (72 s), so idle ones are closed until everything is.
        const closing = app.close();
        const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
        try {
          await closing;
        } finally {
          clearInterval(sweep);
        }
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
