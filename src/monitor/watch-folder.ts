import { type FSWatcher, watch } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { RecordKind } from '../records/index.js';
import { type Bilingual, HttpError } from '../server/http-error.js';
import { importStatement, type StatementImportAnswer } from '../server/import-statement.js';
import { AccessDenied, WRITE_ROLES } from '../storage/access.js';
import type { Database } from '../storage/schema.js';
import { checkImportedRecords, landingToCheck } from './check-imported.js';
import { monitorSettingsFor } from './monitor-settings.js';

/** Names a watcher leaves alone: hidden files and the partial files of downloads and editors. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || /\.(part|tmp|crdownload|swp|download)$/i.test(name);
}

/** The first wait before a failed import is tried again, doubled each time up to `RETRY_MAX_MS`. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;
/** Tries of an import that fails for a reason not known to pass (a busy database is waited out instead). */
const OTHER_ATTEMPTS = 3;

/** SQLite's busy and locked codes, and the connection failures of PostgreSQL and its driver, that pass. */
const TRANSIENT_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  'SQLITE_LOCKED_SHAREDCACHE',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  // PostgreSQL: serialization failure, deadlock, connection exceptions, admin shutdown, cannot connect now.
  '40001',
  '40P01',
  '08000',
  '08001',
  '08003',
  '08006',
  '57P01',
  '57P03',
]);

/** The code of a database failure that passes by itself (the same import tried later succeeds), if it is one. */
function transientDbCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code;
  const message = error instanceof Error ? error.message : '';
  if (/database (table )?is locked/i.test(message)) return 'SQLITE_BUSY';
  return /Connection terminated/i.test(message) ? 'ECONNRESET' : undefined;
}

/**
 * Why an import or check failed, as the watcher says it; `permanent` when trying the same file again cannot
 * help (it is not a statement the importer reads, or the member may not write to the merchant).
 */
function failureOf(error: unknown): { reason: Bilingual; permanent: boolean; transient?: string } {
  const transient = transientDbCode(error);
  if (transient !== undefined)
    return {
      reason: {
        zh: `数据库正被另一个程序写入或连接中断（${transient}）`,
        en: `the database is busy with another program's writes or the connection was lost (${transient})`,
      },
      permanent: false,
      transient,
    };
  if (error instanceof HttpError) {
    const d = error.details as { zh?: unknown; en?: unknown } | undefined;
    const zh = typeof d?.zh === 'string' ? d.zh : error.message;
    const en = typeof d?.en === 'string' ? d.en : error.message;
    return { reason: { zh, en }, permanent: error.statusCode < 500 };
  }
  if (error instanceof AccessDenied)
    return { reason: { zh: error.zh ?? error.message, en: error.message }, permanent: true };
  const raw = error instanceof Error ? error.message : String(error);
  return { reason: { zh: `意外错误（${raw}）`, en: `unexpected error (${raw})` }, permanent: false };
}

/** Waits `ms`, or less when `signal` aborts (the watch stopping does not wait out a backoff). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
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

/** How a watch names a merchant in its messages: name, id and merchant number. */
function merchantLabel(m: { id: number; name: string; merchant_code: string | null }): Bilingual {
  return {
    zh: `「${m.name}」（编号 ${m.id}，${m.merchant_code === null ? '无商户号' : `商户号 ${m.merchant_code}`}）`,
    en: `"${m.name}" (id ${m.id}, ${m.merchant_code === null ? 'no merchant number' : `merchant number ${m.merchant_code}`})`,
  };
}

/** Merchants listed in a message, at most ten. */
function merchantList(
  rows: readonly { id: number; name: string; merchant_code: string | null }[],
): Bilingual {
  const shown = rows.slice(0, 10).map(merchantLabel);
  const more = rows.length - shown.length;
  return {
    zh: shown.map((l) => l.zh).join('、') + (more > 0 ? ` 等 ${rows.length} 家` : ''),
    en: shown.map((l) => l.en).join(', ') + (more > 0 ? ` and ${more} more` : ''),
  };
}

/**
 * The merchant and the acting member a watch imports as: by id or merchant number, or else the only merchant
 * that is not a demo (`posguard serve` seeds a demo merchant on a new database; a user's statements do not
 * belong there, and it must not make "the only merchant" ambiguous). The CLI cannot create a merchant, so a
 * refusal says how: `serveCommand` (how to start the server on the same database, `posguard serve` by default)
 * and its dashboard, then `--merchant`.
 */
export async function resolveWatchTarget(
  db: Kysely<Database>,
  merchant: string | undefined,
  options: { serveCommand?: string } = {},
): Promise<{ merchantId: number; userId: number; name: string } | { error: { zh: string; en: string } }> {
  const all = await db
    .selectFrom('merchants')
    .select(['id', 'name', 'merchant_code', 'demo'])
    .orderBy('id')
    .execute();
  const serve = options.serveCommand ?? 'posguard serve';
  const howToCreate = (then: Bilingual): Bilingual => ({
    zh: `命令行不能新建商户：请用同一个数据库启动 ${serve}，在网页登录后点“新建商户”并填写商户号（或调用 POST /api/v1/merchants），${then.zh}`,
    en: `the CLI cannot create one: start ${serve} on the same database, log in to the dashboard and use "New merchant" with its merchant number (or call POST /api/v1/merchants), ${then.en}`,
  });
  let rows = all;
  if (merchant !== undefined) {
    rows = all.filter((r) => String(r.id) === merchant || r.merchant_code === merchant);
    if (rows.length === 0) {
      const create = howToCreate({
        zh: `然后运行 posguard watch --merchant 商户号`,
        en: 'then run posguard watch --merchant MERCHANT-NUMBER',
      });
      const known = merchantList(all);
      return {
        error:
          all.length === 0
            ? {
                zh: `找不到商户 ${merchant}：数据库里还没有任何商户。${create.zh}`,
                en: `no merchant ${merchant}: the database holds no merchant yet; ${create.en}`,
              }
            : {
                zh: `找不到商户 ${merchant}（--merchant 填商户编号或商户号）。数据库里的商户：${known.zh}。如是新的商户，${create.zh}`,
                en: `no merchant ${merchant} (--merchant takes a merchant's id or merchant number). The database holds: ${known.en}. For a new merchant, ${create.en}`,
              },
      };
    }
  } else {
    const real = all.filter((r) => r.demo !== 1);
    if (real.length === 0) {
      const create = howToCreate({
        zh: '然后重新运行 posguard watch（有多个商户时用 --merchant 商户号 指定）',
        en: 'then run posguard watch again (with --merchant MERCHANT-NUMBER when there are several)',
      });
      const demos = merchantList(all);
      return {
        error: {
          zh: `数据库里还没有商户${all.length === 0 ? '' : `（只有演示商户 ${demos.zh}，不会把对账单导入演示商户；确要导入时用 --merchant 指定）`}，无处导入对账单。${create.zh}`,
          en: `the database holds no merchant yet${all.length === 0 ? '' : ` (only the demo merchant ${demos.en}, which statements are not imported to unless named with --merchant)`}, so there is nowhere to import statements to; ${create.en}`,
        },
      };
    }
    if (real.length > 1) {
      const list = merchantList(real);
      return {
        error: {
          zh: `数据库里有多个商户，请用 --merchant 商户编号或商户号 指定要导入的商户：${list.zh}`,
          en: `the database holds several merchants: name the one to import to with --merchant ID or MERCHANT-NUMBER: ${list.en}`,
        },
      };
    }
    rows = real;
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

/** A kind of record as a watch names it to the user (never the internal code). */
const KIND_WORDS: Record<RecordKind, Bilingual> = {
  settlement: { zh: '对账单', en: 'settlement statement' },
  terminal: { zh: '终端流水', en: 'terminal journal' },
  bank: { zh: '银行流水', en: 'bank statement' },
};

/** `n` with an English noun, singular for one. */
function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * What a watch reports, one object per event: `posguard watch --format json` prints each as one JSON line.
 * Messages meant for people (`reason`, a warning's text) come in both languages; `kind` is the record kind's
 * code (settlement, terminal, bank).
 */
export type WatchEvent =
  | {
      event: 'imported';
      at: string;
      file: string;
      sha256: string;
      kind: RecordKind;
      /** Records added; `alreadyStored` were there from an earlier file, `updated` filled in pushed records. */
      stored: number;
      alreadyStored: number;
      updated: number;
      /** Rows the importer refused (not records). */
      rejected: number;
      /** Rows naming another merchant number, set aside (not imported), in all and per number. */
      otherMerchantRows: number;
      otherMerchants: { merchantNumber: string; rows: number }[];
      alerts: number;
      warnings: { code: string; zh: string; en: string }[];
      /** Why the stored records' fees were not checked, when they were not. */
      checkFailed: Bilingual | null;
    }
  | {
      event: 'skipped';
      at: string;
      file: string;
      sha256: string;
      importId: number;
      reason: { code: 'already_imported' } & Bilingual;
    }
  | { event: 'failed'; at: string; file: string; reason: Bilingual; permanent: boolean }
  | {
      event: 'retrying';
      at: string;
      file: string;
      stage: 'import' | 'check';
      reason: Bilingual;
      attempt: number;
      inSeconds: number;
    };

/** How many of a file's other merchant numbers a watch names one by one. */
const NAMED_NUMBERS = 5;

/**
 * What a watch says of a file's lines whose merchant number is not the watched merchant's: how many lines of
 * which number, that they were not imported, and what to do (the CLI cannot create a merchant: the dashboard
 * can, and a watch of that merchant imports them).
 */
async function otherMerchantsNote(
  db: Kysely<Database>,
  merchantId: number,
  file: string,
  unassigned: readonly { merchantId: string; records: number }[],
): Promise<Bilingual> {
  const own = await db
    .selectFrom('merchants')
    .select(['name', 'merchant_code'])
    .where('id', '=', merchantId)
    .executeTakeFirst();
  const named = unassigned.slice(0, NAMED_NUMBERS);
  const rest = unassigned.slice(NAMED_NUMBERS);
  const restLines = rest.reduce((n, u) => n + u.records, 0);
  const ownCode = own?.merchant_code ?? null;
  const parts = {
    zh:
      named
        .map((u) => `${u.records} 行的商户号是 ${u.merchantId === '' ? '（空）' : u.merchantId}`)
        .join('，') + (rest.length > 0 ? `，另有 ${rest.length} 个商户号共 ${restLines} 行` : ''),
    en:
      named
        .map(
          (u) =>
            `${u.records} line(s) name merchant number ${u.merchantId === '' ? '(empty)' : u.merchantId}`,
        )
        .join(', ') +
      (rest.length > 0 ? `, and ${restLines} line(s) name ${rest.length} other number(s)` : ''),
  };
  const who = {
    zh: `本商户「${own?.name ?? merchantId}」（${ownCode === null ? '未填商户号' : `商户号 ${ownCode}`}）`,
    en: `this merchant "${own?.name ?? merchantId}" (${ownCode === null ? 'no merchant number' : `merchant number ${ownCode}`})`,
  };
  const first = unassigned[0]?.merchantId ?? '';
  // A merchant without a number takes a file naming exactly one unknown number; with several it cannot tell.
  const why =
    ownCode === null
      ? {
          zh: `；${who.zh}，而文件含多个商户号，无法判断哪些行属于本商户`,
          en: `; ${who.en}, and the file names several, so which lines are its own cannot be told`,
        }
      : { zh: `，不是${who.zh}的`, en: `, not ${who.en}` };
  return {
    zh:
      `  ${file}：${parts.zh}${why.zh}，这些行未导入。` +
      `如它们属于另一家店：该店还不是商户的，先在 posguard serve 的网页中点“新建商户”并填写商户号 ${first}；` +
      `再在网页中切换到该商户上传此文件，或把它放进 posguard watch 文件夹 --merchant ${first} 监视的文件夹。`,
    en:
      `  ${file}: ${parts.en}${why.en}; those lines were not imported. ` +
      `If they belong to another shop: unless it is a merchant already, create it in the posguard serve dashboard ("New merchant", merchant number ${first}); ` +
      `then upload this file under that merchant there, or put it in a folder watched with posguard watch FOLDER --merchant ${first}.`,
  };
}

/**
 * Imports statement files as they appear in `dir` (and those already there) through the server's import path:
 * each file once (by SHA-256, as the server does), after its size and time stop changing for `settleMs` and,
 * for CSV/TXT and XLSX, once it ends as a finished file does (else after 20 more delays). One
 * line per file goes to `say` in `lang`, and one event to `onEvent`. Resolves when `signal` aborts, after the
 * import in flight.
 */
export async function watchFolder(options: {
  dir: string;
  db: Kysely<Database>;
  merchantId: number;
  userId: number;
  say: (line: string) => void;
  /** Called with each file's outcome (and each retry), as data. */
  onEvent?: (event: WatchEvent) => void;
  signal: AbortSignal;
  settleMs?: number;
  now?: () => Date;
  tmpDir?: string;
  /** The language every line is said in (zh-CN by default). */
  lang?: 'zh' | 'en';
  /** The first wait before a failed try is repeated, doubled each time (default 1 s, at most 60 s). */
  retryFirstMs?: number;
}): Promise<void> {
  const settleMs = options.settleMs ?? 1000;
  const lang = options.lang ?? 'zh';
  const retryFirstMs = options.retryFirstMs ?? RETRY_FIRST_MS;
  const retryMaxMs = Math.max(retryFirstMs, RETRY_MAX_MS);
  const now = options.now ?? (() => new Date());
  const timers = new Map<string, NodeJS.Timeout>();
  const lastSeen = new Map<string, string>();
  const done = new Map<string, string>();
  const incomplete = new Map<string, number>();
  let chain: Promise<void> = Promise.resolve();

  const say = (text: Bilingual): void => options.say(lang === 'en' ? text.en : text.zh);
  const at = (): string => now().toISOString();

  /** The checks of a stored import: alerts queued for the server's worker, as a pushed statement's are. */
  const checkLandings = async (answer: StatementImportAnswer): Promise<number> => {
    let alerts = 0;
    for (const landing of answer.landings) {
      if (!landingToCheck(landing)) continue;
      const raised = await checkImportedRecords(options.db, landing.merchantId, landing.importId, {
        at: now().toISOString(),
        publicUrl: monitorSettingsFor(options.db).publicUrl,
      });
      alerts += raised.length;
    }
    return alerts;
  };

  /**
   * Runs `step` until it succeeds. A busy database (SQLITE_BUSY while another process — the server importing a
   * large upload — holds the write lock) or a lost connection is waited out, with backoff, as long as the watch
   * runs; another failure is tried `OTHER_ATTEMPTS` times, one the same file cannot get past once. Each failure
   * is said with what happens next. Returns the step's value, or the failure that ended the tries.
   */
  const untilDone = async <T>(
    name: string,
    stored: boolean,
    step: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; failure: ReturnType<typeof failureOf> }> => {
    const what: Bilingual = stored
      ? { zh: '记录已入库，但检查', en: 'records stored, but checking them' }
      : { zh: '导入', en: 'the import' };
    for (let attempt = 1; ; attempt += 1) {
      try {
        return { ok: true, value: await step() };
      } catch (error) {
        const failure = failureOf(error);
        const last = failure.permanent || (failure.transient === undefined && attempt >= OTHER_ATTEMPTS);
        if (last || options.signal.aborted) return { ok: false, failure };
        const waitMs = Math.min(retryMaxMs, retryFirstMs * 2 ** (attempt - 1));
        const seconds = Math.max(1, Math.round(waitMs / 1000));
        options.onEvent?.({
          event: 'retrying',
          at: at(),
          file: name,
          stage: stored ? 'check' : 'import',
          reason: failure.reason,
          attempt,
          inSeconds: seconds,
        });
        say({
          zh: `… ${name}：${what.zh}暂时失败：${failure.reason.zh}；${seconds} 秒后自动重试（第 ${attempt} 次重试）`,
          en: `… ${name}: ${what.en} failed for now: ${failure.reason.en}; trying again in ${seconds} s (retry ${attempt})`,
        });
        await sleep(waitMs, options.signal);
        if (options.signal.aborted) return { ok: false, failure };
      }
    }
  };

  const importOne = async (name: string): Promise<void> => {
    const path = join(options.dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st === undefined || !st.isFile()) return;
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (done.get(name) === stamp) return;
    const imported = await untilDone(name, false, () =>
      importStatement(
        options.db,
        options.userId,
        options.merchantId,
        { path, name },
        {
          at: now().toISOString(),
          address: null,
          ...(options.tmpDir === undefined ? {} : { tmpDir: options.tmpDir }),
        },
      ),
    );
    if (!imported.ok) {
      // Nothing of the file is stored: it is not marked done, so it is imported when it changes or the watch
      // starts again.
      const { reason, permanent, transient } = imported.failure;
      const advice: Bilingual = permanent
        ? {
            zh: '修正或替换该文件后会自动重新导入',
            en: 'it is imported again once the file is corrected or replaced',
          }
        : transient !== undefined
          ? {
              zh: '请确认没有其他程序长时间占用数据库（如正在导入大文件的 posguard serve），然后重新启动 posguard watch 或重新放入该文件',
              en: 'make sure no other program holds the database for long (such as posguard serve importing a large file), then start posguard watch again or put the file in again',
            }
          : {
              zh: '请按上述原因处理后重新启动 posguard watch 或重新放入该文件',
              en: 'deal with the cause above, then start posguard watch again or put the file in again',
            };
      say({
        zh: `✗ ${name}：未能导入：${reason.zh}。该文件未标记为已处理，${advice.zh}`,
        en: `✗ ${name}: not imported: ${reason.en}. The file is not marked done; ${advice.en}`,
      });
      options.onEvent?.({ event: 'failed', at: at(), file: name, reason, permanent });
      return;
    }
    const answer = imported.value;
    const summary = answer.files[0];
    const stored = answer.landings.reduce((n, l) => n + l.stored, 0);
    if (answer.duplicate) {
      const reason = {
        code: 'already_imported' as const,
        zh: '已导入过（SHA-256 相同），跳过',
        en: 'already imported (same SHA-256), skipped',
      };
      say({ zh: `= ${name}：${reason.zh}`, en: `= ${name}: ${reason.en}` });
      options.onEvent?.({
        event: 'skipped',
        at: at(),
        file: name,
        sha256: summary?.sha256 ?? '',
        importId: answer.importId,
        reason,
      });
    } else {
      // The records are committed: a check the database refuses now is retried here, since the file, seen
      // again, would be a duplicate that is never checked.
      const checked = await untilDone(name, true, () => checkLandings(answer));
      const alerts = checked.ok ? checked.value : 0;
      const rejected = summary?.rejected.length ?? 0;
      const elsewhere = answer.unassigned.reduce((n, u) => n + u.records, 0);
      // Lines naming a merchant number that is not this merchant's (nor another the member may write to) are
      // not stored at all: a file that brought nothing must not read as a success, one that brought part of it
      // is flagged, and either is followed by which numbers those were and what to do.
      const landed = answer.landings.reduce((n, l) => n + l.stored + l.alreadyStored + l.updated, 0);
      const mark = elsewhere === 0 ? '✓' : landed === 0 ? '✗' : '⚠';
      const kind = summary === undefined ? undefined : KIND_WORDS[summary.kind];
      say({
        zh: `${mark} ${name}：${kind === undefined ? '' : `${kind.zh}，`}${stored} 条记录入库${rejected > 0 ? `，${rejected} 行被拒` : ''}${elsewhere > 0 ? `，${elsewhere} 行不属于本商户、未导入` : ''}${alerts > 0 ? `，${alerts} 条告警` : ''}`,
        en: `${mark} ${name}: ${kind === undefined ? '' : `${kind.en}, `}${countOf(stored, 'record')} stored${rejected > 0 ? `, ${countOf(rejected, 'row')} rejected` : ''}${elsewhere > 0 ? `, ${countOf(elsewhere, 'row')} of other merchants not imported` : ''}${alerts > 0 ? `, ${countOf(alerts, 'alert')}` : ''}`,
      });
      if (elsewhere > 0)
        say(await otherMerchantsNote(options.db, options.merchantId, name, answer.unassigned));
      if (!checked.ok)
        say({
          zh: `✗ ${name}：记录已入库，但未能检查手续费：${checked.failure.reason.zh}。在网页重新保存费率方案即可复查最近 90 天的结算记录`,
          en: `✗ ${name}: the records are stored but their fees were not checked: ${checked.failure.reason.en}. Saving the fee plan again in the dashboard re-checks the last 90 days`,
        });
      if (summary !== undefined)
        options.onEvent?.({
          event: 'imported',
          at: at(),
          file: name,
          sha256: summary.sha256,
          kind: summary.kind,
          stored,
          alreadyStored: answer.landings.reduce((n, l) => n + l.alreadyStored, 0),
          updated: answer.landings.reduce((n, l) => n + l.updated, 0),
          rejected,
          otherMerchantRows: elsewhere,
          otherMerchants: answer.unassigned.map((u) => ({ merchantNumber: u.merchantId, rows: u.records })),
          alerts,
          warnings: summary.warnings.map((w) => ({ code: w.code, zh: w.message, en: w.messageEn })),
          checkFailed: checked.ok ? null : checked.failure.reason,
        });
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
