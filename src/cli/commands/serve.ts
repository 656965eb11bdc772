import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { pick } from '../lang.js';

/** Registers `posguard serve`: the HTTP API (and dashboard) on HOST:PORT. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      pick(
        ctx.lang,
        '启动服务端（API 与看板）：默认 http://127.0.0.1:3000，数据存于 ./posguard.db（设置 DATABASE_URL 则用 PostgreSQL）',
        'start the server (API and dashboard): http://127.0.0.1:3000 by default, data in ./posguard.db (PostgreSQL when DATABASE_URL is set)',
      ),
    )
    .option(
      '--host <host>',
      pick(
        ctx.lang,
        '监听地址（默认 HOST 或 127.0.0.1）',
        'address to listen on (default HOST or 127.0.0.1)',
      ),
    )
    .option('--port <port>', pick(ctx.lang, '端口（默认 PORT 或 3000）', 'port (default PORT or 3000)'))
    .option(
      '--db <file>',
      pick(
        ctx.lang,
        'SQLite 数据库文件（默认 POSGUARD_DB 或 ./posguard.db）',
        'SQLite file (default POSGUARD_DB or ./posguard.db)',
      ),
    )
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        '\n示例:\n  posguard serve\n  posguard serve --port 8080 --db /var/lib/posguard/posguard.db\n  DATABASE_URL=postgresql://posguard@db/posguard posguard serve --host 0.0.0.0\n\n环境变量：POSGUARD_ADMIN_EMAIL / POSGUARD_ADMIN_PASSWORD（首个管理员；不设则生成随机密码并只打印一次），POSGUARD_DEMO=0（不生成演示商户）。\n',
        '\nExamples:\n  posguard serve\n  posguard serve --port 8080 --db /var/lib/posguard/posguard.db\n  DATABASE_URL=postgresql://posguard@db/posguard posguard serve --host 0.0.0.0\n\nEnvironment: POSGUARD_ADMIN_EMAIL / POSGUARD_ADMIN_PASSWORD (first owner; else a random password printed once), POSGUARD_DEMO=0 (no demo merchant).\n',
      ),
    )
    .action(async (opts: { host?: string; port?: string; db?: string }) => {
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new CliError(`端口无效：${opts.port}`, `invalid port: ${opts.port}`);
      }
      const { startServer } = await import('../../server/start-server.js');
      const { FirstOwnerError } = await import('../../accounts/first-owner.js');
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          ...(opts.host === undefined ? {} : { host: opts.host }),
          ...(port === undefined ? {} : { port }),
          ...(opts.db === undefined ? {} : { dbFile: opts.db }),
          env: process.env,
          say: (line) => ctx.stdout(`${line}\n`),
        });
      } catch (error) {
        if (error instanceof FirstOwnerError) throw new CliError(error.zh, error.message);
        const code = (error as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new CliError('端口已被占用', 'the port is already in use');
        throw error;
      }
      ctx.stdout(`posguard: ${server.url}  (API ${server.url}/api, OpenAPI ${server.url}/docs)\n`);
      const running = server;
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void running.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
