import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';
import { ImportFileError } from '../statements/import-types.js';
import type { AuditOptions } from './audit.js';
import type { Coverage, FileDates } from './coverage.js';
import type { ImportTask, ImportTaskResult } from './import-task.js';
import type { MerchantAuditResult } from './merchant-audit.js';
import type { JournalDigest } from '../explain/attach-diagnoses.js';
import type { RecordKind } from '../records/index.js';
import type { FileOutline } from '../statements/outline.js';
import type { GroupJob, GroupResult } from './component-audit.js';
import { type SpoolChunk, SpoolError } from './merchant-spool.js';

/** A job for an audit worker (see audit-worker.ts). */
export type WorkerJob =
  | {
      type: 'import';
      task: ImportTask;
      dir: string;
      prefix: string;
      maxInMemory: number;
      options: AuditOptions;
    }
  | {
      type: 'audit';
      merchantId: string;
      terminal: SpoolChunk[];
      settlement: SpoolChunk[];
      plan: FeePlan | undefined;
      options: AuditOptions;
      coverage: Coverage;
      /** The run has bank records: keep the merchant's payout days. */
      hasBank: boolean;
      /** The merchant's direct debits from the provider on the bank account (the session's bankDebitsOf). */
      bankDebits?: PosRecord[];
    }
  | {
      type: 'outline';
      path: string;
      kind: RecordKind;
      preset?: string;
      mappingFile?: string;
      mappingName?: string;
    }
  | { type: 'group'; job: GroupJob };

/** What an audit worker answers. */
export type WorkerReply =
  | { type: 'progress'; bytes: number; input?: number }
  | { type: 'outlined'; outline: FileOutline }
  | { type: 'grouped'; result: GroupResult }
  | { type: 'imported'; result: ImportTaskResult; coverage: [string, FileDates][]; chunks: SpoolChunk[] }
  | {
      type: 'audited';
      result: MerchantAuditResult;
      journal: JournalDigest | undefined;
      /** Lines dropped as another file's repeats: arrival number and the file repeated. */
      drops: [number, string][];
    }
  | {
      type: 'failed';
      /** ImportFileError's constructor arguments (its texts without the file name it prefixes). */
      importError?: { file: string; zh: string; en: string };
      spoolError?: { dir: string; message: string };
      message?: string;
    };

const workerUrl = new URL('./audit-worker.js', import.meta.url);

/**
 * Whether work can go to worker threads: the worker is compiled JavaScript, so not when running from the
 * TypeScript sources (the tests' in-process runs take the single-thread path, which gives the same report).
 */
export function workersAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

interface Pending {
  job: WorkerJob;
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
  onProgress?: (bytes: number, input?: number) => void;
}

/**
 * A fixed set of worker threads taking jobs in the order given, one job per worker at a time. A failed job
 * rejects its own promise with the error as the single-thread code would throw it (ImportFileError, SpoolError);
 * a worker that dies rejects everything outstanding.
 */
export class AuditWorkers {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private broken: Error | undefined;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(workerUrl);
      worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.breakAll(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.breakAll(new Error(`audit worker stopped with exit code ${code}`));
      });
      this.idle.push(worker);
    }
  }

  run(job: WorkerJob, onProgress?: (bytes: number, input?: number) => void): Promise<WorkerReply> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject, ...(onProgress === undefined ? {} : { onProgress }) });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const pending = this.queue.shift() as Pending;
      this.busy.set(worker, pending);
      worker.postMessage(pending.job);
    }
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.busy.get(worker);
    if (pending === undefined) return;
    if (reply.type === 'progress') {
      pending.onProgress?.(reply.bytes, reply.input);
      return;
    }
    this.busy.delete(worker);
    this.idle.push(worker);
    if (reply.type === 'failed') pending.reject(failure(reply));
    else pending.resolve(reply);
    this.dispatch();
  }

  private breakAll(error: Error): void {
    this.broken ??= error;
    for (const p of [...this.busy.values(), ...this.queue.splice(0)]) p.reject(this.broken);
    this.busy.clear();
  }
}

function failure(reply: Extract<WorkerReply, { type: 'failed' }>): Error {
  if (reply.importError !== undefined) {
    const e = reply.importError;
    return new ImportFileError(e.file, e.zh, e.en);
  }
  if (reply.spoolError !== undefined)
    return new SpoolError(reply.spoolError.dir, new Error(reply.spoolError.message));
  return new Error(reply.message ?? 'audit worker failed');
}
