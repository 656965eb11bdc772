import { type FSWatcher, watch } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { HttpError } from '../server/http-error.js';
import { importStatement } from '../server/import-statement.js';
import { WRITE_ROLES } from '../storage/access.js';
import type { Database } from '../storage/schema.js';
import { checkImportedRecords } from './check-imported.js';
import { monitorSettingsFor } from './monitor-settings.js';

/** Names a watcher leaves alone: hidden files and the partial files of downloads and editors. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || /\.(part|tmp|crdownload|swp|download)$/i.test(name);
}

/** How many settle delays a file that still looks cut off is waited for before it is imported as it is. */
const INCOMPLETE_WAITS = 20;

/**
 * Whether a file's last bytes look like a finished file: a text export ends with a line break, a workbook
 * (XLSX, a zip) with its central directory. A copy that stalls longer than the settle delay stops anywhere,
 * usually inside a line; importing that would store a truncated first half (and the whole file again later).
 */
async function looksComplete(path: string, name: string, size: number): Promise<boolean> {
  if (size === 0) return false;
  const text = /\.(csv|txt|tsv)$/i.test(name);
  const zip = /\.(xlsx|xlsm|zip)$/i.test(name);
  if (!text && !zip) return true;
  const length = Math.min(size, zip ? 65_557 : 1);
  const handle = await open(path, 'r');
  try {
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    if (text) return tail[length - 1] === 0x0a || tail[length - 1] === 0x0d;
    // The end-of-central-directory record: "PK\x05\x06".
    return tail.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  } finally {
    await handle.close();
  }
}

/** The merchant and the acting member a watch imports as: by id or merchant number, or the only merchant. */
export async function resolveWatchTarget(
  db: Kysely<Database>,
  merchant: string | undefined,
): Promise<{ merchantId: number; userId: number; name: string } | { error: { zh: string; en: string } }> {
  let rows = await db.selectFrom('merchants').select(['id', 'name', 'merchant_code']).orderBy('id').execute();
  if (merchant !== undefined)
    rows = rows.filter((r) => String(r.id) === merchant || r.merchant_code === merchant);
  else if (rows.length > 1) {
    return {
      error: {
        zh: '数据库里有多个商户，请用 --merchant 指定',
        en: 'the database holds several merchants: name one with --merchant',
      },
    };
  }
  const target = rows[0];
  if (target === undefined) {
    return {
      error: { zh: `找不到商户 ${merchant ?? ''}`.trim(), en: `no merchant ${merchant ?? ''}`.trim() },
    };
  }
  const member = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('merchant_id', '=', target.id)
    .where('role', 'in', WRITE_ROLES)
    .orderBy('user_id')
    .executeTakeFirst();
  if (member === undefined) {
    return {
      error: {
        zh: `商户 ${target.name} 没有可写入的成员`,
        en: `merchant ${target.name} has no owner or agent to import as`,
      },
    };
  }
  return { merchantId: target.id, userId: member.user_id, name: target.name };
}

/**
 * Imports statement files as they appear in `dir` (and those already there) through the server's import path:
 * each file once (by SHA-256, as the server does), after its size and time stop changing for `settleMs` and,
 * for CSV/TXT and XLSX, once it ends as a finished file does (else after 20 more delays). One
 * line per file goes to `say`. Resolves when `signal` aborts, after the import in flight.
 */
export async function watchFolder(options: {
  dir: string;
  db: Kysely<Database>;
  merchantId: number;
  userId: number;
  say: (line: string) => void;
  signal: AbortSignal;
  settleMs?: number;
  now?: () => Date;
  tmpDir?: string;
}): Promise<void> {
  const settleMs = options.settleMs ?? 1000;
  const now = options.now ?? (() => new Date());
  const timers = new Map<string, NodeJS.Timeout>();
  const lastSeen = new Map<string, string>();
  const done = new Map<string, string>();
  const incomplete = new Map<string, number>();
  let chain: Promise<void> = Promise.resolve();

  const importOne = async (name: string): Promise<void> => {
    const path = join(options.dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st === undefined || !st.isFile()) return;
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (done.get(name) === stamp) return;
    try {
      const answer = await importStatement(
        options.db,
        options.userId,
        options.merchantId,
        { path, name },
        {
          at: now().toISOString(),
          address: null,
          ...(options.tmpDir === undefined ? {} : { tmpDir: options.tmpDir }),
        },
      );
      const summary = answer.files[0];
      const stored = answer.landings.reduce((s, l) => s + l.stored, 0);
      if (answer.duplicate) options.say(`= ${name}: 已导入过（SHA-256 相同）/ already imported`);
      else {
        // The statement is checked as it arrives, like a pushed one: the alerts are queued for the server's
        // worker to deliver.
        let alerts = 0;
        for (const landing of answer.landings) {
          if (landing.duplicate || landing.stored === 0) continue;
          const raised = await checkImportedRecords(options.db, landing.merchantId, landing.importId, {
            at: now().toISOString(),
            publicUrl: monitorSettingsFor(options.db).publicUrl,
          });
          alerts += raised.length;
        }
        const rejected = summary?.rejected.length ?? 0;
        options.say(
          `✓ ${name}: ${summary?.kind ?? ''} ${stored} 条记录入库${rejected > 0 ? `，${rejected} 行被拒` : ''}${alerts > 0 ? `，${alerts} 条告警` : ''} / ${stored} records stored${rejected > 0 ? `, ${rejected} rows rejected` : ''}${alerts > 0 ? `, ${alerts} alerts` : ''}`,
        );
      }
    } catch (error) {
      const message = error instanceof HttpError || error instanceof Error ? error.message : String(error);
      options.say(`✗ ${name}: ${message}`);
    }
    done.set(name, stamp);
  };

  const settle = (name: string): void => {
    if (ignored(name) || options.signal.aborted) return;
    const pending = timers.get(name);
    if (pending !== undefined) clearTimeout(pending);
    timers.set(
      name,
      setTimeout(() => {
        timers.delete(name);
        void stat(join(options.dir, name))
          .then((st) => {
            const stamp = `${st.size}:${st.mtimeMs}`;
            // Still being written: look again after another settle delay.
            if (lastSeen.get(name) !== stamp) {
              lastSeen.set(name, stamp);
              incomplete.delete(name);
              settle(name);
              return;
            }
            const path = join(options.dir, name);
            return looksComplete(path, name, st.size).then((complete) => {
              // Stable but cut off: wait on (a copy that stalled), up to INCOMPLETE_WAITS settle delays.
              const waits = incomplete.get(name) ?? 0;
              if (!complete && waits < INCOMPLETE_WAITS && done.get(name) !== stamp) {
                incomplete.set(name, waits + 1);
                settle(name);
                return;
              }
              incomplete.delete(name);
              chain = chain.then(() => importOne(name));
            });
          })
          .catch(() => undefined);
      }, settleMs),
    );
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(options.dir, (_event, name) => {
      if (typeof name === 'string' && name !== '') settle(name);
    });
  } catch (error) {
    throw new Error(`cannot watch ${options.dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const entry of (await readdir(options.dir, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.isFile()) settle(entry.name);
  }
  await new Promise<void>((resolve) => {
    if (options.signal.aborted) resolve();
    else options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  watcher.close();
  for (const t of timers.values()) clearTimeout(t);
  await chain;
}
