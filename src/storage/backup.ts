import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { sql } from 'kysely';
import { ownTableNames, type Storage } from './database.js';
import { type Database, TABLE_ORDER } from './schema.js';

const FORMAT = 'posguard-backup';
const BATCH = 200;

/** What a backup or restore moved, table by table. */
export interface BackupSummary {
  file: string;
  rows: Record<string, number>;
}

type TableName = keyof Database;

async function existingTables(storage: Storage): Promise<TableName[]> {
  const names = await ownTableNames(storage);
  return TABLE_ORDER.filter((t) => names.has(t));
}

/**
 * Writes every row of every posguard table as gzip-compressed JSON lines: a header line, then
 * `{"table":…,"row":{…}}` per row in reference order. The same file restores into SQLite or PostgreSQL.
 */
export async function writeBackup(storage: Storage, file: string): Promise<BackupSummary> {
  const gzip = createGzip();
  const out = createWriteStream(file);
  gzip.pipe(out);
  const write = async (line: string): Promise<void> => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  try {
    return await dumpTables(storage, file, write, async () => {
      gzip.end();
      await finished(out);
    });
  } catch (error) {
    gzip.destroy();
    out.destroy();
    throw error;
  }
}

async function dumpTables(
  storage: Storage,
  file: string,
  write: (line: string) => Promise<void>,
  end: () => Promise<void>,
): Promise<BackupSummary> {
  const tables = await existingTables(storage);
  await write(JSON.stringify({ format: FORMAT, version: 1, dialect: storage.dialect, tables }));
  const rows: Record<string, number> = {};
  for (const table of tables) {
    rows[table] = 0;
    const orderBy = table === 'memberships' ? ['user_id', 'merchant_id'] : ['id'];
    let offset = 0;
    for (;;) {
      let query = storage.db.selectFrom(table).selectAll();
      for (const col of orderBy) query = query.orderBy(sql.ref(col));
      const page = await query.limit(5000).offset(offset).execute();
      for (const row of page) await write(JSON.stringify({ table, row }));
      rows[table] += page.length;
      offset += page.length;
      if (page.length < 5000) break;
    }
  }
  await end();
  return { file, rows };
}

/**
 * Loads a backup into a database whose schema is migrated and whose tables are empty (refuses otherwise, so a
 * restore never mixes two databases). Serial ids are carried over and PostgreSQL sequences moved past them.
 */
export async function restoreBackup(storage: Storage, file: string): Promise<BackupSummary> {
  const rows: Record<string, number> = {};
  let header: { format?: string; tables?: string[] } | undefined;
  const known = new Set<string>(TABLE_ORDER);
  await storage.db.transaction().execute(async (trx) => {
    for (const table of TABLE_ORDER) {
      const any = await trx
        .selectFrom(table)
        .select((eb) => eb.lit(1).as('one'))
        .limit(1)
        .executeTakeFirst();
      if (any !== undefined)
        throw new Error(`cannot restore into a database that holds data (table ${table})`);
    }
    let batch: Record<string, unknown>[] = [];
    let batchTable: TableName | undefined;
    const flush = async (): Promise<void> => {
      if (batchTable !== undefined && batch.length > 0)
        await trx.insertInto(batchTable).values(batch).execute();
      batch = [];
    };
    // Opened only now: readline drops lines that arrive before iteration starts.
    const lines = createInterface({
      input: createReadStream(file).pipe(createGunzip()),
      crlfDelay: Infinity,
    });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const parsed = JSON.parse(line) as { table?: string; row?: Record<string, unknown> } & typeof header;
      if (header === undefined) {
        if (parsed?.format !== FORMAT) throw new Error(`${file} is not a posguard backup`);
        header = parsed;
        continue;
      }
      const table = parsed?.table;
      if (table === undefined || !known.has(table) || parsed?.row === undefined) {
        throw new Error(`${file}: unexpected line for table ${String(table)}`);
      }
      if (table !== batchTable || batch.length >= BATCH) {
        await flush();
        batchTable = table as TableName;
      }
      batch.push(parsed.row);
      rows[table] = (rows[table] ?? 0) + 1;
    }
    await flush();
    if (header === undefined) throw new Error(`${file} is empty`);
    if (storage.dialect === 'postgres') {
      for (const table of TABLE_ORDER) {
        if (table === 'memberships') continue;
        await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), COALESCE((SELECT MAX(id) FROM ${sql.table(table)}), 0) + 1, false)`.execute(
          trx,
        );
      }
    }
  });
  return { file, rows };
}
