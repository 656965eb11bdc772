import type { PosRecord } from '../records/record.js';
import { dedupeKey } from './import.js';

/**
 * Drops a record that another file already had identically (a month exported twice), as many times as that
 * file had it; identical records inside one file are genuine repeats and stay. Fed records in import order
 * (file by file); the first file to have a record keeps it.
 */
export class CrossFileDedupe {
  // Keys are only needed once a second file appears: until then every record is kept, so building a long key
  // per row of a lone file would only cost time and memory.
  private onlyFile: string | undefined;
  private firstFileRecords: PosRecord[] | undefined = [];
  private readonly seen = new Map<string, { file: string; count: number }>();
  private readonly consumed = new Map<string, number>();

  /** undefined when r is kept; otherwise the earlier file that had it. */
  duplicateOf(r: PosRecord): string | undefined {
    const file = r.source.file;
    if (this.firstFileRecords !== undefined) {
      this.onlyFile ??= file;
      if (file === this.onlyFile) {
        this.firstFileRecords.push(r);
        return undefined;
      }
      for (const earlier of this.firstFileRecords) this.remember(dedupeKey(earlier), earlier.source.file);
      this.firstFileRecords = undefined;
    }
    const key = dedupeKey(r);
    const prior = this.seen.get(key);
    if (prior === undefined || prior.file === file) {
      this.remember(key, file);
      return undefined;
    }
    const slot = `${file}\u0002${key}`;
    const used = this.consumed.get(slot) ?? 0;
    if (used >= prior.count) return undefined;
    this.consumed.set(slot, used + 1);
    return prior.file;
  }

  private remember(key: string, file: string): void {
    const prior = this.seen.get(key);
    if (prior === undefined) this.seen.set(key, { file, count: 1 });
    else if (prior.file === file) prior.count++;
  }
}
