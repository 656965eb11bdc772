import type { PosRecord } from '../records/record.js';
import { localDateMemo } from '../time/shanghai.js';

/** The days the statements cover: ranges of settlement dates, and of trade dates for files without them. */
export interface Coverage {
  readonly settle: [string, string][];
  readonly trade: [string, string][];
}

/**
 * Each statement file covers the days from its first to its last settlement date, or, without settlement
 * dates, the days of its transactions; coverage is the union over files.
 */
export function coverageOf(settlement: readonly PosRecord[]): Coverage {
  const collector = new CoverageCollector();
  for (const r of settlement) collector.add(r);
  return collector.coverage();
}

/** The first and last settlement and trade dates of one statement file. */
export interface FileDates {
  settleMin?: string;
  settleMax?: string;
  tradeMin?: string;
  tradeMax?: string;
}

/** Coverage gathered one statement record at a time, in scope or not (see coverageOf). */
export class CoverageCollector {
  private readonly files = new Map<string, FileDates>();
  private readonly dateOf = localDateMemo();

  add(r: PosRecord): void {
    let f = this.files.get(r.source.file);
    if (f === undefined) {
      f = {};
      this.files.set(r.source.file, f);
    }
    if (r.settleDate !== undefined) {
      if (f.settleMin === undefined || r.settleDate < f.settleMin) f.settleMin = r.settleDate;
      if (f.settleMax === undefined || r.settleDate > f.settleMax) f.settleMax = r.settleDate;
    }
    const date = this.dateOf(r.time);
    if (f.tradeMin === undefined || date < f.tradeMin) f.tradeMin = date;
    if (f.tradeMax === undefined || date > f.tradeMax) f.tradeMax = date;
  }

  /** Per statement file, its date ranges so far: what another collector (a worker's) hands over to merge. */
  entries(): [string, FileDates][] {
    return [...this.files];
  }

  merge(entries: readonly [string, FileDates][]): void {
    for (const [file, d] of entries) {
      const f = this.files.get(file);
      if (f === undefined) {
        this.files.set(file, { ...d });
        continue;
      }
      if (d.settleMin !== undefined && (f.settleMin === undefined || d.settleMin < f.settleMin))
        f.settleMin = d.settleMin;
      if (d.settleMax !== undefined && (f.settleMax === undefined || d.settleMax > f.settleMax))
        f.settleMax = d.settleMax;
      if (d.tradeMin !== undefined && (f.tradeMin === undefined || d.tradeMin < f.tradeMin))
        f.tradeMin = d.tradeMin;
      if (d.tradeMax !== undefined && (f.tradeMax === undefined || d.tradeMax > f.tradeMax))
        f.tradeMax = d.tradeMax;
    }
  }

  coverage(): Coverage {
    const settle: [string, string][] = [];
    const trade: [string, string][] = [];
    for (const f of this.files.values()) {
      if (f.settleMin !== undefined && f.settleMax !== undefined) settle.push([f.settleMin, f.settleMax]);
      else if (f.tradeMin !== undefined && f.tradeMax !== undefined) trade.push([f.tradeMin, f.tradeMax]);
    }
    return { settle, trade };
  }
}

export type CoverageState = 'covered' | 'pending' | 'outside';

export function coverageState(
  coverage: Coverage,
  tradeDate: string,
  settleDate: string,
  today: string | undefined,
): CoverageState {
  if (coverage.settle.some(([a, b]) => settleDate >= a && settleDate <= b)) return 'covered';
  if (coverage.trade.some(([a, b]) => tradeDate >= a && tradeDate <= b)) return 'covered';
  if (today !== undefined && settleDate > today) return 'pending';
  const afterSettle = coverage.settle.every(([, b]) => settleDate > b);
  const afterTrade = coverage.trade.every(([, b]) => tradeDate > b);
  return afterSettle && afterTrade ? 'pending' : 'outside';
}
