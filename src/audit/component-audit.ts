import type { JournalDigest } from '../explain/attach-diagnoses.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';
import type { FileOutline } from '../statements/outline.js';
import type { AuditOptions } from './audit.js';
import { type Coverage, CoverageCollector, type CoverageRange, type FileDates, rangeOf } from './coverage.js';
import { type ImportTask, type ImportTaskResult, importTask, withoutRepeatedExports } from './import-task.js';
import { auditMerchantApart, type MerchantAuditResult } from './merchant-audit.js';
import { MerchantSpool } from './merchant-spool.js';

// A merchant's audit needs only its own records and the statements' coverage (bank credits are claimed for every
// merchant's payout days at the end, payouts.ts). Files that share no merchant can then be imported and audited
// apart, a group at a time, each group's records dropped before the next is read: nothing is held for the whole
// run or spilled to disk, and groups run on worker threads side by side. The groups come from a quick outline of every file (statements/outline.ts);
// the outline is a forecast, so each group reports what the import actually read and the caller checks it.

/** Files that share merchants, and the merchants their outlines name. */
export interface FileGroup {
  tasks: ImportTask[];
  merchants: string[];
  bytes: number;
}

/**
 * Groups input files so that no merchant's files are in two groups; undefined when some file could not be
 * outlined (then every file may hold every merchant).
 */
export function groupFiles(
  tasks: readonly (ImportTask & { bytes: number })[],
  outlines: readonly FileOutline[],
): FileGroup[] | undefined {
  const parent = tasks.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    // Path halving keeps the chains short.
    let x = i;
    while (parent[x] !== r) {
      const next = parent[x] as number;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  const fileOf = new Map<string, number>();
  for (const [i, outline] of outlines.entries()) {
    if (outline.merchants === undefined) return undefined;
    for (const m of outline.merchants) {
      const other = fileOf.get(m);
      if (other === undefined) fileOf.set(m, i);
      else parent[root(i)] = root(other);
    }
  }
  const groups = new Map<number, FileGroup>();
  for (const [i, task] of tasks.entries()) {
    const r = root(i);
    let g = groups.get(r);
    if (g === undefined) {
      g = { tasks: [], merchants: [], bytes: 0 };
      groups.set(r, g);
    }
    const { bytes, ...plain } = task;
    g.tasks.push(plain);
    g.bytes += bytes;
    g.merchants.push(...(outlines[i]?.merchants ?? []));
  }
  const out = [...groups.values()];
  for (const g of out) g.merchants = [...new Set(g.merchants)].sort();
  return out;
}

/** The statements' coverage as the outlines forecast it (each statement file: first to last settlement date). */
export function forecastCoverage(tasks: readonly ImportTask[], outlines: readonly FileOutline[]): Coverage {
  const settle: CoverageRange[] = [];
  for (const [i, task] of tasks.entries()) {
    const o = outlines[i];
    if (task.kind !== 'settlement' || o?.settleMin === undefined || o.settleMax === undefined) continue;
    const only = o.merchants?.length === 1 && o.merchants[0] !== '' ? o.merchants[0] : undefined;
    settle.push(rangeOf(o.settleMin, o.settleMax, only));
  }
  return { settle, trade: [] };
}

/** Whether two coverages are the same ranges, in any order. */
export function sameCoverage(a: Coverage, b: Coverage): boolean {
  return coverageDifference(a, b) === undefined;
}

/** The first range one coverage has and the other lacks (`+` read, not forecast; `−` the reverse), if any. */
export function coverageDifference(read: Coverage, forecast: Coverage): string | undefined {
  const keys = (c: Coverage) =>
    new Set([...c.settle.map((r) => `settle ${r.join('~')}`), ...c.trade.map((r) => `trade ${r.join('~')}`)]);
  const a = keys(read);
  const b = keys(forecast);
  for (const k of [...a].sort()) if (!b.has(k)) return `+${k}`;
  for (const k of [...b].sort()) if (!a.has(k)) return `−${k}`;
  return undefined;
}

/** One group's work: its files, and what every merchant audit needs. */
export interface GroupJob {
  tasks: ImportTask[];
  merchants: string[];
  /** The plan of each merchant of the group (by the session's planOf). */
  plans: [string, FeePlan | undefined][];
  options: AuditOptions;
  /** The forecast coverage of all statements; checked by the caller against what was read. */
  coverage: Coverage;
  /** The run has bank records: each merchant keeps its payout days for the session to claim credits for. */
  hasBank: boolean;
  /** Each merchant's direct debits from the provider on the bank account (the session's bankDebitsOf). */
  bankDebits?: [string, PosRecord[]][];
  /** Records the group may hold before its spool writes to disk (a group larger than memory still works). */
  maxInMemory: number;
  tmpDir?: string;
}

export interface GroupResult {
  imports: ImportTaskResult[];
  /** What the group's statements cover, per file, as read. */
  coverage: [string, FileDates][];
  merchants: { merchantId: string; result: MerchantAuditResult; journal: JournalDigest | undefined }[];
  /** Lines dropped as another file's repeats: arrival number and the file repeated. */
  drops: [number, string][];
  /** Merchants the import read that the outline did not forecast: the caller must not use this result. */
  unforeseen: string[];
  /** How many times the group's records were written to disk (0 when they all fitted in memory). */
  spilled: number;
}

/**
 * Imports a group's files in input order into a spool of its own, then audits each of its merchants apart, in
 * merchant order. Runs in-process or on a worker thread.
 */
export async function auditGroup(
  job: GroupJob,
  onBytes?: (input: number, bytes: number) => void,
): Promise<GroupResult> {
  const { digestJournal } = await import('../explain/attach-diagnoses.js');
  const spool = new MerchantSpool({
    maxInMemory: job.maxInMemory,
    ...(job.tmpDir === undefined ? {} : { tmpDir: job.tmpDir }),
  });
  try {
    const coverage = new CoverageCollector();
    const imports: ImportTaskResult[] = [];
    for (const task of job.tasks)
      imports.push(
        await importTask(
          task,
          { spool, coverage, options: job.options },
          onBytes === undefined ? undefined : (bytes) => onBytes(task.input, bytes),
        ),
      );
    const foreseen = new Set(job.merchants);
    const plans = new Map(job.plans);
    const bankDebits = new Map(job.bankDebits ?? []);
    const result: GroupResult = {
      imports,
      coverage: coverage.entries(),
      merchants: [],
      drops: [],
      unforeseen: [],
      spilled: spool.spillCount,
    };
    const onDrop = (seq: number, other: string) => result.drops.push([seq, other]);
    for (const m of spool.merchants()) {
      if (!foreseen.has(m.merchantId)) result.unforeseen.push(m.merchantId);
      if (result.unforeseen.length > 0) continue;
      const terminal = withoutRepeatedExports(m.terminal, m.terminalSeq, onDrop);
      const settlement = withoutRepeatedExports(m.settlement, m.settlementSeq, onDrop);
      result.merchants.push({
        merchantId: m.merchantId,
        result: auditMerchantApart(
          m.merchantId,
          terminal,
          settlement,
          plans.get(m.merchantId),
          job.options,
          job.coverage,
          job.hasBank,
          bankDebits.get(m.merchantId),
        ),
        journal: terminal.length > 0 ? digestJournal(terminal) : undefined,
      });
    }
    return result;
  } finally {
    spool.dispose();
  }
}
