import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';
import type { WatchEvent } from '../../monitor/watch-folder.js';

/** Registers `posguard watch DIR`: imports statement files into the database as they appear in a folder. */
export function registerWatchCommand(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .argument('<dir>', pick(ctx.lang, '要监视的文件夹', 'the folder to watch'))
    .description(
      pick(
        ctx.lang,
        '监视文件夹：新出现的对账单文件自动导入数据库（每个文件按 SHA-256 只导入一次），按 Ctrl+C 停止',
        'watch a folder: statement files that appear in it are imported into the database (each once, by SHA-256); Ctrl+C stops',
      ),
    )
    .option(
      '--merchant <id>',
      pick(
        ctx.lang,
        '商户（编号或商户号；只有一个商户时可省略）',
        'merchant (id or merchant number; optional with one merchant)',
      ),
    )
    .option(
      '--db <file>',
      pick(
        ctx.lang,
        'SQLite 数据库文件（默认 POSGUARD_DB 或 ./posguard.db）',
        'SQLite file (default POSGUARD_DB or ./posguard.db)',
      ),
    )
    .option(
      '--settle <ms>',
      pick(
        ctx.lang,
        '文件停止变化多久后导入（毫秒，默认 1000）',
        'import a file once it stopped changing for this long (ms, default 1000)',
      ),
      '1000',
    )
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        `
示例：
  posguard watch ~/对账单 --merchant 822584053110001
  posguard watch /srv/sftp/statements --db /var/lib/posguard/posguard.db
  posguard watch ~/对账单 --format json >> watch.ndjson        # 供脚本使用：每个事件一行 JSON

商户须先存在：用同一个数据库启动 posguard serve，在网页中“新建商户”并填写商户号（命令行不能新建商户）。
对账单里商户号不是该商户的行不会导入，watch 会逐个商户号说明。

--format json 每个事件输出一行 JSON（NDJSON），标准输出不再有其他内容；每行都有 event 和 at（ISO 时间）：
  started   { folder, merchant: { id, name, merchantNumber } }
  imported  { file, sha256, kind（settlement|terminal|bank）, stored（入库记录数）, alreadyStored, updated, rejected,
              otherMerchantRows（不属于本商户、未导入的行数）, otherMerchants: [{ merchantNumber, rows }], alerts,
              warnings: [{ code, zh, en }], checkFailed（未能检查手续费的原因 { zh, en }，或 null） }
  skipped   { file, sha256, importId, reason: { code: "already_imported", zh, en } }
  failed    { file, reason: { zh, en }, permanent（true：文件本身有问题，修正或替换后才会重新导入） }
  retrying  { file, stage（import|check）, reason: { zh, en }, attempt, inSeconds }
  stopped   { folder }
`,
        `
Examples:
  posguard watch ~/statements --merchant 822584053110001
  posguard watch /srv/sftp/statements --db /var/lib/posguard/posguard.db
  posguard watch ~/statements --format json >> watch.ndjson    # for scripts: one JSON line per event

The merchant must exist first: start posguard serve on the same database and use "New merchant" in the dashboard,
with its merchant number (the CLI cannot create one). Lines naming another merchant number are not imported; watch says which.

--format json prints one JSON object per line per event (NDJSON) and nothing else on stdout; each has event and at (ISO time):
  started   { folder, merchant: { id, name, merchantNumber } }
  imported  { file, sha256, kind (settlement|terminal|bank), stored (records added), alreadyStored, updated, rejected,
              otherMerchantRows (rows of other merchant numbers, not imported), otherMerchants: [{ merchantNumber, rows }],
              alerts, warnings: [{ code, zh, en }], checkFailed (why fees were not checked, { zh, en }, or null) }
  skipped   { file, sha256, importId, reason: { code: "already_imported", zh, en } }
  failed    { file, reason: { zh, en }, permanent (true: the file itself is at fault; imported again once corrected or replaced) }
  retrying  { file, stage (import|check), reason: { zh, en }, attempt, inSeconds }
  stopped   { folder }
`,
      ),
    )
    .action(async (dir: string, opts: { merchant?: string; db?: string; settle: string; format: string }) => {
      const json = opts.format === 'json';
      const settleMs = Number(opts.settle);
      if (!Number.isInteger(settleMs) || settleMs < 0)
        throw new CliError(`--settle 无效：${opts.settle}`, `invalid --settle: ${opts.settle}`);
      const fs = await import('node:fs');
      const path = await import('node:path');
      const folder = path.resolve(ctx.cwd, dir);
      let isDir = false;
      try {
        isDir = fs.statSync(folder).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) throw new CliError(`不是文件夹：${dir}`, `not a folder: ${dir}`);
      const { configFromEnv, openDatabase } = await import('../../storage/database.js');
      const { migrateToLatest } = await import('../../storage/migrate.js');
      const { resolveWatchTarget, watchFolder } = await import('../../monitor/watch-folder.js');
      const storage = openDatabase(
        configFromEnv(process.env, opts.db === undefined ? undefined : path.resolve(ctx.cwd, opts.db)),
      );
      try {
        await migrateToLatest(storage);
        // The server started on the same database as this watch: its dashboard is where a merchant is created.
        const serveCommand =
          opts.db === undefined ? 'posguard serve' : `posguard serve --db ${quoteArg(opts.db)}`;
        const target = await resolveWatchTarget(storage.db, opts.merchant, { serveCommand });
        if ('error' in target) throw new CliError(target.error.zh, target.error.en);
        // The events of the watch itself, shaped as watchFolder's (event, at, then the fields).
        const event = (name: 'started' | 'stopped', fields: Record<string, unknown>): void =>
          ctx.stdout(`${JSON.stringify({ event: name, at: new Date().toISOString(), ...fields })}\n`);
        if (json) {
          const row = await storage.db
            .selectFrom('merchants')
            .select('merchant_code')
            .where('id', '=', target.merchantId)
            .executeTakeFirst();
          event('started', {
            folder,
            merchant: {
              id: target.merchantId,
              name: target.name,
              merchantNumber: row?.merchant_code ?? null,
            },
          });
        } else
          ctx.stdout(
            pick(
              ctx.lang,
              `监视 ${folder} → 商户 ${target.name}（Ctrl+C 停止）\n`,
              `watching ${folder} → merchant ${target.name} (Ctrl+C stops)\n`,
            ),
          );
        const abort = new AbortController();
        const stop = (): void => abort.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await watchFolder({
            dir: folder,
            db: storage.db,
            merchantId: target.merchantId,
            userId: target.userId,
            settleMs,
            signal: abort.signal,
            lang: ctx.lang,
            // With --format json stdout carries the events only (each file's line is one).
            say: (line) => {
              if (!json) ctx.stdout(`${line}\n`);
            },
            ...(json ? { onEvent: (e: WatchEvent) => ctx.stdout(`${JSON.stringify(e)}\n`) } : {}),
          });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
        if (json) event('stopped', { folder });
        else ctx.stdout(pick(ctx.lang, `已停止监视 ${folder}\n`, `stopped watching ${folder}\n`));
      } finally {
        await storage.close();
      }
    });
}

/** A path as a shell command line would need it: quoted when it holds anything beyond plain path characters. */
function quoteArg(value: string): string {
  return /^[\w./@%+=:,-]+$/u.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
