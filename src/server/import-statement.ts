import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Kysely } from 'kysely';
import type { PosRecord, RecordKind } from '../records/index.js';
import { type FileImportSummary, ImportFileError, importFileStreaming } from '../statements/import.js';
import type { PresetError } from '../statements/preset.js';
import { requireMerchantRole } from '../storage/access.js';
import { appendAudit } from '../storage/audit-log-repo.js';
import { findImportBySha, importNotes, type SaveImportResult, saveImport } from '../storage/imports-repo.js';
import { insertKeptUpload, keepUploadsOf } from '../storage/kept-uploads-repo.js';
import type { Database, ImportRow } from '../storage/schema.js';
import { HttpError } from './http-error.js';
import { collectNotCards, type KeptCopy, type KeptUploadOutcome, keptCopyOf } from './kept-upload.js';
import type { Lang } from './merchant-audit.js';

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
  };
}

function rename<T>(value: T, from: string, to: string): T {
  if (typeof value === 'string') return (value.startsWith(from) ? to + value.slice(from.length) : value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => rename(v, from, to)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rename(v, from, to);
    return out as T;
  }
  return value;
}

/** The name a record's source file carries for the user: the spooled path (or a ZIP member under it) renamed. */
function uploadedName(source: string, file: { path: string; name: string }): string {
  if (source === file.path) return file.name;
  // A table inside the upload: an archive's member (path/member) or a workbook's sheet (path#sheet).
  return source.startsWith(`${file.path}/`) || source.startsWith(`${file.path}#`)
    ? file.name + source.slice(file.path.length)
    : source;
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
  // Records are spooled to a JSON-lines file as they are read and streamed into the database from there, so
  // memory stays bounded whatever the size of the upload; the spool holds masked data only and is removed.
  const spoolDir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'posguard-spool-'));
  try {
    const spool = join(spoolDir, 'records.jsonl');
    const notCards = new Set<string>();
    const summary = await readToSpool(file, spool, options, notCards);
    // Raw uploads are kept only on the owner's opt-in, and never with a full card number (issue 6).
    let copy: KeptCopy | undefined;
    if (await keepUploadsOf(db, userId, merchantId)) {
      const target = await db
        .selectFrom('merchants')
        .select('merchant_code')
        .where('id', '=', merchantId)
        .executeTakeFirstOrThrow();
      if (target.merchant_code !== null) notCards.add(target.merchant_code);
      copy = keptCopyOf(await readFile(file.path), notCards);
    }
    const records = async function* (): AsyncGenerator<PosRecord> {
      const lines = createInterface({ input: createReadStream(spool), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line === '') continue;
        const r = JSON.parse(line) as PosRecord;
        // The importer names records after the spool path; they must carry the name the user uploaded. A ZIP's
        // members are named `<archive path>/<member>`, so the prefix is renamed, not only the exact path.
        yield { ...r, source: { ...r.source, file: uploadedName(r.source.file, file) } };
      }
    };
    const saved = await saveImport(db, userId, {
      merchantId,
      summary,
      records,
      at: options.at,
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
          rejected: summary.rejected.length,
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

/** Reads the file with the importer of `posguard import`, writing each record to the spool as one JSON line. */
async function readToSpool(
  file: { path: string; name: string },
  spool: string,
  options: { kind?: RecordKind; preset?: string; lang?: Lang },
  notCards: Set<string>,
): Promise<FileImportSummary> {
  const fd = openSync(spool, 'w');
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) writeSync(fd, `${pending.join('\n')}\n`);
    pending = [];
  };
  let summary: FileImportSummary;
  try {
    summary = await importFileStreaming(
      { path: file.path },
      {
        ...(options.kind === undefined ? {} : { kind: options.kind }),
        ...(options.preset === undefined ? {} : { preset: options.preset }),
      },
      (record) => {
        collectNotCards(record, notCards);
        pending.push(JSON.stringify(record));
        if (pending.length >= 2000) flush();
      },
    );
    flush();
  } catch (error) {
    if (error instanceof ImportFileError) {
      throw refusal(
        422,
        'unreadable_file',
        rename(error.zh, file.path, file.name),
        rename(error.message, file.path, file.name),
        options.lang,
      );
    }
    if (error instanceof Error && error.name === 'PresetError') {
      const zh = (error as Partial<PresetError>).zh ?? error.message;
      throw refusal(400, 'invalid_preset', zh, error.message, options.lang);
    }
    throw error;
  } finally {
    closeSync(fd);
  }
  return rename(summary, file.path, file.name);
}
