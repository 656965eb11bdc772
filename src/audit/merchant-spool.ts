import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type PosRecord, RECORD_FIELDS, type RecordField } from '../records/record.js';
import { CARRIES_ALIPAY, CARRIES_ANY, CARRIES_CARD, CARRIES_WECHAT } from './coverage.js';
import {
  journalPlacement,
  type MerchantChannels,
  noteTerminalMerchant,
  type TerminalMerchants,
  type UnnamedJournal,
  UnnamedJournalTally,
} from './unnamed-journal.js';

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
  /** Where the spool makes its own temporary directory; default the system's temporary directory. */
  tmpDir?: string;
  /** An existing directory to write into instead, left in place by dispose (a worker's share of another spool's). */
  dir?: string;
  /** Prefix of this spool's file names, so spools sharing a directory never collide. */
  prefix?: string;
}

/** One merchant's records, in the order they arrived, with each record's arrival number. */
export interface SpooledMerchant {
  merchantId: string;
  terminal: PosRecord[];
  terminalSeq: number[];
  settlement: PosRecord[];
  settlementSeq: number[];
}

/** A file of records of one merchant and kind, as one spool hands it to another (see flush and adopt). */
export interface SpoolChunk {
  merchantId: string;
  kind: SpooledKind;
  path: string;
  /** The arrival number of its first record: chunks are read back in this order. */
  firstSeq: number;
  /** How many records it holds. */
  count: number;
}

/** Records per line of a spilled file. */
const LINE_RECORDS = 4096;

interface Bucket {
  records: PosRecord[];
  seq: number[];
  /** What was written out, in arrival order. */
  chunks: { path: string; firstSeq: number; count: number }[];
}

/**
 * Holds records per merchant in arrival order, writing them to temporary files when more than maxInMemory are
 * held, and gives them back one merchant at a time. Each record comes with its arrival number (seq): the caller
 * numbers them so that records read by other spools (worker threads) can be put back in order.
 */
export class MerchantSpool {
  private readonly maxInMemory: number;
  private readonly tmpRoot: string;
  private readonly ownsDir: boolean;
  private readonly prefix: string;
  private dir: string | undefined;
  private readonly buckets = new Map<string, { terminal: Bucket; settlement: Bucket }>();
  private held = 0;
  private spills = 0;
  private files = 0;

  constructor(options: MerchantSpoolOptions = {}) {
    this.maxInMemory = Math.max(1, options.maxInMemory ?? 150_000);
    this.tmpRoot = options.tmpDir ?? tmpdir();
    this.dir = options.dir;
    this.ownsDir = options.dir === undefined;
    this.prefix = options.prefix ?? 'c';
  }

  /** The directory the files go to (created on first use). */
  directory(): string {
    try {
      this.dir ??= mkdtempSync(join(this.tmpRoot, 'posguard-spool-'));
    } catch (error) {
      throw new SpoolError(this.tmpRoot, error);
    }
    return this.dir;
  }

  /** How many merchants have records waiting. */
  get merchantCount(): number {
    return this.buckets.size;
  }

  /** The merchants that have records waiting, in ascending order. */
  get merchantIds(): string[] {
    return [...this.buckets.keys()].sort();
  }

  /** How many times records were written out (0 when everything fitted in memory). */
  get spillCount(): number {
    return this.spills;
  }

  add(kind: SpooledKind, r: PosRecord, seq: number): void {
    const bucket = this.bucketOf(r.merchantId ?? '', kind);
    bucket.records.push(r);
    bucket.seq.push(seq);
    if (++this.held >= this.maxInMemory) this.spill();
  }

  /** Writes out everything held and hands over every file written; this spool forgets them. */
  flush(): SpoolChunk[] {
    if (this.held > 0) this.spill();
    const out: SpoolChunk[] = [];
    for (const [merchantId, pair] of this.buckets)
      for (const kind of ['terminal', 'settlement'] as const)
        for (const c of pair[kind].chunks) out.push({ merchantId, kind, ...c });
    this.buckets.clear();
    return out;
  }

  /** Takes over files another spool wrote (flush), to read back with this spool's own. */
  adopt(chunks: readonly SpoolChunk[]): void {
    for (const c of chunks)
      this.bucketOf(c.merchantId, c.kind).chunks.push({ path: c.path, firstSeq: c.firstSeq, count: c.count });
  }

  /**
   * Every merchant's files, in ascending merchantId order, for readers elsewhere (readChunks in a worker): what is
   * still held is written out first. The files stay in this spool's directory until dispose.
   */
  handOver(): { merchantId: string; terminal: SpoolChunk[]; settlement: SpoolChunk[] }[] {
    if (this.held > 0) this.spill();
    const out = [...this.buckets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([merchantId, pair]) => ({
        merchantId,
        terminal: pair.terminal.chunks.map((c) => ({ merchantId, kind: 'terminal' as const, ...c })),
        settlement: pair.settlement.chunks.map((c) => ({ merchantId, kind: 'settlement' as const, ...c })),
      }));
    this.buckets.clear();
    return out;
  }

  /**
   * Journal lines without a merchant number go where auditRecords puts them (unnamed-journal.ts): to the statements'
   * merchant when the statements name exactly one and carry the line's payment channel; with several, to the one
   * merchant whose statements carry its channel, else its terminal's (`statementTerminals`). `statementChannels`:
   * every statement line's merchant number ('' for none) with the channel families those lines carry, in scope or
   * not (CoverageCollector.channelsByMerchant). Placed lines' records and files join that merchant's journal; lines
   * that cannot be placed stay as they are; lines held under a merchant `merchants` (--merchant) leaves out are let
   * go. Undefined when there were none, or nothing to say.
   */
  placeUnnamedJournal(
    statementChannels: MerchantChannels,
    statementTerminals: Iterable<readonly [string, string | null]>,
    merchants: ReadonlySet<string> | undefined,
  ): UnnamedJournal | undefined {
    const unnamed = this.buckets.get('');
    if (unnamed === undefined) return undefined;
    const journal = unnamed.terminal;
    let count = journal.records.length;
    for (const c of journal.chunks) count += c.count;
    if (count === 0) return undefined;
    const placement = journalPlacement(statementChannels, () => {
      const terminals: TerminalMerchants = new Map();
      for (const [terminalId, m] of statementTerminals) noteTerminalMerchant(terminals, terminalId, m);
      return terminals;
    });
    const outside = (m: string) => merchants !== undefined && !merchants.has(m);
    const forgetIfEmpty = () => {
      const empty = (b: Bucket) => b.records.length === 0 && b.chunks.length === 0;
      if (empty(unnamed.terminal) && empty(unnamed.settlement)) this.buckets.delete('');
    };
    if (placement === undefined || ('merchantId' in placement && outside(placement.merchantId))) {
      if (outside('')) this.release(journal);
      forgetIfEmpty();
      return undefined;
    }
    const tally = new UnnamedJournalTally(placement);
    const everyChannel = CARRIES_CARD | CARRIES_WECHAT | CARRIES_ALIPAY;
    if (
      'merchantId' in placement &&
      ((placement.carries & CARRIES_ANY) !== 0 || (placement.carries & everyChannel) === everyChannel)
    ) {
      // All of them to one merchant whose statements may carry any channel: its bucket takes the records and
      // files as they are, without reading them.
      const { merchantId } = placement;
      const into = this.bucketOf(merchantId, 'terminal');
      for (let i = 0; i < journal.records.length; i++) {
        into.records.push({ ...(journal.records[i] as PosRecord), merchantId });
        into.seq.push(journal.seq[i] ?? 0);
      }
      into.chunks.push(...journal.chunks);
      unnamed.terminal = newBucket();
      forgetIfEmpty();
      tally.placedAll(count);
      return tally.journal();
    }
    const { records, seq } = this.readBack(journal);
    unnamed.terminal = newBucket();
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as PosRecord;
      const merchantId = tally.place(r);
      if (!outside(merchantId ?? ''))
        this.add('terminal', merchantId === undefined ? r : { ...r, merchantId }, seq[i] ?? 0);
    }
    forgetIfEmpty();
    return tally.journal();
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

  /** Removes the temporary files (the directory too, when the spool made it); safe to call more than once. */
  dispose(): void {
    if (this.dir !== undefined && this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
    else
      for (const pair of this.buckets.values())
        for (const b of [pair.terminal, pair.settlement])
          for (const c of b.chunks) rmSync(c.path, { force: true });
    if (this.ownsDir) this.dir = undefined;
    this.buckets.clear();
  }

  private bucketOf(merchantId: string, kind: SpooledKind): Bucket {
    let pair = this.buckets.get(merchantId);
    if (pair === undefined) {
      pair = { terminal: newBucket(), settlement: newBucket() };
      this.buckets.set(merchantId, pair);
    }
    return pair[kind];
  }

  /** Forgets a bucket's records and removes its files. */
  private release(bucket: Bucket): void {
    this.held -= bucket.records.length;
    for (const c of bucket.chunks) rmSync(c.path, { force: true });
    bucket.records = [];
    bucket.seq = [];
    bucket.chunks = [];
  }

  private spill(): void {
    const dir = this.directory();
    try {
      for (const pair of this.buckets.values())
        for (const bucket of [pair.terminal, pair.settlement]) {
          if (bucket.records.length === 0) continue;
          const path = join(dir, `${this.prefix}${this.files++}.jsonl`);
          writeChunk(path, bucket.records, bucket.seq);
          bucket.chunks.push({ path, firstSeq: bucket.seq[0] ?? 0, count: bucket.records.length });
          bucket.records = [];
          bucket.seq = [];
        }
    } catch (error) {
      throw new SpoolError(dir, error);
    }
    this.held = 0;
    this.spills += 1;
  }

  private readBack(bucket: Bucket): { records: PosRecord[]; seq: number[] } {
    this.held -= bucket.records.length;
    // In arrival order even without files: placed journal lines join a merchant's own behind them.
    if (bucket.chunks.length === 0) return inArrivalOrder(bucket.records, bucket.seq);
    const { records, seq } = readChunks(bucket.chunks);
    for (let i = 0; i < bucket.records.length; i++) {
      records.push(bucket.records[i] as PosRecord);
      seq.push(bucket.seq[i] ?? 0);
    }
    return inArrivalOrder(records, seq);
  }
}

/**
 * Lines of a few thousand records, each line `[[source files…], [seq, file, row, …fields]…]`: one JSON text of the
 * whole bucket would briefly double its memory, and a line that names its own files reads back on its own.
 */
function writeChunk(path: string, records: readonly PosRecord[], seqs: readonly number[]): void {
  const lines: string[] = [];
  for (let from = 0; from < records.length; from += LINE_RECORDS) {
    const files: string[] = [];
    const fileIndex = new Map<string, number>();
    const rows: unknown[][] = [];
    const to = Math.min(records.length, from + LINE_RECORDS);
    for (let i = from; i < to; i++) {
      const r = records[i] as PosRecord;
      let file = fileIndex.get(r.source.file);
      if (file === undefined) {
        file = files.length;
        files.push(r.source.file);
        fileIndex.set(r.source.file, file);
      }
      const row: unknown[] = [seqs[i] ?? 0, file, r.source.row];
      for (const f of RECORD_FIELDS) row.push(r[f] ?? null);
      // Trailing absent fields cost nothing in the file.
      while (row.length > 3 && row[row.length - 1] === null) row.pop();
      rows.push(row);
    }
    lines.push(`${JSON.stringify([files, rows])}\n`);
    if (lines.length === 16) appendFileSync(path, lines.splice(0).join(''));
  }
  if (lines.length > 0) appendFileSync(path, lines.join(''));
}

/** Reads files of one merchant and kind back (and deletes them), in arrival order. */
export function readChunks(chunks: readonly { path: string; firstSeq: number }[]): {
  records: PosRecord[];
  seq: number[];
} {
  const records: PosRecord[] = [];
  const seq: number[] = [];
  for (const chunk of [...chunks].sort((a, b) => a.firstSeq - b.firstSeq)) {
    try {
      readChunk(chunk.path, records, seq);
      rmSync(chunk.path, { force: true });
    } catch (error) {
      throw new SpoolError(dirname(chunk.path), error);
    }
  }
  return inArrivalOrder(records, seq);
}

function readChunk(path: string, records: PosRecord[], seqs: number[]): void {
  // Line by line from the bytes: decoding the whole file to one string would hold it twice.
  const bytes = readFileSync(path);
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      const [files, rows] = JSON.parse(bytes.toString('utf8', start, end)) as [string[], unknown[][]];
      for (const row of rows) {
        seqs.push(row[0] as number);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < RECORD_FIELDS.length; i++) {
          const v = row[i + 3];
          if (v !== null && v !== undefined) out[RECORD_FIELDS[i] as RecordField] = v;
        }
        out.source = { file: files[row[1] as number] ?? '', row: row[2] as number };
        // The file holds only what writeChunk wrote from valid records.
        records.push(out as PosRecord);
      }
    }
    start = end + 1;
  }
}

/** Each file and the records held are in order; adopted files can interleave with them, so merge when needed. */
function inArrivalOrder(records: PosRecord[], seq: number[]): { records: PosRecord[]; seq: number[] } {
  let sorted = true;
  for (let i = 1; i < seq.length && sorted; i++) sorted = (seq[i - 1] ?? 0) <= (seq[i] ?? 0);
  if (sorted) return { records, seq };
  const order = seq.map((_, i) => i).sort((a, b) => (seq[a] ?? 0) - (seq[b] ?? 0));
  return { records: order.map((i) => records[i] as PosRecord), seq: order.map((i) => seq[i] ?? 0) };
}

function newBucket(): Bucket {
  return { records: [], seq: [], chunks: [] };
}
