import { parentPort } from 'node:worker_threads';
import { digestJournal } from '../explain/attach-diagnoses.js';
import { ImportFileError } from '../statements/import-types.js';
import type { WorkerJob, WorkerReply } from './audit-workers.js';
import { auditGroup } from './component-audit.js';
import { CoverageCollector } from './coverage.js';
import { importTask, withoutRepeatedExports } from './import-task.js';
import { auditMerchantApart } from './merchant-audit.js';
import { MerchantSpool, readChunks, SpoolError } from './merchant-spool.js';

// A worker thread of AuditWorkers: outlines an input file, imports one into spool files in the audit's directory,
// audits one merchant from its spool files, or imports and audits a group of files (component-audit.ts), and
// answers with what the main thread merges.

const port = parentPort;
if (port === null) throw new Error('audit-worker.js runs as a worker thread');
const reply = (r: WorkerReply) => port.postMessage(r);

port.on('message', (job: WorkerJob) => {
  void run(job).then(reply, (error: unknown) => reply(failed(error)));
});

async function run(job: WorkerJob): Promise<WorkerReply> {
  if (job.type === 'outline') {
    const { outlineFile } = await import('../statements/outline.js');
    const { type: _type, path, ...options } = job;
    return { type: 'outlined', outline: await outlineFile(path, options) };
  }
  if (job.type === 'group') {
    const result = await auditGroup(job.job, (input, bytes) => reply({ type: 'progress', bytes, input }));
    return { type: 'grouped', result };
  }
  if (job.type === 'import') {
    const spool = new MerchantSpool({ maxInMemory: job.maxInMemory, dir: job.dir, prefix: job.prefix });
    const coverage = new CoverageCollector();
    try {
      const result = await importTask(
        job.task,
        { spool, coverage, options: job.options, keepUnnamedJournal: true },
        (bytes) => reply({ type: 'progress', bytes }),
      );
      return { type: 'imported', result, coverage: coverage.entries(), chunks: spool.flush() };
    } catch (error) {
      spool.dispose();
      throw error;
    }
  }
  const drops: [number, string][] = [];
  const onDrop = (seq: number, other: string) => drops.push([seq, other]);
  const t = readChunks(job.terminal);
  const s = readChunks(job.settlement);
  const terminal = withoutRepeatedExports(t.records, t.seq, onDrop);
  const settlement = withoutRepeatedExports(s.records, s.seq, onDrop);
  const result = auditMerchantApart(
    job.merchantId,
    terminal,
    settlement,
    job.plan,
    job.options,
    job.coverage,
    job.hasBank,
    job.bankDebits,
  );
  return {
    type: 'audited',
    result,
    journal: terminal.length > 0 ? digestJournal(terminal) : undefined,
    drops,
  };
}

function failed(error: unknown): WorkerReply {
  if (error instanceof ImportFileError)
    return { type: 'failed', importError: { file: error.file, ...error.reason } };
  if (error instanceof SpoolError)
    return {
      type: 'failed',
      spoolError: {
        dir: error.dir,
        message: error.cause instanceof Error ? error.cause.message : String(error.cause),
      },
    };
  return { type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
