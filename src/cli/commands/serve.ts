import { createServer } from 'node:net';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { pick } from '../lang.js';

/**
 * The base of the links alert messages carry when POSGUARD_PUBLIC_URL is not set: the address the server listens
 * on. A wildcard host (0.0.0.0, ::) is no address to open: this machine's loopback stands for it, and the help says
 * to set POSGUARD_PUBLIC_URL for the address people reach the server at.
 */
export function listenUrl(host: string, port: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  const shown = bare === '0.0.0.0' || bare === '' ? '127.0.0.1' : bare === '::' ? 'localhost' : bare;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/** A port free on `host` now (what listening on port 0 would be given), so the links can name it beforehand. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

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
        '\n示例：\n  posguard serve\n  posguard serve --port 8080 --db /var/lib/posguard/posguard.db\n  DATABASE_URL=postgresql://posguard@db/posguard posguard serve --host 0.0.0.0\n  DATABASE_URL="postgresql://posguard@db/shared?schema=posguard" posguard serve\n  POSGUARD_PUBLIC_URL=https://posguard.example.com posguard serve --host 0.0.0.0 --port 8080\n\n环境变量：POSGUARD_ADMIN_EMAIL / POSGUARD_ADMIN_PASSWORD（首个管理员；不设则生成随机密码并只打印一次），POSGUARD_DEMO=0（不生成演示商户），\n  POSGUARD_PG_SCHEMA（PostgreSQL 中存放全部表的 schema，不存在则创建；也可写在 DATABASE_URL 里：?schema=名称；不设则用 public），\n  POSGUARD_PUBLIC_URL（告警消息里看板链接的地址，如 https://posguard.example.com；不设则用服务实际监听的地址，如 http://127.0.0.1:8080，监听 0.0.0.0 时请设置为别人能打开的地址），\n  POSGUARD_SMTP_URL（邮件告警的发信服务器，如 smtp://用户:密码@smtp.example.com:587；不设则不能添加邮件告警渠道）/ POSGUARD_SMTP_FROM（发件人）。\n',
        '\nExamples:\n  posguard serve\n  posguard serve --port 8080 --db /var/lib/posguard/posguard.db\n  DATABASE_URL=postgresql://posguard@db/posguard posguard serve --host 0.0.0.0\n  DATABASE_URL="postgresql://posguard@db/shared?schema=posguard" posguard serve\n  POSGUARD_PUBLIC_URL=https://posguard.example.com posguard serve --host 0.0.0.0 --port 8080\n\nEnvironment: POSGUARD_ADMIN_EMAIL / POSGUARD_ADMIN_PASSWORD (first owner; else a random password printed once), POSGUARD_DEMO=0 (no demo merchant),\n  POSGUARD_PG_SCHEMA (the PostgreSQL schema holding every table, created when missing; or in DATABASE_URL: ?schema=name; unset, public),\n  POSGUARD_PUBLIC_URL (the base of the dashboard links in alert messages, e.g. https://posguard.example.com; unset, the address the server listens on, e.g. http://127.0.0.1:8080 — set it when listening on 0.0.0.0),\n  POSGUARD_SMTP_URL (the SMTP server of e-mail alerts, e.g. smtp://user:pass@smtp.example.com:587; unset, e-mail channels cannot be added) / POSGUARD_SMTP_FROM (their sender).\n',
      ),
    )
    .action(async (opts: { host?: string; port?: string; db?: string }) => {
      let port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new CliError(`端口无效：${opts.port}`, `invalid port: ${opts.port}`);
      }
      // Alert links are worded when an alert is raised, from the monitor's settings (POSGUARD_PUBLIC_URL, read
      // from the environment, some once as the app is built): without it they must name the port this server is
      // on, not the default 3000. The port is settled first (a free one for port 0) and the variable set for this
      // process before the app is built, so every link — pushed, uploaded or daily — carries it.
      const env = process.env;
      const givenPublic = env['POSGUARD_PUBLIC_URL'];
      let linkBase: string | undefined;
      if (givenPublic === undefined || givenPublic.trim() === '') {
        const host = opts.host ?? env['HOST'] ?? '127.0.0.1';
        const wanted = port ?? (env['PORT'] === undefined ? 3000 : Number(env['PORT']));
        if (Number.isInteger(wanted) && wanted >= 0 && wanted <= 65535) {
          if (wanted === 0) {
            try {
              port = await freePort(host);
            } catch {
              port = 0; // listen reports the problem with this host itself
            }
          } else port = wanted;
          if (port !== 0) {
            linkBase = listenUrl(host, port);
            env['POSGUARD_PUBLIC_URL'] = linkBase;
          }
        }
      }
      // Put back as it was once this server is gone (serve run in-process, as tests do, leaves no trace).
      const restorePublicUrl = (): void => {
        if (linkBase === undefined) return;
        if (givenPublic === undefined) delete env['POSGUARD_PUBLIC_URL'];
        else env['POSGUARD_PUBLIC_URL'] = givenPublic;
      };
      const { startServer } = await import('../../server/start-server.js');
      const { FirstOwnerError } = await import('../../accounts/first-owner.js');
      let server: Awaited<ReturnType<typeof startServer>>;
      try {
        server = await startServer({
          ...(opts.host === undefined ? {} : { host: opts.host }),
          ...(port === undefined ? {} : { port }),
          ...(opts.db === undefined ? {} : { dbFile: opts.db }),
          env,
          say: (line) => ctx.stdout(`${line}\n`),
        });
      } catch (error) {
        restorePublicUrl();
        if (error instanceof FirstOwnerError) throw new CliError(error.zh, error.message);
        const code = (error as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new CliError('端口已被占用', 'the port is already in use');
        throw error;
      }
      ctx.stdout(`posguard: ${server.url}  (API ${server.url}/api, OpenAPI ${server.url}/docs)\n`);
      if (linkBase !== undefined) {
        ctx.stdout(
          `${pick(
            ctx.lang,
            `告警消息中的链接：${linkBase}（设置 POSGUARD_PUBLIC_URL 可改为别人能打开的地址）`,
            `links in alert messages: ${linkBase} (set POSGUARD_PUBLIC_URL to the address people open)`,
          )}\n`,
        );
      }
      const running = server;
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void running.close().then(resolve, resolve);
          restorePublicUrl();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
