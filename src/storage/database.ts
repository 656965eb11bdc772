import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** Where the data lives: a SQLite file, or a PostgreSQL URL (optionally inside one schema). */
export type DatabaseConfig =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string; schema?: string };

/** An open database: the Kysely handle, which dialect it speaks, and how to close it. */
export interface Storage {
  db: Kysely<Database>;
  dialect: DialectName;
  config: DatabaseConfig;
  close(): Promise<void>;
}

/** Picks the database from the environment: DATABASE_URL for PostgreSQL, else POSGUARD_DB or ./posguard.db. */
export function configFromEnv(env: NodeJS.ProcessEnv, fileOverride?: string): DatabaseConfig {
  if (fileOverride !== undefined) return { dialect: 'sqlite', file: fileOverride };
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') return { dialect: 'postgres', url };
  return { dialect: 'sqlite', file: env['POSGUARD_DB'] ?? './posguard.db' };
}

/** PostgreSQL BIGINT (oid 20) comes back as a string; money is fen in a safe integer, so parse it back. */
function parseBigint(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`BIGINT ${text} does not fit a safe integer`);
  return n;
}

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return parseBigint;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Opens (creating if needed) the database the config names. */
export function openDatabase(config: DatabaseConfig): Storage {
  if (config.dialect === 'sqlite') {
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', config, close: () => db.destroy() };
  }
  const poolConfig: pg.PoolConfig = { connectionString: config.url, types: pgTypes, max: 10 };
  if (config.schema !== undefined) poolConfig.options = `-c search_path=${config.schema}`;
  const pool = new pg.Pool(poolConfig);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', config, close: () => db.destroy() };
}

/** Names of the tables in this database's own schema (PostgreSQL introspection sees every schema). */
export async function ownTableNames(storage: Storage): Promise<Set<string>> {
  const tables = await storage.db.introspection.getTables();
  if (storage.dialect === 'sqlite') return new Set(tables.map((t) => t.name));
  const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(storage.db);
  const schema = row.rows[0]?.schema ?? 'public';
  return new Set(tables.filter((t) => t.schema === schema).map((t) => t.name));
}
