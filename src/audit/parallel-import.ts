import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ImportFileError } from '../statements/import-types.js';
import type { AuditOptions } from './audit.js';
import type { CoverageCollector, FileDates } from './coverage.js';
import type { ImportTask, ImportTaskResult } from './import-task.js';
import { type MerchantSpool, type SpoolChunk, SpoolError } from './merchant-spool.js';

/** What an import worker answers (see import-worker.ts). */
export type WorkerReply =
  | { type: 'progress'; input: number; bytes: number }
  | { type: 'done'; result: ImportTaskResult; coverage: [string, FileDates][]; chunks: SpoolChunk[] }
  | {
      type: 'failed';
      input: number;
      /** ImportFileError's constructor arguments (its texts without the file name it prefixes). */
      importError?: { file: string; zh: string; en: string };
      spoolError?: { dir: string; message: string };
      message?: string;
    };

const workerUrl = new URL('./import-worker.js', import.meta.url);

/**
 * Whether files can be imported in worker threads: the worker is compiled JavaScript, so not when running from
 * the TypeScript sources (the tests' in-process runs take the single-thread path, which gives the same report).
 */
export function workersAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/**
 * Imports the files on `jobs` worker threads, each file whole on one worker, largest first so that the last file
 * does not run alone. The records go to spool files in the spool's directory, which the spool adopts; coverage is
 * merged into `coverage`. Results come back in input order. Rejects like the single-thread import would:
 * ImportFileError for an unreadable file, SpoolError for the temporary files.
 */
export async function importInWorkers(
  tasks: readonly (ImportTask & { bytes: number })[],
  into: { spool: MerchantSpool; coverage: CoverageCollector; options: AuditOptions; maxInMemory: number },
  jobs: number,
  onBytes: (input: number, bytes: number) => void,
): Promise<ImportTaskResult[]> {
  const queue = [...tasks].sort((a, b) => b.bytes - a.bytes || a.input - b.input);
  const results: ImportTaskResult[] = [];
  const dir = into.spool.directory();
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const fail = (error: unknown) => {
        if (failed) return;
        failed = true;
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      const next = (worker: Worker) => {
        const task = queue.shift();
        if (task === undefined) {
          if (running === 0) resolve();
          return;
        }
        running += 1;
        const { bytes: _bytes, ...message } = task;
        worker.postMessage(message);
      };
      const count = Math.max(1, Math.min(jobs, tasks.length));
      for (let w = 0; w < count; w++) {
        const worker = new Worker(workerUrl, {
          workerData: { dir, prefix: `w${w}`, maxInMemory: into.maxInMemory, options: into.options },
        });
        workers.push(worker);
        worker.on('message', (reply: WorkerReply) => {
          if (failed) return;
          if (reply.type === 'progress') {
            onBytes(reply.input, reply.bytes);
            return;
          }
          running -= 1;
          if (reply.type === 'failed') {
            fail(failure(reply));
            return;
          }
          into.spool.adopt(reply.chunks);
          into.coverage.merge(reply.coverage);
          results.push(reply.result);
          next(worker);
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`import worker stopped with exit code ${code}`));
        });
        next(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.sort((a, b) => a.input - b.input);
}

function failure(reply: Extract<WorkerReply, { type: 'failed' }>): Error {
  if (reply.importError !== undefined) {
    const e = reply.importError;
    return new ImportFileError(e.file, e.zh, e.en);
  }
  if (reply.spoolError !== undefined)
    return new SpoolError(reply.spoolError.dir, new Error(reply.spoolError.message));
  return new Error(reply.message ?? 'import worker failed');
}
