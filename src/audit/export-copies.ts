// The same statement exported twice with different column choices (one export with 批次号 and 卡号, one
// without; one with 结算日期, one without) gives lines that are not identical, so the import's cross-file dedupe
// keeps both. Such a line is still the same line, not a second settlement: everything the two exports both show
// agrees. A genuine double settlement differs somewhere both show — its settlement date, its fee, its time.
import type { PosRecord } from '../records/record.js';
import { EXACT_KEYS, numberKeyOf, type Prepared } from './match-records.js';

/** Fields compared only when both lines have them: an export without the column leaves them undefined. */
const OPTIONAL_FIELDS = [
  'completedAt',
  'settleDate',
  'merchantId',
  'terminalId',
  'refNo',
  'voucherNo',
  'batchNo',
  'orderNo',
  'providerOrderNo',
  'originalRefNo',
  'originalVoucherNo',
  'originalOrderNo',
  'payerId',
  'discountFen',
  'feeFen',
  'settledFen',
] as const satisfies readonly (keyof PosRecord)[];

/**
 * Number-like fields one export writes zero-padded (`000001200003`, `000012`) and another, or a spreadsheet that
 * re-saved it, without the zeros: equal when they name the same number.
 */
const NUMBER_FIELDS: ReadonlySet<string> = new Set([
  'terminalId',
  'refNo',
  'voucherNo',
  'batchNo',
  'originalRefNo',
  'originalVoucherNo',
]);

function sameField(field: (typeof OPTIONAL_FIELDS)[number], x: unknown, y: unknown): boolean {
  if (x === y) return true;
  return (
    NUMBER_FIELDS.has(field) &&
    typeof x === 'string' &&
    typeof y === 'string' &&
    numberKeyOf(x) === numberKeyOf(y)
  );
}

/** A card number's last four digits: providers mask the rest differently from one export to the next. */
function lastFour(cardNo: string): string {
  return cardNo.slice(-4);
}

/** A time of exactly midnight: what an export that gives only the trade date makes of it. */
function isDateOnly(iso: string): boolean {
  return iso.slice(11, 19) === '00:00:00';
}

/**
 * Whether b, read from another file than a, is a's line in another export of the same statement: the same kind,
 * type, status and amount, and every field both lines show equal (a card by its last four digits, a channel or card
 * type that one export leaves unknown, a time one export gives as the date alone).
 */
export function isSameLineInAnotherExport(a: PosRecord, b: PosRecord): boolean {
  if (a.source.file === b.source.file) return false;
  if (a.kind !== b.kind || a.type !== b.type || a.status !== b.status || a.amountFen !== b.amountFen)
    return false;
  if (a.time !== b.time) {
    const sameDay = a.time.slice(0, 10) === b.time.slice(0, 10);
    if (!sameDay || !(isDateOnly(a.time) || isDateOnly(b.time))) return false;
  }
  if (a.channel !== b.channel && a.channel !== 'unknown' && b.channel !== 'unknown') return false;
  if (a.card !== b.card && a.card !== 'unknown' && b.card !== 'unknown') return false;
  if (a.cardNo !== undefined && b.cardNo !== undefined && lastFour(a.cardNo) !== lastFour(b.cardNo))
    return false;
  for (const field of OPTIONAL_FIELDS) {
    const x = a[field];
    const y = b[field];
    if (x !== undefined && y !== undefined && !sameField(field, x, y)) return false;
  }
  return true;
}

/** Every field isSameLineInAnotherExport looks at is equal, absent ones included: the same columns, the same line. */
function identical(a: PosRecord, b: PosRecord): boolean {
  return (
    a.time === b.time &&
    a.channel === b.channel &&
    a.card === b.card &&
    a.cardNo === b.cardNo &&
    OPTIONAL_FIELDS.every((field) => a[field] === b[field])
  );
}

/**
 * Notes the pairs of files that had lines dropped as another export's copies, and allows each first line as many
 * copies per other file as its own file had of it (a line settled twice within a statement, exported twice, is
 * still a line settled twice).
 */
export class ExportCopies {
  private readonly copiesOf = new Map<PosRecord, Map<string, number>>();
  private readonly repeatsOf = new Map<PosRecord, number>();
  /** "later file\u0000earlier file" for each pair of files that shared a line. */
  readonly pairs = new Set<string>();

  /** Notes that first's own file had it again (a genuine repeat, reported as duplicate_settlement). */
  noteRepeat(first: PosRecord): void {
    this.repeatsOf.set(first, (this.repeatsOf.get(first) ?? 0) + 1);
  }

  /**
   * Whether line is first's line in another export, within the copies that export may hold; counts it when so. A
   * line identical to first is not taken: the import's own dedupe (CrossFileDuplicates, or the server's store)
   * already dropped the copies an identical export held, so one that reaches the audit is a settlement again.
   */
  take(first: PosRecord, line: PosRecord): boolean {
    if (identical(first, line) || !isSameLineInAnotherExport(first, line)) return false;
    let perFile = this.copiesOf.get(first);
    if (perFile === undefined) {
      perFile = new Map();
      this.copiesOf.set(first, perFile);
    }
    const used = perFile.get(line.source.file) ?? 0;
    if (used > (this.repeatsOf.get(first) ?? 0)) return false;
    perFile.set(line.source.file, used + 1);
    this.pairs.add(`${line.source.file}\u0000${first.source.file}`);
    return true;
  }
}

/**
 * The journal lines without the copies another export of the same journal holds (see isSameLineInAnotherExport),
 * keyed by their first exact key (EXACT_KEYS) within their match class; lines from one file pass untouched. A copy
 * left in would pair with nothing and read as a sale never settled.
 */
export function withoutExportCopies(
  lines: Prepared[],
  copies: ExportCopies,
  onDropped: (line: Prepared) => void,
): Prepared[] {
  const file = lines[0]?.record.source.file;
  if (lines.every((p) => p.record.source.file === file)) return lines;
  const firstOf = new Map<string, Prepared>();
  const kept: Prepared[] = [];
  for (const p of lines) {
    const key = firstExactKey(p);
    if (key === undefined) {
      kept.push(p);
      continue;
    }
    const first = firstOf.get(key);
    if (first === undefined) {
      firstOf.set(key, p);
    } else if (copies.take(first.record, p.record)) {
      onDropped(p);
      continue;
    } else if (first.record.source.file === p.record.source.file) {
      copies.noteRepeat(first.record);
    }
    kept.push(p);
  }
  return kept;
}

function firstExactKey(p: Prepared): string | undefined {
  if (p.cls === undefined) return undefined;
  for (let level = 0; level < EXACT_KEYS.length; level += 1) {
    const key = EXACT_KEYS[level]?.(p.record);
    if (key !== undefined) return `${p.cls}\u0000${level}\u0000${key}`;
  }
  return undefined;
}
