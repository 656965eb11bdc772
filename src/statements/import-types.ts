import type { PosRecord, RecordKind } from '../records/index.js';

/** A file to import: a path on disk, or bytes with the name they came under (an upload). */
export type ImportInput = { path: string } | { name: string; bytes: Uint8Array };

/** How to read the files; everything is detected when left out. */
export interface ImportOptions {
  kind?: RecordKind;
  preset?: string;
  mappingFile?: string;
  /** The mapping file as its messages name it (as the user typed it); mappingFile by default. */
  mappingName?: string;
  onProgress?: (done: number, total: number) => void;
}

/** A row that could not be read: where it is and why, in both languages. */
export interface RejectedRow {
  file: string;
  row: number;
  column?: string;
  reason: string;
  reasonEn: string;
}

/** Something the user should know about a file that did not stop it being read. */
export interface ImportWarning {
  code: string;
  file: string;
  message: string;
  messageEn: string;
}

/** What was read from one file (or one table inside an archive). */
export interface FileImportSummary {
  file: string;
  sha256: string;
  bytes: number;
  preset: string;
  encoding: string;
  kind: RecordKind;
  rows: number;
  /** field → the header (or column number) it was read from. */
  columns: Record<string, string>;
  rejected: RejectedRow[];
  warnings: ImportWarning[];
  totals?: { amountFen: number; feeFen?: number; settledFen?: number };
  /** Rows that were deliberately not records (rowFilter, direction skip, bank debits), counted. */
  skipped?: number;
  /**
   * A bank file's debit lines, skipped (not payouts), still show the days the export spans: the first and last of
   * their dates. The audit takes them into the bank files' coverage, so a payout due by a day only a debit shows
   * is known to be missing.
   */
  skippedDebitDates?: { first: string; last: string };
  /**
   * A text export cut off while it was written or downloaded: its last row is incomplete and the file does not end
   * with a newline (truncated-export.ts). The rows after the cut are missing, so the audit does not take the file's
   * last day as covered.
   */
  truncated?: true;
  /**
   * A totals row (合计, or a summary block a preset checks) was read and checked against the rows. The audit compares
   * it across the files of one layout: a file that lacks the 合计 row its siblings all end with may be a download
   * cut at a line end (audit/missing-totals.ts).
   */
  totalsRow?: true;
  /**
   * For an archive holding several tables: one summary per table (a ZIP member's with that member's own sha256
   * and bytes; a worksheet's without); the outer summary adds them up, kinds and columns aside (its first table's).
   */
  parts?: FileImportSummary[];
}

/** Everything importFiles read: per-file summaries, the records, and every rejected row and warning. */
export interface ImportResult {
  files: FileImportSummary[];
  records: PosRecord[];
  rejected: RejectedRow[];
  warnings: ImportWarning[];
}

/** A file that cannot be read at all (not a statement, corrupt, encrypted, XLS): one line naming the file. */
export class ImportFileError extends Error {
  readonly file: string;
  readonly zh: string;
  /** The reason without the file name, as given: enough to build the same error again (in another thread). */
  readonly reason: { readonly zh: string; readonly en: string };
  constructor(file: string, zh: string, en: string) {
    super(`${file}: ${en}`);
    this.name = 'ImportFileError';
    this.file = file;
    this.zh = `${file}：${zh}`;
    this.reason = { zh, en };
  }
}
