import { parentPort, workerData } from 'node:worker_threads';
import { ImportFileError } from '../statements/import-types.js';
import type { AuditOptions } from './audit.js';
import { CoverageCollector } from './coverage.js';
import { importTask, type ImportTask } from './import-task.js';
import { MerchantSpool, SpoolError } from './merchant-spool.js';
import type { WorkerReply } from './parallel-import.js';

// A worker thread of importInWorkers: imports the files it is sent, one at a time, into spool files in the shared
// directory, and answers with each file's summary, bank records, coverage and spool files.

const { dir, prefix, maxInMemory, options } = workerData as {
  dir: string;
  prefix: string;
  maxInMemory: number;
  options: AuditOptions;
};
const port = parentPort;
if (port === null) throw new Error('import-worker.js runs as a worker thread');
let tasks = 0;

port.on('message', (task: ImportTask) => {
  void run(task);
});

async function run(task: ImportTask): Promise<void> {
  const spool = new MerchantSpool({ maxInMemory, dir, prefix: `${prefix}-${tasks++}-` });
  const coverage = new CoverageCollector();
  let reply: WorkerReply;
  try {
    const result = await importTask(task, { spool, coverage, options }, (bytes) =>
      port?.postMessage({ type: 'progress', input: task.input, bytes } satisfies WorkerReply),
    );
    reply = { type: 'done', result, coverage: coverage.entries(), chunks: spool.flush() };
  } catch (error) {
    spool.dispose();
    reply =
      error instanceof ImportFileError
        ? { type: 'failed', input: task.input, importError: importErrorArgs(error) }
        : error instanceof SpoolError
          ? {
              type: 'failed',
              input: task.input,
              spoolError: { dir: error.dir, message: causeText(error.cause) },
            }
          : {
              type: 'failed',
              input: task.input,
              message: error instanceof Error ? (error.stack ?? error.message) : String(error),
            };
  }
  port?.postMessage(reply);
}

/** The arguments that rebuild the error in the main thread: its texts without the file-name prefix it added. */
function importErrorArgs(error: ImportFileError): { file: string; zh: string; en: string } {
  const strip = (text: string, prefix: string) =>
    text.startsWith(prefix) ? text.slice(prefix.length) : text;
  return {
    file: error.file,
    zh: strip(error.zh, `${error.file}：`),
    en: strip(error.message, `${error.file}: `),
  };
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
