import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';

const dbOption = (ctx: CliContext): [string, string] => [
  '--db <file>',
  pick(
    ctx.lang,
    'SQLite 数据库文件（默认 POSGUARD_DB 或 ./posguard.db；设置 DATABASE_URL 则用 PostgreSQL）',
    'SQLite file (default POSGUARD_DB or ./posguard.db; PostgreSQL when DATABASE_URL is set)',
  ),
];

/** What backup and restore print with --format json: the file, its size and hash, and the rows per table. */
async function resultJson(
  ctx: CliContext,
  file: string,
  config: { dialect: 'sqlite'; file: string } | { dialect: 'postgres' },
  typedDb: string | undefined,
  rows: Record<string, number>,
): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const nodePath = await import('node:path');
  const { createHash } = await import('node:crypto');
  const { TABLE_ORDER } = await import('../../storage/schema.js');
  const bytes = await readFile(nodePath.resolve(ctx.cwd, file));
  const json = {
    file,
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    // A PostgreSQL URL may carry a password: only the dialect is printed for it.
    database:
      config.dialect === 'sqlite'
        ? { dialect: 'sqlite', file: typedDb ?? config.file }
        : { dialect: 'postgres' },
    rows: Object.values(rows).reduce((a, b) => a + b, 0),
    // Every table, empty ones as 0: restore counts only the tables it met, backup counts them all.
    tables: Object.fromEntries(TABLE_ORDER.map((t) => [t, rows[t] ?? 0])),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Registers `posguard backup FILE` and `posguard restore FILE` (whole database, SQLite or PostgreSQL). */
export function registerBackupCommands(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description(
      pick(
        ctx.lang,
        '把整个数据库备份为一个文件（gzip 压缩的 JSON 行）',
        'back up the whole database to one file (gzip JSON lines)',
      ),
    )
    .argument(
      '<file>',
      pick(
        ctx.lang,
        '备份文件，如 posguard-2026-10-01.jsonl.gz',
        'backup file, e.g. posguard-2026-10-01.jsonl.gz',
      ),
    )
    .option(...dbOption(ctx))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        '\n示例：\n  posguard backup posguard-2026-10-01.jsonl.gz\n  posguard backup posguard-2026-10-01.jsonl.gz --db posguard.db --format json\n  DATABASE_URL=postgresql://posguard@db/posguard posguard backup pg.jsonl.gz\n\n--format json 输出 { file, bytes, sha256, database, rows, tables }（tables 为每张表的行数）。\n',
        '\nExamples:\n  posguard backup posguard-2026-10-01.jsonl.gz\n  posguard backup posguard-2026-10-01.jsonl.gz --db posguard.db --format json\n  DATABASE_URL=postgresql://posguard@db/posguard posguard backup pg.jsonl.gz\n\n--format json prints { file, bytes, sha256, database, rows, tables } (tables: the rows of each table).\n',
      ),
    )
    .action(async (file: string, opts: { db?: string; format?: string }) => {
      const nodePath = await import('node:path');
      const resolve = (...parts: string[]): string => nodePath.resolve(...parts);
      const { existsSync } = await import('node:fs');
      const { configFromEnv, openDatabase } = await import('../../storage/database.js');
      const { writeBackup } = await import('../../storage/backup.js');
      const config = configFromEnv(ctx.env, opts.db === undefined ? undefined : resolve(ctx.cwd, opts.db));
      if (config.dialect === 'sqlite' && !existsSync(resolve(ctx.cwd, config.file))) {
        throw new CliError(`数据库文件不存在：${config.file}`, `no database file: ${config.file}`);
      }
      const storage = openDatabase(
        config.dialect === 'sqlite' ? { ...config, file: resolve(ctx.cwd, config.file) } : config,
      );
      try {
        const summary = await writeBackup(storage, resolve(ctx.cwd, file));
        const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
        if (opts.format === 'json') ctx.stdout(await resultJson(ctx, file, config, opts.db, summary.rows));
        else
          ctx.stdout(
            pick(ctx.lang, `已备份 ${total} 行到 ${file}\n`, `backed up ${total} rows to ${file}\n`),
          );
      } finally {
        await storage.close();
      }
    });

  program
    .command('restore')
    .description(
      pick(ctx.lang, '把备份文件恢复到一个空数据库', 'restore a backup file into an empty database'),
    )
    .argument('<file>', pick(ctx.lang, 'posguard backup 写出的文件', 'a file written by posguard backup'))
    .option(...dbOption(ctx))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        '\n示例：\n  posguard restore posguard-2026-10-01.jsonl.gz --db restored.db\n  posguard restore posguard-2026-10-01.jsonl.gz --db restored.db --format json\n\n目标数据库必须为空（新文件或新库），以免两份数据混在一起。\n--format json 输出 { file, bytes, sha256, database, rows, tables }，与 posguard backup 相同。\n',
        '\nExamples:\n  posguard restore posguard-2026-10-01.jsonl.gz --db restored.db\n  posguard restore posguard-2026-10-01.jsonl.gz --db restored.db --format json\n\nThe target database must be empty (a new file or database) so two databases never mix.\n--format json prints { file, bytes, sha256, database, rows, tables }, as posguard backup does.\n',
      ),
    )
    .action(async (file: string, opts: { db?: string; format?: string }) => {
      const nodePath = await import('node:path');
      const resolve = (...parts: string[]): string => nodePath.resolve(...parts);
      const { existsSync } = await import('node:fs');
      const { configFromEnv, openDatabase } = await import('../../storage/database.js');
      const { restoreBackup } = await import('../../storage/backup.js');
      const { migrateToLatest } = await import('../../storage/migrate.js');
      const path = resolve(ctx.cwd, file);
      if (!existsSync(path)) throw new CliError(`备份文件不存在：${file}`, `no such backup file: ${file}`);
      const config = configFromEnv(ctx.env, opts.db === undefined ? undefined : resolve(ctx.cwd, opts.db));
      const storage = openDatabase(
        config.dialect === 'sqlite' ? { ...config, file: resolve(ctx.cwd, config.file) } : config,
      );
      try {
        await migrateToLatest(storage);
        const summary = await restoreBackup(storage, path);
        const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
        if (opts.format === 'json') ctx.stdout(await resultJson(ctx, file, config, opts.db, summary.rows));
        else ctx.stdout(pick(ctx.lang, `已恢复 ${total} 行\n`, `restored ${total} rows\n`));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new CliError(`恢复失败：${message}`, `restore failed: ${message}`);
      } finally {
        await storage.close();
      }
    });
}
