import type { Kysely } from 'kysely';
import {
  compareTimeThenSource,
  linkOriginals,
  linkUndoings,
  type Prepared,
  prepare,
  refKeyOf,
} from '../audit/match-records.js';
import { rebateFenOf } from '../audit/rebates.js';
import { scopeDateOf } from '../audit/scope.js';
import { addWorkingDays } from '../calendar/index.js';
import { formatFen } from '../money/index.js';
import { parsePlan } from '../plans/parse-plan.js';
import type { PosRecord } from '../records/index.js';
import { auditMerchant } from '../server/merchant-audit.js';
import { WRITE_ROLES } from '../storage/access.js';
import { raiseAlerts, queueDigest } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import { rowToRecord } from '../storage/record-row.js';
import type { Database } from '../storage/schema.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import type { AlertDraft } from './alert-draft.js';
import type { AlertKind } from './alert-kinds.js';
import { type DigestAlert, type DigestRebate, digestWording, summariseAlerts } from './daily-digest.js';
import { isSaleType, rowUndoes } from './fee-overcharge.js';

/** What one daily run did, per merchant. */
export interface DailyRunResult {
  merchantId: number;
  missingStatements: string[];
  alertsRaised: number;
  /** The reconciliation of the look-back window (the audit over everything stored), when it ran. */
  audit?: { findings: number; overchargeFen: number; lossFen: number };
  digestQueued: number;
}

/** The day a statement for trade date `date` is due: T+N working days (or D+N natural days). */
export function statementDueDate(date: string, cycle: { basis: 'T' | 'D'; days: number }): string {
  return cycle.basis === 'D' ? addDays(date, cycle.days) : addWorkingDays(date, cycle.days).date;
}

/** A stored terminal record as the missing-statement check reads it. */
interface TerminalRow {
  kind: string;
  type: string;
  status: string;
  time: string;
  amount_fen: number;
  terminal_id: string | null;
  ref_no: string | null;
  voucher_no: string | null;
  order_no: string | null;
  original_ref_no: string | null;
  original_voucher_no: string | null;
  original_order_no: string | null;
  /** The batch (批次号), when read: a reversal undone by its trace is looked for in its batch. */
  batch_no?: string | null;
}

/**
 * A terminal row as the audit's linking reads it (linkUndoings: type, amount, time, keys, batch); `row` orders
 * lines of the same time as they were stored.
 */
function linkable(r: TerminalRow, row: number): Prepared {
  const record: Record<string, unknown> = {
    kind: r.kind,
    type: r.type,
    status: r.status,
    time: r.time,
    amountFen: r.amount_fen,
    source: { file: '', row },
  };
  const keys: [keyof PosRecord, string | null | undefined][] = [
    ['terminalId', r.terminal_id],
    ['refNo', r.ref_no],
    ['voucherNo', r.voucher_no],
    ['batchNo', r.batch_no],
    ['orderNo', r.order_no],
    ['originalRefNo', r.original_ref_no],
    ['originalVoucherNo', r.original_voucher_no],
    ['originalOrderNo', r.original_order_no],
  ];
  for (const [field, value] of keys) if (value !== null && value !== undefined) record[field] = value;
  return prepare(record as PosRecord);
}

/**
 * The successful terminal rows that are no sale and no cancellation, as the audit decides (undoneLines in
 * src/audit/merchant-audit.ts): each line undoing a void, reversal or refund (撤销冲正, 退货撤销: linkUndoings) and
 * the cancellation it undoes — the void did not happen, so its sale stands — and every line naming a
 * cancellation that is not here (undoesACancellation): none of them is a sale to settle.
 */
function undoneRows(rows: readonly TerminalRow[]): Set<TerminalRow> {
  const ok = rows.filter((r) => r.kind === 'terminal' && r.status === 'success');
  const out = new Set<TerminalRow>(ok.filter((r) => rowUndoes(r)));
  // Without a void, reversal or refund there is nothing to undo, and nothing to link.
  if (!ok.some((r) => r.type === 'void' || r.type === 'reversal' || r.type === 'refund')) return out;
  const lines = ok.map((r, i) => ({ row: r, p: linkable(r, i) }));
  lines.sort((a, b) => compareTimeThenSource(a.p, b.p));
  const { undoes } = linkUndoings(lines.map((l) => l.p));
  undoes.forEach((c, i) => {
    const undo = lines[i]?.row;
    const cancellation = lines[c]?.row;
    if (undo === undefined || cancellation === undefined) return;
    out.add(undo);
    out.add(cancellation);
  });
  return out;
}

/** The identifiers a sale is known by, or (`original`) the ones a void or reversal names its sale by. */
function saleKeys(r: TerminalRow, original: boolean): string[] {
  const [ref, voucher, order] = original
    ? [r.original_ref_no, r.original_voucher_no, r.original_order_no]
    : [r.ref_no, r.voucher_no, r.order_no];
  return [
    ...(ref === null ? [] : [`ref:${ref}`]),
    // A voucher number counts within its terminal.
    ...(voucher === null || r.terminal_id === null ? [] : [`voucher:${r.terminal_id}|${voucher}`]),
    ...(order === null ? [] : [`order:${order}`]),
  ];
}

/** Whether a void or reversal names its sale by an original key (原参考号, 原凭证号, 原订单号). */
function namesOriginal(r: TerminalRow): boolean {
  return r.original_ref_no !== null || r.original_voucher_no !== null || r.original_order_no !== null;
}

/**
 * The sale each void or reversal cancels when it names no original but repeats its sale's own 参考号 — a
 * terminal journal often gives a 消费撤销 the sale's 参考号 and nothing else. The sale is the one the audit links
 * it to (linkOriginals: the latest earlier sale carrying that 参考号, not cancelled already), over the same lines
 * the audit reads (successful, not undone); kept only for the same amount and, where both show one, the same
 * terminal, since a void cancels its sale whole on that sale's terminal. A line of another amount cancels nothing.
 */
function ownRefCancels(
  rows: readonly TerminalRow[],
  undone: ReadonlySet<TerminalRow>,
): Map<TerminalRow, TerminalRow> {
  const out = new Map<TerminalRow, TerminalRow>();
  const repeatsOwnRef = (r: TerminalRow) =>
    (r.type === 'void' || r.type === 'reversal') && r.ref_no !== null && !namesOriginal(r);
  const ok = rows.filter((r) => r.kind === 'terminal' && r.status === 'success' && !undone.has(r));
  if (!ok.some(repeatsOwnRef)) return out;
  const lines = ok.map((r, i) => ({ row: r, p: linkable(r, i) }));
  lines.sort((a, b) => compareTimeThenSource(a.p, b.p));
  const parent = linkOriginals(lines.map((l) => l.p));
  lines.forEach(({ row }, i) => {
    if (!repeatsOwnRef(row)) return;
    const sale = lines[parent[i] ?? -1]?.row;
    if (sale === undefined || sale.ref_no === null) return;
    if (refKeyOf(sale.ref_no) !== refKeyOf(row.ref_no ?? undefined)) return;
    if (Math.abs(sale.amount_fen) !== Math.abs(row.amount_fen)) return;
    if (sale.terminal_id !== null && row.terminal_id !== null && sale.terminal_id !== row.terminal_id) return;
    out.set(row, sale);
  });
  return out;
}

/**
 * Per local trade date, the fen of the terminal's successful sales (pre-authorisation completions included:
 * they settle as sales) that are still to be settled: every successful sale of the day, less those a
 * successful void or reversal names (by its original reference, voucher or order number, or, naming none, by
 * repeating the sale's own 参考号 for the same amount: ownRefCancels) — a cancelled sale is never settled. A sale
 * the journal marks voided or reversed is not a successful sale. A line undoing a void or refund (撤销冲正,
 * 退货撤销) is no sale of its own, and a void it undoes cancels nothing: the sale stands (undoneRows, as the
 * audit links them). Integer fen.
 */
export function salesAwaitingSettlement(rows: readonly TerminalRow[]): Map<string, number> {
  const out = new Map<string, number>();
  type Sale = { date: string; fen: number; cancelled: boolean };
  const byKey = new Map<string, Sale>();
  const byRow = new Map<TerminalRow, Sale>();
  const undone = undoneRows(rows);
  for (const r of rows) {
    if (r.kind !== 'terminal' || !isSaleType(r.type) || r.status !== 'success' || r.amount_fen <= 0) continue;
    if (undone.has(r)) continue;
    const date = localDateOf(r.time);
    out.set(date, (out.get(date) ?? 0) + r.amount_fen);
    const sale = { date, fen: r.amount_fen, cancelled: false };
    byRow.set(r, sale);
    for (const key of saleKeys(r, false)) if (!byKey.has(key)) byKey.set(key, sale);
  }
  const byOwnRef = ownRefCancels(rows, undone);
  for (const r of rows) {
    if (r.kind !== 'terminal' || (r.type !== 'void' && r.type !== 'reversal') || r.status !== 'success')
      continue;
    if (undone.has(r)) continue;
    const ownRefSale = byOwnRef.get(r);
    let sale: Sale | undefined;
    if (namesOriginal(r))
      sale = saleKeys(r, true)
        .map((key) => byKey.get(key))
        .find((s) => s !== undefined && !s.cancelled);
    else if (ownRefSale !== undefined) sale = byRow.get(ownRefSale);
    if (sale === undefined || sale.cancelled) continue;
    sale.cancelled = true;
    out.set(sale.date, (out.get(sale.date) ?? 0) - sale.fen);
  }
  return out;
}

/**
 * The daily reconciliation for every merchant on `today` (Asia/Shanghai local date): each trade date with
 * terminal sales whose statement is due by today (T+N from the plan's settlement cycle, else the rule's `days`
 * working days) and for which no settlement line exists raises one `missing_statement`, carrying the fen of
 * that day's sales still to be settled (money at risk); then yesterday's alerts are summed into one digest per
 * channel, in the channel's language: the money lost (overcharges, rate changes, unplanned deductions, each fen
 * once) and, apart, the money at risk and what the provider's statement lines of that day gave back (rebates,
 * never set against the loss). Idempotent per day (a second run adds nothing).
 */
export async function runDailyChecks(
  db: Kysely<Database>,
  today: string,
  options: { at: string; publicUrl: string; lookbackDays?: number },
): Promise<DailyRunResult[]> {
  const first = await db
    .insertInto('monitor_runs')
    .values({ name: 'daily', day: today, at: options.at })
    .onConflict((oc) => oc.columns(['name', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  const freshRun = first !== undefined;
  const merchants = await db.selectFrom('merchants').select('id').orderBy('id').execute();
  const out: DailyRunResult[] = [];
  const from = addDays(today, -(options.lookbackDays ?? 14));
  for (const { id } of merchants) {
    const rules = await rulesInForce(db, id);
    const planRow = await db
      .selectFrom('plans')
      .select('text')
      .where('merchant_id', '=', id)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    const parsed = planRow === undefined ? undefined : parsePlan(planRow.text, 'plan');
    const cycle =
      parsed?.ok === true
        ? parsed.plan.settlement
        : { basis: 'T' as const, days: rules.rules.missing_statement.days };
    const terminalDays = new Set<string>();
    const settledDays = new Set<string>();
    const rows = await db
      .selectFrom('records')
      .select([
        'kind',
        'time',
        'type',
        'status',
        'amount_fen',
        'terminal_id',
        'ref_no',
        'voucher_no',
        'order_no',
        'original_ref_no',
        'original_voucher_no',
        'original_order_no',
        'batch_no',
      ])
      .where('merchant_id', '=', id)
      .where('kind', 'in', ['terminal', 'settlement'])
      .where('time', '>=', `${addDays(from, -1)}`)
      // In the order stored: lines of the same time are linked (a void and its undoing) in that order.
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const d = localDateOf(r.time);
      if (d < from || d >= today) continue;
      if (r.kind === 'terminal' && isSaleType(r.type) && r.status === 'success') terminalDays.add(d);
      if (r.kind === 'settlement') settledDays.add(d);
    }
    const awaiting = salesAwaitingSettlement(rows);
    const drafts: AlertDraft[] = [];
    const missing: string[] = [];
    if (rules.rules.missing_statement.enabled) {
      for (const d of [...terminalDays].sort()) {
        if (settledDays.has(d)) continue;
        const due = statementDueDate(d, cycle);
        if (due > today) continue;
        // A day whose every sale was voided or reversed has nothing to settle: no statement is owed for it.
        const pendingFen = awaiting.get(d) ?? 0;
        if (pendingFen <= 0) continue;
        missing.push(d);
        const pending = formatFen(pendingFen);
        const terms = `${cycle.basis}+${cycle.days}`;
        drafts.push({
          kind: 'missing_statement',
          severity: rules.rules.missing_statement.severity,
          dedupKey: `missing_statement|${d}`,
          amountFen: pendingFen,
          message: {
            zh: `${d} 有终端交易，但到 ${due}（${terms}）仍未收到结算单：${pending} 的交易仍待结算`,
            en: `${d} had terminal sales, but no statement has arrived by ${due} (${terms}): ${pending} of sales still waiting for settlement`,
          },
          details: { tradeDate: d, dueDate: due, awaitingFen: pendingFen },
        });
      }
    }
    const raised = await raiseAlerts(db, id, drafts, [], options.at, options.publicUrl);
    const audit = await reconcile(db, id, { from, to: addDays(today, -1) });
    let digestQueued = 0;
    if (freshRun) {
      const yesterday = addDays(today, -1);
      const alerts = await db
        .selectFrom('monitor_alerts')
        .select(['id', 'kind', 'dedup_key', 'amount_fen', 'created_at'])
        .where('merchant_id', '=', id)
        .orderBy('id')
        .execute();
      const overchargeKeys = new Set(
        alerts.filter((a) => a.kind === 'fee_overcharge').map((a) => a.dedup_key),
      );
      const ofDay = alerts.filter((a) => localDateOf(a.created_at) === yesterday);
      // Every alert's details: a rate change's days, and whether an alert was withdrawn.
      const ids = ofDay.map((a) => a.id);
      const detailsOf = new Map<number, Record<string, unknown>>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .selectFrom('monitor_alerts')
          .select(['id', 'details_json'])
          .where('id', 'in', ids.slice(i, i + 500))
          .execute();
        for (const r of rows) detailsOf.set(r.id, JSON.parse(r.details_json) as Record<string, unknown>);
      }
      const summary = summariseAlerts(
        ofDay.map(
          (a): DigestAlert => ({
            kind: a.kind as AlertKind,
            amountFen: a.amount_fen,
            details: detailsOf.get(a.id) ?? {},
          }),
        ),
        overchargeKeys,
        await rebatesOn(db, id, yesterday),
      );
      // Money given back is news too: a merchant who complained wants to see it arrive, alerts or not.
      if (ofDay.length > 0 || (audit !== undefined && audit.findings > 0) || summary.returned.n > 0) {
        const link = `${options.publicUrl}/m/${id}/alerts`;
        const reconciled = audit === undefined ? undefined : { from, to: yesterday, ...audit };
        digestQueued = await queueDigest(db, id, {
          ...digestWording(yesterday, summary, reconciled, link),
          payload: {
            type: 'digest',
            merchantId: id,
            date: yesterday,
            counts: summary.counts,
            lossFen: summary.lossFen,
            atRiskFen: summary.atRiskFen,
            withdrawn: summary.withdrawn,
            costlessRateChanges: summary.costlessRateChanges,
            returned: summary.returned,
            audit: audit ?? null,
            link,
          },
          at: options.at,
        });
      }
    }
    out.push({
      merchantId: id,
      missingStatements: missing,
      alertsRaised: raised.length,
      digestQueued,
      ...(audit === undefined ? {} : { audit }),
    });
  }
  return out;
}

/**
 * The merchant's statement rebate lines (手续费返还, 流量费返还…) of `date`, dated as the audit dates them (scopeDateOf:
 * the settlement day, else the trade day), in the order they were stored, each with what it gave back.
 */
async function rebatesOn(db: Kysely<Database>, merchantId: number, date: string): Promise<DigestRebate[]> {
  const rows = await db
    .selectFrom('records')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'settlement')
    .where('type', '=', 'rebate')
    .where('status', '=', 'success')
    .where((eb) =>
      eb.or([
        eb('settle_date', '=', date),
        // A day either side of the trade day: a time written with another offset may be on `date` in Shanghai.
        eb.and([
          eb('settle_date', 'is', null),
          eb('time', '>=', addDays(date, -1)),
          eb('time', '<', addDays(date, 2)),
        ]),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows
    .map(rowToRecord)
    .filter((r) => scopeDateOf(r) === date)
    .map((r) => ({ label: r.label ?? null, fen: rebateFenOf(r) }));
}

/** The audit of a merchant's stored records over a window, as its first owner or agent sees it. */
async function reconcile(
  db: Kysely<Database>,
  merchantId: number,
  range: { from: string; to: string },
): Promise<{ findings: number; overchargeFen: number; lossFen: number } | undefined> {
  const member = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('merchant_id', '=', merchantId)
    .where('role', 'in', WRITE_ROLES)
    .orderBy('user_id')
    .executeTakeFirst();
  if (member === undefined) return undefined;
  try {
    const report = await auditMerchant(db, member.user_id, merchantId, range);
    return {
      findings: report.findings.length,
      overchargeFen: report.summary.overchargeFen,
      lossFen: report.summary.lossFen,
    };
  } catch {
    // A merchant whose plan or data cannot be audited still gets its missing-statement checks and digest.
    return undefined;
  }
}
