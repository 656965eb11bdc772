import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext } from '../cli/context.js';
import { CliError } from '../cli/errors.js';
import { configFromEnv, type DatabaseConfig, openDatabase, type Storage } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';

/** An open database and the user the CLI acts as on one merchant. */
export interface CliSession {
  storage: Storage;
  userId: number;
  email: string;
  merchantId: number;
}

/**
 * Opens the database as `posguard serve` does (--db FILE, else DATABASE_URL, POSGUARD_DB or ./posguard.db; an
 * existing file is required), migrates it, and picks the acting user: `--user EMAIL` when given (it must be a
 * member of the merchant), else the merchant's first owner (lowest user id), else its first agent. Whoever runs
 * the CLI on the database file acts with that user's rights, and the audit log records that user.
 */
export async function openCliSession(
  ctx: CliContext,
  flags: { db?: string; merchant?: string; user?: string },
): Promise<CliSession> {
  if (flags.merchant === undefined || !/^[1-9]\d{0,9}$/.test(flags.merchant)) {
    throw new CliError(
      '请用 --merchant ID 指定商户（posguard 内的商户编号，如 1）',
      'give the merchant with --merchant ID (its posguard id, e.g. 1)',
    );
  }
  const merchantId = Number(flags.merchant);
  const config = configFromEnv(process.env, flags.db === undefined ? undefined : resolve(ctx.cwd, flags.db));
  const resolved: DatabaseConfig =
    config.dialect === 'sqlite' ? { ...config, file: resolve(ctx.cwd, config.file) } : config;
  if (resolved.dialect === 'sqlite' && !existsSync(resolved.file)) {
    const shown = resolved.file;
    throw new CliError(
      `数据库文件不存在：${shown}（先运行 posguard serve）`,
      `no database file: ${shown} (run posguard serve first)`,
    );
  }
  const storage = openDatabase(resolved);
  try {
    await migrateToLatest(storage);
    const db = storage.db;
    const merchant = await db
      .selectFrom('merchants')
      .select('id')
      .where('id', '=', merchantId)
      .executeTakeFirst();
    if (merchant === undefined)
      throw new CliError(`商户 ${merchantId} 不存在`, `merchant ${merchantId} not found`);
    let member: { id: number; email: string } | undefined;
    if (flags.user !== undefined) {
      member = await db
        .selectFrom('users')
        .innerJoin('memberships', 'memberships.user_id', 'users.id')
        .select(['users.id as id', 'users.email as email'])
        .where('users.email', '=', flags.user.trim().toLowerCase())
        .where('memberships.merchant_id', '=', merchantId)
        .executeTakeFirst();
      if (member === undefined) {
        throw new CliError(
          `用户 ${flags.user} 不是商户 ${merchantId} 的成员`,
          `user ${flags.user} is not a member of merchant ${merchantId}`,
        );
      }
    } else {
      for (const role of ['owner', 'agent'] as const) {
        member = await db
          .selectFrom('users')
          .innerJoin('memberships', 'memberships.user_id', 'users.id')
          .select(['users.id as id', 'users.email as email'])
          .where('memberships.merchant_id', '=', merchantId)
          .where('memberships.role', '=', role)
          .orderBy('users.id')
          .executeTakeFirst();
        if (member !== undefined) break;
      }
      if (member === undefined) {
        throw new CliError(
          `商户 ${merchantId} 没有店主或代理账户，请用 --user 指定`,
          `merchant ${merchantId} has no owner or agent; pass --user`,
        );
      }
    }
    return { storage, userId: member.id, email: member.email, merchantId };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
