import type { Transaction } from 'kysely';
import { overchargeDrafts, overchargeTotals, priceLine } from '../monitor/fee-overcharge.js';
import { planOf } from '../monitor/ingest.js';
import { RATE_WINDOW } from '../monitor/settlement-checks.js';
import type { FeePlan } from '../plans/plan-types.js';
import { isoToEpochMs } from '../time/shanghai.js';
import { rulesInForce } from './monitor-repo.js';
import type { Database } from './schema.js';

type Trx = Transaction<Database>;

/** What the live monitor holds of an import's settled sales: their days, their formula groups, its alerts on them. */
export interface MonitorFootprint {
  dates: Set<string>;
  groups: Set<string>;
  alerts: { id: number; kind: string; dedupKey: string }[];
}

const PAGE = 10_000;

/** A window line as monitor_rate_state stores it (see checkSettlementRecords): amount, fee, local date, epoch ms. */
type WindowLine = [number, number, string, number];

/** The merchant's settled sales with a fee: the lines the fee and rate-change checks read. */
function feeLines(trx: Trx, merchantId: number) {
  return trx
    .selectFrom('records')
    .select(['id', 'time', 'channel', 'card', 'amount_fen', 'fee_fen'])
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'settlement')
    .where('type', '=', 'sale')
    .where('status', '=', 'success')
    .where('fee_fen', 'is not', null)
    .where('amount_fen', '>', 0);
}

function saleLine(r: {
  time: string;
  channel: string;
  card: string;
  amount_fen: number;
  fee_fen: number | null;
}) {
  return { time: r.time, channel: r.channel, card: r.card, amountFen: r.amount_fen, feeFen: r.fee_fen ?? 0 };
}

/** Reads the footprint of an import's records, before they are deleted (inside the deleting transaction). */
export async function monitorFootprint(
  trx: Trx,
  merchantId: number,
  importId: number,
): Promise<MonitorFootprint> {
  const plan = await planOf(trx, merchantId);
  const dates = new Set<string>();
  const groups = new Set<string>();
  let after = 0;
  for (;;) {
    const rows = await feeLines(trx, merchantId)
      .where('import_id', '=', importId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      const { date, group } = priceLine(plan, saleLine(r));
      dates.add(date);
      groups.add(group);
      after = r.id;
    }
    if (rows.length < PAGE) break;
  }
  const alerts = await trx
    .selectFrom('monitor_alerts')
    .select(['id', 'kind', 'dedup_key'])
    .where('merchant_id', '=', merchantId)
    .where('record_id', 'in', (eb) =>
      eb
        .selectFrom('records')
        .select('id')
        .where('merchant_id', '=', merchantId)
        .where('import_id', '=', importId),
    )
    .orderBy('id')
    .execute();
  return { dates, groups, alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, dedupKey: a.dedup_key })) };
}

/**
 * Once an import's records are deleted, takes them out of the live monitor as if they had never arrived: an
 * alert raised on one of them goes, unless it is a day's fee_overcharge total that lines from pushes or other
 * files still make up (then it is brought down to their total and names the first of them); every
 * fee_overcharge total of their days is recounted; and the rate-change window of each formula group they were
 * in is rebuilt from the lines that remain, so a wrong file's rate does not make the right one look like a
 * change. Returns how many alerts were deleted (their deliveries go with them).
 */
export async function forgetImportedLines(
  trx: Trx,
  merchantId: number,
  footprint: MonitorFootprint,
): Promise<number> {
  const plan = await planOf(trx, merchantId);
  const totals =
    plan === undefined || footprint.dates.size === 0
      ? undefined
      : await overchargeTotals(trx, merchantId, plan, footprint.dates);
  if (totals !== undefined && totals.size > 0)
    await overchargeDrafts(trx, merchantId, await rulesInForce(trx, merchantId), totals);
  const gone: number[] = [];
  for (const alert of footprint.alerts) {
    const total = alert.kind === 'fee_overcharge' ? totals?.get(alert.dedupKey) : undefined;
    if (total === undefined) {
      gone.push(alert.id);
      continue;
    }
    const row = await trx
      .selectFrom('monitor_alerts')
      .select('details_json')
      .where('id', '=', alert.id)
      .executeTakeFirstOrThrow();
    const { first } = total;
    await trx
      .updateTable('monitor_alerts')
      .set({
        record_id: first.recordId,
        details_json: JSON.stringify({
          ...(JSON.parse(row.details_json) as Record<string, unknown>),
          recordId: first.recordId,
          refNo: first.refNo,
          expectedFeeFen: first.expectedFen,
          chargedFeeFen: first.chargedFen,
          overchargeFen: first.chargedFen - first.expectedFen,
        }),
      })
      .where('id', '=', alert.id)
      .execute();
  }
  for (let i = 0; i < gone.length; i += 500) {
    await trx
      .deleteFrom('monitor_alerts')
      .where('id', 'in', gone.slice(i, i + 500))
      .execute();
  }
  await rebuildRateWindows(trx, merchantId, plan, footprint.groups);
  return gone.length;
}

/** Orders window lines as checkSettlementRecords does: by local date, then time, stable. */
function byDateAndTime(a: WindowLine, b: WindowLine): number {
  return a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[3] - b[3];
}

/**
 * Rebuilds the rate-change windows of `groups` from the merchant's stored lines: the latest RATE_WINDOW of each,
 * and the last change date the remaining rate_change alerts of the group name (changes before it are known). A
 * group left without lines loses its window.
 */
async function rebuildRateWindows(
  trx: Trx,
  merchantId: number,
  plan: FeePlan | undefined,
  groups: ReadonlySet<string>,
): Promise<void> {
  if (groups.size === 0) return;
  const states = await trx
    .selectFrom('monitor_rate_state')
    .select('group_key')
    .where('merchant_id', '=', merchantId)
    .where('group_key', 'in', [...groups])
    .execute();
  if (states.length === 0) return;
  const windows = new Map<string, WindowLine[]>(states.map((s) => [s.group_key, []]));
  let after = 0;
  for (;;) {
    const rows = await feeLines(trx, merchantId).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    for (const r of rows) {
      after = r.id;
      const line = saleLine(r);
      const { date, group } = priceLine(plan, line);
      const lines = windows.get(group);
      if (lines === undefined) continue;
      lines.push([line.amountFen, line.feeFen, date, isoToEpochMs(line.time)]);
      if (lines.length >= 2 * RATE_WINDOW) windows.set(group, lines.sort(byDateAndTime).slice(-RATE_WINDOW));
    }
    if (rows.length < PAGE) break;
  }
  const changes = await trx
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
      await trx
        .deleteFrom('monitor_rate_state')
        .where('merchant_id', '=', merchantId)
        .where('group_key', '=', group)
        .execute();
      continue;
    }
    await trx
      .updateTable('monitor_rate_state')
      .set({
        lines_json: JSON.stringify(lines.sort(byDateAndTime).slice(-RATE_WINDOW)),
        last_change_date: lastChange.get(group) ?? null,
      })
      .where('merchant_id', '=', merchantId)
      .where('group_key', '=', group)
      .execute();
  }
}
