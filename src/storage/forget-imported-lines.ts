import type { Transaction } from 'kysely';
import { overchargeDrafts, overchargeTotals, priceLine } from '../monitor/fee-overcharge.js';
import { planOf } from '../monitor/ingest.js';
import { rebuildRateWindows, storedSaleLine, storedSaleRows } from '../monitor/rate-window.js';
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
    // The sales the fee and rate-change checks read (sales and pre-authorisation completions, a fee or
    // amount − settled), chosen as those checks choose them.
    const rows = await storedSaleRows(trx, merchantId)
      .where('import_id', '=', importId)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      after = r.id;
      const sale = storedSaleLine(r);
      if (sale === undefined) continue;
      const { date, group } = priceLine(plan, sale);
      dates.add(date);
      groups.add(group);
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
