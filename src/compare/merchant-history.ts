import { compareTimeThenSource, linkUndoings, prepare, undoesACancellation } from '../audit/match-records.js';
import type { PosRecord } from '../records/index.js';
import { dayNumber, localDateOf } from '../time/shanghai.js';
import {
  type CoveredPeriod,
  type DayRange,
  journalCoverage,
  monthStartBefore,
  periodOf,
} from './journal-coverage.js';

/** A sale the merchant kept (successful, not voided or reversed), with its refunds in time order. */
export interface HistorySale {
  record: PosRecord;
  date: string;
  refundsFen: number[];
}

/** The merchant's own transactions, ready to be priced under any plan. */
export interface MerchantHistory {
  sales: HistorySale[];
  /** Successful refunds whose sale is not in the history (they return no fee in the comparison). */
  unmatchedRefunds: number;
  voided: number;
  firstDate: string | null;
  lastDate: string | null;
  /** lastDate − firstDate + 1 (0 for an empty history): the days from the first sale to the last. */
  spanDays: number;
  /**
   * The days the journals cover (journalCoverage: each file's declared period or whole calendar months, cut to the
   * last N months with `months`): the fees are annualised over these days, not over spanDays — two sales in a
   * November journal are a month's sales, not three days'. Null for an empty history.
   */
  period: CoveredPeriod | null;
  /**
   * Distinct terminal ids among the sales (sales without one are not a device; at least 1 when there are
   * sales): SIM fees and deposits are per terminal.
   */
  terminals: number;
}

const SALE_TYPES = new Set(['sale', 'preauth-complete']);

/**
 * The lines of a journal that are neither sale nor cancellation, as the audit decides (undoneLines in
 * src/audit/merchant-audit.ts): each line undoing a void, reversal or refund (撤销冲正, 退货撤销, 退货冲正, typed
 * as a sale: linkUndoings) and the cancellation it undoes — the void did not happen, so its sale stands; the
 * refund was taken back, so it is no refund — and a line naming a cancellation that is not in the journal
 * (undoesACancellation): priced as a sale it would read as a new one.
 */
function undoneRecords(ok: readonly PosRecord[]): Set<PosRecord> {
  const out = new Set(ok.filter(undoesACancellation));
  // Without a void, reversal or refund there is nothing to undo, and nothing to link.
  if (!ok.some((r) => r.type === 'void' || r.type === 'reversal' || r.type === 'refund')) return out;
  const lines = ok.map(prepare).sort(compareTimeThenSource);
  const { undoes } = linkUndoings(lines);
  undoes.forEach((c, i) => {
    const undo = lines[i]?.record;
    const cancellation = lines[c]?.record;
    if (undo === undefined || cancellation === undefined) return;
    out.add(undo);
    out.add(cancellation);
  });
  return out;
}

/**
 * The merchant's history from a terminal journal: successful sales net of successful voids and reversals
 * (linked by original reference, voucher or order number), refunds attached to their sale, and the period the
 * journal covers. A line undoing a void or refund is no sale, and the void or refund it undoes is none either
 * (undoneRecords). With `months`, only the last N calendar months up to the latest sale's are kept (the period
 * too). `coverage`: the days each file covers (journalCoverage over all the files' records, of every merchant);
 * by default worked out from `terminal`, up to `today`.
 */
export function merchantHistory(
  terminal: readonly PosRecord[],
  options: { months?: number; coverage?: ReadonlyMap<string, DayRange>; today?: string } = {},
): MerchantHistory {
  const all = terminal.filter((r) => r.kind === 'terminal' && r.status === 'success');
  const undone = undoneRecords(all);
  const ok = undone.size === 0 ? all : all.filter((r) => !undone.has(r));
  const cancels = new Set<string>();
  for (const r of ok) {
    if (r.type !== 'void' && r.type !== 'reversal') continue;
    if (r.originalRefNo !== undefined) cancels.add(`ref|${r.originalRefNo}`);
    if (r.originalVoucherNo !== undefined)
      cancels.add(`voucher|${r.terminalId ?? ''}|${r.originalVoucherNo}`);
    if (r.originalOrderNo !== undefined) cancels.add(`order|${r.originalOrderNo}`);
    // A reversal often carries the keys of the sale it cancels rather than "original" ones.
    if (
      r.originalRefNo === undefined &&
      r.originalVoucherNo === undefined &&
      r.originalOrderNo === undefined
    ) {
      if (r.refNo !== undefined) cancels.add(`ref|${r.refNo}`);
      if (r.voucherNo !== undefined) cancels.add(`voucher|${r.terminalId ?? ''}|${r.voucherNo}`);
      if (r.orderNo !== undefined) cancels.add(`order|${r.orderNo}`);
    }
  }
  const isCancelled = (r: PosRecord): boolean =>
    (r.refNo !== undefined && cancels.has(`ref|${r.refNo}`)) ||
    (r.voucherNo !== undefined && cancels.has(`voucher|${r.terminalId ?? ''}|${r.voucherNo}`)) ||
    (r.orderNo !== undefined && cancels.has(`order|${r.orderNo}`));
  let sales: HistorySale[] = [];
  let voided = 0;
  for (const r of ok) {
    if (!SALE_TYPES.has(r.type) || r.amountFen <= 0) continue;
    if (isCancelled(r)) {
      voided++;
      continue;
    }
    sales.push({ record: r, date: localDateOf(r.time), refundsFen: [] });
  }
  // The last N calendar months: --months 1 of a journal ending 2026-11-16 is November.
  let cutoff: string | undefined;
  if (options.months !== undefined && sales.length > 0) {
    const last =
      sales
        .map((s) => s.date)
        .sort()
        .at(-1) ?? '';
    cutoff = monthStartBefore(last, options.months - 1);
    const from = cutoff;
    sales = sales.filter((s) => s.date >= from);
  }
  const byRef = new Map<string, HistorySale>();
  const byVoucher = new Map<string, HistorySale>();
  const byOrder = new Map<string, HistorySale>();
  for (const s of sales) {
    const r = s.record;
    if (r.refNo !== undefined) byRef.set(r.refNo, s);
    if (r.voucherNo !== undefined) byVoucher.set(`${r.terminalId ?? ''}|${r.voucherNo}`, s);
    if (r.orderNo !== undefined) byOrder.set(r.orderNo, s);
  }
  let unmatchedRefunds = 0;
  const refunds = ok
    .filter((r) => r.type === 'refund')
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  for (const r of refunds) {
    const sale =
      (r.originalRefNo !== undefined ? byRef.get(r.originalRefNo) : undefined) ??
      (r.originalVoucherNo !== undefined
        ? byVoucher.get(`${r.terminalId ?? ''}|${r.originalVoucherNo}`)
        : undefined) ??
      (r.originalOrderNo !== undefined ? byOrder.get(r.originalOrderNo) : undefined);
    if (sale === undefined) unmatchedRefunds++;
    else sale.refundsFen.push(Math.abs(r.amountFen));
  }
  const dates = sales.map((s) => s.date).sort();
  const firstDate = dates[0] ?? null;
  const lastDate = dates[dates.length - 1] ?? null;
  // A sale without a terminal id (a static QR code, a WeChat bill without 设备号) is no device of its own.
  const terminals = new Set(sales.map((s) => s.record.terminalId ?? '').filter((t) => t !== ''));
  const coverage =
    options.coverage ??
    journalCoverage(terminal, options.today === undefined ? {} : { today: options.today });
  const files = new Set(terminal.filter((r) => r.kind === 'terminal').map((r) => r.source.file));
  const ranges: DayRange[] = [];
  for (const file of files) {
    const range = coverage.get(file);
    if (range === undefined) continue;
    ranges.push(cutoff !== undefined && range[0] < cutoff ? [cutoff, range[1]] : range);
  }
  return {
    sales,
    unmatchedRefunds,
    voided,
    firstDate,
    lastDate,
    spanDays: firstDate === null || lastDate === null ? 0 : dayNumber(lastDate) - dayNumber(firstDate) + 1,
    period: sales.length === 0 ? null : periodOf(ranges),
    terminals: sales.length === 0 ? 0 : Math.max(1, terminals.size),
  };
}
