import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Kysely } from 'kysely';
import type { PosRecord, RecordKind } from '../records/index.js';
import { type FileImportSummary, ImportFileError, importFileStreaming } from '../statements/import.js';
import { requireMerchantRole } from '../storage/access.js';
import { appendAudit } from '../storage/audit-log-repo.js';
import { findImportBySha, importNotes, type SaveImportResult, saveImport } from '../storage/imports-repo.js';
import { insertKeptUpload, keepUploadsOf } from '../storage/kept-uploads-repo.js';
import type { Database, ImportRow } from '../storage/schema.js';
import { HttpError } from './http-error.js';
import { collectNotCards, type KeptCopy, type KeptUploadOutcome, keptCopyOf } from './kept-upload.js';

/** The answer of POST …/statements: the import on the target merchant and the per-file import result. */
export interface StatementImportAnswer extends SaveImportResult {
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

/**
 * Imports one spooled file for a merchant through the same importer as `posguard import`, then stores it
 * atomically and idempotently. `path` is where the bytes are; `name` is the file name records will carry.
 */
export async function importStatement(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  file: { path: string; name: string },
  options: { kind?: RecordKind; preset?: string; at: string; address?: string | null; tmpDir?: string },
): Promise<StatementImportAnswer> {
  await requireMerchantRole(db, userId, merchantId, 'write');
  const sha256 = await sha256Of(file.path);
  const earlier = await findImportBySha(db, userId, merchantId, sha256);
  if (earlier !== undefined) {
    return {
      importId: earlier.id,
      duplicate: true,
      landings: [{ merchantId, importId: earlier.id, stored: 0, duplicate: true, alreadyStored: 0 }],
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
        // The importer names records after the spool path; they must carry the name the user uploaded.
        yield r.source.file === file.path ? { ...r, source: { file: file.name, row: r.source.row } } : r;
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
    return { ...saved, files: [summary], ...(copy === undefined ? {} : { kept: copy.outcome }) };
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/** Reads the file with the importer of `posguard import`, writing each record to the spool as one JSON line. */
async function readToSpool(
  file: { path: string; name: string },
  spool: string,
  options: { kind?: RecordKind; preset?: string },
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
      throw new HttpError(422, 'unreadable_file', rename(error.message, file.path, file.name));
    }
    if (error instanceof Error && error.name === 'PresetError')
      throw new HttpError(400, 'invalid_preset', error.message);
    throw error;
  } finally {
    closeSync(fd);
  }
  return rename(summary, file.path, file.name);
}
