import type { Kysely } from 'kysely';
import { type RaisedAlert, raiseAlerts } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import { rowToRecord } from '../storage/record-row.js';
import type { Database } from '../storage/schema.js';
import { lockMerchant, planOf } from './ingest.js';
import { checkSettlementRecords } from './settlement-checks.js';

/** Settlement lines checked per transaction. */
const CHUNK = 5000;

/**
 * Checks the settlement lines an import just stored as a push is checked on arrival: each line's fee against
 * the plan (`fee_overcharge`, one per day, channel, card and plan rule), the incremental rate-change
 * detection (`rate_change`) and the deductions against the plan's charges (`unplanned_deduction`). Alerts
 * whose event is already known (a push of the same day, an earlier file) are not raised again. Terminal
 * journals are left to the daily reconciliation: their rules (off-hours, large amounts…) are about sales as
 * they happen, not about a file of past days.
 */
export async function checkImportedRecords(
  db: Kysely<Database>,
  merchantId: number,
  importId: number,
  options: { at: string; publicUrl: string },
): Promise<RaisedAlert[]> {
  const plan = await planOf(db, merchantId);
  const out: RaisedAlert[] = [];
  let afterId = 0;
  for (;;) {
    const rows = await db
      .selectFrom('records')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('import_id', '=', importId)
      .where('kind', '=', 'settlement')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    const last = rows[rows.length - 1];
    if (last === undefined) break;
    afterId = last.id;
    const records = rows.map(rowToRecord);
    const ids = rows.map((r) => r.id);
    const raised = await db.transaction().execute(async (trx) => {
      await lockMerchant(trx, merchantId);
      const rules = await rulesInForce(trx, merchantId);
      const drafts = await checkSettlementRecords(trx, merchantId, rules, plan, records, ids, options.at);
      return raiseAlerts(trx, merchantId, drafts, ids, options.at, options.publicUrl);
    });
    out.push(...raised);
    if (rows.length < CHUNK) break;
  }
  return out;
}
