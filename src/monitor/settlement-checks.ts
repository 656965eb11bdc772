import type { Kysely, Transaction } from 'kysely';
import { type DatedFeeLine, detectFormulaChanges } from '../audit/detect-formula-changes.js';
import { formatFen } from '../money/index.js';
import {
  chargeNamedBy,
  chargeNames,
  coverDeductions,
  type DeductionCoverage,
  type DeductionLine,
  unplannedWords,
} from '../plans/charges.js';
import type { FeePlan, PlanCharge } from '../plans/plan-types.js';
import type { PosRecord } from '../records/index.js';
import { rowToRecord } from '../storage/record-row.js';
import type { Database } from '../storage/schema.js';
import { isoToEpochMs, localDateOf } from '../time/shanghai.js';
import type { AlertDraft } from './alert-draft.js';
import { type AlertText, channelCardText } from './alert-text.js';
import { reviseAlert } from './alert-worker.js';
import {
  chargedFeeOf,
  checkFees,
  type FoldedLines,
  grewMaterially,
  isNewSale,
  overchargeKeyOf,
  overchargeTotals,
  priceLine,
  SALE_TYPES,
  type SaleLine,
} from './fee-overcharge.js';
import {
  byDateAndTime,
  fromStoredLine,
  RATE_WINDOW,
  type StoredLine,
  saleLineOf,
  toStoredLine,
  type WindowLine,
  windowLineOf,
} from './rate-window.js';
import type { MonitorRules } from './rules.js';
import { undoingRecordIds } from './undo-links.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A formula as a rate_change alert describes it. */
export type Described = { rate: string; fixedFen: number; capFen?: number } | null;

/** What a rate_change alert keeps: the change, and the plan overcharge of the days its new formula explains. */
export interface RateChangeDetails {
  group: string;
  date: string;
  nth: number;
  before: Described;
  after: Described;
  /** Overcharge against the plan per day of the changed formula (each day's total, as its fee_overcharge key). */
  days?: Record<string, number>;
  overchargeFen?: number;
  /** The money the alert was last sent with. */
  notifiedFen?: number;
  /** Without a plan: what the new formula took beyond the old one on its lines seen when it was raised. */
  extraFen?: number;
  extraLines?: number;
}

/** A rate change's wording: the change, then the plan overcharge of its days or, without a plan, the extra taken. */
export function rateChangeMessage(d: RateChangeDetails): AlertText {
  const show = (f: Described): AlertText => {
    if (f === null) return { zh: '未知', en: 'unknown' };
    const fixed = formatFen(f.fixedFen);
    const cap = f.capFen === undefined ? undefined : formatFen(f.capFen);
    return {
      zh: `${f.rate}${f.fixedFen > 0 ? ` + ${fixed}/笔` : ''}${cap === undefined ? '' : `（封顶 ${cap}）`}`,
      en: `${f.rate}${f.fixedFen > 0 ? ` + ${fixed} a sale` : ''}${cap === undefined ? '' : ` (capped at ${cap})`}`,
    };
  };
  const [channel = '', card = ''] = d.group.split('|');
  const what = channelCardText(channel, card);
  const [before, after] = [show(d.before), show(d.after)];
  const base: AlertText = {
    zh: `${d.date} 起 ${what.zh} 实际扣费由 ${before.zh} 变为 ${after.zh}${d.nth === 1 ? '' : `（当日第 ${d.nth} 次变化）`}`,
    en: `From ${d.date} the fee charged on ${what.en} sales went from ${before.en} to ${after.en}${d.nth === 1 ? '' : ` (change no. ${d.nth} that day)`}`,
  };
  const days = Object.keys(d.days ?? {}).sort();
  const first = days[0];
  const last = days[days.length - 1];
  if (d.overchargeFen !== undefined && d.overchargeFen > 0 && first !== undefined && last !== undefined) {
    const money = formatFen(d.overchargeFen);
    return {
      zh: `${base.zh}；按费率方案已多扣 ${money}（${first}${last === first ? '' : ` 至 ${last}`}）`,
      en: `${base.en}; ${money} overcharged against the plan so far (${first}${last === first ? '' : ` to ${last}`})`,
    };
  }
  if (d.extraFen !== undefined && d.extraFen !== 0 && d.extraLines !== undefined) {
    const money = formatFen(Math.abs(d.extraFen));
    const more = d.extraFen > 0;
    return {
      zh: `${base.zh}；${d.extraLines} 笔较按原扣费${more ? '多收' : '少收'} ${money}`,
      en: `${base.en}; ${d.extraLines} sales charged ${money} ${more ? 'more' : 'less'} than the old fee`,
    };
  }
  return base;
}

/** What the rate-change detection of a batch found. */
interface RateChanges {
  /** The changes seen for the first time. */
  drafts: AlertDraft[];
  /** For a batch line (by index) charged under a changed formula that was alerted: that change's dedup key. */
  changeOf: Map<number, string>;
  /** For each change seen for the first time: the days of the overcharged lines of its formula in the window. */
  regimeDays: Map<string, Set<string>>;
  /** The formula group of each change named above. */
  groupOf: Map<string, string>;
}

/** Whether a window line is charged above the plan (beyond its tolerance). */
function overcharged(plan: FeePlan, group: string, line: DatedFeeLine): boolean {
  const [channel = '', card = ''] = group.split('|');
  const { expectedFen } = priceLine(plan, { ...line, channel, card, time: `${line.date}T12:00:00+08:00` });
  return expectedFen !== undefined && line.feeFen - expectedFen > plan.toleranceFen;
}

/**
 * Per formula group (channel, card, plan rule), the fee formula inferred over a sliding window, the batch's
 * lines read in with the ones before them: one `rate_change` per change, a rate changing twice on one day
 * included. Also tells which batch lines a change explains — those in the stretch of its formula, or, when
 * the change has left the window, lines still charged as after the group's last change that overcharged.
 */
async function detectRateChanges(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan | undefined,
  sales: readonly (SaleLine | undefined)[],
  ids: readonly number[],
): Promise<RateChanges> {
  const out: RateChanges = { drafts: [], changeOf: new Map(), regimeDays: new Map(), groupOf: new Map() };
  if (!rules.rules.rate_change.enabled) return out;
  const groups = new Map<string, WindowLine[]>();
  sales.forEach((sale, i) => {
    const id = ids[i];
    if (sale === undefined || id === undefined) return;
    const { group, line } = windowLineOf(plan, sale, id);
    const lines = groups.get(group) ?? [];
    lines.push({ ...line, index: i });
    groups.set(group, lines);
  });
  for (const [group, arrived] of groups) {
    const state = await db
      .selectFrom('monitor_rate_state')
      .select(['lines_json', 'last_change_date'])
      .where('merchant_id', '=', merchantId)
      .where('group_key', '=', group)
      .executeTakeFirst();
    const kept = state === undefined ? [] : (JSON.parse(state.lines_json) as StoredLine[]);
    // A record checked again (a push of lines a file already brought, a pushed line its statement billed) takes
    // its place in the window once, as stored now: never set beside itself, which reads as the rate changing.
    const stored = await storedNow(db, arrived, new Set(kept.map(([, , , , id]) => id)));
    const batch = arrived.map((l) => {
      const now = l.id === undefined ? undefined : stored.get(l.id);
      return now === undefined ? l : { ...l, ...now };
    });
    const arrivedIds = new Set(arrived.map((l) => l.id));
    const earlier = kept.filter(([, , , , id]) => id === undefined || !arrivedIds.has(id));
    // In date and time order (stable: arrival order for the same time, and lines kept before times were
    // stored first within their day): a statement arriving in pieces, a late day after a later one or a
    // day's afternoon before its morning, must read as the times it covers, not as a rate going back and
    // forth (one change, one alert).
    const all: WindowLine[] = [...earlier.map(fromStoredLine), ...batch]
      .sort(byDateAndTime)
      .slice(-RATE_WINDOW);
    const segments = detectFormulaChanges(all);
    let lastChange = state?.last_change_date ?? null;
    // A change on its day is known by its place among that day's changes (the first keeps the plain key): a
    // rate put up and back the same day is two events.
    const keys: (string | undefined)[] = [undefined];
    const nths: number[] = [0];
    const perDay = new Map<string, number>();
    for (let s = 1; s < segments.length; s += 1) {
      const date = segments[s]?.date ?? '';
      const nth = (perDay.get(date) ?? 0) + 1;
      perDay.set(date, nth);
      nths[s] = nth;
      keys[s] = `rate_change|${group}|${date}${nth === 1 ? '' : `|${nth}`}`;
    }
    const named = keys.filter((k): k is string => k !== undefined);
    const alerted = new Set<string>();
    if (named.length > 0) {
      const rows = await db
        .selectFrom('monitor_alerts')
        .select('dedup_key')
        .where('merchant_id', '=', merchantId)
        .where('dedup_key', 'in', named)
        .execute();
      for (const r of rows) alerted.add(r.dedup_key);
    }
    const fresh = new Set<string>();
    for (let s = 1; s < segments.length; s += 1) {
      const seg = segments[s];
      const before = segments[s - 1];
      const dedupKey = keys[s];
      if (seg === undefined || before === undefined || dedupKey === undefined) continue;
      // Changes before the last one alerted are known.
      if (lastChange !== null && seg.date < lastChange) continue;
      lastChange = seg.date;
      if (alerted.has(dedupKey)) continue;
      const details: RateChangeDetails = {
        group,
        date: seg.date,
        nth: nths[s] ?? 1,
        before: before.set.best()?.describe() ?? null,
        after: seg.set.best()?.describe() ?? null,
      };
      // Without a plan there is no overcharge to carry; the money is what the change took beyond the old formula.
      const old = before.set.best();
      const lines = all.slice(seg.start, segments[s + 1]?.start ?? all.length);
      if (plan === undefined && old !== undefined) {
        details.extraFen = lines.reduce((sum, l) => sum + l.feeFen - old.fee(l.amountFen), 0);
        details.extraLines = lines.length;
      }
      out.drafts.push({
        kind: 'rate_change',
        severity: rules.rules.rate_change.severity,
        dedupKey,
        recordIndex: batch[batch.length - 1]?.index ?? 0,
        ...(details.extraFen !== undefined && details.extraFen > 0 ? { amountFen: details.extraFen } : {}),
        message: rateChangeMessage(details),
        details: { ...details },
      });
      fresh.add(dedupKey);
      alerted.add(dedupKey);
    }
    // The window holds no change, but the group has had one: its lines are charged as after that change.
    const carried =
      segments.length === 1 && state?.last_change_date != null
        ? await overchargingChange(db, merchantId, group, all[0]?.date ?? '')
        : undefined;
    if (carried !== undefined) alerted.add(carried);
    let s = 0;
    all.forEach((line, p) => {
      while (s + 1 < segments.length && (segments[s + 1]?.start ?? Number.POSITIVE_INFINITY) <= p) s += 1;
      const key = s === 0 ? carried : keys[s];
      // A stray in the stretch, or a sale still charged the old way while the provider switched, is not the
      // change's doing.
      if (key === undefined || !alerted.has(key) || segments[s]?.set.fits(line) !== true) return;
      out.groupOf.set(key, group);
      if (line.index !== undefined) out.changeOf.set(line.index, key);
      if (fresh.has(key) && plan !== undefined && overcharged(plan, group, line)) {
        const days = out.regimeDays.get(key) ?? new Set<string>();
        days.add(line.date);
        out.regimeDays.set(key, days);
      }
    });
    const linesJson = JSON.stringify(all.map(toStoredLine));
    if (state === undefined) {
      await db
        .insertInto('monitor_rate_state')
        .values({
          merchant_id: merchantId,
          group_key: group,
          lines_json: linesJson,
          last_change_date: lastChange,
        })
        .execute();
    } else {
      await db
        .updateTable('monitor_rate_state')
        .set({ lines_json: linesJson, last_change_date: lastChange })
        .where('merchant_id', '=', merchantId)
        .where('group_key', '=', group)
        .execute();
    }
  }
  return out;
}

/**
 * The amount and fee stored now for the records of `lines` that the window holds already (`windowIds`): a push
 * of a line a statement brought first carries the push's own figures, while the statement is the bill.
 */
async function storedNow(
  db: Db,
  lines: readonly { id?: number }[],
  windowIds: ReadonlySet<number | undefined>,
): Promise<Map<number, { amountFen: number; feeFen: number }>> {
  const out = new Map<number, { amountFen: number; feeFen: number }>();
  const again = lines.flatMap((l) => (l.id !== undefined && windowIds.has(l.id) ? [l.id] : []));
  if (again.length === 0) return out;
  const rows = await db
    .selectFrom('records')
    .select(['id', 'amount_fen', 'fee_fen', 'settled_fen'])
    .where('id', 'in', again)
    .execute();
  for (const r of rows) {
    const feeFen = chargedFeeOf(r.amount_fen, r.fee_fen, r.settled_fen);
    if (feeFen !== undefined) out.set(r.id, { amountFen: r.amount_fen, feeFen });
  }
  return out;
}

/**
 * The group's latest rate change on or before `date` when its formula overcharged (its alert carries plan
 * money): the change a window of lines that no longer holds it is still charged under.
 */
async function overchargingChange(
  db: Db,
  merchantId: number,
  group: string,
  date: string,
): Promise<string | undefined> {
  const rows = await db
    .selectFrom('monitor_alerts')
    .select(['dedup_key', 'details_json'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'rate_change')
    .orderBy('id')
    .execute();
  let latest: { key: string; d: RateChangeDetails } | undefined;
  for (const row of rows) {
    const d = JSON.parse(row.details_json) as RateChangeDetails;
    if (d.group !== group || d.date > date) continue;
    if (latest === undefined || d.date > latest.d.date || (d.date === latest.d.date && d.nth > latest.d.nth))
      latest = { key: row.dedup_key, d };
  }
  return latest !== undefined && (latest.d.overchargeFen ?? 0) > 0 ? latest.key : undefined;
}

/**
 * Puts on each rate change the plan overcharge of the days its formula explains (each day's total over all
 * its stored lines): a change seen now carries the money of its stretch so far, one already raised is
 * brought up to date, and sent again when the money grew materially (rules.fee_overcharge).
 */
async function chargeRateChanges(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan | undefined,
  changes: RateChanges,
  folded: ReadonlyMap<string, FoldedLines>,
  at: string,
): Promise<AlertDraft[]> {
  const keys = new Set([...changes.regimeDays.keys(), ...folded.keys()]);
  if (plan === undefined || keys.size === 0) return changes.drafts;
  const datesOf = new Map<string, Set<string>>();
  const allDates = new Set<string>();
  for (const key of keys) {
    const dates = new Set([...(changes.regimeDays.get(key) ?? []), ...(folded.get(key)?.dates ?? [])]);
    datesOf.set(key, dates);
    for (const d of dates) allDates.add(d);
  }
  const totals = await overchargeTotals(db, merchantId, plan, allDates);
  const daysOf = (key: string): Record<string, number> => {
    const group = changes.groupOf.get(key) ?? '';
    const days: Record<string, number> = {};
    for (const date of datesOf.get(key) ?? []) {
      const t = totals.get(overchargeKeyOf(date, group));
      if (t !== undefined) days[date] = t.overchargeFen;
    }
    return days;
  };
  const drafts = changes.drafts.map((draft): AlertDraft => {
    if (!keys.has(draft.dedupKey)) return draft;
    const days = daysOf(draft.dedupKey);
    const money = daysTotal(days);
    const details: RateChangeDetails = {
      ...(draft.details as unknown as RateChangeDetails),
      days,
      overchargeFen: money,
      notifiedFen: money,
    };
    return {
      ...draft,
      ...(money > 0 ? { amountFen: money } : {}),
      message: rateChangeMessage(details),
      details: { ...details },
    };
  });
  const raised = [...keys].filter((k) => !changes.drafts.some((d) => d.dedupKey === k));
  if (raised.length === 0) return drafts;
  const rows = await db
    .selectFrom('monitor_alerts')
    .select(['id', 'dedup_key', 'severity', 'details_json'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'rate_change')
    .where('dedup_key', 'in', raised)
    .execute();
  for (const row of rows) {
    const details = JSON.parse(row.details_json) as RateChangeDetails;
    const days = { ...details.days, ...daysOf(row.dedup_key) };
    const money = daysTotal(days);
    if (money === (details.overchargeFen ?? 0)) continue;
    const sentFen = details.notifiedFen ?? 0;
    const resend = grewMaterially(rules, sentFen, money, folded.get(row.dedup_key)?.largestLineFen ?? 0);
    await reviseRateChange(db, row, details, days, resend ? money : sentFen, resend ? at : undefined);
  }
  return drafts;
}

/** A rate change's plan overcharge: the sum of its days. */
function daysTotal(days: Readonly<Record<string, number>>): number {
  return Object.values(days).reduce((a, b) => a + b, 0);
}

/**
 * Brings a raised rate_change alert to the plan overcharge of `days` (its amount their sum, its message and
 * details to match), `notifiedFen` the money now counted as sent; it is sent again, as an update queued at
 * `at`, when `at` is given.
 */
async function reviseRateChange(
  db: Db,
  row: { id: number; severity: string },
  details: RateChangeDetails,
  days: Record<string, number>,
  notifiedFen: number,
  at: string | undefined,
): Promise<void> {
  const money = daysTotal(days);
  const next: RateChangeDetails = { ...details, days, overchargeFen: money, notifiedFen };
  await reviseAlert(
    db,
    {
      id: row.id,
      kind: 'rate_change',
      severity: row.severity,
      amountFen: money,
      message: rateChangeMessage(next),
      details: { ...next },
    },
    at,
  );
}

/**
 * After a plan is saved: the plan overcharge each rate_change alert carries for `dates` recounted from `totals`
 * (every fee_overcharge key of those days under the plan now), so a change no longer claims money the corrected
 * plan does not see as overcharged. A day of the change with nothing over the plan left is dropped from it. An
 * alert whose money is all gone is sent again, at `at`, when it had been sent with money. Returns how many
 * alerts changed.
 */
export async function recountRateChanges(
  db: Db,
  merchantId: number,
  dates: ReadonlySet<string>,
  totals: ReadonlyMap<string, { overchargeFen: number }>,
  at: string,
): Promise<number> {
  const rows = await db
    .selectFrom('monitor_alerts')
    .select(['id', 'severity', 'amount_fen', 'details_json'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'rate_change')
    .orderBy('id')
    .execute();
  let changed = 0;
  for (const row of rows) {
    const details = JSON.parse(row.details_json) as RateChangeDetails;
    if (details.days === undefined) continue;
    const days: Record<string, number> = {};
    for (const [date, fen] of Object.entries(details.days)) {
      if (!dates.has(date)) days[date] = fen;
      else {
        const now = totals.get(overchargeKeyOf(date, details.group))?.overchargeFen;
        if (now !== undefined) days[date] = now;
      }
    }
    const money = daysTotal(days);
    const same = Object.keys(days).length === Object.keys(details.days).length;
    if (same && money === (details.overchargeFen ?? 0)) continue;
    const sentFen = details.notifiedFen ?? 0;
    const withdrawn = money === 0 && sentFen > 0;
    await reviseRateChange(db, row, details, days, withdrawn ? 0 : sentFen, withdrawn ? at : undefined);
    changed += 1;
  }
  return changed;
}

/** A deduction the plan's charges are checked against: a deduction line, or a sale settled short. */
interface DeductionItem {
  id: number;
  record: PosRecord;
  deduction: DeductionLine;
}

/**
 * A stored settlement record as a deduction, as the audit reads it (src/audit/merchant-audit.ts): a
 * successful deduction line (its settled amount, else its amount, on its settle day, else its trade day), or
 * a sale settled below amount − fee (the difference) — a new sale: a line undoing a refund or void (退货撤销,
 * 撤销冲正) gives back what that took, and the audit reads no deduction in it.
 */
function deductionOf(id: number, r: PosRecord): DeductionItem | undefined {
  if (r.status !== 'success') return undefined;
  const date = r.settleDate ?? localDateOf(r.time);
  const common = {
    label: r.label ?? '',
    date,
    ...(r.terminalId !== undefined ? { terminalId: r.terminalId } : {}),
  };
  if (r.type === 'deduction')
    return { id, record: r, deduction: { ...common, amountFen: Math.abs(r.settledFen ?? r.amountFen) } };
  if (
    isNewSale(r) &&
    r.feeFen !== undefined &&
    r.settledFen !== undefined &&
    r.settledFen < r.amountFen - r.feeFen
  )
    return { id, record: r, deduction: { ...common, amountFen: r.amountFen - r.feeFen - r.settledFen } };
  return undefined;
}

/** The alert of a deduction the plan does not (fully) cover: what was taken, why, and what to do. */
function deductionDraft(
  rules: MonitorRules,
  item: DeductionItem,
  c: DeductionCoverage,
  recordIndex: number | undefined,
): AlertDraft {
  const r = item.record;
  const money = formatFen(item.deduction.amountFen);
  const label = r.label ?? '扣款';
  const short = r.type !== 'deduction';
  const whatZh = short
    ? `${localDateOf(r.time)} 交易 ${formatFen(r.amountFen)}${r.refNo === undefined ? '' : `（参考号 ${r.refNo}）`}结算 ${formatFen(r.settledFen ?? 0)}，低于 金额 − 手续费 = ${formatFen(r.amountFen - (r.feeFen ?? 0))}，少付 ${money}`
    : `${item.deduction.date} 从结算款中扣除“${label}” ${money}`;
  const whatEn = short
    ? `${localDateOf(r.time)} sale of ${formatFen(r.amountFen)}${r.refNo === undefined ? '' : ` (ref. ${r.refNo})`} settled ${formatFen(r.settledFen ?? 0)}, below amount − fee = ${formatFen(r.amountFen - (r.feeFen ?? 0))}, short by ${money}`
    : `${item.deduction.date}: "${label}" ${money} deducted from the payout`;
  const agreed = c.coveredFen > 0 && c.charge !== undefined;
  const why = unplannedWords(c);
  const unplanned = formatFen(c.unplannedFen);
  const messageEn = `${whatEn}${agreed ? `, of which ${formatFen(c.coveredFen)} is the agreed "${c.charge?.name}"` : ''}; ${why.en}. Ask the provider for the grounds of this deduction and for ${unplanned} back`;
  return {
    kind: 'unplanned_deduction',
    severity: rules.rules.unplanned_deduction.severity,
    dedupKey: `unplanned_deduction|rec:${item.id}`,
    ...(recordIndex === undefined ? {} : { recordIndex }),
    amountFen: c.unplannedFen,
    message: {
      zh: `${whatZh}${agreed ? `，其中 ${formatFen(c.coveredFen)} 属约定的“${c.charge?.name}”` : ''}；${why.zh}。请向服务商索要扣款依据并要求退还 ${unplanned}`,
      en: messageEn,
    },
    details: {
      recordId: item.id,
      date: item.deduction.date,
      label: r.label ?? null,
      deductedFen: item.deduction.amountFen,
      coveredFen: c.coveredFen,
      unplannedFen: c.unplannedFen,
      reason: c.reason ?? null,
      charge: c.charge?.name ?? null,
      // Kept for readers of the alert's details from before alerts carried English.
      messageEn,
    },
  };
}

/**
 * Deductions just stored (deduction lines, sales settled short) against the plan's `charges`, by the audit's
 * rules (src/plans/charges.ts): the label names a charge, from its date on, up to its amount per window. A
 * batch line naming a charge is judged with every stored deduction naming it, in date order, so the second
 * 流量费 of a year is the unplanned one whichever arrives first; a stored line of the same charge that a
 * line arriving now pushes over the amount is alerted too. One alert per line (`unplanned_deduction`).
 */
export async function checkDeductions(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan | undefined,
  records: readonly PosRecord[],
  ids: readonly number[],
): Promise<AlertDraft[]> {
  if (plan === undefined || !rules.rules.unplanned_deduction.enabled) return [];
  const arrived = new Map<number, number>();
  const found: DeductionItem[] = [];
  records.forEach((r, i) => {
    const id = ids[i];
    const item = id === undefined ? undefined : deductionOf(id, r);
    if (item === undefined || id === undefined) return;
    arrived.set(id, i);
    found.push(item);
  });
  const batch = await withoutUndoings(db, merchantId, found);
  if (batch.length === 0) return [];
  const names = chargeNames(plan.charges);
  const charges = new Set<PlanCharge>();
  for (const item of batch) {
    const charge = chargeNamedBy(item.deduction.label, names);
    if (charge !== undefined) charges.add(charge);
  }
  // A line naming no charge is unplanned whatever else was taken; the others share their charge's windows.
  let items = batch;
  if (charges.size > 0) {
    const stored = await storedDeductions(db, merchantId);
    const known = new Set(stored.map((x) => x.id));
    items = [...stored, ...batch.filter((x) => !known.has(x.id))];
  }
  items.sort((a, b) =>
    a.deduction.date !== b.deduction.date
      ? a.deduction.date < b.deduction.date
        ? -1
        : 1
      : isoToEpochMs(a.record.time) - isoToEpochMs(b.record.time) || a.id - b.id,
  );
  const coverage = coverDeductions(
    plan.charges,
    items.map((x) => x.deduction),
  );
  const drafts: AlertDraft[] = [];
  items.forEach((item, k) => {
    const c = coverage[k];
    if (c === undefined || c.unplannedFen <= 0) return;
    const index = arrived.get(item.id);
    if (index === undefined && (c.charge === undefined || !charges.has(c.charge))) return;
    drafts.push(deductionDraft(rules, item, c, index));
  });
  return drafts;
}

/** Every stored deduction of the merchant that may take from a charge's allowance. */
async function storedDeductions(db: Db, merchantId: number): Promise<DeductionItem[]> {
  const rows = await db
    .selectFrom('records')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'settlement')
    .where('status', '=', 'success')
    .where((eb) =>
      eb.or([
        eb('type', '=', 'deduction'),
        // A short-settled sale names a charge only through its label; most sales have none.
        eb.and([
          eb('type', 'in', SALE_TYPES),
          eb('label', 'is not', null),
          eb('fee_fen', 'is not', null),
          eb('settled_fen', 'is not', null),
        ]),
      ]),
    )
    .orderBy('id')
    .execute();
  return withoutUndoings(
    db,
    merchantId,
    rows.flatMap((row) => deductionOf(row.id, rowToRecord(row)) ?? []),
  );
}

/**
 * `items` less the sales settled short that undo a cancellation by repeating its keys — a 撤销冲正 or 退货撤销
 * naming nothing but giving its void's or refund's 参考号 (the sale's own) again — linked as the audit links
 * them (undoingRecordIds): such a line gives back what its cancellation took, and the audit reads no deduction
 * in it (deductionOf already drops those naming it by their original keys). Deduction lines all stay.
 */
async function withoutUndoings(
  db: Db,
  merchantId: number,
  items: readonly DeductionItem[],
): Promise<DeductionItem[]> {
  const shortSales = items.filter((x) => x.record.type !== 'deduction').map((x) => x.id);
  // Most deductions are deduction lines: no linking to read for them.
  if (shortSales.length === 0) return [...items];
  const undoing = await undoingRecordIds(db, merchantId, 'settlement', shortSales);
  return items.filter((x) => !undoing.has(x.id));
}

/**
 * Checks settlement lines just stored: per formula group (channel, card, plan rule) the fee formula, inferred
 * over a sliding window (`rate_change`, one per change); each sale's fee — or amount − settled on a statement
 * without fees — against the plan in force (`fee_overcharge`, one per day, channel, card and plan rule,
 * carrying the day's total); and deductions against the plan's charges (`unplanned_deduction`). Overcharges a
 * rate change explains are that change's money, not alerts of their own, and the change comes first. An
 * alert whose money grew materially is sent again, queued at `at`.
 */
export async function checkSettlementRecords(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan | undefined,
  records: readonly PosRecord[],
  ids: readonly number[],
  at: string = new Date().toISOString(),
): Promise<AlertDraft[]> {
  // A line undoing a void or refund that names nothing but repeats its keys is no sale (linkUndoings).
  const undoing = await undoingRecordIds(db, merchantId, 'settlement', ids);
  const sales = records.map((r, i) => (undoing.has(ids[i] ?? -1) ? undefined : saleLineOf(r)));
  const changes = await detectRateChanges(db, merchantId, rules, plan, sales, ids);
  const fees = await checkFees(db, merchantId, rules, plan, sales, ids, {
    at,
    changeOf: (i) => changes.changeOf.get(i),
  });
  const rateDrafts = await chargeRateChanges(db, merchantId, rules, plan, changes, fees.folded, at);
  const deductions = await checkDeductions(db, merchantId, rules, plan, records, ids);
  return [...rateDrafts, ...fees.drafts, ...deductions];
}
