import type { Kysely, Transaction } from 'kysely';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/index.js';
import { type RaisedAlert, raiseAlerts } from '../storage/alerts-repo.js';
import type { ImportLanding } from '../storage/imports-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import { rowToRecord } from '../storage/record-row.js';
import type { Database, RecordRow } from '../storage/schema.js';
import { localDateOf } from '../time/shanghai.js';
import {
  isSaleType,
  overchargeDrafts,
  overchargeTotals,
  withdrawClearedOvercharges,
} from './fee-overcharge.js';
import { lockMerchant, planOf } from './ingest.js';
import type { MonitorRules } from './rules.js';
import { checkSettlementRecords } from './settlement-checks.js';

/** Settlement lines checked per transaction. */
const CHUNK = 5000;

/**
 * Whether an import left anything for the monitor to check on a merchant: lines it stored, or records pushed
 * before whose fee, settled amount or settle date the statement billed (a merchant that pushes every sale live
 * stores nothing new from its statement, and its billed fees are checked all the same).
 */
export function landingToCheck(landing: Pick<ImportLanding, 'duplicate' | 'stored' | 'updated'>): boolean {
  return !landing.duplicate && (landing.stored > 0 || landing.updated > 0);
}

/**
 * Checks the settlement lines an import just stored as a push is checked on arrival: each line's fee against
 * the plan (`fee_overcharge`, one per day, channel, card and plan rule), the incremental rate-change
 * detection (`rate_change`) and the deductions against the plan's charges (`unplanned_deduction`). Alerts
 * whose event is already known (a push of the same day, an earlier file) are not raised again. Records pushed
 * before that the file billed are checked again with the billed values: an overcharge the real-time notice did
 * not show is raised, and one it showed that the bill does not bear is brought down (to ¥0.00, withdrawn, when
 * nothing is left of it). Terminal journals are left to the daily reconciliation: their rules (off-hours, large
 * amounts…) are about sales as they happen, not about a file of past days.
 */
export async function checkImportedRecords(
  db: Kysely<Database>,
  merchantId: number,
  importId: number,
  options: { at: string; publicUrl: string },
): Promise<RaisedAlert[]> {
  const plan = await planOf(db, merchantId);
  const out: RaisedAlert[] = [];
  const check = async (rows: readonly RecordRow[], billed: boolean): Promise<void> => {
    const records = rows.map(rowToRecord);
    const ids = rows.map((r) => r.id);
    const raised = await db.transaction().execute(async (trx) => {
      await lockMerchant(trx, merchantId);
      const rules = await rulesInForce(trx, merchantId);
      const drafts = await checkSettlementRecords(trx, merchantId, rules, plan, records, ids, options.at);
      const alerts = await raiseAlerts(trx, merchantId, drafts, ids, options.at, options.publicUrl);
      if (billed && plan !== undefined && rules.rules.fee_overcharge.enabled)
        await recountBilledDays(trx, merchantId, rules, plan, records, options.at);
      return alerts;
    });
    out.push(...raised);
  };
  // The merchant's settlement lines after an id, a page in id order; each pass below narrows them to its own.
  const settlementPage = (afterId: number) =>
    db
      .selectFrom('records')
      .selectAll('records')
      .where('records.merchant_id', '=', merchantId)
      .where('records.kind', '=', 'settlement')
      .where('records.id', '>', afterId)
      .orderBy('records.id')
      .limit(CHUNK);
  await inIdOrder(
    (afterId) => settlementPage(afterId).where('records.import_id', '=', importId).execute(),
    (rows) => check(rows, false),
  );
  // The pushed records the file found again, as saveImport left them: with the statement's billed values.
  // Checking one whose values did not change is harmless: the rate window holds a record once, the day totals
  // count stored records, and an alert already raised is not raised again.
  await inIdOrder(
    (afterId) =>
      settlementPage(afterId)
        .innerJoin('pushed_records', 'pushed_records.record_id', 'records.id')
        .where('pushed_records.claimed_import_id', '=', importId)
        .where('records.import_id', 'is', null)
        .execute(),
    (rows) => check(rows, true),
  );
  return out;
}

/**
 * The fee_overcharge alerts of the days of billed sales brought to what the stored lines bear now: a push
 * announced a fee above the plan that the bill does not charge. Only alerts already raised are touched (the
 * check raises new ones); one with nothing left is withdrawn and, when it had been sent, sent again.
 */
async function recountBilledDays(
  trx: Transaction<Database>,
  merchantId: number,
  rules: MonitorRules,
  plan: FeePlan,
  records: readonly PosRecord[],
  at: string,
): Promise<void> {
  const dates = new Set(records.flatMap((r) => (isSaleType(r.type) ? [localDateOf(r.time)] : [])));
  if (dates.size === 0) return;
  const totals = await overchargeTotals(trx, merchantId, plan, dates);
  await withdrawClearedOvercharges(trx, merchantId, dates, totals, at);
  await overchargeDrafts(trx, merchantId, rules, totals);
}

/**
 * Pages through rows by id, CHUNK at a time (`fetch` answers the next page after an id, ordered by id), so an
 * import of millions of lines is checked without holding them all.
 */
async function inIdOrder<Row extends { id: number }>(
  fetch: (afterId: number) => Promise<Row[]>,
  each: (rows: Row[]) => Promise<void>,
): Promise<void> {
  let afterId = 0;
  for (;;) {
    const rows = await fetch(afterId);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    afterId = last.id;
    await each(rows);
    if (rows.length < CHUNK) return;
  }
}
