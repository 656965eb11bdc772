import type { Kysely, Transaction } from 'kysely';
import { type DatedFeeLine, detectFormulaChanges } from '../audit/detect-formula-changes.js';
import { formatFen } from '../money/index.js';
import type { FeePlan } from '../plans/plan-types.js';
import { quoteFee } from '../plans/expected-fee.js';
import { CARD_NAMES_ZH, CHANNEL_NAMES_ZH, type PosRecord } from '../records/index.js';
import type { Database } from '../storage/schema.js';
import type { AlertDraft } from './alert-draft.js';
import { localDate } from './epoch.js';
import type { MonitorRules } from './rules.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Lines kept per formula group for incremental rate-change detection (older ones fall off). */
export const RATE_WINDOW = 300;

/** A settled sale the fee rules apply to: a successful sale with a fee and a positive amount. */
function feeLine(r: PosRecord): r is PosRecord & { feeFen: number } {
  return r.type === 'sale' && r.status === 'success' && r.feeFen !== undefined && r.amountFen > 0;
}

/**
 * Checks settlement lines just stored: each line's fee against the plan in force (tolerance from the plan; one
 * alert per day, channel, card and plan rule however many lines are overcharged), and, per formula group
 * (channel, card, plan rule), the fee formula inferred over a sliding window — one `rate_change` per change.
 */
export async function checkSettlementRecords(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan | undefined,
  records: readonly PosRecord[],
  ids: readonly number[],
): Promise<AlertDraft[]> {
  const drafts: AlertDraft[] = [];
  const groups = new Map<string, { lines: DatedFeeLine[]; index: number }>();
  for (let i = 0; i < records.length; i += 1) {
    const rec = records[i];
    const id = ids[i];
    if (rec === undefined || id === undefined || !feeLine(rec)) continue;
    const date = localDate(rec.time);
    const quote =
      plan === undefined
        ? undefined
        : quoteFee(plan, { amountFen: rec.amountFen, channel: rec.channel, card: rec.card, date });
    const band = quote?.ok === true ? `r${quote.period.index}.${quote.rule.index}` : '*';
    const group = `${rec.channel}|${rec.card}|${band}`;
    const entry = groups.get(group) ?? { lines: [], index: i };
    entry.lines.push({ amountFen: rec.amountFen, feeFen: rec.feeFen, date });
    entry.index = i;
    groups.set(group, entry);
    if (plan === undefined || quote === undefined || !quote.ok || !rules.rules.fee_overcharge.enabled)
      continue;
    const diff = rec.feeFen - quote.feeFen;
    if (diff <= plan.toleranceFen) continue;
    const what = `${CHANNEL_NAMES_ZH[rec.channel]}${CARD_NAMES_ZH[rec.card]}`;
    drafts.push({
      kind: 'fee_overcharge',
      severity: rules.rules.fee_overcharge.severity,
      dedupKey: `fee_overcharge|${date}|${group}`,
      recordIndex: i,
      amountFen: diff,
      message: `${date} ${what} 交易 ${formatFen(rec.amountFen)} 实扣手续费 ${formatFen(rec.feeFen)}，按费率方案应为 ${formatFen(quote.feeFen)}，多扣 ${formatFen(diff)}`,
      details: {
        recordId: id,
        refNo: rec.refNo ?? null,
        expectedFeeFen: quote.feeFen,
        chargedFeeFen: rec.feeFen,
        overchargeFen: diff,
      },
    });
  }
  if (!rules.rules.rate_change.enabled) return drafts;
  for (const [group, entry] of groups) {
    const state = await db
      .selectFrom('monitor_rate_state')
      .select(['lines_json', 'last_change_date'])
      .where('merchant_id', '=', merchantId)
      .where('group_key', '=', group)
      .executeTakeFirst();
    const earlier = state === undefined ? [] : (JSON.parse(state.lines_json) as [number, number, string][]);
    // In date order (stable: arrival order within a day): a statement arriving in pieces, a late day after a
    // later one, must read as the days it covers, not as a rate going back and forth (one change, one alert).
    const all: DatedFeeLine[] = [
      ...earlier.map(([amountFen, feeFen, date]) => ({ amountFen, feeFen, date })),
      ...entry.lines,
    ]
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
      .slice(-RATE_WINDOW);
    const segments = detectFormulaChanges(all);
    let lastChange = state?.last_change_date ?? null;
    for (let s = 1; s < segments.length; s += 1) {
      const seg = segments[s];
      const before = segments[s - 1];
      if (seg === undefined || before === undefined) continue;
      if (lastChange !== null && seg.date <= lastChange) continue;
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
        dedupKey: `rate_change|${group}|${seg.date}`,
        recordIndex: entry.index,
        message: `${seg.date} 起 ${CHANNEL_NAMES_ZH[channel] ?? channel}${CARD_NAMES_ZH[card] ?? card} 实际扣费由 ${show(from)} 变为 ${show(to)}`,
        details: { group, date: seg.date, before: from ?? null, after: to ?? null },
      });
      lastChange = seg.date;
    }
    const linesJson = JSON.stringify(all.map((l) => [l.amountFen, l.feeFen, l.date]));
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
