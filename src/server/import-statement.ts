import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Kysely } from 'kysely';
import type { PosRecord, RecordKind } from '../records/index.js';
import { type FileImportSummary, ImportFileError } from '../statements/import.js';
import type { PresetError } from '../statements/preset.js';
import { requireMerchantRole } from '../storage/access.js';
import { appendAudit } from '../storage/audit-log-repo.js';
import { findImportBySha, importNotes, type SaveImportResult, saveImport } from '../storage/imports-repo.js';
import { insertKeptUpload, keepUploadsOf } from '../storage/kept-uploads-repo.js';
import type { Database, ImportRow } from '../storage/schema.js';
import { HttpError } from './http-error.js';
import {
  fromFailure,
  IMPORT_WORKER_MARK,
  type ParsedUpload,
  type ParseJob,
  type ParseReply,
  parseUpload,
  UnpackedTooLarge,
} from './import-worker.js';
import type { KeptCopy, KeptUploadOutcome } from './kept-upload.js';
import type { Lang } from './merchant-audit.js';

export { UnpackedTooLarge } from './import-worker.js';

/** What a compressed upload may unpack to when the caller names no limit: the upload limit of the API. */
export const DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024;

/**
 * An import stopped before anything was stored because its `signal` was aborted (the server is stopping):
 * the transaction, when one was open, was rolled back.
 */
export class ImportAbandoned extends Error {
  constructor() {
    super('the import was abandoned before it was stored');
    this.name = 'ImportAbandoned';
  }
}

/**
 * The answer of POST …/statements: the import on the target merchant and the per-file import result, whose
 * warnings include those added in storing the file.
 */
export interface StatementImportAnswer extends Omit<SaveImportResult, 'warnings'> {
  files: FileImportSummary[];
  /** Present when the merchant keeps uploads: whether this file was kept, masked, or why not. */
  kept?: KeptUploadOutcome;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function summaryOfStored(row: ImportRow, userId: number): FileImportSummary {
  const notes = importNotes(row, userId);
  return {
    file: row.file_name,
    sha256: row.sha256,
    bytes: row.bytes,
    preset: row.preset,
    encoding: row.encoding,
    kind: row.kind as RecordKind,
    rows: row.rows,
    columns: {},
    rejected: notes.rejected,
    warnings: notes.warnings,
    ...(row.truncated === 1 ? { truncated: true as const } : {}),
  };
}

/**
 * Imports one spooled file for a merchant through the same importer as `posguard import`, then stores it
 * atomically and idempotently. `path` is where the bytes are; `name` is the file name records will carry.
 */
export async function importStatement(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  file: { path: string; name: string },
  options: {
    kind?: RecordKind;
    preset?: string;
    at: string;
    address?: string | null;
    tmpDir?: string;
    /**
     * The language of an upload's error message (an API caller's); when given, the message names the upload
     * form's `preset` field instead of the CLI's options. Without it the message stays the English one.
     */
    lang?: Lang;
    /**
     * The most a compressed file or an archive may unpack to (default DEFAULT_MAX_UNPACKED_BYTES); more throws
     * UnpackedTooLarge before anything is read into the database.
     */
    maxUnpackedBytes?: number;
    /** Aborted when the import must stop (the server is stopping): ImportAbandoned, nothing stored. */
    signal?: AbortSignal;
  },
): Promise<StatementImportAnswer> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  const sha256 = await sha256Of(file.path);
  const earlier = await findImportBySha(db, userId, merchantId, sha256);
  if (earlier !== undefined) {
    // The same bytes read as another kind or with another preset than the one now chosen: answering a duplicate
    // would silently keep the first reading (often a wrong pick in the dashboard), so the uploader is told.
    const conflict = readingConflict(earlier, options);
    if (conflict !== undefined) throw conflict;
    return {
      importId: earlier.id,
      duplicate: true,
      landings: [
        { merchantId, importId: earlier.id, stored: 0, duplicate: true, alreadyStored: 0, updated: 0 },
      ],
      unassigned: [],
      files: [summaryOfStored(earlier, userId)],
    };
  }
  // The file is read off the event loop (a worker thread) into a JSON-lines spool, and stored from there in
  // batches, so neither memory nor the server's other requests wait on the size of the upload; the spool holds
  // masked data only and is removed.
  const spoolDir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'posguard-spool-'));
  try {
    const spool = join(spoolDir, 'records.jsonl');
    // Raw uploads are kept only on the owner's opt-in, and never with a full card number (issue 6).
    let keep: ParseJob['keep'];
    if (await keepUploadsOf(db, userId, merchantId)) {
      const target = await db
        .selectFrom('merchants')
        .select('merchant_code')
        .where('id', '=', merchantId)
        .executeTakeFirstOrThrow();
      keep = { notCards: target.merchant_code === null ? [] : [target.merchant_code] };
    }
    const parsed = await readUpload(
      {
        path: file.path,
        name: file.name,
        spool,
        ...(options.kind === undefined ? {} : { kind: options.kind }),
        ...(options.preset === undefined ? {} : { preset: options.preset }),
        maxUnpackedBytes: options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES,
        ...(keep === undefined ? {} : { keep }),
      },
      options,
    );
    const summary = parsed.summary;
    let copy: KeptCopy | undefined = parsed.kept;
    const records = async function* (): AsyncGenerator<PosRecord> {
      const lines = createInterface({ input: createReadStream(spool), crlfDelay: Infinity });
      for await (const line of lines) if (line !== '') yield JSON.parse(line) as PosRecord;
    };
    const saving = saveImport(db, userId, {
      merchantId,
      summary,
      records,
      at: options.at,
      ...(parsed.merchantCodes === undefined ? {} : { merchantCodes: parsed.merchantCodes }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      beforeCommit: async (trx, own, { shared }) => {
        const kept = copy?.bytes;
        if (copy === undefined || kept === undefined) return;
        // A file with other merchants' lines (an agent's daily file) is not this merchant's to keep: its owner
        // and staff could download the other tenants' lines from it.
        if (shared) {
          copy = {
            outcome: {
              ...copy.outcome,
              kept: false,
              warning: {
                code: 'shared_file_not_kept',
                zh: '该文件含其他商户的数据，未保存原始文件（记录已按商户分别导入）',
                en: "the file holds other merchants' lines, so the original was not kept (its records were imported per merchant)",
              },
            },
          };
          return;
        }
        await insertKeptUpload(trx, {
          merchantId,
          importId: own.importId,
          name: file.name,
          bytes: kept,
          sha256: copy.outcome.maskedSha256 ?? copy.outcome.sha256,
          masked: copy.outcome.masked,
          originalSize: copy.outcome.size,
          originalSha256: copy.outcome.sha256,
          at: options.at,
        });
      },
    });
    const saved = await saving.catch((error: unknown) => {
      // Stopped between batches: the transaction was rolled back, nothing of the file is stored.
      throw options.signal?.aborted === true ? new ImportAbandoned() : error;
    });
    for (const landing of saved.landings) {
      if (landing.duplicate) continue;
      await appendAudit(db, {
        userId,
        merchantId: landing.merchantId,
        action: 'import',
        details: {
          importId: landing.importId,
          file: file.name,
          sha256,
          stored: landing.stored,
          alreadyStored: landing.alreadyStored,
          updated: landing.updated,
          rejected: parsed.rejectedTotal,
        },
        address: options.address ?? null,
        at: options.at,
      });
    }
    // The merchant numbers an agent's file named but the uploader does not serve belong to other tenants:
    // they go on the uploader's own account log, never on a merchant's (whose owner and staff read it).
    if (saved.unassigned.length > 0) {
      await appendAudit(db, {
        userId,
        merchantId: null,
        action: 'import.unassigned',
        details: { file: file.name, sha256, unassigned: saved.unassigned },
        address: options.address ?? null,
        at: options.at,
      });
    }
    const { warnings, ...stored } = saved;
    const files = [{ ...summary, warnings: [...summary.warnings, ...warnings] }];
    return { ...stored, files, ...(copy === undefined ? {} : { kept: copy.outcome }) };
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/** How a kind of record is named to the uploader, as the dashboard's type choice names it. */
const KIND_NAMES: Record<RecordKind, { zh: string; en: string }> = {
  terminal: { zh: '终端流水', en: 'terminal journal' },
  settlement: { zh: '结算单', en: 'settlement statement' },
  bank: { zh: '银行流水', en: 'bank statement' },
};

function kindName(kind: string, lang: 'zh' | 'en'): string {
  const names = KIND_NAMES[kind as RecordKind];
  return names === undefined ? kind : `${names[lang]}(${kind})`;
}

/**
 * A 409 when the earlier import of these bytes was read with another kind or preset than the one now given
 * explicitly; nothing when the choice matches or none was made (then the upload is a plain duplicate).
 * The advice is to delete the earlier import (the dashboard's list of imported files, or the API) and upload again.
 */
function readingConflict(
  earlier: ImportRow,
  options: { kind?: RecordKind; preset?: string; lang?: Lang },
): HttpError | undefined {
  const kindDiffers = options.kind !== undefined && options.kind !== earlier.kind;
  const presetDiffers = options.preset !== undefined && options.preset !== earlier.preset;
  if (!kindDiffers && !presetDiffers) return undefined;
  const was = {
    zh: kindDiffers ? kindName(earlier.kind, 'zh') : `预设 ${earlier.preset}`,
    en: kindDiffers ? kindName(earlier.kind, 'en') : `preset ${earlier.preset}`,
  };
  const now = {
    zh: kindDiffers ? kindName(options.kind ?? '', 'zh') : `预设 ${options.preset}`,
    en: kindDiffers ? kindName(options.kind ?? '', 'en') : `preset ${options.preset}`,
  };
  const zh =
    `该文件已按 ${was.zh} 导入（导入 #${earlier.id}），与本次选择的 ${now.zh} 不同；` +
    `如需按新的类型重新导入，请先删除导入 #${earlier.id}（网页“已导入的文件”列表中的“删除导入”，或 ` +
    `DELETE /api/v1/merchants/${earlier.merchant_id}/imports/${earlier.id}）再上传；若原来的类型正确，无需再次上传`;
  const en =
    `this file was already imported as ${was.en} (import #${earlier.id}), not as the ${now.en} chosen now; ` +
    `to import it with the new choice, first delete import #${earlier.id} ("Delete import" in the dashboard's list of ` +
    `imported files, or DELETE /api/v1/merchants/${earlier.merchant_id}/imports/${earlier.id}) and upload it again; ` +
    'if the earlier choice was right, there is nothing to upload';
  return new HttpError(409, 'import_conflict', options.lang === 'zh' ? zh : en, {
    zh,
    en,
    importId: earlier.id,
    kind: earlier.kind,
    preset: earlier.preset,
  });
}

/**
 * An import error as the API answers it: the message in the caller's language (English without one), both
 * languages in `details`. The importer's advice names the CLI's options (`--preset`, `--terminal-preset`,
 * `--mapping`); an uploader has only the form's `preset` field, so an API caller is told of that instead.
 */
function refusal(status: number, code: string, zh: string, en: string, lang: Lang | undefined): HttpError {
  const text =
    lang === undefined
      ? { zh, en }
      : {
          zh: zh.replace(CLI_HINT_ZH, '；可在上传表单的 preset 字段指定预设'),
          en: en.replace(CLI_HINT_EN, "; name a preset in the upload form's `preset` field"),
        };
  return new HttpError(status, code, lang === 'zh' ? text.zh : text.en, text);
}

/** The CLI advice ending the importer's "no header row" message (src/statements/import.ts), in each language. */
const CLI_HINT_ZH = /；可指定预设（import 用 --preset.*$/s;
const CLI_HINT_EN = /; name a preset \(import: --preset.*$/s;

const workerUrl = new URL('./import-worker.js', import.meta.url);

/**
 * Whether the import worker can run: it is compiled JavaScript, so not from the TypeScript sources (the tests'
 * in-process servers), which read the file in-process instead, with the same code.
 */
function importWorkerAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/**
 * The heap an import worker may use. Reading streams (a 200 MiB CSV takes a few dozen MiB), so only a file
 * built to exhaust memory (a workbook whose sizes lie) reaches it: that worker is stopped and the upload refused,
 * where the same file read in the server would end the server.
 */
const WORKER_HEAP_MB = 1536;

/** Runs parseUpload in a worker thread, stopped (and the promise rejected) when `signal` aborts. */
function parseInWorker(job: ParseJob, signal: AbortSignal | undefined): Promise<ParsedUpload> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, {
      workerData: { mark: IMPORT_WORKER_MARK, job },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => settle(() => reject(new ImportAbandoned()));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: ParseReply) =>
      settle(() => (reply.type === 'done' ? resolve(reply.result) : reject(fromFailure(reply.failure)))),
    );
    worker.on('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new UnpackedTooLarge(job.maxUnpackedBytes) : error,
        ),
      ),
    );
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the import worker stopped with exit code ${code}`))),
    );
    if (signal?.aborted === true) onAbort();
  });
}

/**
 * Reads the upload with the importer of `posguard import` (off the event loop when the worker can run), its
 * records into the spool; the importer's refusals become the API's (422 unreadable_file, 400 invalid_preset).
 */
async function readUpload(
  job: ParseJob,
  options: { lang?: Lang; signal?: AbortSignal },
): Promise<ParsedUpload> {
  try {
    options.signal?.throwIfAborted();
    return importWorkerAvailable()
      ? await parseInWorker(job, options.signal)
      : await parseUpload(job, options.signal);
  } catch (error) {
    if (options.signal?.aborted === true) throw new ImportAbandoned();
    if (error instanceof ImportFileError) {
      const named = (text: string) => text.split(job.path).join(job.name);
      throw refusal(422, 'unreadable_file', named(error.zh), named(error.message), options.lang);
    }
    if (error instanceof Error && error.name === 'PresetError') {
      const zh = (error as Partial<PresetError>).zh ?? error.message;
      throw refusal(400, 'invalid_preset', zh, error.message, options.lang);
    }
    throw error;
  }
}
