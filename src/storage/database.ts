import SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Driver,
  Kysely,
  PostgresDialect,
  type QueryCompiler,
  type QueryResult,
  type SchemaMetadata,
  SqliteDialect,
  SqliteDriver,
  sql,
  type TableMetadata,
  type TransactionSettings,
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

/**
 * Picks the database from the environment: DATABASE_URL for PostgreSQL, else POSGUARD_DB or ./posguard.db. On
 * PostgreSQL the schema is POSGUARD_PG_SCHEMA, or `?schema=` in the URL, or the search_path of the URL's libpq
 * `options` (`?options=-c%20search_path%3Dname`); unnamed, the server's default (public).
 */
export function configFromEnv(env: NodeJS.ProcessEnv, fileOverride?: string): DatabaseConfig {
  if (fileOverride !== undefined) return { dialect: 'sqlite', file: fileOverride };
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') {
    const target = postgresTarget(url, env['POSGUARD_PG_SCHEMA']);
    return target.schema === undefined
      ? { dialect: 'postgres', url: target.url }
      : { dialect: 'postgres', url: target.url, schema: target.schema };
  }
  return { dialect: 'sqlite', file: env['POSGUARD_DB'] ?? './posguard.db' };
}

/** A schema name posguard puts in search_path as is: lower case, unquoted, at most 63 bytes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function badSchema(name: string, from: string): Error {
  return new Error(
    `${from} 中的 PostgreSQL schema 名「${name}」无效：只能用小写字母、数字和下划线（不以数字开头，最多 63 个字符）/ ` +
      `the PostgreSQL schema "${name}" in ${from} is not usable: use lower-case letters, digits and underscores ` +
      '(not starting with a digit, at most 63 characters)',
  );
}

/** The first schema of a `-c search_path=…` in libpq `options`, when it names one. */
function searchPathOf(options: string | null): string | undefined {
  const match = options === null ? null : /(?:^|\s)-c\s*search_path\s*=\s*("?)([^\s,"]+)\1/.exec(options);
  return match?.[2];
}

/**
 * The URL pg is given (without a `schema` parameter, which libpq does not know) and the schema named by the
 * environment or the URL; two different names are an error, not one silently preferred.
 */
function postgresTarget(url: string, envSchema: string | undefined): { url: string; schema?: string } {
  const named: { name: string; from: string }[] = [];
  if (envSchema !== undefined && envSchema.trim() !== '')
    named.push({ name: envSchema.trim(), from: 'POSGUARD_PG_SCHEMA' });
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined; // pg reports a malformed URL itself
  }
  let cleanUrl = url;
  if (parsed !== undefined) {
    const param = parsed.searchParams.get('schema');
    if (param !== null) {
      named.push({ name: param, from: 'DATABASE_URL (?schema=)' });
      parsed.searchParams.delete('schema');
      cleanUrl = parsed.toString();
    }
    const path = searchPathOf(parsed.searchParams.get('options'));
    if (path !== undefined) named.push({ name: path, from: 'DATABASE_URL (options=-c search_path=)' });
  }
  const first = named[0];
  if (first === undefined) return { url: cleanUrl };
  for (const n of named) if (!SCHEMA_NAME.test(n.name)) throw badSchema(n.name, n.from);
  const other = named.find((n) => n.name !== first.name);
  if (other !== undefined)
    throw new Error(
      `${first.from} 与 ${other.from} 指定了不同的 PostgreSQL schema（${first.name} / ${other.name}），请只保留一个 / ` +
        `${first.from} and ${other.from} name different PostgreSQL schemas (${first.name}, ${other.name}): keep one`,
    );
  return { url: cleanUrl, schema: first.name };
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

/**
 * The URL with the schema as the connections' search_path. It goes into the URL's libpq `options`, since pg lets
 * options in the URL override those of the pool config: other settings there are kept, and the search_path
 * follows them (the last `-c` of a setting wins).
 */
function schemaUrl(config: { url: string; schema?: string }): string {
  if (config.schema === undefined) return config.url;
  if (!SCHEMA_NAME.test(config.schema)) throw badSchema(config.schema, 'DatabaseConfig.schema');
  let parsed: URL;
  try {
    parsed = new URL(config.url);
  } catch {
    return config.url; // pg reports a malformed URL itself
  }
  const given = parsed.searchParams.get('options');
  const path = `-c search_path=${config.schema}`;
  parsed.searchParams.set('options', given === null || given.trim() === '' ? path : `${given} ${path}`);
  return parsed.toString();
}

/** A plain read: a SELECT (or WITH … SELECT) that SQLite says writes nothing. */
const READ_TEXT = /^\s*(?:select|with)\b/i;

/**
 * One acquisition of the SQLite database by Kysely (a query, a transaction, a `db.connection()`). Until it
 * writes or begins a transaction, its plain reads run on the read-only connection; from then on everything runs
 * on the one write connection, which it holds (Kysely's mutex) until it is released.
 */
class SplitSqliteConnection implements DatabaseConnection {
  writer: DatabaseConnection | undefined;

  constructor(private readonly driver: SplitSqliteDriver) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (this.writer === undefined && READ_TEXT.test(compiledQuery.sql)) {
      const stmt = this.driver.reader.prepare(compiledQuery.sql);
      if (stmt.reader && stmt.readonly) return { rows: stmt.all(compiledQuery.parameters) as R[] };
    }
    return (await this.driver.writerOf(this)).executeQuery<R>(compiledQuery);
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    // A stream keeps its statement open across awaits: it gets a connection of its own, the writer.
    yield* (await this.driver.writerOf(this)).streamQuery<R>(compiledQuery, chunkSize);
  }
}

/**
 * SQLite with one write connection and one read-only connection on the same WAL file. Kysely's SqliteDriver
 * serialises every query on its single connection, so while an import's transaction stores its batches every
 * other request's query, reads too, waited for the commit. WAL lets a reader see the last commit while one
 * writer works: plain reads outside a transaction go to the reader; writes, transactions and streams queue for
 * the writer exactly as before.
 */
class SplitSqliteDriver implements Driver {
  private readonly inner: SqliteDriver;

  constructor(
    writer: SQLite.Database,
    readonly reader: SQLite.Database,
  ) {
    this.inner = new SqliteDriver({ database: writer });
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new SplitSqliteConnection(this));
  }

  /** The write connection, taken (waiting for any other holder) on the session's first need. */
  async writerOf(session: SplitSqliteConnection): Promise<DatabaseConnection> {
    session.writer ??= await this.inner.acquireConnection();
    return session.writer;
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    // SQLite has no isolation levels or access modes to set: SqliteDriver ignores them too.
    await this.inner.beginTransaction(await this.writerOf(splitOf(connection)));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.inner.commitTransaction(await this.writerOf(splitOf(connection)));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.inner.rollbackTransaction(await this.writerOf(splitOf(connection)));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.inner.savepoint(await this.writerOf(splitOf(connection)), name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.rollbackToSavepoint(await this.writerOf(splitOf(connection)), name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.releaseSavepoint(await this.writerOf(splitOf(connection)), name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const session = splitOf(connection);
    if (session.writer === undefined) return;
    session.writer = undefined;
    await this.inner.releaseConnection();
  }

  async destroy(): Promise<void> {
    this.reader.close();
    await this.inner.destroy();
  }
}

function splitOf(connection: DatabaseConnection): SplitSqliteConnection {
  if (!(connection instanceof SplitSqliteConnection))
    throw new Error('not a connection of this SQLite driver');
  return connection;
}

/** SqliteDialect whose driver reads on `reader` while `writer` may be in a transaction. */
class SplitSqliteDialect extends SqliteDialect {
  constructor(
    private readonly writer: SQLite.Database,
    private readonly reader: SQLite.Database,
  ) {
    super({ database: writer });
  }

  override createDriver(): Driver {
    return new SplitSqliteDriver(this.writer, this.reader);
  }
}

/**
 * The Kysely dialect of a SQLite file: in WAL mode (a file, not `:memory:`) reads outside a transaction use a
 * read-only second connection, so they are answered while a write transaction is open.
 */
function sqliteDialect(file: string, sqlite: SQLite.Database, journalMode: unknown): SqliteDialect {
  if (journalMode !== 'wal' || sqlite.memory) return new SqliteDialect({ database: sqlite });
  const reader = new SQLite(file, { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  return new SplitSqliteDialect(sqlite, reader);
}

/** Opens (creating if needed) the database the config names. */
export function openDatabase(config: DatabaseConfig): Storage {
  if (config.dialect === 'sqlite') {
    const sqlite = new SQLite(config.file);
    const journalMode = sqlite.pragma('journal_mode = WAL', { simple: true });
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: sqliteDialect(config.file, sqlite, journalMode) });
    return { db, dialect: 'sqlite', config, close: () => db.destroy() };
  }
  const poolConfig: pg.PoolConfig = { connectionString: schemaUrl(config), types: pgTypes, max: 10 };
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
