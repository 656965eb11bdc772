import type { PosRecord, RecordKind } from '../records/index.js';
import { CrossFileDuplicates } from '../statements/import.js';
import type { FileImportSummary } from '../statements/import-types.js';
import type { AuditOptions } from './audit.js';
import { recordInScope } from './scope.js';
import { noteTerminalMerchant, type TerminalMerchants } from './unnamed-journal.js';
import type { CoverageCollector } from './coverage.js';
import type { MerchantSpool } from './merchant-spool.js';

/** One input file of an audit, as the user named it and where it is. */
export interface ImportTask {
  /** Its place among all inputs (statements, then journals, then bank files, each in the order given). */
  input: number;
  kind: RecordKind;
  /** As the user typed it: records, rejected rows and warnings name the file so. */
  typed: string;
  abs: string;
  preset?: string;
  mappingFile?: string;
  /** The --mapping as the user typed it: the import's messages about the mapping name it so. */
  mappingName?: string;
}

/** What importing one file leaves besides the records in the spool. */
export interface ImportTaskResult {
  input: number;
  summary: FileImportSummary;
  /** Bank credits, in file order, for the caller to dedupe and keep (they are few). */
  bank: PosRecord[];
  /**
   * The merchant numbers a statement's lines carry ('' for a line without), in scope or not: where journal lines
   * without a number belong depends on all of them (placeUnnamedJournal), as in auditRecords.
   */
  statementMerchants: string[];
  /** Each terminal of a statement's lines with the merchant they name (null for several), in scope or not. */
  statementTerminals: [string, string | null][];
}

/** Arrival numbers: input i's records are numbered from i × 2³², so inputs read in parallel still sort in order. */
export const SEQ_PER_INPUT = 2 ** 32;
export const inputOfSeq = (seq: number): number => Math.floor(seq / SEQ_PER_INPUT);

/**
 * Imports one file for the audit: each record renamed to the typed file name, statements counted for coverage
 * (in scope or not), in-scope journal and statement records spooled per merchant, bank records returned.
 * The same code runs in-process and in the import workers.
 */
export async function importTask(
  task: ImportTask,
  into: {
    spool: MerchantSpool;
    coverage: CoverageCollector;
    options: AuditOptions;
    /** Journal lines without a merchant number pass --merchant, for the spool to place (placeUnnamedJournal). */
    keepUnnamedJournal?: boolean;
  },
  onBytes?: (bytes: number) => void,
): Promise<ImportTaskResult> {
  const { importFileStreaming } = await import('../statements/import.js');
  const rename = renamer(task.abs, task.typed);
  const inScope = recordInScope(into.options, { keepUnnamedJournal: into.keepUnnamedJournal === true });
  const bank: PosRecord[] = [];
  const statementMerchants = new Set<string>();
  let lastMerchant: string | undefined;
  const statementTerminals: TerminalMerchants = new Map();
  let seq = task.input * SEQ_PER_INPUT;
  const kind = task.kind;
  const summary = await importFileStreaming(
    { path: task.abs },
    {
      kind,
      ...(task.preset === undefined ? {} : { preset: task.preset }),
      ...(task.mappingFile === undefined ? {} : { mappingFile: task.mappingFile }),
      ...(task.mappingName === undefined ? {} : { mappingName: task.mappingName }),
      ...(onBytes === undefined ? {} : { onProgress: (n: number) => onBytes(n) }),
    },
    (r) => {
      const file = rename(r.source.file);
      if (file !== r.source.file) r.source = { file, row: r.source.row };
      if (kind === 'bank') {
        bank.push(r);
        return;
      }
      if (kind === 'settlement') {
        into.coverage.add(r);
        const merchant = r.merchantId ?? '';
        if (merchant !== lastMerchant) {
          statementMerchants.add(merchant);
          lastMerchant = merchant;
        }
        if (r.terminalId !== undefined) noteTerminalMerchant(statementTerminals, r.terminalId, merchant);
      }
      if (inScope(r)) into.spool.add(kind, r, seq);
      seq += 1;
    },
  );
  // A statement cut off mid-row does not cover its last day (coverage.ts CutShortDay); an archive's table is named
  // as its records are.
  if (kind === 'settlement')
    for (const table of [summary, ...(summary.parts ?? [])])
      if (table.truncated === true) into.coverage.markTruncated(rename(table.file));
  relabelSummary(summary, rename);
  return {
    input: task.input,
    summary,
    bank,
    statementMerchants: [...statementMerchants],
    statementTerminals: [...statementTerminals],
  };
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

/**
 * One merchant's records of one kind without the lines another file already had (CrossFileDuplicates; per merchant
 * is the same as over all records, since the key holds the merchant). `onDrop` hears each dropped line's arrival
 * number and the file it repeated.
 */
export function withoutRepeatedExports(
  records: PosRecord[],
  seqs: readonly number[],
  onDrop: (seq: number, other: string) => void,
): PosRecord[] {
  const first = records[0]?.source.file;
  if (records.every((r) => r.source.file === first)) return records;
  const dedupe = new CrossFileDuplicates();
  const kept: PosRecord[] = [];
  for (const [i, r] of records.entries()) {
    const other = dedupe.duplicateOf(r);
    if (other === undefined) kept.push(r);
    else onDrop(seqs[i] ?? 0, other);
  }
  return kept;
}
