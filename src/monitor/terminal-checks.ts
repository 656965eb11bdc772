import type { Kysely, Transaction } from 'kysely';
import { formatFen } from '../money/index.js';
import type { PosRecord } from '../records/index.js';
import type { Database } from '../storage/schema.js';
import type { AlertDraft } from './alert-draft.js';
import type { AlertText } from './alert-text.js';
import { reviseAlert } from './alert-worker.js';
import { isNewSale, SALE_TYPES, undoKeysOfRow } from './fee-overcharge.js';
import { isoToEpochMs, localDateOf, localHhmmOf } from '../time/shanghai.js';
import { limitInForce, type MonitorRules } from './rules.js';
import { LINK_COLUMNS, undoingIds, undoingRecordIds } from './undo-links.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A stored terminal record as the rules see it. */
interface Seen {
  id: number;
  ms: number;
  amountFen: number;
  payer: string | undefined;
  terminal: string | null;
  /** A new sale (isNewSale): not a line undoing a void or refund, which gives back what that took. */
  sale: boolean;
  status: string;
}

const HOUR = 3_600_000;

function payerOf(r: { payerId?: string | undefined; cardNo?: string | undefined }): string | undefined {
  return r.payerId ?? r.cardNo;
}

function inHours(hhmm: string, start: string, end: string): boolean {
  // start = end is a whole day (a shop open round the clock), not an empty one.
  if (start === end) return true;
  return start < end ? hhmm >= start && hhmm < end : hhmm >= start || hhmm < end;
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  // Integer fen: the lower middle of an even count, so no half fen appears.
  return sorted[n % 2 === 1 ? mid : mid - 1] ?? 0;
}

async function payerHistory(db: Db, merchantId: number, payer: string, fromMs: number): Promise<Seen[]> {
  const rows = await db
    .selectFrom('records')
    .select(['payer_id', 'card_no', ...LINK_COLUMNS])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'terminal')
    .where((eb) => eb.or([eb('payer_id', '=', payer), eb('card_no', '=', payer)]))
    .execute();
  const recent = rows.filter(
    (row) => isoToEpochMs(row.time) >= fromMs && (row.payer_id ?? row.card_no ?? undefined) === payer,
  );
  // A line undoing a cancellation that names nothing, linked as the audit links it, is no sale either.
  const undoing = await undoingIds(db, merchantId, 'terminal', recent);
  const out: Seen[] = [];
  for (const row of recent) {
    const ms = isoToEpochMs(row.time);
    const p = row.payer_id ?? row.card_no ?? undefined;
    out.push({
      id: row.id,
      ms,
      amountFen: row.amount_fen,
      payer: p,
      terminal: row.terminal_id,
      sale: isNewSale(undoKeysOfRow(row)) && !undoing.has(row.id),
      status: row.status,
    });
  }
  return out;
}

/** What a split_sales alert keeps of its episode. */
interface SplitDetails {
  payer: string;
  count: number;
  limitFen: number;
  /** The episode's sales (absent on alerts raised before episodes grew: those are not grown). */
  recordIds?: number[];
  /** Where the episode began, as its message names it. */
  start?: AlertText;
}

function splitMessage(d: SplitDetails, totalFen: number, windowMinutes: number, start: AlertText): AlertText {
  const [cap, total] = [formatFen(d.limitFen), formatFen(totalFen)];
  return {
    zh: `${start.zh} 起 同一付款人 ${d.count} 笔接近限额 ${cap} 的交易（相邻两笔间隔不超过 ${windowMinutes} 分钟），合计 ${total}，疑似拆单`,
    en: `${start.en} onwards ${d.count} sales by the same payer close to the ${cap} limit, each within ${windowMinutes} minutes of the one before, ${total} in all: possibly one sale split up`,
  };
}

/** Where a group of sales began: the local time and terminal of its earliest sale. */
function startOf(group: readonly Seen[]): AlertText {
  const first = [...group].sort((a, b) => a.ms - b.ms || a.id - b.id)[0];
  const iso = new Date(first?.ms ?? 0).toISOString();
  const at = `${localDateOf(iso)} ${localHhmmOf(iso)}`;
  const terminal = first?.terminal ?? null;
  return terminal === null
    ? { zh: at, en: at }
    : { zh: `${at} 终端${terminal}`, en: `${at} terminal ${terminal}` };
}

/** The episode `d` (its money `totalFen`) with the sales of `group` it did not have yet; undefined if none. */
function grown(
  d: SplitDetails,
  totalFen: number,
  group: readonly Seen[],
): { details: SplitDetails; totalFen: number } | undefined {
  const known = new Set(d.recordIds);
  const added = group.filter((h) => !known.has(h.id));
  if (added.length === 0) return undefined;
  return {
    details: { ...d, count: d.count + added.length, recordIds: [...known, ...added.map((h) => h.id)] },
    totalFen: totalFen + added.reduce((sum, h) => sum + h.amountFen, 0),
  };
}

/**
 * One alert per split-sale episode: a group of sales near the limit that shares a sale with an episode already
 * alerted (a draft of this batch in `pending`, or a stored alert) is that episode going on, so its new sales are
 * added to it — count and total brought up to the episode's, not a new alert over the same money. A stored alert
 * is revised in place without being sent again; the daily digest and the alert list carry its total. Returns
 * the draft of a new episode, or undefined when the group belongs to one already alerted.
 */
async function splitEpisode(
  db: Db,
  merchantId: number,
  pending: readonly AlertDraft[],
  g: { payer: string; group: readonly Seen[]; capFen: number; windowMinutes: number },
): Promise<Omit<AlertDraft, 'severity' | 'recordIndex'> | undefined> {
  const ids = new Set(g.group.map((h) => h.id));
  const shares = (d: SplitDetails): boolean =>
    d.payer === g.payer && (d.recordIds ?? []).some((id) => ids.has(id));
  const mine = pending.find((d) => shares(d.details as unknown as SplitDetails));
  if (mine !== undefined) {
    const was = mine.details as unknown as SplitDetails;
    const next = grown(was, mine.amountFen ?? 0, g.group);
    if (next !== undefined) {
      mine.amountFen = next.totalFen;
      mine.details = { ...next.details };
      mine.message = splitMessage(
        next.details,
        next.totalFen,
        g.windowMinutes,
        was.start ?? startOf(g.group),
      );
    }
    return undefined;
  }
  const prefix = `split_sales|${g.payer}|`;
  const rows = await db
    .selectFrom('monitor_alerts')
    .select(['id', 'dedup_key', 'severity', 'amount_fen', 'details_json'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'split_sales')
    .where('dedup_key', 'like', `${prefix}%`)
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) {
    if (!row.dedup_key.startsWith(prefix)) continue;
    const was = JSON.parse(row.details_json) as SplitDetails;
    if (!shares(was)) continue;
    const next = grown(was, row.amount_fen ?? 0, g.group);
    if (next !== undefined)
      await reviseAlert(
        db,
        {
          id: row.id,
          kind: 'split_sales',
          severity: row.severity,
          amountFen: next.totalFen,
          message: splitMessage(next.details, next.totalFen, g.windowMinutes, was.start ?? startOf(g.group)),
          details: { ...next.details },
        },
        undefined,
      );
    return undefined;
  }
  const totalFen = g.group.reduce((sum, h) => sum + h.amountFen, 0);
  const start = startOf(g.group);
  const details: SplitDetails = {
    payer: g.payer,
    count: g.group.length,
    limitFen: g.capFen,
    recordIds: g.group.map((h) => h.id),
    start,
  };
  return {
    kind: 'split_sales',
    dedupKey: `${prefix}first:${Math.min(...ids)}`,
    amountFen: totalFen,
    message: splitMessage(details, totalFen, g.windowMinutes, start),
    details: { ...details },
  };
}

/**
 * Runs the terminal-side rules over records just stored (ids in the same order), looking back at what the
 * merchant already has. Returns the alerts to raise; each names the event it is about in its dedup key.
 */
export async function checkTerminalRecords(
  db: Db,
  merchantId: number,
  rules: MonitorRules,
  records: readonly PosRecord[],
  ids: readonly number[],
): Promise<AlertDraft[]> {
  const r = rules.rules;
  const drafts: AlertDraft[] = [];
  let medianFen: number | undefined;
  let salesCount = 0;
  if (r.large_amount.enabled && records.some(isNewSale)) {
    // The median of the last 1000 sales: a 退货撤销 or 撤销冲正 stored among them is no sale of its own — also one
    // that names nothing but repeats its void's or refund's keys (its 参考号, the voided sale's), linked as the
    // audit links it.
    const stored = await db
      .selectFrom('records')
      .select([...LINK_COLUMNS])
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', 'terminal')
      .where('type', 'in', SALE_TYPES)
      .where('status', '=', 'success')
      .orderBy('id', 'desc')
      .limit(1000)
      .execute();
    const undoingStored = await undoingIds(db, merchantId, 'terminal', stored);
    const recent = stored.filter((x) => !undoingStored.has(x.id));
    salesCount = recent.length;
    if (salesCount >= r.large_amount.medianMinSales) {
      medianFen = median(recent.map((x) => x.amount_fen).sort((a, b) => a - b));
    }
  }
  // Lines undoing a void or refund that name nothing but repeat its keys (its 参考号, or terminal and 凭证号):
  // linked as the audit links them (linkUndoings), over the merchant's stored lines.
  const undoing = await undoingRecordIds(db, merchantId, 'terminal', ids);
  // Split-sale episodes raised by this batch, grown in place as its later sales join them.
  const pendingSplits: AlertDraft[] = [];
  for (let i = 0; i < records.length; i += 1) {
    const rec = records[i];
    const id = ids[i];
    // A line undoing a void or refund (撤销冲正, 退货撤销) is no new sale: the sale it restores was checked when
    // it was made, and the line is neither over a limit, large, off hours nor a payer's further sale.
    if (rec === undefined || id === undefined || !isNewSale(rec) || undoing.has(id)) continue;
    const ms = isoToEpochMs(rec.time);
    const date = localDateOf(rec.time);
    const hhmm = localHhmmOf(rec.time);
    const where = `${date} ${hhmm}${rec.terminalId === undefined ? '' : ` 终端${rec.terminalId}`}`;
    const whereEn = `${date} ${hhmm}${rec.terminalId === undefined ? '' : ` terminal ${rec.terminalId}`}`;
    const money = formatFen(rec.amountFen);
    const limit = limitInForce(rules.limits, {
      date,
      channel: rec.channel,
      card: rec.card,
      cardNo: rec.cardNo,
    });
    const overLimit = r.over_limit.enabled && limit !== undefined && rec.amountFen > limit.perTransactionFen;
    if (overLimit) {
      drafts.push({
        kind: 'over_limit',
        severity: r.over_limit.severity,
        dedupKey: `over_limit|rec:${id}`,
        recordIndex: i,
        amountFen: rec.amountFen,
        message: {
          zh: `${where} 交易 ${money} 超过 ${limit.from} 起生效的单笔限额 ${formatFen(limit.perTransactionFen)}`,
          en: `${whereEn} sale of ${money} over the per-sale limit of ${formatFen(limit.perTransactionFen)} in force since ${limit.from}`,
        },
        details: { limitFen: limit.perTransactionFen, limitFrom: limit.from, status: rec.status },
      });
    }
    if (rec.status !== 'success') continue;
    // A sale over the limit is told once, as over the limit: the large amount is the same sale.
    if (r.large_amount.enabled && !overLimit) {
      const threshold =
        medianFen === undefined ? r.large_amount.thresholdFen : medianFen * r.large_amount.medianMultiple;
      if (rec.amountFen > threshold) {
        drafts.push({
          kind: 'large_amount',
          severity: r.large_amount.severity,
          dedupKey: `large_amount|rec:${id}`,
          recordIndex: i,
          amountFen: rec.amountFen,
          message:
            medianFen === undefined
              ? {
                  zh: `${where} 大额交易 ${money}，超过 ${formatFen(threshold)}`,
                  en: `${whereEn} large sale of ${money}, above ${formatFen(threshold)}`,
                }
              : {
                  zh: `${where} 大额交易 ${money}，超过近 ${salesCount} 笔中位数 ${formatFen(medianFen)} 的 ${r.large_amount.medianMultiple} 倍`,
                  en: `${whereEn} large sale of ${money}, more than ${r.large_amount.medianMultiple} times the median ${formatFen(medianFen)} of the last ${salesCount} sales`,
                },
          details: { thresholdFen: threshold, ...(medianFen === undefined ? {} : { medianFen }) },
        });
      }
    }
    if (r.off_hours.enabled && !inHours(hhmm, r.off_hours.start, r.off_hours.end)) {
      drafts.push({
        kind: 'off_hours',
        severity: r.off_hours.severity,
        dedupKey: `off_hours|rec:${id}`,
        recordIndex: i,
        amountFen: rec.amountFen,
        message: {
          zh: `${where} 非营业时间（${r.off_hours.start}–${r.off_hours.end}）交易 ${money}`,
          en: `${whereEn} sale of ${money} outside business hours (${r.off_hours.start}–${r.off_hours.end})`,
        },
        details: { start: r.off_hours.start, end: r.off_hours.end },
      });
    }
    const payer = payerOf(rec);
    if (payer === undefined) continue;
    const lookback = Math.max(
      HOUR,
      r.split_sales.windowMinutes * 60_000,
      r.duplicate_submission.windowSeconds * 1000,
    );
    const around = await payerHistory(db, merchantId, payer, ms - lookback);
    const history = around.filter((h) => h.ms <= ms && h.sale && h.status === 'success');
    if (r.duplicate_submission.enabled) {
      const windowMs = r.duplicate_submission.windowSeconds * 1000;
      // Pairs are ordered by time (then id), not by arrival: an export listed newest first, or a resubmission
      // that overtakes the original, is still one duplicate — raised on the later sale of the pair.
      const before = (a: Seen, b: { ms: number; id: number }): boolean =>
        a.ms < b.ms || (a.ms === b.ms && a.id < b.id);
      const twins = around.filter(
        (h) =>
          h.id !== id &&
          h.sale &&
          h.status === 'success' &&
          h.amountFen === rec.amountFen &&
          h.terminal === (rec.terminalId ?? null) &&
          Math.abs(ms - h.ms) <= windowMs,
      );
      const earlier = twins
        .filter((h) => before(h, { ms, id }))
        .sort((a, b) => b.ms - a.ms || b.id - a.id)[0];
      const later = twins.filter((h) => !before(h, { ms, id })).sort((a, b) => a.ms - b.ms || a.id - b.id)[0];
      const twin = earlier ?? later;
      const dupId = earlier !== undefined ? id : later?.id;
      if (twin !== undefined && dupId !== undefined) {
        // The message names the later sale of the pair, which may be the one stored before this one.
        const shownIso =
          earlier === undefined && later !== undefined ? new Date(later.ms).toISOString() : rec.time;
        const dupAt = `${localDateOf(shownIso)} ${localHhmmOf(shownIso)}`;
        const dupWhere = `${dupAt}${rec.terminalId === undefined ? '' : ` 终端${rec.terminalId}`}`;
        const dupWhereEn = `${dupAt}${rec.terminalId === undefined ? '' : ` terminal ${rec.terminalId}`}`;
        drafts.push({
          kind: 'duplicate_submission',
          severity: r.duplicate_submission.severity,
          dedupKey: `duplicate_submission|rec:${dupId}`,
          recordIndex: i,
          amountFen: rec.amountFen,
          message: {
            zh: `${dupWhere} 同一付款人 ${money} 在 ${r.duplicate_submission.windowSeconds} 秒内重复提交，请核实是否重复扣款`,
            en: `${dupWhereEn} the same payer's ${money} submitted again within ${r.duplicate_submission.windowSeconds} seconds; check whether it was charged twice`,
          },
          details: { earlierRecordId: earlier !== undefined ? twin.id : id, recordId: dupId, payer },
        });
      }
    }
    if (r.high_frequency.enabled) {
      const lastHour = history.filter((h) => ms - h.ms < HOUR);
      if (lastHour.length > r.high_frequency.maxPerHour) {
        // One alert per payer per clock hour, not one per further sale.
        const hourFen = lastHour.reduce((s, h) => s + h.amountFen, 0);
        drafts.push({
          kind: 'high_frequency',
          severity: r.high_frequency.severity,
          dedupKey: `high_frequency|${payer}|${date}T${hhmm.slice(0, 2)}`,
          recordIndex: i,
          amountFen: hourFen,
          message: {
            zh: `${where} 同一付款人 1 小时内 ${lastHour.length} 笔（上限 ${r.high_frequency.maxPerHour} 笔），合计 ${formatFen(hourFen)}`,
            en: `${whereEn} ${lastHour.length} sales by the same payer within an hour (limit ${r.high_frequency.maxPerHour}), ${formatFen(hourFen)} in all`,
          },
          details: { payer, count: lastHour.length },
        });
      }
    }
    if (r.split_sales.enabled) {
      const cap = limit?.perTransactionFen ?? r.split_sales.limitFen;
      const floor = cap - Math.floor((cap * r.split_sales.marginPercent) / 100);
      const near = (a: number): boolean => a >= floor && a <= cap;
      if (near(rec.amountFen)) {
        const windowMs = r.split_sales.windowMinutes * 60_000;
        const group = history.filter((h) => ms - h.ms <= windowMs && near(h.amountFen));
        if (group.length >= r.split_sales.minCount) {
          const draft = await splitEpisode(db, merchantId, pendingSplits, {
            payer,
            group,
            capFen: cap,
            windowMinutes: r.split_sales.windowMinutes,
          });
          if (draft !== undefined) {
            // The same object in both lists: a later sale of the batch that joins the episode grows the draft.
            const raised: AlertDraft = { ...draft, severity: r.split_sales.severity, recordIndex: i };
            drafts.push(raised);
            pendingSplits.push(raised);
          }
        }
      }
    }
  }
  return drafts;
}
