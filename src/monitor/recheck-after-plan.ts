import type { Kysely } from 'kysely';
import { raiseAlerts } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import type { Database } from '../storage/schema.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import type { AlertKind } from './alert-kinds.js';
import { overchargeDrafts, overchargeTotals } from './fee-overcharge.js';
import { lockMerchant, planOf } from './ingest.js';

/** Trade days before the save date whose settlement lines a newly saved plan re-checks. */
export const RECHECK_DAYS = 90;

/** Days re-checked per transaction. */
const SLICE_DAYS = 7;

/**
 * Re-checks a merchant's settlement lines against the plan just saved (the latest version): lines stored
 * before the plan existed were never fee-checked, and a new version may price them otherwise. Every trade
 * day from `RECHECK_DAYS` days before the save date (Asia/Shanghai) to that date is read; each fee_overcharge
 * key over the plan raises its alert unless the merchant has it already, and an alert already raised is
 * brought up to the key's day total without a second notification. Older days are the audit's.
 */
export async function recheckAfterPlanSave(
  db: Kysely<Database>,
  merchantId: number,
  options: { at: string; publicUrl: string },
): Promise<{ id: number; kind: AlertKind; severity: string; message: string }[]> {
  const plan = await planOf(db, merchantId);
  if (plan === undefined) return [];
  const today = localDateOf(options.at);
  const out: { id: number; kind: AlertKind; severity: string; message: string }[] = [];
  for (let from = addDays(today, -RECHECK_DAYS); from <= today; from = addDays(from, SLICE_DAYS)) {
    const dates = new Set<string>();
    for (let d = from; d <= today && dates.size < SLICE_DAYS; d = addDays(d, 1)) dates.add(d);
    const raised = await db.transaction().execute(async (trx) => {
      await lockMerchant(trx, merchantId);
      const rules = await rulesInForce(trx, merchantId);
      if (!rules.rules.fee_overcharge.enabled) return [];
      const totals = await overchargeTotals(trx, merchantId, plan, dates);
      const drafts = await overchargeDrafts(trx, merchantId, rules, totals);
      return raiseAlerts(
        trx,
        merchantId,
        drafts.map(({ recordId: _, ...d }, i) => ({ ...d, recordIndex: i })),
        drafts.map((d) => d.recordId),
        options.at,
        options.publicUrl,
      );
    });
    out.push(...raised);
  }
  return out;
}
