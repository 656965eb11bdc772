import type { Kysely, Transaction } from 'kysely';
import {
  compareTimeThenSource,
  linkUndoings,
  numberKeyOf,
  type Prepared,
  prepare,
  refKeyOf,
  undoesACancellation,
} from '../audit/match-records.js';
import type { PosRecord } from '../records/index.js';
import type { Database, RecordRow } from '../storage/schema.js';
import { addDays, localDateOf } from '../time/shanghai.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The columns of a stored record the audit's linking of undoing lines reads (linkUndoings). */
export const LINK_COLUMNS = [
  'id',
  'type',
  'status',
  'time',
  'amount_fen',
  'terminal_id',
  'batch_no',
  'ref_no',
  'voucher_no',
  'order_no',
  'original_ref_no',
  'original_voucher_no',
  'original_order_no',
] as const;

export type LinkRow = Pick<RecordRow, (typeof LINK_COLUMNS)[number]>;

/** Values per `in (…)` list, well under every dialect's limit on bound parameters. */
const CHUNK = 500;

/** A stored row as linkUndoings reads it; `id` orders lines of the same time as they were stored. */
function prepared(r: LinkRow): Prepared {
  const record: Record<string, unknown> = {
    type: r.type,
    status: r.status,
    time: r.time,
    amountFen: r.amount_fen,
    source: { file: '', row: r.id },
  };
  const keys: [keyof PosRecord, string | null][] = [
    ['terminalId', r.terminal_id],
    ['batchNo', r.batch_no],
    ['refNo', r.ref_no],
    ['voucherNo', r.voucher_no],
    ['orderNo', r.order_no],
    ['originalRefNo', r.original_ref_no],
    ['originalVoucherNo', r.original_voucher_no],
    ['originalOrderNo', r.original_order_no],
  ];
  for (const [field, value] of keys) if (value !== null) record[field] = value;
  return prepare(record as PosRecord);
}

/** A 凭证号 as linkUndoings compares it: within its terminal. */
function voucherKeyOf(r: LinkRow): string | undefined {
  return r.terminal_id === null || r.voucher_no === null
    ? undefined
    : `${r.terminal_id}|${numberKeyOf(r.voucher_no)}`;
}

/**
 * The ids of the stored rows among `rows` (one merchant, one kind) that undo a cancellation as the audit links
 * them: those naming a void, reversal or refund by its original keys (undoesACancellation), and those that name
 * nothing but repeat an earlier cancellation's own 参考号 (same amount) or its terminal and 凭证号 (same batch,
 * or day) — a 撤销冲正 that gives the void's, i.e. the voided sale's, 参考号 again. The latter are found by
 * linkUndoings over the merchant's stored lines of that kind which share such a key and amount, so that a
 * cancellation an earlier line already undid is not undone twice.
 */
export async function undoingIds(
  db: Db,
  merchantId: number,
  kind: 'terminal' | 'settlement',
  rows: readonly LinkRow[],
): Promise<Set<number>> {
  const out = new Set<number>();
  const refs = new Set<string>();
  const vouchers = new Set<string>();
  const amounts = new Set<number>();
  let until = '';
  for (const r of rows) {
    if (r.type !== 'sale' || r.status !== 'success') continue;
    if (undoesACancellation(undoKeysOf(r))) {
      out.add(r.id);
      continue;
    }
    const ref = refKeyOf(r.ref_no ?? undefined);
    const voucher = voucherKeyOf(r);
    if (ref === undefined && voucher === undefined) continue;
    if (ref !== undefined) refs.add(ref);
    if (voucher !== undefined) vouchers.add(voucher);
    amounts.add(Math.abs(r.amount_fen));
    if (r.time > until) until = r.time;
  }
  if (amounts.size === 0) return out;
  // Only an earlier line of the same amount can be undone by one: the stored lines of those amounts up to the
  // latest candidate (a day later, whatever offset its time is written with), narrowed to the shared keys.
  const shared = new Map<number, LinkRow>();
  const wanted = [...amounts].flatMap((a) => (a === 0 ? [0] : [a, -a]));
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const found = await db
      .selectFrom('records')
      .select([...LINK_COLUMNS])
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', kind)
      .where('status', '=', 'success')
      .where('type', 'in', ['sale', 'void', 'reversal', 'refund'])
      .where('amount_fen', 'in', wanted.slice(i, i + CHUNK))
      .where('time', '<', addDays(localDateOf(until), 2))
      .execute();
    for (const r of found) {
      const ref = refKeyOf(r.ref_no ?? undefined);
      const voucher = voucherKeyOf(r);
      if ((ref !== undefined && refs.has(ref)) || (voucher !== undefined && vouchers.has(voucher)))
        shared.set(r.id, r);
    }
  }
  const lines = [...shared.values()].map((r) => ({ id: r.id, p: prepared(r) }));
  lines.sort((a, b) => compareTimeThenSource(a.p, b.p));
  const { undoes } = linkUndoings(lines.map((l) => l.p));
  const asked = new Set(rows.map((r) => r.id));
  undoes.forEach((c, i) => {
    const id = lines[i]?.id;
    if (c >= 0 && id !== undefined && asked.has(id)) out.add(id);
  });
  return out;
}

function undoKeysOf(r: LinkRow) {
  return {
    type: r.type,
    terminalId: r.terminal_id,
    refNo: r.ref_no,
    voucherNo: r.voucher_no,
    orderNo: r.order_no,
    originalRefNo: r.original_ref_no,
    originalVoucherNo: r.original_voucher_no,
    originalOrderNo: r.original_order_no,
  };
}

/** {@link undoingIds} of stored records named by id (rows of another merchant or kind are not read). */
export async function undoingRecordIds(
  db: Db,
  merchantId: number,
  kind: 'terminal' | 'settlement',
  ids: readonly number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows: LinkRow[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    rows.push(
      ...(await db
        .selectFrom('records')
        .select([...LINK_COLUMNS])
        .where('merchant_id', '=', merchantId)
        .where('kind', '=', kind)
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute()),
    );
  }
  return undoingIds(db, merchantId, kind, rows);
}
