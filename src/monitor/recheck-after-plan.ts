import type { Kysely, Transaction } from 'kysely';
import type { PosRecord } from '../records/index.js';
import { type RaisedAlert, raiseAlerts } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import { rowToRecord } from '../storage/record-row.js';
import type { Database } from '../storage/schema.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import type { AlertDraft } from './alert-draft.js';
import { overchargeDrafts, overchargeTotals } from './fee-overcharge.js';
import { lockMerchant, planOf } from './ingest.js';
import { checkDeductions } from './settlement-checks.js';

/** Trade days before the save date whose settlement lines a newly saved plan re-checks. */
export const RECHECK_DAYS = 90;

/** Days re-checked per transaction. */
const SLICE_DAYS = 7;

/**
 * Re-checks a merchant's settlement lines against the plan just saved (the latest version): lines stored
 * before the plan existed were never checked, and a new version may price them otherwise. Every trade day
 * from `RECHECK_DAYS` days before the save date (Asia/Shanghai) to that date is read; each fee_overcharge
 * key over the plan raises its alert unless the merchant has it already, and an alert already raised is
 * brought up to the key's day total (sent again only when it grew materially). The deductions of those days
 * (by settle day) are checked against the plan's charges. Older days are the audit's.
 */
export async function recheckAfterPlanSave(
  db: Kysely<Database>,
  merchantId: number,
  options: { at: string; publicUrl: string },
): Promise<RaisedAlert[]> {
  const plan = await planOf(db, merchantId);
  if (plan === undefined) return [];
  const today = localDateOf(options.at);
  const out: RaisedAlert[] = [];
  for (let from = addDays(today, -RECHECK_DAYS); from <= today; from = addDays(from, SLICE_DAYS)) {
    const dates = new Set<string>();
    for (let d = from; d <= today && dates.size < SLICE_DAYS; d = addDays(d, 1)) dates.add(d);
    const raised = await db.transaction().execute(async (trx) => {
      await lockMerchant(trx, merchantId);
      const rules = await rulesInForce(trx, merchantId);
      const drafts: AlertDraft[] = [];
      const recordIds: number[] = [];
      if (rules.rules.fee_overcharge.enabled) {
        const totals = await overchargeTotals(trx, merchantId, plan, dates);
        const fees = await overchargeDrafts(trx, merchantId, rules, totals, {
          at: options.at,
          largestNewLineFen: new Map(),
        });
        for (const { recordId, ...d } of fees) {
          drafts.push({ ...d, recordIndex: recordIds.length });
          recordIds.push(recordId);
        }
      }
      const deductions = await deductionsOn(trx, merchantId, dates);
      const offset = recordIds.length;
      for (const d of await checkDeductions(
        trx,
        merchantId,
        rules,
        plan,
        deductions.records,
        deductions.ids,
      )) {
        drafts.push(d.recordIndex === undefined ? d : { ...d, recordIndex: offset + d.recordIndex });
      }
      recordIds.push(...deductions.ids);
      return raiseAlerts(trx, merchantId, drafts, recordIds, options.at, options.publicUrl);
    });
    out.push(...raised);
  }
  return out;
}

/**
 * The merchant's settlement lines that may be deductions (deduction lines, sales with a fee and a settled
 * amount) whose settle day, else trade day, is one of `dates`.
 */
async function deductionsOn(
  trx: Transaction<Database>,
  merchantId: number,
  dates: ReadonlySet<string>,
): Promise<{ records: PosRecord[]; ids: number[] }> {
  const sorted = [...dates].sort();
  const lo = sorted[0] ?? '';
  const hi = sorted[sorted.length - 1] ?? '';
  const rows = await trx
    .selectFrom('records')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('kind', '=', 'settlement')
    .where('status', '=', 'success')
    .where((eb) =>
      eb.or([
        eb('type', '=', 'deduction'),
        eb.and([eb('type', '=', 'sale'), eb('fee_fen', 'is not', null), eb('settled_fen', 'is not', null)]),
      ]),
    )
    // A line is settled on its trade day or after: a week before the range catches every one settled in it.
    .where('time', '>=', addDays(lo, -7))
    .where('time', '<', addDays(hi, 2))
    .orderBy('id')
    .execute();
  const records: PosRecord[] = [];
  const ids: number[] = [];
  for (const row of rows) {
    const day = row.settle_date ?? localDateOf(row.time);
    if (!dates.has(day)) continue;
    records.push(rowToRecord(row));
    ids.push(row.id);
  }
  return { records, ids };
}
