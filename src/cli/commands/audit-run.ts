import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { AuditOptions, AuditSession } from '../../audit/audit.js';
import type { GroupJob, GroupResult } from '../../audit/component-audit.js';
import type { FileImportSummary } from '../../statements/import-types.js';
import { typedImportFailure } from '../import-failure.js';
import type { CoverageCollector } from '../../audit/coverage.js';
import type { ImportTask, ImportTaskResult } from '../../audit/import-task.js';
import type { FileOutline } from '../../statements/outline.js';
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
import { MerchantSpool, type MerchantSpoolOptions, SpoolError } from '../../audit/merchant-spool.js';
import { fileWarning } from '../../audit/warning-text.js';
import type { Attribution, FileClues, StatementTitle } from '../../audit/merchant-files.js';

/** One kind of input files, as `posguard audit` reads them. */
export interface InputGroup {
  kind: RecordKind;
  /** As the user typed them (relative to ctx.cwd or absolute). */
  files: string[];
  preset: string | undefined;
  mappingFile: string | undefined;
  /** The --mapping as the user typed it, for the import's messages about it. */
  mappingName: string | undefined;
  label: string;
  /** Where a file that is not where its name says lies: a table taken out of an archive (archive-inputs.ts). */
  located?: ReadonlyMap<string, string>;
}

export interface ImportAndAuditArgs {
  groups: InputGroup[];
  plans: FeePlan[];
  /** `plans` is the one plan given with --plan: it governs every merchant of the run (planChooser). */
  sharedPlan: boolean;
  planWarnings: string[];
  /** The devices files, each with its name as the user typed it (--merchant may leave another merchant's out). */
  devices: { file: string; value: DevicesFile }[];
  options: AuditOptions;
}

/** The report, and the files --merchant left out as other merchants'. */
export interface AuditRunResult {
  report: AuditReport;
  /**
   * The input files (as typed: an archive's tables as `<archive>/<table>`) and devices files of merchants --merchant
   * leaves out: statements and journals without a line of theirs, bank and devices files of others
   * (attributeFiles). Neither listed in the report nor evidence of the merchants asked for. Empty without --merchant.
   */
  leftOut: ReadonlySet<string>;
}

/**
 * Imports every file and audits it merchant by merchant, in memory for one merchant's records (or one group of
 * files'), not all: issue 4's 1 GiB at 10M + 10M. Files that share no merchant go a group at a time
 * (auditByFileGroups); otherwise everything passes through the spool (auditThroughSpool). Either way the report is
 * the one auditRecords gives for the same records.
 */
export async function importAndAudit(ctx: CliContext, args: ImportAndAuditArgs): Promise<AuditRunResult> {
  const maxInMemory = positiveIntFromEnv(ctx.env, 'POSGUARD_SPOOL_RECORDS') ?? 150_000;
  const tasks = await inputTasks(ctx, args.groups);
  const jobs = jobsFor(
    ctx,
    tasks.length,
    tasks.reduce((n, task) => n + task.bytes, 0),
  );
  const tmpDir = ctx.env.TMPDIR;
  const { inputOfSeq } = await import('../../audit/import-task.js');
  const spool = new RunSpool(
    {
      maxInMemory,
      ...(tmpDir === undefined || tmpDir === '' ? {} : { tmpDir }),
    },
    inputOfSeq,
  );
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
    const run = { tasks, spool, workers, maxInMemory };
    const audited = (await auditByFileGroups(ctx, args, run)) ?? (await auditThroughSpool(ctx, args, run));
    return await reportOf(ctx, args, audited);
  } finally {
    await workers?.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    spool.dispose();
  }
}

interface AuditRun {
  tasks: (ImportTask & { bytes: number })[];
  /** The run's spool: its directory holds every temporary file, so that Ctrl-C can remove them all. */
  spool: RunSpool;
  workers: AuditWorkers | undefined;
  maxInMemory: number;
}

/** Every merchant audited into the session, and what the files' summaries still need. */
interface Audited {
  session: AuditSession;
  summaries: FileImportSummary[];
  drops: DropLog;
  journal: Map<string, JournalDigest>;
  /** Warnings of the run itself, after the files' (where journal lines without a merchant number went). */
  notes: string[];
  /** The statements, with their merchants and (when bank or devices files need telling apart) their titles. */
  statements: StatementTitle[];
  /** Whose each bank file is, with --merchant (none without): those of others are imported, not used nor listed. */
  bank: Attribution[];
  /** The statements and journals without a line of the merchants --merchant asks for (empty without). */
  withoutSelected: ReadonlySet<string>;
  /** Each terminal of the statements' lines with the merchant they name (null for several): whose devices are. */
  statementTerminals: [string, string | null][];
}

/**
 * The run's MerchantSpool, noting which merchants each input's records were kept for (after --merchant and
 * --from/--to, and where journal lines without a merchant number were placed): the journals that gave a merchant
 * nothing are not its files.
 */
class RunSpool extends MerchantSpool {
  private readonly kept = new Map<number, Set<string>>();

  constructor(
    options: MerchantSpoolOptions,
    private readonly inputOf: (seq: number) => number,
  ) {
    super(options);
  }

  override add(kind: 'terminal' | 'settlement', r: PosRecord, seq: number): void {
    this.note(this.inputOf(seq), r.merchantId ?? '');
    super.add(kind, r, seq);
  }

  /** Notes that input `input` has records kept for `merchantId` (spooled elsewhere: a worker's chunks). */
  note(input: number, merchantId: string): void {
    const set = this.kept.get(input) ?? new Set<string>();
    set.add(merchantId);
    this.kept.set(input, set);
  }

  /** The merchants input `input` has records kept for ('' for journal lines without a number, unplaced). */
  keptFor(input: number): ReadonlySet<string> {
    return this.kept.get(input) ?? new Set();
  }
}

/**
 * The files' lines that repeated another file's (exported twice), per input and other file, reported on that
 * input's summary in the order importFiles would.
 */
class DropLog {
  private readonly list: { input: number; other: string; count: number; first: number }[] = [];
  private readonly index = new Map<string, { input: number; other: string; count: number; first: number }>();

  add(input: number, other: string, seq: number): void {
    const key = `${input}\u0000${other}`;
    const d = this.index.get(key);
    if (d !== undefined) {
      d.count += 1;
      d.first = Math.min(d.first, seq);
      return;
    }
    const fresh = { input, other, count: 1, first: seq };
    this.index.set(key, fresh);
    this.list.push(fresh);
  }

  warnOn(summaries: readonly FileImportSummary[]): void {
    const drops = [...this.list].sort((a, b) => a.first - b.first);
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
  }
}

/**
 * Files that share no merchant are imported and audited a group at a time (component-audit.ts), on the workers
 * when there are: no record waits in the spool for the last file. Bank files are read first and their credits
 * claimed at the end (payouts.ts). Undefined when the files cannot be grouped (a file the outline cannot read,
 * one group of everything, a group too big for memory) or the outline's forecast turned out wrong; the caller
 * then takes the spool.
 */
async function auditByFileGroups(
  ctx: CliContext,
  args: ImportAndAuditArgs,
  run: AuditRun,
): Promise<Audited | undefined> {
  const { workers } = run;
  const debug = (text: string) => {
    if (ctx.env.POSGUARD_DEBUG) ctx.stderr(`posguard: ${text}\n`);
  };
  // Bank files are read first, here (a credit a day): merchants share only their credits, which the session
  // claims once every merchant's payout days are in (payouts.ts). The other files are grouped.
  const bankTasks = run.tasks.filter((task) => task.kind === 'bank');
  const tasks = run.tasks.filter((task) => task.kind !== 'bank');
  if (tasks.length < 2) return undefined;
  const { groupFiles, forecastCoverage, coverageDifference, auditGroup } = await import(
    '../../audit/component-audit.js'
  );
  const { outlineFile } = await import('../../statements/outline.js');
  const { skippedDebitDatesOf, startAudit } = await import('../../audit/audit.js');
  const { CoverageCollector } = await import('../../audit/coverage.js');
  const { inputOfSeq } = await import('../../audit/import-task.js');
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);

  const optionsOf = (task: ImportTask) => ({
    kind: task.kind,
    ...(task.preset === undefined ? {} : { preset: task.preset }),
    ...(task.mappingFile === undefined ? {} : { mappingFile: task.mappingFile }),
    ...(task.mappingName === undefined ? {} : { mappingName: task.mappingName }),
  });
  const outlines: FileOutline[] = [];
  if (workers === undefined) {
    // One file at a time: each outline holds a read buffer of megabytes, and hundreds at once gain nothing on
    // one thread.
    for (const task of tasks) outlines.push(await outlineFile(task.abs, optionsOf(task)));
  } else {
    const replies = await Promise.all(
      tasks.map((task) => workers.run({ type: 'outline', path: task.abs, ...optionsOf(task) })),
    );
    for (const reply of replies) {
      if (reply.type !== 'outlined') throw new Error(`audit worker answered ${reply.type}`);
      outlines.push(reply.outline);
    }
  }
  const groups = groupFiles(tasks, outlines);
  if (groups === undefined) {
    const i = outlines.findIndex((o) => o.merchants === undefined);
    debug(`${tasks[i]?.typed ?? ''} cannot be outlined quickly: all files go through one spool`);
    return undefined;
  }
  if (groups.length < 2) {
    debug('every file shares merchants with another: all files go through one spool');
    return undefined;
  }
  // A journal without merchant numbers belongs to whichever merchant the statements turn out to name: only the
  // spool, holding every file's records, can place it.
  const statementsNameMerchants = tasks.some(
    (task, i) => task.kind === 'settlement' && outlines[i]?.merchants?.some((m) => m !== ''),
  );
  if (
    statementsNameMerchants &&
    tasks.some((task, i) => task.kind === 'terminal' && outlines[i]?.merchants?.includes(''))
  ) {
    debug('a journal has no merchant numbers: all files go through one spool');
    return undefined;
  }

  // Each worker holds one group at a time, as each holds one merchant at a time when auditing from the spool: a
  // group may hold as many records as the spool would (POSGUARD_SPOOL_RECORDS). A group that would spill gains
  // nothing over the spool (measured at 10M + 10M with half that allowance: every group spilled, 168 s and
  // 935 MiB against the spool's 156 s and 778 MiB; with the whole allowance none did, 104 s and 873 MiB).
  const allowance = run.maxInMemory;
  if (groups.some((g) => g.bytes / TYPICAL_BYTES_PER_RECORD > allowance)) {
    debug('a group of files holds more records than fit in memory: all files go through one spool');
    return undefined;
  }
  const forecast = forecastCoverage(tasks, outlines);
  const lineFiles = tasks.flatMap((task, i) =>
    task.kind === 'bank' ? [] : [{ task, merchants: outlines[i]?.merchants }],
  );
  const bankImports = await importBankFiles(bankTasks, args.options);
  const attributed = await attributeBankFiles(ctx, args, { lineFiles, bankTasks, bankImports });
  const drops = new DropLog();
  const bank = await keptBankRecords(bankImports, drops, attributed.leftOut);
  const session = startAudit({
    plans: args.plans,
    sharedPlan: args.sharedPlan,
    bank,
    bankDebitDates: skippedDebitDatesOf(
      bankImports.map((r) => r.summary).filter((s) => !attributed.leftOut.has(s.file)),
    ),
    options: args.options,
    coverage: forecast,
    runMerchants: [...new Set(groups.flatMap((g) => g.merchants))],
  });
  // A group that may still outgrow the allowance (short rows) writes into the run's directory, which Ctrl-C clears.
  const bigGroup = groups.some((g) => g.bytes / BYTES_PER_RECORD_AT_LEAST > allowance);
  const tmpDir = ctx.env.TMPDIR;
  let dir: string | undefined;
  try {
    dir = bigGroup ? run.spool.directory() : tmpDir === undefined || tmpDir === '' ? undefined : tmpDir;
  } catch (error) {
    throw spoolFailure(error);
  }
  const jobOf = (g: (typeof groups)[number]): GroupJob => ({
    tasks: g.tasks,
    merchants: g.merchants,
    plans: g.merchants.map((m) => [m, session.planOf(m)]),
    options: args.options,
    coverage: forecast,
    hasBank: session.hasBank,
    bankDebits: g.merchants.map((m) => [m, session.bankDebitsOf(m)]),
    maxInMemory: allowance,
    ...(dir === undefined ? {} : { tmpDir: dir }),
  });

  const grand = tasks.reduce((a, x) => a + x.bytes, 0);
  const readBytes = new Map<number, number>();
  let readTotal = 0;
  const progress = new Progress(t('读取并核对', 'reading and auditing'), 1, ctx.interactive, ctx.stderr);
  const onBytes = (input: number, bytes: number) => {
    readTotal += bytes - (readBytes.get(input) ?? 0);
    readBytes.set(input, bytes);
    progress.update(grand > 0 ? readTotal / grand : 1);
  };
  const results: GroupResult[] = [];
  try {
    if (workers !== undefined) {
      // Largest groups first, so that the last one does not run alone.
      const order = [...groups].sort((a, b) => b.bytes - a.bytes);
      const pending = order.map((g) =>
        workers.run({ type: 'group', job: jobOf(g) }, (bytes, input) => onBytes(input ?? -1, bytes)),
      );
      for (const p of pending) p.catch(() => undefined);
      for (const p of pending) {
        const reply = await p;
        if (reply.type !== 'grouped') throw new Error(`audit worker answered ${reply.type}`);
        results.push(reply.result);
      }
    } else for (const g of groups) results.push(await auditGroup(jobOf(g), onBytes));
  } catch (error) {
    const { ImportFileError } = await import('../../statements/import-types.js');
    if (error instanceof ImportFileError) throw typedImportFailure(error, tasks);
    throw spoolFailure(error);
  } finally {
    progress.finish();
  }

  // The forecast must hold: every merchant read was foreseen, and the statements cover what was forecast.
  const unforeseen = results.flatMap((r) => r.unforeseen);
  if (unforeseen.length > 0) {
    debug(`the outline missed merchant "${unforeseen[0]}": audited again through one spool`);
    return undefined;
  }
  const coverage = new CoverageCollector();
  for (const r of results) coverage.merge(r.coverage);
  // A statement that may be cut at a line end (missing-totals.ts) makes the coverage differ from the forecast: the
  // run then goes through the spool, which marks it again on its own summaries.
  const { markMissingTotals } = await import('../../audit/missing-totals.js');
  markMissingTotals(
    results.flatMap((r) => r.imports.map((i) => i.summary)),
    coverage,
  );
  const differs = coverageDifference(coverage.coverage(), forecast);
  if (differs !== undefined) {
    debug(`the outline misjudged the statements' dates (${differs}): audited again through one spool`);
    return undefined;
  }
  const spilled = results.filter((r) => r.spilled > 0).length;
  debug(
    `${groups.length} groups of files that share no merchant, audited apart${spilled > 0 ? ` (${spilled} spilled to disk)` : ''}`,
  );

  const summaries = [...results.flatMap((r) => r.imports), ...bankImports]
    .sort((a, b) => a.input - b.input)
    .map((r) => r.summary);
  const journal = new Map<string, JournalDigest>();
  const merchants = results
    .flatMap((r) => r.merchants)
    .sort((a, b) => (a.merchantId < b.merchantId ? -1 : 1));
  for (const r of results) for (const [seq, other] of r.drops) drops.add(inputOfSeq(seq), other, seq);
  for (const m of merchants) {
    if (m.journal !== undefined) journal.set(m.merchantId, m.journal);
    session.addMerchantResult(m.merchantId, m.result);
  }
  const { filesWithoutSelected } = await import('../../audit/merchant-files.js');
  const { merchantFilterOf } = await import('../../audit/scope.js');
  // A journal's lines without a merchant number send the run through the spool (above): here a journal's merchants
  // are all its lines'.
  const withoutSelected = filesWithoutSelected(
    lineFiles.map((f) => ({ file: f.task.typed, merchants: f.merchants })),
    merchantFilterOf(args.options),
  );
  return {
    session,
    summaries,
    drops,
    journal,
    notes: [],
    statements: attributed.statements,
    bank: attributed.bank,
    withoutSelected,
    statementTerminals: results.flatMap((r) => r.imports.flatMap((i) => i.statementTerminals)),
  };
}

/**
 * The bank records of the files' imports, each line another bank file already had dropped (and logged); none of
 * the files of other merchants (`leftOut`), which must not take the place of the merchant's own lines either.
 */
async function keptBankRecords(
  results: readonly ImportTaskResult[],
  drops: DropLog,
  leftOut: ReadonlySet<string>,
): Promise<PosRecord[]> {
  const { CrossFileDuplicates } = await import('../../statements/import.js');
  const bank: PosRecord[] = [];
  const dedupe = new CrossFileDuplicates();
  for (const r of results) {
    if (leftOut.has(r.summary.file)) continue;
    for (const [i, record] of r.bank.entries()) {
      const other = dedupe.duplicateOf(record);
      if (other === undefined) bank.push(record);
      else drops.add(r.input, other, i);
    }
  }
  return bank;
}

/** The statements, and whose each bank file is; `leftOut`: the bank files of merchants --merchant leaves out. */
interface BankAttribution {
  statements: StatementTitle[];
  bank: Attribution[];
  leftOut: ReadonlySet<string>;
}

/**
 * With --merchant, whose each bank file is (attributeFiles): by what it says (its account holder or number against
 * the statements' titles, a merchant number in its title, columns, memos or name), else by the statements beside
 * it. Another merchant's credits would otherwise be set against the selected merchants' payouts. The files are read
 * again (their first KiB) only when the statements name another merchant, the statements' titles only when there is
 * a bank file to tell apart. Nothing is left out without --merchant.
 */
async function attributeBankFiles(
  ctx: CliContext,
  args: ImportAndAuditArgs,
  run: {
    /** The statements and journals, with the merchants of their lines. */
    lineFiles: readonly { task: ImportTask; merchants: readonly string[] | undefined }[];
    bankTasks: readonly ImportTask[];
    bankImports: readonly ImportTaskResult[];
  },
): Promise<BankAttribution> {
  const { merchantFilterOf } = await import('../../audit/scope.js');
  const selected = merchantFilterOf(args.options);
  const statementFiles = run.lineFiles.filter((f) => f.task.kind === 'settlement');
  const plain = statementFiles.map((f) => ({
    file: f.task.typed,
    merchants: f.merchants,
    names: [],
    accounts: [],
  }));
  if (selected === undefined) return { statements: plain, bank: [], leftOut: new Set() };
  // Only another merchant's statements make a file another merchant's: without, nothing needs reading.
  const others = statementFiles.some((f) => f.merchants?.some((m) => m !== '' && !selected.has(m)) === true);
  const { attributeFiles, keeps } = await import('../../audit/merchant-files.js');
  const { bankFileClues, statementTitleOf } = await import('../../audit/file-clues.js');
  const statements: StatementTitle[] = [];
  // One file at a time: an agent's folder holds thousands of statements, and each read is of a few KiB.
  const telling = others && run.bankTasks.length > 0;
  for (const [i, f] of statementFiles.entries())
    statements.push(
      telling ? await statementTitleOf(f.task.typed, f.task.abs, f.merchants) : (plain[i] as StatementTitle),
    );
  const clues: FileClues[] = [];
  const byInput = new Map(run.bankImports.map((r) => [r.input, r]));
  for (const task of run.bankTasks) {
    const credits = byInput.get(task.input)?.bank ?? [];
    clues.push(
      others
        ? await bankFileClues(task.typed, task.abs, credits)
        : { file: task.typed, numbers: [], titles: [], memos: [], names: [], accounts: [] },
    );
  }
  const bank = attributeFiles(statements, clues, selected, pathsOf(ctx));
  return { statements, bank, leftOut: new Set(bank.filter((a) => !keeps(a)).map((a) => a.file)) };
}

/** How attributeFiles reads the paths the user typed: folders as the files lie on disk. */
function pathsOf(ctx: CliContext): {
  directoryOf: (file: string) => string;
  baseName: (file: string) => string;
} {
  return { directoryOf: (file) => dirname(resolve(ctx.cwd, file)), baseName: (file) => basename(file) };
}

/** Imports the bank files in input order, on this thread: they are small, and every merchant's audit needs them. */
async function importBankFiles(
  tasks: readonly ImportTask[],
  options: AuditOptions,
): Promise<ImportTaskResult[]> {
  if (tasks.length === 0) return [];
  const { importTask } = await import('../../audit/import-task.js');
  const { CoverageCollector } = await import('../../audit/coverage.js');
  const { ImportFileError } = await import('../../statements/import-types.js');
  // Bank records never enter a spool: importTask hands them back.
  const unused = new MerchantSpool({ maxInMemory: Number.MAX_SAFE_INTEGER });
  const imports: ImportTaskResult[] = [];
  try {
    for (const task of tasks)
      imports.push(await importTask(task, { spool: unused, coverage: new CoverageCollector(), options }));
  } catch (error) {
    if (error instanceof ImportFileError) throw typedImportFailure(error, tasks);
    throw error;
  } finally {
    unused.dispose();
  }
  return imports;
}

/** Bytes of input per record in a typical export (the simulator's journals and statements: about 140). */
const TYPICAL_BYTES_PER_RECORD = 120;

/**
 * A conservative floor on the bytes of input per record (a statement line is rarely under 60 bytes): a group's
 * bytes over this many times the allowance of records may spill.
 */
const BYTES_PER_RECORD_AT_LEAST = 60;

/**
 * Imports every file into the run's spool, then audits it merchant by merchant, so that an agent's tens of
 * millions of lines need memory for one merchant's, not all (issue 4's 1 GiB at 10M + 10M): records go into the
 * MerchantSpool as they are read — relabelled to the names the user typed, coverage taken, out-of-scope ones
 * dropped — then each merchant is read back, rid of lines another file already had (CrossFileDuplicates, per
 * merchant: its key holds the merchant), audited and released. The report is the one auditRecords gives for the
 * same records.
 */
async function auditThroughSpool(ctx: CliContext, args: ImportAndAuditArgs, run: AuditRun): Promise<Audited> {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  const { skippedDebitDatesOf, startAudit } = await import('../../audit/audit.js');
  const { CoverageCollector } = await import('../../audit/coverage.js');
  const { inputOfSeq, withoutRepeatedExports } = await import('../../audit/import-task.js');
  const { digestJournal } = await import('../../explain/attach-diagnoses.js');
  const { merchantFilterOf } = await import('../../audit/scope.js');
  const { unnamedJournalWarning } = await import('../../audit/unnamed-journal.js');
  const { spool, workers } = run;

  const coverage = new CoverageCollector();
  const results = await importInputs(ctx, run.tasks, {
    spool,
    coverage,
    maxInMemory: run.maxInMemory,
    workers,
    options: args.options,
  });
  const summaries = results.map((r) => r.summary);
  // A statement lacking the 合计 row its siblings end with may be cut at a line end: its last day is not covered.
  const { markMissingTotals } = await import('../../audit/missing-totals.js');
  markMissingTotals(summaries, coverage);
  // Tasks are numbered by their place (inputTasks).
  const taskOf = (r: ImportTaskResult) => run.tasks[r.input];
  const lineFiles = results.flatMap((r) => {
    const task = taskOf(r);
    return task?.kind === 'settlement' ? [{ task, merchants: r.statementMerchants }] : [];
  });
  const bankTasks = run.tasks.filter((task) => task.kind === 'bank');
  const attributed = await attributeBankFiles(ctx, args, {
    lineFiles,
    bankTasks,
    bankImports: results.filter((r) => taskOf(r)?.kind === 'bank'),
  });
  const drops = new DropLog();
  const bank = await keptBankRecords(results, drops, attributed.leftOut);
  const selected = merchantFilterOf(args.options);
  const statementTerminals = results.flatMap((r) => r.statementTerminals);
  const unnamed = spool.placeUnnamedJournal(coverage.channelsByMerchant(), statementTerminals, selected);
  const notes = unnamed === undefined ? [] : [unnamedJournalWarning(unnamed)];
  // A journal gave the merchants asked for nothing when none of its lines was kept for them: its lines were other
  // merchants', or without a number and placed with none of theirs. All its lines to the statements' only merchant
  // (unnamed.merchantId, never one --merchant leaves out) went without a note per line.
  const { filesWithoutSelected } = await import('../../audit/merchant-files.js');
  const withoutSelected = filesWithoutSelected(
    lineFiles.map((f) => ({ file: f.task.typed, merchants: f.merchants })),
    selected,
  );
  if (selected !== undefined)
    for (const r of results) {
      if (taskOf(r)?.kind !== 'terminal' || r.summary.rows === 0) continue;
      const kept = spool.keptFor(r.input);
      const placed = kept.has('') && unnamed?.merchantId !== undefined;
      if (!placed && ![...kept].some((m) => selected.has(m))) withoutSelected.add(r.summary.file);
    }

  const checking = new Progress(t('核对', 'auditing'), 1, ctx.interactive, ctx.stderr);
  checking.update(0);
  const statementsCover = coverage.coverage();
  const session = startAudit({
    plans: args.plans,
    sharedPlan: args.sharedPlan,
    bank,
    bankDebitDates: skippedDebitDatesOf(summaries.filter((s) => !attributed.leftOut.has(s.file))),
    options: args.options,
    coverage: statementsCover,
    runMerchants: spool.merchantIds,
  });
  const onDrop = (seq: number, other: string) => drops.add(inputOfSeq(seq), other, seq);
  const journal = new Map<string, JournalDigest>();
  const total = Math.max(1, spool.merchantCount);
  let done = 0;
  try {
    if (workers !== undefined) {
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
          hasBank: session.hasBank,
          bankDebits: session.bankDebitsOf(m.merchantId),
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
  } finally {
    checking.finish();
  }
  return {
    session,
    summaries,
    drops,
    journal,
    notes,
    statements: attributed.statements,
    bank: attributed.bank,
    withoutSelected,
    statementTerminals,
  };
}

/**
 * The report: the session finished with the files, their rejected rows and warnings, and the diagnoses. With
 * --merchant, the files of other merchants are neither listed nor have their rows or warnings reported, and the
 * devices files of others are not used for the diagnoses; what was left out, and why, is said once per kind.
 */
async function reportOf(
  ctx: CliContext,
  args: ImportAndAuditArgs,
  audited: Audited,
): Promise<AuditRunResult> {
  const { session, drops, journal, notes } = audited;
  // Cross-file duplicates are reported on the file that repeated them, in the order importFiles would.
  drops.warnOn(audited.summaries);
  const { asAttributed, attributeFiles, attributionWarnings, keeps, terminalOwners } = await import(
    '../../audit/merchant-files.js'
  );
  const { merchantFilterOf } = await import('../../audit/scope.js');
  const selected = merchantFilterOf(args.options);
  const devices =
    selected === undefined
      ? []
      : attributeFiles(
          audited.statements,
          args.devices.map((d) => ({
            file: d.file,
            ...(d.value.merchantId === undefined ? {} : { owner: d.value.merchantId }),
            numbers: [],
            titles: [],
            memos: [],
            names: [],
            accounts: [],
            terminals: d.value.terminals.map((t) => t.terminalId),
          })),
          selected,
          pathsOf(ctx),
          terminalOwners(audited.statementTerminals, journal),
        );
  const leftOut = new Set<string>(audited.withoutSelected);
  for (const a of [...audited.bank, ...devices]) if (!keeps(a)) leftOut.add(a.file);
  // Other merchants' files are not this audit's: their bank and devices files are named once, in the warnings
  // below; their statements and journals, which gave it no line, not at all.
  const summaries = audited.summaries.filter((f) => !leftOut.has(f.file));
  const report = session.finish({
    files: summaries.map((f) => ({
      file: f.file,
      sha256: f.sha256,
      preset: f.preset,
      kind: f.kind,
      rows: f.rows,
      ...(f.truncated === true ? { truncated: true as const } : {}),
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
      // Both languages, as the audit's own warnings are (renderers show the reader's half: warningIn).
      ...summaries.flatMap((f) => f.warnings.map(fileWarning)),
      ...notes,
      ...attributionWarnings('bank', audited.bank),
      ...attributionWarnings('devices', devices),
    ],
  });
  const { attachDiagnoses } = await import('../../explain/attach-diagnoses.js');
  attachDiagnoses(report, {
    // Kept for a merchant by its terminals or a merchantId written otherwise: that merchant's file.
    devices: args.devices.flatMap((d, i) => (leftOut.has(d.file) ? [] : [asAttributed(d.value, devices[i])])),
    plans: args.plans,
    sharedPlan: args.sharedPlan,
    journal,
  });
  return { report, leftOut };
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
      const abs = g.located?.get(typed) ?? resolve(ctx.cwd, typed);
      tasks.push({
        input: tasks.length,
        kind: g.kind,
        typed,
        abs,
        ...(g.preset === undefined ? {} : { preset: g.preset }),
        ...(g.mappingFile === undefined ? {} : { mappingFile: g.mappingFile }),
        ...(g.mappingName === undefined ? {} : { mappingName: g.mappingName }),
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
    spool: RunSpool;
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
        // A worker's chunks are of its one input: the merchants it kept records for.
        for (const c of reply.chunks) if (c.count > 0) spool.note(reply.result.input, c.merchantId);
        spool.adopt(reply.chunks);
        coverage.merge(reply.coverage);
        results.push(reply.result);
      }
      results.sort((a, b) => a.input - b.input);
    } else
      for (const task of tasks)
        results.push(
          await importTask(task, { spool, coverage, options, keepUnnamedJournal: true }, (n) =>
            onBytes(task.input, n),
          ),
        );
  } catch (error) {
    if (error instanceof ImportFileError) throw typedImportFailure(error, tasks);
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
