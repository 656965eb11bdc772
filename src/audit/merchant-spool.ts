import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PosRecord } from '../records/record.js';

// An agent's month is tens of millions of records; as objects they need ~1 KB each, far more than a laptop
// has. The audit only ever needs one merchant's records at a time (see startAudit), so the importers hand
// records to this spool, which keeps them per merchant in arrival order and moves them to temporary files
// when too many are held, then gives them back one merchant at a time.

/** The temporary files could not be written or read (a full disk, a read-only or missing directory). */
export class SpoolError extends Error {
  constructor(
    readonly dir: string,
    cause: unknown,
  ) {
    super(`cannot use temporary files in ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'SpoolError';
  }
}

/** The record kinds an audit takes per merchant (bank credits are few and stay in memory). */
export type SpooledKind = 'terminal' | 'settlement';

export interface MerchantSpoolOptions {
  /** Records held in memory before the spool writes them out; default 150,000 (≈ 500 MB of process memory with the import's own). */
  maxInMemory?: number;
  /** Where the temporary files go; default the system's temporary directory. */
  tmpDir?: string;
}

/** One merchant's records, in the order they arrived, with each record's arrival number. */
export interface SpooledMerchant {
  merchantId: string;
  terminal: PosRecord[];
  terminalSeq: number[];
  settlement: PosRecord[];
  settlementSeq: number[];
}

/** Every PosRecord field but source, in the order a spilled line stores them. */
const FIELDS = [
  'kind',
  'type',
  'status',
  'time',
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
  'channel',
  'card',
  'cardNo',
  'payerId',
  'amountFen',
  'feeFen',
  'settledFen',
  'rate',
  'label',
  'counterparty',
] as const satisfies readonly Exclude<keyof PosRecord, 'source'>[];

type Field = (typeof FIELDS)[number];
// A field list that misses a PosRecord key would silently lose it on the way through a file.
type MissingField = Exclude<keyof PosRecord, 'source' | Field>;
const everyFieldListed: [MissingField] extends [never] ? true : never = true;
void everyFieldListed;

/** Records per line of a spilled file. */
const LINE_RECORDS = 4096;

interface Bucket {
  records: PosRecord[];
  seq: number[];
  /** How many times the bucket was written out. */
  spilled: number;
  path?: string;
}

export class MerchantSpool {
  private readonly maxInMemory: number;
  private readonly tmpRoot: string;
  private dir: string | undefined;
  private readonly buckets = new Map<string, { terminal: Bucket; settlement: Bucket }>();
  private readonly fileIndex = new Map<string, number>();
  private readonly fileNames: string[] = [];
  private held = 0;
  private arrivedCount = 0;
  private spills = 0;

  constructor(options: MerchantSpoolOptions = {}) {
    this.maxInMemory = Math.max(1, options.maxInMemory ?? 150_000);
    this.tmpRoot = options.tmpDir ?? tmpdir();
  }

  /** How many records have been added: the next record's arrival number. */
  get arrived(): number {
    return this.arrivedCount;
  }

  /** How many merchants have records waiting. */
  get merchantCount(): number {
    return this.buckets.size;
  }

  /** How many times records were written out (0 when everything fitted in memory). */
  get spillCount(): number {
    return this.spills;
  }

  add(kind: SpooledKind, r: PosRecord): void {
    const merchantId = r.merchantId ?? '';
    let pair = this.buckets.get(merchantId);
    if (pair === undefined) {
      pair = { terminal: newBucket(), settlement: newBucket() };
      this.buckets.set(merchantId, pair);
    }
    const bucket = pair[kind];
    bucket.records.push(r);
    bucket.seq.push(this.arrivedCount++);
    if (++this.held >= this.maxInMemory) this.spill();
  }

  /** The merchants in ascending merchantId order, each read back (and released) as the caller reaches it. */
  *merchants(): Generator<SpooledMerchant> {
    const ids = [...this.buckets.keys()].sort();
    for (const merchantId of ids) {
      const pair = this.buckets.get(merchantId);
      if (pair === undefined) continue;
      this.buckets.delete(merchantId);
      const terminal = this.readBack(pair.terminal);
      const settlement = this.readBack(pair.settlement);
      yield {
        merchantId,
        terminal: terminal.records,
        terminalSeq: terminal.seq,
        settlement: settlement.records,
        settlementSeq: settlement.seq,
      };
    }
  }

  /** Removes the temporary files; safe to call more than once. */
  dispose(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.buckets.clear();
  }

  private spill(): void {
    try {
      this.spillBuckets();
    } catch (error) {
      throw new SpoolError(this.dir ?? this.tmpRoot, error);
    }
  }

  private spillBuckets(): void {
    this.dir ??= mkdtempSync(join(this.tmpRoot, 'posguard-spool-'));
    let n = 0;
    for (const pair of this.buckets.values()) {
      for (const bucket of [pair.terminal, pair.settlement]) {
        if (bucket.records.length === 0) continue;
        bucket.path ??= join(this.dir, `b${n++}-${this.spills}.jsonl`);
        // Lines of a few thousand records: one JSON text of the whole bucket would briefly double its memory.
        const lines: string[] = [];
        for (let from = 0; from < bucket.records.length; from += LINE_RECORDS) {
          const rows: unknown[][] = [];
          const to = Math.min(bucket.records.length, from + LINE_RECORDS);
          for (let i = from; i < to; i++)
            rows.push(this.encode(bucket.records[i] as PosRecord, bucket.seq[i] ?? 0));
          lines.push(`${JSON.stringify(rows)}\n`);
          if (lines.length === 16) appendFileSync(bucket.path, lines.splice(0).join(''));
        }
        if (lines.length > 0) appendFileSync(bucket.path, lines.join(''));
        bucket.spilled += 1;
        bucket.records = [];
        bucket.seq = [];
      }
    }
    this.held = 0;
    this.spills += 1;
  }

  private readBack(bucket: Bucket): { records: PosRecord[]; seq: number[] } {
    this.held -= bucket.records.length;
    if (bucket.path === undefined) return { records: bucket.records, seq: bucket.seq };
    const records: PosRecord[] = [];
    const seq: number[] = [];
    // Line by line from the bytes: decoding the whole file to one string would hold it twice.
    let bytes: Buffer;
    try {
      bytes = readFileSync(bucket.path);
      rmSync(bucket.path, { force: true });
    } catch (error) {
      throw new SpoolError(this.dir ?? this.tmpRoot, error);
    }
    for (let start = 0; start < bytes.length; ) {
      let end = bytes.indexOf(10, start);
      if (end < 0) end = bytes.length;
      if (end > start)
        for (const row of JSON.parse(bytes.toString('utf8', start, end)) as unknown[][]) {
          seq.push(row[0] as number);
          records.push(this.decode(row));
        }
      start = end + 1;
    }
    for (let i = 0; i < bucket.records.length; i++) {
      records.push(bucket.records[i] as PosRecord);
      seq.push(bucket.seq[i] ?? 0);
    }
    return { records, seq };
  }

  private encode(r: PosRecord, seq: number): unknown[] {
    let file = this.fileIndex.get(r.source.file);
    if (file === undefined) {
      file = this.fileNames.length;
      this.fileNames.push(r.source.file);
      this.fileIndex.set(r.source.file, file);
    }
    const row: unknown[] = [seq, file, r.source.row];
    for (const f of FIELDS) row.push(r[f] ?? null);
    // Trailing absent fields cost nothing in the file.
    while (row.length > 3 && row[row.length - 1] === null) row.pop();
    return row;
  }

  private decode(row: unknown[]): PosRecord {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < FIELDS.length; i++) {
      const v = row[i + 3];
      if (v !== null && v !== undefined) out[FIELDS[i] as Field] = v;
    }
    out.source = { file: this.fileNames[row[1] as number] ?? '', row: row[2] as number };
    // The file holds only what encode() wrote from valid records.
    return out as PosRecord;
  }
}

function newBucket(): Bucket {
  return { records: [], seq: [], spilled: 0 };
}
