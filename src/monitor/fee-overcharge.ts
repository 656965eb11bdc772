import type { Kysely, Transaction } from 'kysely';
import { type UndoKeys, undoesACancellation } from '../audit/match-records.js';
import { formatFen } from '../money/index.js';
import { quoteFee } from '../plans/expected-fee.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/index.js';
import type { Database, RecordRow } from '../storage/schema.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import type { AlertDraft } from './alert-draft.js';
import { type AlertText, channelCardText } from './alert-text.js';
import { reviseAlert } from './alert-worker.js';
import type { MonitorRules } from './rules.js';
import { LINK_COLUMNS, undoingIds } from './undo-links.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The record types priced as sales: a 预授权完成 settles a sale as the audit takes it (matchClassOf in
 * src/audit/match-records.ts), so the monitor checks it as one.
 */
export const SALE_TYPES = ['sale', 'preauth-complete'] as const;

export function isSaleType(type: string): boolean {
  return (SALE_TYPES as readonly string[]).includes(type);
}

/**
 * Whether a record is a sale the monitor checks as one: a sale type that does not undo a cancellation. A
 * 退货撤销 or 撤销冲正 comes in typed as a sale, naming the refund or void it cancels (undoesACancellation, as the
 * audit decides): it gives back what that cancellation took and is no new sale — not priced, not a large or
 * duplicate sale, not a sale waiting for its statement.
 */
export function isNewSale(r: UndoKeys): boolean {
  return isSaleType(r.type) && !undoesACancellation(r);
}

/** The columns of a stored record that tell whether it undoes a cancellation (see rowUndoes). */
export const UNDO_COLUMNS = [
  'type',
  'terminal_id',
  'ref_no',
  'voucher_no',
  'order_no',
  'original_ref_no',
  'original_voucher_no',
  'original_order_no',
] as const;

/** A stored row's keys as undoesACancellation reads them. */
export function undoKeysOfRow(row: Pick<RecordRow, (typeof UNDO_COLUMNS)[number]>): UndoKeys {
  return {
    type: row.type,
    terminalId: row.terminal_id,
    refNo: row.ref_no,
    voucherNo: row.voucher_no,
    orderNo: row.order_no,
    originalRefNo: row.original_ref_no,
    originalVoucherNo: row.original_voucher_no,
    originalOrderNo: row.original_order_no,
  };
}

/** Whether a stored row undoes a cancellation (undoesACancellation): a sale type, but no new sale. */
export function rowUndoes(row: Pick<RecordRow, (typeof UNDO_COLUMNS)[number]>): boolean {
  return undoesACancellation(undoKeysOfRow(row));
}

/** A sale line as the fee checks read it. */
export interface SaleLine {
  channel: string;
  card: string;
  amountFen: number;
  feeFen: number;
  time: string;
}

/**
 * The fee a settled sale was charged: its fee, or, on a statement without a fee column, what was withheld —
 * amount − settled, exactly as the audit takes it (src/audit/merchant-audit.ts). Undefined with neither.
 */
export function chargedFeeOf(
  amountFen: number,
  feeFen: number | null | undefined,
  settledFen: number | null | undefined,
): number | undefined {
  if (feeFen !== null && feeFen !== undefined) return feeFen;
  if (settledFen !== null && settledFen !== undefined) return amountFen - settledFen;
  return undefined;
}

/**
 * Whether an alert's money grew enough since it was last sent to be sent again (rules.fee_overcharge): to
 * `updateMultiple` times what was sent, or by a new line overcharged by `updateLineFen` or more.
 */
export function grewMaterially(
  rules: MonitorRules,
  sentFen: number,
  totalFen: number,
  largestNewLineFen: number,
): boolean {
  const r = rules.rules.fee_overcharge;
  return (
    totalFen > sentFen && (totalFen >= sentFen * r.updateMultiple || largestNewLineFen >= r.updateLineFen)
  );
}

/** The quote of a settled sale under the plan, the formula group it falls in and its local date. */
export function priceLine(
  plan: FeePlan | undefined,
  line: SaleLine,
): { date: string; group: string; expectedFen: number | undefined } {
  const date = localDateOf(line.time);
  const quote =
    plan === undefined
      ? undefined
      : quoteFee(plan, {
          amountFen: line.amountFen,
          channel: line.channel as PosRecord['channel'],
          card: line.card as PosRecord['card'],
          date,
        });
  const band = quote?.ok === true ? `r${quote.period.index}.${quote.rule.index}` : '*';
  return {
    date,
    group: `${line.channel}|${line.card}|${band}`,
    expectedFen: quote?.ok === true ? quote.feeFen : undefined,
  };
}

/** Every overcharged line of one alert key (day, channel, card, plan rule), summed. */
export interface KeyTotal {
  date: string;
  channel: string;
  card: string;
  lines: number;
  overchargeFen: number;
  chargedFen: number;
  expectedFen: number;
  /** The first line (lowest id), for the message when it is the only one. */
  first: {
    recordId: number;
    refNo: string | null;
    amountFen: number;
    chargedFen: number;
    expectedFen: number;
  };
}

/** The key of the one fee_overcharge alert per day, channel, card and plan rule. */
export const overchargeKeyOf = (date: string, group: string): string => `fee_overcharge|${date}|${group}`;

/**
 * The day totals of the fee_overcharge keys of `dates` over every settlement line stored for the merchant
 * (pushed, uploaded or watched alike, each stored record once), priced by `plan`: lines charged more than the
 * plan's tolerance above its fee.
 */
export async function overchargeTotals(
  db: Db,
  merchantId: number,
  plan: FeePlan,
  dates: ReadonlySet<string>,
): Promise<Map<string, KeyTotal>> {
  const out = new Map<string, KeyTotal>();
  const sorted = [...dates].sort();
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  if (lo === undefined || hi === undefined) return out;
  // Times are stored with their offsets: a day either side catches every line whose Shanghai date is in range.
  const rows = await db
    .selectFrom('records')
    .select([...LINK_COLUMNS, 'channel', 'card', 'fee_fen', 'settled_fen'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'settlement')
    .where('type', 'in', SALE_TYPES)
    .where('status', '=', 'success')
    .where((eb) => eb.or([eb('fee_fen', 'is not', null), eb('settled_fen', 'is not', null)]))
    .where('amount_fen', '>', 0)
    .where('time', '>=', addDays(lo, -1))
    .where('time', '<', addDays(hi, 2))
    .orderBy('id')
    .execute();
  // As the audit links them: also a line that names nothing but repeats its void's or refund's keys.
  const undoing = await undoingIds(db, merchantId, 'settlement', rows);
  for (const r of rows) {
    // A 退货撤销 or 撤销冲正 billed as a sale gives back what its refund or void took: no sale to price.
    if (undoing.has(r.id)) continue;
    const feeFen = chargedFeeOf(r.amount_fen, r.fee_fen, r.settled_fen);
    if (feeFen === undefined) continue;
    const line = { channel: r.channel, card: r.card, amountFen: r.amount_fen, feeFen, time: r.time };
    const { date, group, expectedFen } = priceLine(plan, line);
    if (!dates.has(date) || expectedFen === undefined) continue;
    const diff = feeFen - expectedFen;
    if (diff <= plan.toleranceFen) continue;
    const key = overchargeKeyOf(date, group);
    const total = out.get(key) ?? {
      date,
      channel: r.channel,
      card: r.card,
      lines: 0,
      overchargeFen: 0,
      chargedFen: 0,
      expectedFen: 0,
      first: { recordId: r.id, refNo: r.ref_no, amountFen: r.amount_fen, chargedFen: feeFen, expectedFen },
    };
    total.lines += 1;
    total.overchargeFen += diff;
    total.chargedFen += feeFen;
    total.expectedFen += expectedFen;
    out.set(key, total);
  }
  return out;
}

/** The alert text of a key's total: the line itself when it is the only one, else the count and the sums. */
export function overchargeMessage(t: KeyTotal): AlertText {
  const what = channelCardText(t.channel, t.card);
  const over = formatFen(t.overchargeFen);
  if (t.lines === 1) {
    const [amount, charged, expected] = [t.first.amountFen, t.first.chargedFen, t.first.expectedFen].map(
      formatFen,
    );
    return {
      zh: `${t.date} ${what.zh} 交易 ${amount} 实扣手续费 ${charged}，按费率方案应为 ${expected}，多扣 ${over}`,
      en: `${t.date} ${what.en} sale of ${amount} charged a fee of ${charged} where the plan gives ${expected}: ${over} overcharged`,
    };
  }
  const [charged, expected] = [t.chargedFen, t.expectedFen].map(formatFen);
  return {
    zh: `${t.date} ${what.zh} ${t.lines} 笔交易手续费高于费率方案：实扣 ${charged}，应为 ${expected}，合计多扣 ${over}`,
    en: `${t.date} ${what.en}: ${t.lines} sales charged fees above the plan: ${charged} charged where the plan gives ${expected}, ${over} overcharged in all`,
  };
}

/** The totals as alert details (the first line's fields kept as they were when the alert was raised). */
function totalDetails(t: KeyTotal): Record<string, unknown> {
  return {
    lines: t.lines,
    totalOverchargeFen: t.overchargeFen,
    totalChargedFeeFen: t.chargedFen,
    totalExpectedFeeFen: t.expectedFen,
  };
}

/** How an alert whose money grew is sent again: when, and the largest new line's overcharge per key. */
export interface GrowthNotice {
  at: string;
  largestNewLineFen: ReadonlyMap<string, number>;
}

/**
 * One fee_overcharge draft per key, carrying the key's day total. An alert the merchant already has for a
 * key is brought up to the total (amount, message, details) here; it is sent again, as an update, only when
 * `notice` is given and the total grew materially since it was last sent (see grewMaterially) — else the
 * daily digest reports the day's total. `details.notifiedFen` keeps the amount last sent. `recordIndex` of
 * each draft is left to the caller.
 */
export async function overchargeDrafts(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  totals: ReadonlyMap<string, KeyTotal>,
  notice?: GrowthNotice,
): Promise<(AlertDraft & { recordId: number })[]> {
  const drafts: (AlertDraft & { recordId: number })[] = [];
  for (const [key, t] of totals) {
    drafts.push({
      kind: 'fee_overcharge',
      severity: rules.rules.fee_overcharge.severity,
      dedupKey: key,
      recordId: t.first.recordId,
      amountFen: t.overchargeFen,
      message: overchargeMessage(t),
      details: {
        recordId: t.first.recordId,
        refNo: t.first.refNo,
        expectedFeeFen: t.first.expectedFen,
        chargedFeeFen: t.first.chargedFen,
        overchargeFen: t.first.chargedFen - t.first.expectedFen,
        ...totalDetails(t),
        notifiedFen: t.overchargeFen,
      },
    });
  }
  if (drafts.length === 0) return drafts;
  const existing = await db
    .selectFrom('monitor_alerts')
    .select(['id', 'dedup_key', 'severity', 'amount_fen', 'details_json'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'fee_overcharge')
    .where(
      'dedup_key',
      'in',
      drafts.map((d) => d.dedupKey),
    )
    .execute();
  for (const row of existing) {
    const t = totals.get(row.dedup_key);
    if (t === undefined) continue;
    const details = JSON.parse(row.details_json) as Record<string, unknown>;
    if (row.amount_fen === t.overchargeFen && details['lines'] === t.lines) continue;
    // An alert older than `notifiedFen`: the amount it holds is the nearest known to what was sent.
    const sentFen =
      typeof details['notifiedFen'] === 'number' ? details['notifiedFen'] : (row.amount_fen ?? 0);
    const resend =
      notice !== undefined &&
      grewMaterially(rules, sentFen, t.overchargeFen, notice.largestNewLineFen.get(row.dedup_key) ?? 0);
    const message = overchargeMessage(t);
    const next = { ...details, ...totalDetails(t), notifiedFen: resend ? t.overchargeFen : sentFen };
    await reviseAlert(
      db,
      {
        id: row.id,
        kind: 'fee_overcharge',
        severity: row.severity,
        amountFen: t.overchargeFen,
        message,
        details: next,
      },
      resend ? notice.at : undefined,
    );
  }
  return drafts;
}

/**
 * The fee_overcharge alerts of `dates` whose key has no overcharged line left (`totals`: every key of those
 * days, as the stored lines and the plan in force now give them — after a corrected plan, or a bill charging
 * less than a push announced) are brought to ¥0.00 and say the money is withdrawn, or superseded where the day's
 * lines of that channel and card now fall under another rule of the plan; neither the alert list nor the daily
 * digest claims it any more. One that was sent with money is sent again, at `at`, so the channel that was told
 * of the money learns it is not owed. Returns how many were withdrawn.
 */
export async function withdrawClearedOvercharges(
  db: Db,
  merchantId: number,
  dates: ReadonlySet<string>,
  totals: ReadonlyMap<string, KeyTotal>,
  at: string,
): Promise<number> {
  if (dates.size === 0) return 0;
  const rows = await db
    .selectFrom('monitor_alerts')
    .select(['id', 'dedup_key', 'severity', 'amount_fen', 'details_json'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'fee_overcharge')
    .where('amount_fen', '>', 0)
    .where((eb) => eb.or([...dates].map((d) => eb('dedup_key', 'like', `${overchargeKeyOf(d, '')}%`))))
    .orderBy('id')
    .execute();
  let withdrawn = 0;
  for (const row of rows) {
    const [, date = '', channel = '', card = ''] = row.dedup_key.split('|');
    if (!dates.has(date) || totals.has(row.dedup_key)) continue;
    const details = JSON.parse(row.details_json) as Record<string, unknown>;
    const sentFen =
      typeof details['notifiedFen'] === 'number' ? details['notifiedFen'] : (row.amount_fen ?? 0);
    const what = channelCardText(channel, card);
    const was = formatFen(row.amount_fen ?? 0);
    const superseded = [...totals.values()].some(
      (t) => t.date === date && t.channel === channel && t.card === card,
    );
    await reviseAlert(
      db,
      {
        id: row.id,
        kind: 'fee_overcharge',
        severity: row.severity,
        amountFen: 0,
        message: superseded
          ? {
              zh: `${date} ${what.zh} 已按现行费率方案重新核算，此前提示的多扣 ${was} 由新的提示取代`,
              en: `${date} ${what.en}: recounted under the plan as it now stands; the ${was} overcharge reported before is replaced by a new alert`,
            }
          : {
              zh: `${date} ${what.zh} 按现行费率方案未多扣手续费，此前提示的多扣 ${was} 已撤销`,
              en: `${date} ${what.en}: no fee above the plan as it now stands; the ${was} overcharge reported before is withdrawn`,
            },
        details: {
          ...details,
          lines: 0,
          totalOverchargeFen: 0,
          totalChargedFeeFen: 0,
          totalExpectedFeeFen: 0,
          withdrawnFen: row.amount_fen,
          notifiedFen: 0,
        },
      },
      sentFen > 0 ? at : undefined,
    );
    withdrawn += 1;
  }
  return withdrawn;
}

/** The overcharged lines of a batch that a rate change explains: their days, and the largest line's overcharge. */
export interface FoldedLines {
  dates: Set<string>;
  largestLineFen: number;
}

/**
 * The fee_overcharge drafts for settlement lines just stored (`ids` their record ids; `undefined` for a
 * line no fee rule applies to): for every key one of them is over the plan in, the key's day total over all
 * its stored lines, and an alert already raised for the key brought up to that total (and sent again when
 * it grew materially). A draft names the first of the key's lines in the batch. A key whose first overcharged
 * line `changeOf` puts under a rate change is that change's money, not an event of its own: it raises no
 * alert (one it already has is brought up to its total silently) and is returned under the change's key.
 */
export async function checkFees(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan | undefined,
  lines: readonly (SaleLine | undefined)[],
  ids: readonly number[],
  options: { at: string; changeOf?: (index: number) => string | undefined },
): Promise<{ drafts: AlertDraft[]; folded: Map<string, FoldedLines> }> {
  const folded = new Map<string, FoldedLines>();
  if (plan === undefined || !rules.rules.fee_overcharge.enabled) return { drafts: [], folded };
  const firstIndex = new Map<string, number>();
  const changeOfKey = new Map<string, string | undefined>();
  const largestNewLineFen = new Map<string, number>();
  const dates = new Set<string>();
  lines.forEach((line, i) => {
    if (line === undefined) return;
    const { date, group, expectedFen } = priceLine(plan, line);
    if (expectedFen === undefined) return;
    const overFen = line.feeFen - expectedFen;
    if (overFen <= plan.toleranceFen) return;
    const key = overchargeKeyOf(date, group);
    if (!firstIndex.has(key)) {
      firstIndex.set(key, i);
      changeOfKey.set(key, options.changeOf?.(i));
    }
    largestNewLineFen.set(key, Math.max(largestNewLineFen.get(key) ?? 0, overFen));
    dates.add(date);
    const change = changeOfKey.get(key);
    if (change === undefined) return;
    const into = folded.get(change) ?? { dates: new Set<string>(), largestLineFen: 0 };
    into.dates.add(date);
    into.largestLineFen = Math.max(into.largestLineFen, overFen);
    folded.set(change, into);
  });
  if (dates.size === 0) return { drafts: [], folded };
  const all = await overchargeTotals(db, merchantId, plan, dates);
  // Only the keys this batch is over the plan in: another key of the same day is not this batch's event.
  const own = new Map([...all].filter(([key]) => firstIndex.has(key) && changeOfKey.get(key) === undefined));
  const underChange = new Map([...all].filter(([key]) => changeOfKey.get(key) !== undefined));
  // Only to bring an alert a key already has up to its total: the rate change is what is raised and sent.
  await overchargeDrafts(db, merchantId, rules, underChange);
  const drafts = await overchargeDrafts(db, merchantId, rules, own, { at: options.at, largestNewLineFen });
  return {
    drafts: drafts.map(({ recordId, ...d }) => {
      const at = ids.indexOf(recordId);
      return { ...d, recordIndex: at >= 0 ? at : (firstIndex.get(d.dedupKey) ?? 0) };
    }),
    folded,
  };
}
