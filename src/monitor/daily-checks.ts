import type { Kysely } from 'kysely';
import { addWorkingDays } from '../calendar/index.js';
import { formatFen } from '../money/index.js';
import { parsePlan } from '../plans/parse-plan.js';
import { auditMerchant } from '../server/merchant-audit.js';
import { WRITE_ROLES } from '../storage/access.js';
import { raiseAlerts, queueDigest } from '../storage/alerts-repo.js';
import { rulesInForce } from '../storage/monitor-repo.js';
import type { Database } from '../storage/schema.js';
import { addDays, localDateOf } from '../time/shanghai.js';
import type { AlertDraft } from './alert-draft.js';
import { ALERT_KIND_ZH, type AlertKind } from './alert-kinds.js';

/** What one daily run did, per merchant. */
export interface DailyRunResult {
  merchantId: number;
  missingStatements: string[];
  alertsRaised: number;
  /** The reconciliation of the look-back window (the audit over everything stored), when it ran. */
  audit?: { findings: number; overchargeFen: number; lossFen: number };
  digestQueued: number;
}

/** The day a statement for trade date `date` is due: T+N working days (or D+N natural days). */
export function statementDueDate(date: string, cycle: { basis: 'T' | 'D'; days: number }): string {
  return cycle.basis === 'D' ? addDays(date, cycle.days) : addWorkingDays(date, cycle.days).date;
}

/**
 * The daily reconciliation for every merchant on `today` (Asia/Shanghai local date): each trade date with
 * terminal sales whose statement is due by today (T+N from the plan's settlement cycle, else the rule's `days`
 * working days) and for which no settlement line exists raises one `missing_statement`; then yesterday's
 * alerts are summed into one digest per channel. Idempotent per day (a second run adds nothing).
 */
export async function runDailyChecks(
  db: Kysely<Database>,
  today: string,
  options: { at: string; publicUrl: string; lookbackDays?: number },
): Promise<DailyRunResult[]> {
  const first = await db
    .insertInto('monitor_runs')
    .values({ name: 'daily', day: today, at: options.at })
    .onConflict((oc) => oc.columns(['name', 'day']).doNothing())
    .returning('day')
    .executeTakeFirst();
  const freshRun = first !== undefined;
  const merchants = await db.selectFrom('merchants').select('id').orderBy('id').execute();
  const out: DailyRunResult[] = [];
  const from = addDays(today, -(options.lookbackDays ?? 14));
  for (const { id } of merchants) {
    const rules = await rulesInForce(db, id);
    const planRow = await db
      .selectFrom('plans')
      .select('text')
      .where('merchant_id', '=', id)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    const parsed = planRow === undefined ? undefined : parsePlan(planRow.text, 'plan');
    const cycle =
      parsed?.ok === true
        ? parsed.plan.settlement
        : { basis: 'T' as const, days: rules.rules.missing_statement.days };
    const terminalDays = new Set<string>();
    const settledDays = new Set<string>();
    const rows = await db
      .selectFrom('records')
      .select(['kind', 'time', 'type', 'status'])
      .where('merchant_id', '=', id)
      .where('kind', 'in', ['terminal', 'settlement'])
      .where('time', '>=', `${addDays(from, -1)}`)
      .execute();
    for (const r of rows) {
      const d = localDateOf(r.time);
      if (d < from || d >= today) continue;
      if (r.kind === 'terminal' && r.type === 'sale' && r.status === 'success') terminalDays.add(d);
      if (r.kind === 'settlement') settledDays.add(d);
    }
    const drafts: AlertDraft[] = [];
    const missing: string[] = [];
    if (rules.rules.missing_statement.enabled) {
      for (const d of [...terminalDays].sort()) {
        if (settledDays.has(d)) continue;
        const due = statementDueDate(d, cycle);
        if (due > today) continue;
        missing.push(d);
        drafts.push({
          kind: 'missing_statement',
          severity: rules.rules.missing_statement.severity,
          dedupKey: `missing_statement|${d}`,
          message: `${d} 有终端交易，但到 ${due}（${cycle.basis}+${cycle.days}）仍未收到结算单`,
          details: { tradeDate: d, dueDate: due },
        });
      }
    }
    const raised = await raiseAlerts(db, id, drafts, [], options.at, options.publicUrl);
    const audit = await reconcile(db, id, { from, to: addDays(today, -1) });
    let digestQueued = 0;
    if (freshRun) {
      const yesterday = addDays(today, -1);
      const alerts = await db
        .selectFrom('monitor_alerts')
        .select(['kind', 'amount_fen', 'created_at'])
        .where('merchant_id', '=', id)
        .execute();
      const counts = new Map<AlertKind, { n: number; fen: number }>();
      for (const a of alerts) {
        if (localDateOf(a.created_at) !== yesterday) continue;
        const c = counts.get(a.kind as AlertKind) ?? { n: 0, fen: 0 };
        c.n += 1;
        if (a.kind === 'fee_overcharge') c.fen += a.amount_fen ?? 0;
        counts.set(a.kind as AlertKind, c);
      }
      if (counts.size > 0 || (audit !== undefined && audit.findings > 0)) {
        const lines = [...counts].map(
          ([k, c]) => `${ALERT_KIND_ZH[k]} ${c.n} 条${c.fen > 0 ? `，多扣 ${formatFen(c.fen)}` : ''}`,
        );
        if (audit !== undefined) {
          lines.push(
            `${from} 至 ${addDays(today, -1)} 对账：发现 ${audit.findings} 条，多扣 ${formatFen(audit.overchargeFen)}，损失 ${formatFen(audit.lossFen)}`,
          );
        }
        const link = `${options.publicUrl}/m/${id}/alerts`;
        digestQueued = await queueDigest(db, id, {
          subject: `【POS跳点卫士】${yesterday} 监控日报`,
          text: `【POS跳点卫士】${yesterday} 监控日报\n${lines.join('\n')}\n详情：${link}`,
          payload: {
            type: 'digest',
            merchantId: id,
            date: yesterday,
            counts: Object.fromEntries(counts),
            audit: audit ?? null,
            link,
          },
          at: options.at,
        });
      }
    }
    out.push({
      merchantId: id,
      missingStatements: missing,
      alertsRaised: raised.length,
      digestQueued,
      ...(audit === undefined ? {} : { audit }),
    });
  }
  return out;
}

/** The audit of a merchant's stored records over a window, as its first owner or agent sees it. */
async function reconcile(
  db: Kysely<Database>,
  merchantId: number,
  range: { from: string; to: string },
): Promise<{ findings: number; overchargeFen: number; lossFen: number } | undefined> {
  const member = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('merchant_id', '=', merchantId)
    .where('role', 'in', WRITE_ROLES)
    .orderBy('user_id')
    .executeTakeFirst();
  if (member === undefined) return undefined;
  try {
    const report = await auditMerchant(db, member.user_id, merchantId, range);
    return {
      findings: report.findings.length,
      overchargeFen: report.summary.overchargeFen,
      lossFen: report.summary.lossFen,
    };
  } catch {
    // A merchant whose plan or data cannot be audited still gets its missing-statement checks and digest.
    return undefined;
  }
}
