import type { Kysely, Transaction } from 'kysely';
import { type DatedFeeLine, detectFormulaChanges } from '../audit/detect-formula-changes.js';
import { formatFen } from '../money/index.js';
import type { FeePlan } from '../plans/plan-types.js';
import { CARD_NAMES_ZH, CHANNEL_NAMES_ZH, type PosRecord } from '../records/index.js';
import type { Database } from '../storage/schema.js';
import type { AlertDraft } from './alert-draft.js';
import { isoToEpochMs } from '../time/shanghai.js';
import { checkFees, priceLine } from './fee-overcharge.js';
import type { MonitorRules } from './rules.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Lines kept per formula group for incremental rate-change detection (older ones fall off). */
export const RATE_WINDOW = 300;

/** A settled sale the fee rules apply to: a successful sale with a fee and a positive amount. */
function feeLine(r: PosRecord): r is PosRecord & { feeFen: number } {
  return r.type === 'sale' && r.status === 'success' && r.feeFen !== undefined && r.amountFen > 0;
}

/** A line of a formula group's window: amount, fee, local date and epoch ms of its time (absent in old state). */
type StoredLine = [number, number, string, number?];

/**
 * Checks settlement lines just stored: each line's fee against the plan in force (tolerance from the plan; one
 * alert per day, channel, card and plan rule, carrying the day's total however many lines are overcharged),
 * and, per formula group (channel, card, plan rule), the fee formula inferred over a sliding window — one
 * `rate_change` per change, a rate changing twice on one day included.
 */
export async function checkSettlementRecords(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan | undefined,
  records: readonly PosRecord[],
  ids: readonly number[],
): Promise<AlertDraft[]> {
  const groups = new Map<string, { lines: (DatedFeeLine & { t: number })[]; index: number }>();
  const sales = records.map((r) => (feeLine(r) ? r : undefined));
  for (let i = 0; i < records.length; i += 1) {
    const rec = sales[i];
    if (rec === undefined || ids[i] === undefined) continue;
    const { date, group } = priceLine(plan, rec);
    const entry = groups.get(group) ?? { lines: [], index: i };
    entry.lines.push({ amountFen: rec.amountFen, feeFen: rec.feeFen, date, t: isoToEpochMs(rec.time) });
    entry.index = i;
    groups.set(group, entry);
  }
  const drafts = await checkFees(db, merchantId, rules, plan, sales, ids);
  if (!rules.rules.rate_change.enabled) return drafts;
  for (const [group, entry] of groups) {
    const state = await db
      .selectFrom('monitor_rate_state')
      .select(['lines_json', 'last_change_date'])
      .where('merchant_id', '=', merchantId)
      .where('group_key', '=', group)
      .executeTakeFirst();
    const earlier = state === undefined ? [] : (JSON.parse(state.lines_json) as StoredLine[]);
    // In date and time order (stable: arrival order for the same time, and lines kept before times were
    // stored first within their day): a statement arriving in pieces, a late day after a later one or a
    // day's afternoon before its morning, must read as the times it covers, not as a rate going back and
    // forth (one change, one alert).
    const all = [
      ...earlier.map(([amountFen, feeFen, date, t]) => ({ amountFen, feeFen, date, t: t ?? 0 })),
      ...entry.lines,
    ]
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.t - b.t))
      .slice(-RATE_WINDOW);
    const segments = detectFormulaChanges(all);
    let lastChange = state?.last_change_date ?? null;
    // Changes before the last one alerted are known. A change on its day is known by its place among that
    // day's changes (the first keeps the plain key): a rate put up and back the same day is two events.
    const perDay = new Map<string, number>();
    for (let s = 1; s < segments.length; s += 1) {
      const seg = segments[s];
      const before = segments[s - 1];
      if (seg === undefined || before === undefined) continue;
      const nth = (perDay.get(seg.date) ?? 0) + 1;
      perDay.set(seg.date, nth);
      if (lastChange !== null && seg.date < lastChange) continue;
      const from = before.set.best()?.describe();
      const to = seg.set.best()?.describe();
      const show = (d: typeof from): string =>
        d === undefined
          ? '未知'
          : `${d.rate}${d.fixedFen > 0 ? ` + ${formatFen(d.fixedFen)}/笔` : ''}${d.capFen === undefined ? '' : `（封顶 ${formatFen(d.capFen)}）`}`;
      const [channel, card] = group.split('|') as [keyof typeof CHANNEL_NAMES_ZH, keyof typeof CARD_NAMES_ZH];
      drafts.push({
        kind: 'rate_change',
        severity: rules.rules.rate_change.severity,
        dedupKey: `rate_change|${group}|${seg.date}${nth === 1 ? '' : `|${nth}`}`,
        recordIndex: entry.index,
        message: `${seg.date} 起 ${CHANNEL_NAMES_ZH[channel] ?? channel}${CARD_NAMES_ZH[card] ?? card} 实际扣费由 ${show(from)} 变为 ${show(to)}${nth === 1 ? '' : `（当日第 ${nth} 次变化）`}`,
        details: { group, date: seg.date, nth, before: from ?? null, after: to ?? null },
      });
      lastChange = seg.date;
    }
    const linesJson = JSON.stringify(all.map((l): StoredLine => [l.amountFen, l.feeFen, l.date, l.t]));
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
  return drafts;
}
