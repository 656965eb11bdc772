import type { PosRecord } from '../records/record.js';
import { localDateMemo } from '../time/shanghai.js';

/**
 * The days the statements cover: ranges of settlement dates, and of trade dates for files without them. A range
 * from a file that names a single merchant covers that merchant only (its third element): one merchant's
 * statement says nothing about another's sales. A file naming several merchants, or none, covers them all.
 */
export type CoverageRange = [from: string, to: string, merchantId?: string];

export function rangeOf(from: string, to: string, merchantId: string | undefined): CoverageRange {
  return merchantId === undefined ? [from, to] : [from, to, merchantId];
}

export interface Coverage {
  readonly settle: CoverageRange[];
  readonly trade: CoverageRange[];
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
  /** The merchant its records name, while they all name the same one ('' for none). */
  merchant?: string;
  /** Its records name more than one merchant (or some name none). */
  manyMerchants?: boolean;
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
    noteMerchant(f, r.merchantId ?? '', false);
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
      if (d.merchant !== undefined || d.manyMerchants === true)
        noteMerchant(f, d.merchant ?? '', d.manyMerchants === true);
    }
  }

  coverage(): Coverage {
    const settle: CoverageRange[] = [];
    const trade: CoverageRange[] = [];
    for (const f of this.files.values()) {
      const only = f.manyMerchants === true || f.merchant === '' ? undefined : f.merchant;
      if (f.settleMin !== undefined && f.settleMax !== undefined)
        settle.push(rangeOf(f.settleMin, f.settleMax, only));
      else if (f.tradeMin !== undefined && f.tradeMax !== undefined)
        trade.push(rangeOf(f.tradeMin, f.tradeMax, only));
    }
    return { settle, trade };
  }
}

function noteMerchant(f: FileDates, merchant: string, many: boolean): void {
  if (f.manyMerchants === true) return;
  if (many || (f.merchant !== undefined && f.merchant !== merchant)) {
    f.manyMerchants = true;
    delete f.merchant;
  } else f.merchant = merchant;
}

export type CoverageState = 'covered' | 'pending' | 'outside';

/**
 * The ranges that speak for one merchant's sales: its own files' and those naming no single merchant. Taken once
 * per merchant, not per sale — an agent's run may hold a statement file per merchant.
 */
export interface MerchantCoverage extends Coverage {
  /** Some statement (of any merchant) was read: without one, every sale is pending, not outside. */
  readonly anyStatement: boolean;
}

export function merchantCoverage(coverage: Coverage, merchantId: string): MerchantCoverage {
  const applies = (range: CoverageRange) => range[2] === undefined || range[2] === merchantId;
  return {
    settle: coverage.settle.filter(applies),
    trade: coverage.trade.filter(applies),
    anyStatement: coverage.settle.length + coverage.trade.length > 0,
  };
}

export function coverageState(
  coverage: MerchantCoverage,
  tradeDate: string,
  settleDate: string,
  today: string | undefined,
): CoverageState {
  const { settle, trade } = coverage;
  if (settle.some(([a, b]) => settleDate >= a && settleDate <= b)) return 'covered';
  if (trade.some(([a, b]) => tradeDate >= a && tradeDate <= b)) return 'covered';
  if (today !== undefined && settleDate > today) return 'pending';
  // Other merchants' statements, and none of this one's: nothing tells when its sales were due to appear.
  if (settle.length + trade.length === 0 && coverage.anyStatement) return 'outside';
  const afterSettle = settle.every(([, b]) => settleDate > b);
  const afterTrade = trade.every(([, b]) => tradeDate > b);
  return afterSettle && afterTrade ? 'pending' : 'outside';
}
