import type { Kysely, Transaction } from 'kysely';
import type { DatedFeeLine } from '../audit/detect-formula-changes.js';
import type { UndoKeys } from '../audit/match-records.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { Database, RecordRow } from '../storage/schema.js';
import { isoToEpochMs } from '../time/shanghai.js';
import {
  chargedFeeOf,
  isNewSale,
  priceLine,
  SALE_TYPES,
  type SaleLine,
  UNDO_COLUMNS,
  undoKeysOfRow,
} from './fee-overcharge.js';
import { undoingIds } from './undo-links.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Lines kept per formula group for incremental rate-change detection (older ones fall off). */
export const RATE_WINDOW = 300;

/**
 * A line of a formula group's window as monitor_rate_state stores it: amount, fee, local date, epoch ms of its
 * time and record id (the last two absent in old state). The id lets a record checked again — a push of lines
 * already stored, a statement billing a pushed line — replace its line instead of being counted twice.
 */
export type StoredLine = [number, number, string, number?, number?];

/** A window line as the rate-change detection reads it: `t` its epoch ms, `id` its record. */
export type WindowLine = DatedFeeLine & { t: number; index?: number; id?: number };

/**
 * What the fee checks read of a settlement record, as a pushed record or a stored row gives it: with the keys
 * that tell a line undoing a cancellation (UndoKeys) from a sale.
 */
export interface SaleFields extends UndoKeys {
  type: string;
  status: string;
  channel: string;
  card: string;
  amountFen: number;
  feeFen?: number | null | undefined;
  settledFen?: number | null | undefined;
  time: string;
}

/**
 * A settled sale the fee rules apply to — a successful sale or pre-authorisation completion with a positive
 * amount, not a line undoing a cancellation (isNewSale: a 退货撤销 is charged no sale's fee) — with the fee it was
 * charged: its fee, or amount − settled on a statement without a fee column.
 */
export function saleLineOf(r: SaleFields): SaleLine | undefined {
  if (!isNewSale(r) || r.status !== 'success' || r.amountFen <= 0) return undefined;
  const feeFen = chargedFeeOf(r.amountFen, r.feeFen, r.settledFen);
  if (feeFen === undefined) return undefined;
  return { channel: r.channel, card: r.card, amountFen: r.amountFen, feeFen, time: r.time };
}

/**
 * The merchant's stored settlement rows that may be sales the fee rules apply to (saleLineOf decides), with
 * the columns saleLineOf and the windows read; callers add their own filters and paging.
 */
export function storedSaleRows(db: Db, merchantId: number) {
  return db
    .selectFrom('records')
    .select([
      'id',
      'status',
      'time',
      'channel',
      'card',
      'amount_fen',
      'fee_fen',
      'settled_fen',
      // With UNDO_COLUMNS, what undoingIds reads (LINK_COLUMNS) to link a line undoing a cancellation.
      'batch_no',
      ...UNDO_COLUMNS,
    ])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'settlement')
    .where('type', 'in', SALE_TYPES)
    .where('status', '=', 'success')
    .where('amount_fen', '>', 0)
    .where((eb) => eb.or([eb('fee_fen', 'is not', null), eb('settled_fen', 'is not', null)]));
}

/** A row of storedSaleRows as saleLineOf reads it. */
export function storedSaleLine(
  row: Pick<
    RecordRow,
    | 'status'
    | 'time'
    | 'channel'
    | 'card'
    | 'amount_fen'
    | 'fee_fen'
    | 'settled_fen'
    | (typeof UNDO_COLUMNS)[number]
  >,
): SaleLine | undefined {
  return saleLineOf({
    ...undoKeysOfRow(row),
    status: row.status,
    time: row.time,
    channel: row.channel,
    card: row.card,
    amountFen: row.amount_fen,
    feeFen: row.fee_fen,
    settledFen: row.settled_fen,
  });
}

/** A sale's line in a window (record `id`) and the formula group it belongs to, priced by `plan`. */
export function windowLineOf(
  plan: FeePlan | undefined,
  line: SaleLine,
  id: number,
): { group: string; line: WindowLine } {
  const { date, group } = priceLine(plan, line);
  return {
    group,
    line: { amountFen: line.amountFen, feeFen: line.feeFen, date, t: isoToEpochMs(line.time), id },
  };
}

/** Window order: by local date, then time (stable, so equal times keep the order they came in). */
export function byDateAndTime(a: WindowLine, b: WindowLine): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.t - b.t;
}

/** A window line as monitor_rate_state stores it. */
export function toStoredLine(l: WindowLine): StoredLine {
  return l.id === undefined
    ? [l.amountFen, l.feeFen, l.date, l.t]
    : [l.amountFen, l.feeFen, l.date, l.t, l.id];
}

/** A stored window line read back (a line of old state without its time sorts first in its day). */
export function fromStoredLine([amountFen, feeFen, date, t, id]: StoredLine): WindowLine {
  return { amountFen, feeFen, date, t: t ?? 0, ...(id === undefined ? {} : { id }) };
}

const PAGE = 10_000;

/**
 * Rebuilds the rate-change windows of `groups` from the merchant's stored lines, as the incremental check
 * would have left them if the lines gone had never arrived: every sale the check reads (saleLineOf, less the
 * lines undoing a cancellation that undoingIds links by their repeated keys), in window
 * order, the latest RATE_WINDOW of each group with their record ids; and the last change date the remaining
 * rate_change alerts of the group name (changes before it are known). A group left without lines loses its
 * window; a group without one is left alone.
 */
export async function rebuildRateWindows(
  db: Db,
  merchantId: number,
  plan: FeePlan | undefined,
  groups: ReadonlySet<string>,
): Promise<void> {
  if (groups.size === 0) return;
  const states = await db
    .selectFrom('monitor_rate_state')
    .select('group_key')
    .where('merchant_id', '=', merchantId)
    .where('group_key', 'in', [...groups])
    .execute();
  if (states.length === 0) return;
  const windows = new Map<string, WindowLine[]>(states.map((s) => [s.group_key, []]));
  let after = 0;
  for (;;) {
    const rows = await storedSaleRows(db, merchantId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    // A 退货撤销 or 撤销冲正 that names nothing but repeats its refund's or void's keys is no sale, as the
    // incremental check (checkSettlementRecords) and the audit link it.
    const undoing = await undoingIds(db, merchantId, 'settlement', rows);
    for (const row of rows) {
      after = row.id;
      if (undoing.has(row.id)) continue;
      const sale = storedSaleLine(row);
      if (sale === undefined) continue;
      const { group, line } = windowLineOf(plan, sale, row.id);
      const lines = windows.get(group);
      if (lines === undefined) continue;
      lines.push(line);
      if (lines.length >= 2 * RATE_WINDOW) windows.set(group, lines.sort(byDateAndTime).slice(-RATE_WINDOW));
    }
    if (rows.length < PAGE) break;
  }
  const changes = await db
    .selectFrom('monitor_alerts')
    .select('details_json')
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'rate_change')
    .execute();
  const lastChange = new Map<string, string>();
  for (const c of changes) {
    const details = JSON.parse(c.details_json) as { group?: string; date?: string };
    if (details.group === undefined || details.date === undefined) continue;
    const known = lastChange.get(details.group);
    if (known === undefined || details.date > known) lastChange.set(details.group, details.date);
  }
  for (const [group, lines] of windows) {
    if (lines.length === 0) {
      await db
        .deleteFrom('monitor_rate_state')
        .where('merchant_id', '=', merchantId)
        .where('group_key', '=', group)
        .execute();
      continue;
    }
    await db
      .updateTable('monitor_rate_state')
      .set({
        lines_json: JSON.stringify(lines.sort(byDateAndTime).slice(-RATE_WINDOW).map(toStoredLine)),
        last_change_date: lastChange.get(group) ?? null,
      })
      .where('merchant_id', '=', merchantId)
      .where('group_key', '=', group)
      .execute();
  }
}
