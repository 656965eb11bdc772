import type { Kysely, Transaction } from 'kysely';
import type { PosRecord } from '../records/index.js';
import { type RaisedAlert, raiseAlerts } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import { rowToRecord } from '../storage/record-row.js';
import type { Database } from '../storage/schema.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import type { AlertDraft } from './alert-draft.js';
import { formatFen } from '../money/index.js';
import { reviseAlert } from './alert-worker.js';
import {
  overchargeDrafts,
  overchargeTotals,
  SALE_TYPES,
  withdrawClearedOvercharges,
} from './fee-overcharge.js';
import { lockMerchant, planOf } from './ingest.js';
import { checkDeductions, recountRateChanges } from './settlement-checks.js';

/** Trade days before the save date whose settlement lines a newly saved plan re-checks. */
export const RECHECK_DAYS = 90;

/** Days re-checked per transaction. */
const SLICE_DAYS = 7;

/**
 * Re-checks a merchant's settlement lines against the plan just saved (the latest version): lines stored
 * before the plan existed were never checked, and a new version may price them otherwise. Every trade day
 * from `RECHECK_DAYS` days before the save date (Asia/Shanghai) to that date is read; each fee_overcharge
 * key over the plan raises its alert unless the merchant has it already, and an alert already raised is
 * brought up to the key's day total (sent again only when it grew materially). What was alerted under the
 * plan before and is not owed under this one stops counting: a fee_overcharge alert whose key has no
 * overcharged line left is brought to ¥0.00 as withdrawn (or superseded by the key the plan now puts those
 * lines under), a rate change's overcharge of those days is recounted, and an unplanned_deduction the plan's
 * charges now cover is withdrawn. The deductions of those days (by settle day) are checked against the plan's
 * charges. Older days are the audit's.
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
      const totals = await overchargeTotals(trx, merchantId, plan, dates);
      await withdrawClearedOvercharges(trx, merchantId, dates, totals, options.at);
      await recountRateChanges(trx, merchantId, dates, totals, options.at);
      if (rules.rules.fee_overcharge.enabled) {
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
      const unplanned = await checkDeductions(
        trx,
        merchantId,
        rules,
        plan,
        deductions.records,
        deductions.ids,
      );
      await withdrawCoveredDeductions(trx, merchantId, deductions.ids, unplanned, options.at);
      const offset = recordIds.length;
      for (const d of unplanned)
        drafts.push(d.recordIndex === undefined ? d : { ...d, recordIndex: offset + d.recordIndex });
      recordIds.push(...deductions.ids);
      return raiseAlerts(trx, merchantId, drafts, recordIds, options.at, options.publicUrl);
    });
    out.push(...raised);
  }
  return out;
}

/**
 * The unplanned_deduction alerts of the deductions `ids` (re-checked against the plan now) that the plan's
 * charges now cover — no draft in `unplanned` names them — brought to ¥0.00 as withdrawn; one whose unplanned
 * part changed is brought to it. One that was sent with money and is withdrawn is sent again, at `at`.
 */
async function withdrawCoveredDeductions(
  trx: Transaction<Database>,
  merchantId: number,
  ids: readonly number[],
  unplanned: readonly AlertDraft[],
  at: string,
): Promise<void> {
  const keyOf = (id: number): string => `unplanned_deduction|rec:${id}`;
  const drafted = new Map(unplanned.map((d) => [d.dedupKey, d]));
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('monitor_alerts')
      .select(['id', 'dedup_key', 'severity', 'amount_fen', 'details_json'])
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', 'unplanned_deduction')
      .where('dedup_key', 'in', ids.slice(i, i + 500).map(keyOf))
      .where('amount_fen', '>', 0)
      .execute();
    for (const row of rows) {
      const now = drafted.get(row.dedup_key);
      if (now !== undefined && now.amountFen === row.amount_fen) continue;
      const details = JSON.parse(row.details_json) as Record<string, unknown>;
      if (now !== undefined) {
        await reviseAlert(
          trx,
          {
            id: row.id,
            kind: 'unplanned_deduction',
            severity: row.severity,
            amountFen: now.amountFen ?? 0,
            message: now.message,
            details: now.details,
          },
          undefined,
        );
        continue;
      }
      const was = formatFen(row.amount_fen ?? 0);
      const date = typeof details['date'] === 'string' ? details['date'] : '';
      const label = typeof details['label'] === 'string' ? details['label'] : '扣款';
      const labelEn = typeof details['label'] === 'string' ? details['label'] : 'deduction';
      const message = {
        zh: `${date} “${label}”按现行费率方案属约定收费，此前提示的未约定扣款 ${was} 已撤销`,
        en: `${date} "${labelEn}": an agreed charge under the plan as it now stands; the ${was} reported as deducted outside the plan is withdrawn`,
      };
      await reviseAlert(
        trx,
        {
          id: row.id,
          kind: 'unplanned_deduction',
          severity: row.severity,
          amountFen: 0,
          message,
          details: { ...details, unplannedFen: 0, withdrawnFen: row.amount_fen, messageEn: message.en },
        },
        at,
      );
    }
  }
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
        eb.and([
          eb('type', 'in', SALE_TYPES),
          eb('fee_fen', 'is not', null),
          eb('settled_fen', 'is not', null),
        ]),
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
