// --from, --to and --merchant: which records an audit reads, and which of its results it reports.
import type { PosRecord } from '../records/record.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import type { AuditOptions } from './audit.js';
import { isUnnamedJournalLine } from './unnamed-journal.js';

/** The merchants --merchant names, or undefined for all. */
export function merchantFilterOf(options: AuditOptions): Set<string> | undefined {
  return options.merchants !== undefined && options.merchants.length > 0
    ? new Set(options.merchants)
    : undefined;
}

/**
 * How far outside --from/--to records are still read: a sale before --from whose void, refund, statement line or
 * payout day falls inside it (or the other way round) must still meet them, or the window would cut a
 * transaction in two and report half of it. The audit then reports only what lies inside (inDateScope).
 */
export const SCOPE_CONTEXT_DAYS = 62;

/**
 * Whether a terminal or settlement record is within --merchant, and near enough --from/--to to matter. With
 * `keepUnnamedJournal`, journal lines without a merchant number pass --merchant: read before the statements'
 * merchant is known, they may turn out to be its (MerchantSpool.placeUnnamedJournal decides).
 */
export function recordInScope(
  options: AuditOptions,
  keep: { keepUnnamedJournal?: boolean } = {},
): (r: PosRecord) => boolean {
  const merchantFilter = merchantFilterOf(options);
  const from = options.from === undefined ? undefined : addDays(options.from, -SCOPE_CONTEXT_DAYS);
  const to = options.to === undefined ? undefined : addDays(options.to, SCOPE_CONTEXT_DAYS);
  const keepUnnamed = keep.keepUnnamedJournal === true;
  return (r) => {
    if (
      merchantFilter !== undefined &&
      !merchantFilter.has(r.merchantId ?? '') &&
      !(keepUnnamed && isUnnamedJournalLine(r))
    )
      return false;
    if (from === undefined && to === undefined) return true;
    const date = scopeDateOf(r);
    if (from !== undefined && date < from) return false;
    return to === undefined || date <= to;
  };
}

/**
 * The date --from/--to judge a record by: a deduction, rebate or payout line by its settlement day, others by trade
 * day.
 */
export function scopeDateOf(r: PosRecord): string {
  return r.type === 'deduction' || r.type === 'rebate' || r.type === 'payout'
    ? (r.settleDate ?? localDateOf(r.time))
    : localDateOf(r.time);
}

/** Whether a date is within --from and --to. */
export function inDateScope(options: AuditOptions): (date: string) => boolean {
  const { from, to } = options;
  if (from === undefined && to === undefined) return () => true;
  return (date) => (from === undefined || date >= from) && (to === undefined || date <= to);
}
