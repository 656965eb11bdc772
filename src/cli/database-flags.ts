import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { pick } from './lang.js';

/** The flags of commands that act on the server's database as a user: `--db`, `--merchant`, `--user`. */
export function databaseActorFlags(cmd: Command, ctx: CliContext): Command {
  const t = (zh: string, en: string): string => pick(ctx.lang, zh, en);
  return cmd
    .option(
      '--db <file>',
      t(
        'SQLite 数据库文件（默认 POSGUARD_DB 或 ./posguard.db；设置 DATABASE_URL 则用 PostgreSQL）',
        'SQLite file (default POSGUARD_DB or ./posguard.db; PostgreSQL when DATABASE_URL is set)',
      ),
    )
    .option('--merchant <id>', t('posguard 内的商户编号（必需）', 'the merchant’s posguard id (required)'))
    .option(
      '--user <email>',
      t(
        '以哪个用户身份操作（默认该商户的第一个店主）',
        'act as this user (default: the merchant’s first owner)',
      ),
    );
}
