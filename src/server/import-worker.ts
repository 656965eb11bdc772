import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import type { PosRecord, RecordKind } from '../records/index.js';
import { type FileImportSummary, ImportFileError, importFileStreaming } from '../statements/import.js';
import type { ImportWarning, RejectedRow } from '../statements/import-types.js';
import { PresetError } from '../statements/preset.js';
import { entryStream, listEntries, openZip } from '../statements/zip-entries.js';
import type { KeptCopy } from './kept-upload.js';

// The reading half of a statement upload: the unpacked-size check, the importer of `posguard import` and the
// copy kept on the owner's opt-in, run in a worker thread (see import-statement.ts) so that a big file's parsing
// never holds the event loop, and a file that needs more memory than allowed ends the worker, never the server.
// Records go to a spool file as JSON lines; the caller stores them from there.

/** What the reader is asked to do. */
export interface ParseJob {
  /** Where the uploaded bytes are. */
  path: string;
  /** The name the user uploaded: records, rejected rows and warnings carry it instead of the path. */
  name: string;
  /** The JSON-lines file the records are written to, one per line. */
  spool: string;
  kind?: RecordKind;
  preset?: string;
  /** The most a compressed file or an archive may unpack to (the upload limit): more is UnpackedTooLarge. */
  maxUnpackedBytes: number;
  /** Present when the merchant keeps uploads: digit runs known not to be card numbers (its merchant number). */
  keep?: { notCards: string[] };
}

/** What reading an upload leaves besides the spool. */
export interface ParsedUpload {
  summary: FileImportSummary;
  /** Rows rejected in all, also when the summary lists only the first MAX_LISTED_REJECTED of them. */
  rejectedTotal: number;
  /** The merchant numbers the records carry, each once in file order; absent when there are too many to list. */
  merchantCodes?: string[];
  kept?: KeptCopy;
}

/** A compressed file or an archive that unpacks to more than the upload limit. */
export class UnpackedTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the file unpacks to more than ${limit} bytes`);
    this.name = 'UnpackedTooLarge';
  }
}

/**
 * Rejected rows listed at most per file: a file of millions of unreadable lines would otherwise carry them all
 * in memory, in the answer and in the import's row. How many there were in all is said in a warning.
 */
export const MAX_LISTED_REJECTED = 1000;

/** More distinct merchant numbers than this and saveImport finds the adopted one itself. */
const MAX_LISTED_CODES = 10_000;

const isGzip = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;
const isZip = (b: Uint8Array) =>
  b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 0x03 && b[3] === 0x04) || (b[2] === 0x05 && b[3] === 0x06));

async function headOf(path: string, n: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * What an archive's members unpack to, by their sizes in its directory; an .xlsx member (itself an archive) by
 * its own members'. A member whose data is longer than its directory says is refused by the ZIP reader when the
 * importer reads it, so the sizes are the bound. An archive that cannot be opened counts 0: the importer says
 * what is wrong with it.
 */
async function zipUnpacked(input: { path: string } | { name: string; bytes: Uint8Array }, limit: number) {
  let zip: Awaited<ReturnType<typeof openZip>>;
  try {
    zip = await openZip(input);
  } catch {
    return 0;
  }
  try {
    const entries = await listEntries(zip);
    let total = 0;
    for (const { entry, name } of entries) {
      total += entry.uncompressedSize;
      if (total > limit) throw new UnpackedTooLarge(limit);
      if (!/\.xlsx$/i.test(name) || entry.isEncrypted()) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await entryStream(zip, entry)) chunks.push(chunk as Buffer);
      total += await zipUnpacked({ name, bytes: Buffer.concat(chunks) }, limit - total);
      if (total > limit) throw new UnpackedTooLarge(limit);
    }
    return total;
  } catch (error) {
    if (error instanceof UnpackedTooLarge) throw error;
    return 0;
  } finally {
    zip.close();
  }
}

/**
 * Throws UnpackedTooLarge when the file is a GZIP or a ZIP (an .xlsx is one) whose content is larger than
 * `limit`: a few megabytes of GZIP can hold gigabytes of CSV. A GZIP is unpacked here to count (and stopped at the
 * limit), since its own size field can be forged; a GZIP holding a ZIP has that ZIP's members counted too. A
 * broken file passes: the importer tells what is wrong with it in its own words.
 */
export async function checkUnpackedSize(path: string, limit: number): Promise<void> {
  const head = await headOf(path, 4);
  if (isZip(head)) {
    await zipUnpacked({ path }, limit);
    return;
  }
  if (!isGzip(head)) return;
  let total = 0;
  let first: Buffer | undefined;
  let inner: Buffer[] | undefined;
  try {
    await pipeline(createReadStream(path), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        total += chunk.length;
        // Stops the unpacking; pipeline rejects with its own AbortError, so `total` tells why.
        if (total > limit) throw new UnpackedTooLarge(limit);
        if (first === undefined) {
          first = chunk;
          if (isZip(chunk)) inner = [];
        }
        inner?.push(chunk);
      }
    });
  } catch {
    if (total > limit) throw new UnpackedTooLarge(limit);
    return;
  }
  if (inner !== undefined) await zipUnpacked({ name: path, bytes: Buffer.concat(inner) }, limit);
}

function renamer(from: string, to: string): (name: string) => string {
  // A table inside the upload: an archive's member (path/member) or a workbook's sheet (path#sheet).
  return (name) =>
    name === from || name.startsWith(`${from}/`) || name.startsWith(`${from}#`)
      ? to + name.slice(from.length)
      : name;
}

/** The summary with the upload's name for the spool path, in its names and its messages. */
function renamedSummary(summary: FileImportSummary, from: string, to: string): FileImportSummary {
  const rename = renamer(from, to);
  const text = (s: string) => s.split(from).join(to);
  const one = (s: FileImportSummary): FileImportSummary => ({
    ...s,
    file: rename(s.file),
    rejected: s.rejected.map((r) => ({
      ...r,
      file: rename(r.file),
      reason: text(r.reason),
      reasonEn: text(r.reasonEn),
    })),
    warnings: s.warnings.map((w) => ({
      ...w,
      file: rename(w.file),
      message: text(w.message),
      messageEn: text(w.messageEn),
    })),
    ...(s.parts === undefined ? {} : { parts: s.parts.map(one) }),
  });
  return one(summary);
}

/** The first MAX_LISTED_REJECTED rejected rows of a summary (and of each of its parts), with a note of the rest. */
function listedRejected(summary: FileImportSummary): FileImportSummary {
  const cut = (s: FileImportSummary): FileImportSummary => {
    const parts = s.parts?.map(cut);
    if (s.rejected.length <= MAX_LISTED_REJECTED) return parts === undefined ? s : { ...s, parts };
    const rejected: RejectedRow[] = s.rejected.slice(0, MAX_LISTED_REJECTED);
    const note: ImportWarning = {
      code: 'rejected_rows_not_listed',
      file: s.file,
      message: `共 ${s.rejected.length} 行未能导入，仅列出前 ${MAX_LISTED_REJECTED} 行`,
      messageEn: `${s.rejected.length} rows were not imported; the first ${MAX_LISTED_REJECTED} are listed`,
    };
    return { ...s, rejected, warnings: [...s.warnings, note], ...(parts === undefined ? {} : { parts }) };
  };
  return cut(summary);
}

/**
 * Reads an uploaded file: refuses one that unpacks to more than the limit, imports it with the importer of
 * `posguard import` into the spool (records named after the upload), and makes the copy to keep when asked.
 * Runs in the import worker, or in-process where the worker cannot run (from the TypeScript sources). An
 * aborted `signal` stops it between records.
 */
export async function parseUpload(job: ParseJob, signal?: AbortSignal): Promise<ParsedUpload> {
  await checkUnpackedSize(job.path, job.maxUnpackedBytes);
  signal?.throwIfAborted();
  // The masking behind a kept copy loads the evidence pack (PDF and all): only for a merchant that keeps uploads.
  const keeping = job.keep === undefined ? undefined : await import('./kept-upload.js');
  const rename = renamer(job.path, job.name);
  const notCards = job.keep === undefined ? undefined : new Set(job.keep.notCards);
  const codes = new Set<string>();
  let tooManyCodes = false;
  let lastCode: string | undefined;
  const fd = openSync(job.spool, 'w');
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) writeSync(fd, `${pending.join('\n')}\n`);
    pending = [];
  };
  let summary: FileImportSummary;
  try {
    summary = await importFileStreaming(
      { path: job.path },
      {
        ...(job.kind === undefined ? {} : { kind: job.kind }),
        ...(job.preset === undefined ? {} : { preset: job.preset }),
      },
      (record: PosRecord) => {
        if (notCards !== undefined) keeping?.collectNotCards(record, notCards);
        const code = record.merchantId;
        if (code !== undefined && code !== lastCode && !tooManyCodes) {
          lastCode = code;
          codes.add(code);
          if (codes.size > MAX_LISTED_CODES) tooManyCodes = true;
        }
        const file = rename(record.source.file);
        const named =
          file === record.source.file ? record : { ...record, source: { ...record.source, file } };
        pending.push(JSON.stringify(named));
        if (pending.length >= 2000) {
          signal?.throwIfAborted();
          flush();
        }
      },
    );
    flush();
  } finally {
    closeSync(fd);
  }
  signal?.throwIfAborted();
  const rejectedTotal = summary.rejected.length;
  const named = listedRejected(renamedSummary(summary, job.path, job.name));
  const kept =
    keeping === undefined || notCards === undefined
      ? undefined
      : await keeping.keptCopyOfFile(job.path, notCards, summary.sha256);
  return {
    summary: named,
    rejectedTotal,
    ...(tooManyCodes ? {} : { merchantCodes: [...codes] }),
    ...(kept === undefined ? {} : { kept }),
  };
}

/** A failure as it crosses from the worker: enough to throw the same error again on the other side. */
export type ParseFailure =
  | { type: 'import'; file: string; zh: string; en: string }
  | { type: 'preset'; zh: string; en: string }
  | { type: 'too_large'; limit: number }
  | { type: 'other'; message: string };

/** What the import worker answers. */
export type ParseReply = { type: 'done'; result: ParsedUpload } | { type: 'failed'; failure: ParseFailure };

export function toFailure(error: unknown): ParseFailure {
  if (error instanceof ImportFileError)
    return { type: 'import', file: error.file, zh: error.reason.zh, en: error.reason.en };
  if (error instanceof UnpackedTooLarge) return { type: 'too_large', limit: error.limit };
  if (error instanceof Error && error.name === 'PresetError')
    return { type: 'preset', zh: (error as Partial<PresetError>).zh ?? error.message, en: error.message };
  return { type: 'other', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}

export function fromFailure(failure: ParseFailure): Error {
  switch (failure.type) {
    case 'import':
      return new ImportFileError(failure.file, failure.zh, failure.en);
    case 'preset':
      return new PresetError(failure.zh, failure.en);
    case 'too_large':
      return new UnpackedTooLarge(failure.limit);
    default:
      return new Error(failure.message);
  }
}

/** The mark in workerData that this module runs as the import worker (a test runner's own threads lack it). */
export const IMPORT_WORKER_MARK = 'posguard-import-worker';

const data = workerData as { mark?: string; job?: ParseJob } | null;
if (!isMainThread && parentPort !== null && data?.mark === IMPORT_WORKER_MARK && data.job !== undefined) {
  const port = parentPort;
  parseUpload(data.job).then(
    (result) => port.postMessage({ type: 'done', result } satisfies ParseReply),
    (error: unknown) => port.postMessage({ type: 'failed', failure: toFailure(error) } satisfies ParseReply),
  );
}
