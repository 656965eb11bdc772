import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AuditOptions } from '../../audit/audit.js';
import type { AuditReport } from '../../audit/report-types.js';
import type { DevicesFile } from '../../explain/parse-devices.js';
import type { FeePlan } from '../../plans/plan-types.js';
import type { PosRecord, RecordKind } from '../../records/index.js';
import type { FileImportSummary } from '../../statements/import-types.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { pick } from '../lang.js';
import { Progress } from '../progress.js';
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
  /** Records held in memory before the rest go to temporary files (tests lower it). */
  maxInMemory?: number;
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
  const { CrossFileDuplicates, importFileStreaming } = await import('../../statements/import.js');
  const { ImportFileError } = await import('../../statements/import-types.js');
  const { recordInScope, startAudit } = await import('../../audit/audit.js');
  const { CoverageCollector } = await import('../../audit/coverage.js');
  const { digestJournal } = await import('../../explain/attach-diagnoses.js');

  const maxInMemory = args.maxInMemory ?? spoolLimitFromEnv(ctx.env);
  const tmpDir = ctx.env.TMPDIR;
  const spool = new MerchantSpool({
    ...(maxInMemory === undefined ? {} : { maxInMemory }),
    ...(tmpDir === undefined || tmpDir === '' ? {} : { tmpDir }),
  });
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
    const inScope = recordInScope(args.options);
    const bank: PosRecord[] = [];
    const bankDedupe = new CrossFileDuplicates();
    const summaries: FileImportSummary[] = [];
    // Per input (summaries' index): the spool's arrival numbers it used, and the files its lines duplicated.
    const arrivals: { from: number; to: number }[] = [];
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

    let bankSeq = 0;
    for (const g of args.groups) {
      if (g.files.length === 0) continue;
      const progress = new Progress(g.label, 1, ctx.interactive, ctx.stderr);
      try {
        const sizes = await Promise.all(
          g.files.map((f) =>
            stat(resolve(ctx.cwd, f)).then(
              (s) => s.size,
              () => 0,
            ),
          ),
        );
        const grand = sizes.reduce((a, b) => a + b, 0);
        let before = 0;
        for (const [i, typed] of g.files.entries()) {
          const abs = resolve(ctx.cwd, typed);
          const rename = renamer(abs, typed);
          const input = summaries.length;
          const from = spool.arrived;
          const base = before;
          const summary = await importFileStreaming(
            { path: abs },
            {
              kind: g.kind,
              ...(g.preset === undefined ? {} : { preset: g.preset }),
              ...(g.mappingFile === undefined ? {} : { mappingFile: g.mappingFile }),
              onProgress: (n) => progress.update(grand > 0 ? (base + n) / grand : 1),
            },
            (r) => {
              const file = rename(r.source.file);
              if (file !== r.source.file) r.source = { file, row: r.source.row };
              if (g.kind === 'bank') {
                const other = bankDedupe.duplicateOf(r);
                if (other === undefined) bank.push(r);
                else dropped(input, other, bankSeq);
                bankSeq += 1;
                return;
              }
              if (g.kind === 'settlement') coverage.add(r);
              if (inScope(r)) spool.add(g.kind, r);
            },
          );
          relabelSummary(summary, rename);
          summaries.push(summary);
          arrivals.push({ from, to: spool.arrived });
          before += sizes[i] ?? 0;
        }
      } catch (error) {
        if (error instanceof ImportFileError) throw new CliError(error.zh, error.message);
        throw spoolFailure(error);
      } finally {
        progress.finish();
      }
    }

    const checking = new Progress(t('核对', 'auditing'), 1, ctx.interactive, ctx.stderr);
    checking.update(0);
    const session = startAudit({
      plans: args.plans,
      bank,
      options: args.options,
      coverage: coverage.coverage(),
    });
    const inputOf = (seq: number): number => {
      // arrivals are ascending and contiguous: a binary search finds the input that read a record.
      let lo = 0;
      let hi = arrivals.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((arrivals[mid]?.to ?? 0) <= seq) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const dedupe = (records: PosRecord[], seqs: number[]): PosRecord[] => {
      const sameFile = records.every((r) => r.source.file === records[0]?.source.file);
      if (sameFile) return records;
      const dedupe = new CrossFileDuplicates();
      const kept: PosRecord[] = [];
      for (const [i, r] of records.entries()) {
        const other = dedupe.duplicateOf(r);
        if (other === undefined) kept.push(r);
        else {
          const seq = seqs[i] ?? 0;
          dropped(inputOf(seq), other, seq);
        }
      }
      return kept;
    };
    const journal = new Map<string, ReturnType<typeof digestJournal>>();
    const total = Math.max(1, spool.merchantCount);
    let done = 0;
    try {
      for (const m of spool.merchants()) {
        const terminal = dedupe(m.terminal, m.terminalSeq);
        const settlement = dedupe(m.settlement, m.settlementSeq);
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
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    spool.dispose();
  }
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

/** POSGUARD_SPOOL_RECORDS: how many records to hold in memory before spilling (default MerchantSpool's). */
function spoolLimitFromEnv(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = env.POSGUARD_SPOOL_RECORDS;
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError(
      `POSGUARD_SPOOL_RECORDS 应为正整数：“${text}”`,
      `POSGUARD_SPOOL_RECORDS must be a positive integer: "${text}"`,
    );
  return n;
}

/** Shows the file names the user typed, not absolute paths (an archive's tables keep their inner names). */
function renamer(abs: string, typed: string): (name: string) => string {
  if (abs === typed) return (name) => name;
  return (name) => (name.startsWith(abs) ? typed + name.slice(abs.length) : name);
}

function relabelSummary(summary: FileImportSummary, rename: (name: string) => string): void {
  const before = summary.file;
  summary.file = rename(summary.file);
  for (const w of summary.warnings) {
    w.file = rename(w.file);
    w.message = w.message.split(before).join(summary.file);
    w.messageEn = w.messageEn.split(before).join(summary.file);
  }
  for (const r of summary.rejected) r.file = rename(r.file);
}
