import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { AuditOptions } from '../../audit/audit.js';
import type { CoverageCollector } from '../../audit/coverage.js';
import type { ImportTask, ImportTaskResult } from '../../audit/import-task.js';
import type { AuditReport } from '../../audit/report-types.js';
import type { JournalDigest } from '../../explain/attach-diagnoses.js';
import type { DevicesFile } from '../../explain/parse-devices.js';
import type { FeePlan } from '../../plans/plan-types.js';
import type { PosRecord, RecordKind } from '../../records/index.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { pick } from '../lang.js';
import { Progress } from '../progress.js';
import { AuditWorkers, workersAvailable } from '../../audit/audit-workers.js';
import { MerchantSpool, SpoolError } from '../../audit/merchant-spool.js';

/** One kind of input files, as `posguard audit` reads them. */
export interface InputGroup {
  kind: RecordKind;
  /** As the user typed them (relative to ctx.cwd or absolute). */
  files: string[];
  preset: string | undefined;
  mappingFile: string | undefined;
  label: string;
}

export interface ImportAndAuditArgs {
  groups: InputGroup[];
  plans: FeePlan[];
  planWarnings: string[];
  devices: DevicesFile[];
  options: AuditOptions;
}

/**
 * Imports every file and audits it merchant by merchant, so that an agent's tens of millions of lines need
 * memory for one merchant's, not all (issue 4's 1 GiB at 10M + 10M): records go into a MerchantSpool as they are
 * read — relabelled to the names the user typed, coverage taken, out-of-scope ones dropped — then each merchant
 * is read back, rid of lines another file already had (CrossFileDuplicates, per merchant: its key holds the
 * merchant), audited and released. The report is the one auditRecords gives for the same records.
 */
export async function importAndAudit(ctx: CliContext, args: ImportAndAuditArgs): Promise<AuditReport> {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  const { CrossFileDuplicates } = await import('../../statements/import.js');
  const { startAudit } = await import('../../audit/audit.js');
  const { CoverageCollector } = await import('../../audit/coverage.js');
  const { inputOfSeq, withoutRepeatedExports } = await import('../../audit/import-task.js');
  const { digestJournal } = await import('../../explain/attach-diagnoses.js');

  const maxInMemory = positiveIntFromEnv(ctx.env, 'POSGUARD_SPOOL_RECORDS') ?? 150_000;
  const tasks = await inputTasks(ctx, args.groups);
  const jobs = jobsFor(
    ctx,
    tasks.length,
    tasks.reduce((n, task) => n + task.bytes, 0),
  );
  const tmpDir = ctx.env.TMPDIR;
  const spool = new MerchantSpool({
    maxInMemory,
    ...(tmpDir === undefined || tmpDir === '' ? {} : { tmpDir }),
  });
  const workers = jobs > 1 ? new AuditWorkers(jobs) : undefined;
  // Ctrl-C in a long audit must not leave gigabytes in the temporary directory.
  const onSignal = (signal: NodeJS.Signals) => {
    spool.dispose();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const coverage = new CoverageCollector();
    const results = await importInputs(ctx, tasks, {
      spool,
      coverage,
      maxInMemory,
      workers,
      options: args.options,
    });
    const summaries = results.map((r) => r.summary);

    // The files an input's lines duplicated: reported on that input's summary, in the order importFiles would.
    const drops: { input: number; other: string; count: number; first: number }[] = [];
    const dropIndex = new Map<string, (typeof drops)[number]>();
    const dropped = (input: number, other: string, seq: number) => {
      const key = `${input}\u0000${other}`;
      const d = dropIndex.get(key);
      if (d !== undefined) {
        d.count += 1;
        d.first = Math.min(d.first, seq);
        return;
      }
      const fresh = { input, other, count: 1, first: seq };
      dropIndex.set(key, fresh);
      drops.push(fresh);
    };
    const bank: PosRecord[] = [];
    const bankDedupe = new CrossFileDuplicates();
    for (const r of results)
      for (const [i, record] of r.bank.entries()) {
        const other = bankDedupe.duplicateOf(record);
        if (other === undefined) bank.push(record);
        else dropped(r.input, other, i);
      }

    const checking = new Progress(t('核对', 'auditing'), 1, ctx.interactive, ctx.stderr);
    checking.update(0);
    const statementsCover = coverage.coverage();
    const session = startAudit({ plans: args.plans, bank, options: args.options, coverage: statementsCover });
    const onDrop = (seq: number, other: string) => dropped(inputOfSeq(seq), other, seq);
    const journal = new Map<string, JournalDigest>();
    const total = Math.max(1, spool.merchantCount);
    let done = 0;
    try {
      if (workers !== undefined && session.merchantsApart) {
        // Each merchant audited by a worker from its spool files; merged here in merchant order.
        const pending = spool.handOver().map((m) => ({
          merchantId: m.merchantId,
          reply: workers.run({
            type: 'audit',
            merchantId: m.merchantId,
            terminal: m.terminal,
            settlement: m.settlement,
            plan: session.planOf(m.merchantId),
            options: args.options,
            coverage: statementsCover,
          }),
        }));
        // Every promise gets a handler now: one failing early must not go unhandled while earlier ones are awaited.
        for (const p of pending) p.reply.catch(() => undefined);
        for (const p of pending) {
          const reply = await p.reply;
          if (reply.type !== 'audited') throw new Error(`audit worker answered ${reply.type}`);
          for (const [seq, other] of reply.drops) onDrop(seq, other);
          if (reply.journal !== undefined) journal.set(p.merchantId, reply.journal);
          session.addMerchantResult(p.merchantId, reply.result);
          checking.update(++done / total);
        }
      } else
        for (const m of spool.merchants()) {
          const terminal = withoutRepeatedExports(m.terminal, m.terminalSeq, onDrop);
          const settlement = withoutRepeatedExports(m.settlement, m.settlementSeq, onDrop);
          if (terminal.length > 0) journal.set(m.merchantId, digestJournal(terminal));
          session.addMerchant(m.merchantId, terminal, settlement);
          checking.update(++done / total);
        }
    } catch (error) {
      throw spoolFailure(error);
    }

    // Cross-file duplicates are reported on the file that repeated them, in the order importFiles would.
    drops.sort((a, b) => a.first - b.first);
    for (const d of drops) {
      const summary = summaries[d.input];
      if (summary === undefined) continue;
      summary.warnings.push({
        code: 'dedupe.across-files',
        file: summary.file,
        message: `${summary.file} 与 ${d.other} 有 ${d.count} 条完全相同的记录（疑似重复导出），只保留一份`,
        messageEn: `${summary.file} and ${d.other} share ${d.count} identical records (exported twice?); kept once`,
      });
    }
    const report = session.finish({
      files: summaries.map((f) => ({
        file: f.file,
        sha256: f.sha256,
        preset: f.preset,
        kind: f.kind,
        rows: f.rows,
      })),
      rejected: summaries.flatMap((f) =>
        f.rejected.map((x) => ({
          file: x.file,
          row: x.row,
          ...(x.column === undefined ? {} : { column: x.column }),
          reason: pick(ctx.lang, x.reason, x.reasonEn),
        })),
      ),
      warnings: [
        ...args.planWarnings,
        ...summaries.flatMap((f) =>
          f.warnings.map((w) => {
            const text = pick(ctx.lang, w.message, w.messageEn);
            // Say which file a warning is about when its text does not.
            return text.includes(w.file) ? text : `${w.file}: ${text}`;
          }),
        ),
      ],
    });
    const { attachDiagnoses } = await import('../../explain/attach-diagnoses.js');
    attachDiagnoses(report, { devices: args.devices, plans: args.plans, journal });
    checking.finish();
    return report;
  } finally {
    await workers?.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    spool.dispose();
  }
}

/** Below this much input, starting threads costs more than it saves (measured: no gain at 28 MB). */
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** The input files in order (statements, journals, bank files), with their sizes. */
async function inputTasks(
  ctx: CliContext,
  groups: readonly InputGroup[],
): Promise<(ImportTask & { bytes: number })[]> {
  const tasks: (ImportTask & { bytes: number })[] = [];
  for (const g of groups)
    for (const typed of g.files) {
      const abs = resolve(ctx.cwd, typed);
      tasks.push({
        input: tasks.length,
        kind: g.kind,
        typed,
        abs,
        ...(g.preset === undefined ? {} : { preset: g.preset }),
        ...(g.mappingFile === undefined ? {} : { mappingFile: g.mappingFile }),
        bytes: await stat(abs).then(
          (st) => st.size,
          () => 0,
        ),
      });
    }
  return tasks;
}

/**
 * How many worker threads: POSGUARD_JOBS, else one per core for inputs of PARALLEL_MIN_BYTES or more; never more
 * than the files. 1 means none.
 */
function jobsFor(ctx: CliContext, files: number, bytes: number): number {
  const asked = positiveIntFromEnv(ctx.env, 'POSGUARD_JOBS');
  if (!workersAvailable()) {
    if (asked !== undefined && asked > 1)
      ctx.stderr(
        pick(
          ctx.lang,
          'posguard: 从源代码运行时无法使用多线程，POSGUARD_JOBS 无效，改为单线程\n',
          'posguard: worker threads need the built package; POSGUARD_JOBS ignored, running on one thread\n',
        ),
      );
    return 1;
  }
  if (asked === undefined && bytes < PARALLEL_MIN_BYTES) return 1;
  return Math.max(1, Math.min(files, asked ?? availableParallelism()));
}

/** Imports every input file into the spool (on the workers when there are), coverage into `coverage`. */
async function importInputs(
  ctx: CliContext,
  tasks: readonly (ImportTask & { bytes: number })[],
  into: {
    spool: MerchantSpool;
    coverage: CoverageCollector;
    maxInMemory: number;
    workers: AuditWorkers | undefined;
    options: AuditOptions;
  },
): Promise<ImportTaskResult[]> {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  const { ImportFileError } = await import('../../statements/import-types.js');
  const { importTask } = await import('../../audit/import-task.js');
  const { spool, coverage, workers, options } = into;
  const grand = tasks.reduce((a, x) => a + x.bytes, 0);
  const readBytes = new Map<number, number>();
  let readTotal = 0;
  const progress = new Progress(t('读取文件', 'reading files'), 1, ctx.interactive, ctx.stderr);
  const onBytes = (input: number, bytes: number) => {
    readTotal += bytes - (readBytes.get(input) ?? 0);
    readBytes.set(input, bytes);
    progress.update(grand > 0 ? readTotal / grand : 1);
  };
  const results: ImportTaskResult[] = [];
  try {
    if (workers !== undefined) {
      // Largest files first, so that the last one does not run alone; each worker gets its share of the
      // in-memory allowance and writes into the spool's directory, which the spool then adopts.
      const dir = spool.directory();
      const share = Math.max(1, Math.floor(into.maxInMemory / workers.size));
      const order = [...tasks].sort((a, b) => b.bytes - a.bytes || a.input - b.input);
      const pending = order.map(({ bytes: _bytes, ...task }) =>
        workers.run(
          {
            type: 'import',
            task,
            dir,
            prefix: `i${task.input}-`,
            maxInMemory: share,
            options,
          },
          (n) => onBytes(task.input, n),
        ),
      );
      for (const p of pending) p.catch(() => undefined);
      for (const p of pending) {
        const reply = await p;
        if (reply.type !== 'imported') throw new Error(`audit worker answered ${reply.type}`);
        spool.adopt(reply.chunks);
        coverage.merge(reply.coverage);
        results.push(reply.result);
      }
      results.sort((a, b) => a.input - b.input);
    } else
      for (const task of tasks)
        results.push(await importTask(task, { spool, coverage, options }, (n) => onBytes(task.input, n)));
  } catch (error) {
    if (error instanceof ImportFileError) throw new CliError(error.zh, error.message);
    throw spoolFailure(error);
  } finally {
    progress.finish();
  }
  return results;
}

/** A SpoolError as the user can act on it; any other error unchanged. */
function spoolFailure(error: unknown): unknown {
  if (!(error instanceof SpoolError)) return error;
  const why = error.cause instanceof Error ? error.cause.message : String(error.cause);
  return new CliError(
    `无法写入临时文件（${error.dir}）：${why}。数据量大时 posguard 把暂不核对的记录放在临时目录；请腾出空间，或用 TMPDIR 指向空间更大的磁盘`,
    `cannot write temporary files (${error.dir}): ${why}. For large inputs posguard keeps records waiting for their merchant's turn in the temporary directory; free some space or point TMPDIR at a bigger disk`,
  );
}

/** A positive integer from the environment (POSGUARD_SPOOL_RECORDS, POSGUARD_JOBS), or undefined when unset. */
function positiveIntFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError(`${name} 应为正整数：“${text}”`, `${name} must be a positive integer: "${text}"`);
  return n;
}
