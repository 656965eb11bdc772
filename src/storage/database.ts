import SQLite from 'better-sqlite3';
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  Kysely,
  PostgresDialect,
  type SchemaMetadata,
  SqliteDialect,
  sql,
  type TableMetadata,
} from 'kysely';
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

/**
 * PostgreSQL introspection of the connection's own schema only. Kysely's looks at every schema and resolves each
 * one's name (has_schema_privilege, pg_get_serial_sequence), so a schema another connection drops meanwhile (a
 * tenant's, a parallel test's) fails the query with "schema … does not exist"; the migrator and ownTableNames
 * need only the names of this schema's tables.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const rows = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(
      this.db,
    );
    return rows.rows.map((r) => ({ name: r.name }));
  }

  async getTables(): Promise<TableMetadata[]> {
    const rows = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, n.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.db);
    return rows.rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

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
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }) });
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
