import type { Kysely } from 'kysely';
import { auditRecords } from '../audit/audit.js';
import type { AuditReport } from '../audit/report-types.js';
import { fileWarning } from '../audit/warning-text.js';
import { attributeUnnamedJournal } from '../audit/unnamed-journal.js';
import { attachDiagnoses } from '../explain/attach-diagnoses.js';
import { formatPlanIssue, type PlanIssue, parsePlan } from '../plans/parse-plan.js';
import type { FeePlan } from '../plans/plan-types.js';
import { bankDebitDatesOf, importNotes, listImports } from '../storage/imports-repo.js';
import { latestPlan } from '../storage/plans-repo.js';
import { recordsForAudit } from '../storage/records-repo.js';
import type { Database } from '../storage/schema.js';

/** The language of reasons and warnings in an audit (the JSON keys and numbers do not change). */
export type Lang = 'zh' | 'en';
const pick = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);

// `posguard audit` reads settlement files first, then the journal, then bank credits; files follow that order.
const KIND_ORDER: Record<string, number> = { settlement: 0, terminal: 1, bank: 2 };

/**
 * The warning of a plan stored for a merchant whose `merchantId` names another merchant number than the
 * merchant's own 商户号 (none when either is missing or they agree). The plan stored for a merchant is that
 * merchant's plan all the same: the monitor prices its lines with it, and so does the audit (merchantAuditInput).
 * Given when the plan is uploaded and in every audit of the merchant.
 */
export function planNamesOtherMerchant(
  planMerchantId: string | undefined,
  merchantCode: string | null | undefined,
): PlanIssue | undefined {
  if (planMerchantId === undefined || merchantCode === null || merchantCode === undefined) return undefined;
  if (planMerchantId === merchantCode) return undefined;
  return {
    code: 'merchant_id_mismatch',
    path: 'merchantId',
    zh: `方案中的 merchantId ${planMerchantId} 不是本商户的商户号（${merchantCode}）；方案存于本商户，核对与监控都按它计算本商户的手续费，请确认 merchantId 是否写错`,
    en: `the plan's merchantId ${planMerchantId} is not this merchant's number (${merchantCode}); stored for this merchant, it prices this merchant's fees in the audit and the monitor alike — check the plan's merchantId`,
  };
}

/**
 * The audit inputs gathered from storage for one merchant (members only), shaped as `posguard audit` shapes
 * them: files in settlement → terminal → bank order, reasons and warnings in the chosen language, plan
 * warnings first. The stored plan governs every record of the merchant, whatever merchantId it names (as the
 * monitor prices them): it is handed to the audit without one.
 */
export async function merchantAuditInput(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  lang: Lang = 'zh',
) {
  const records = await recordsForAudit(db, userId, merchantId);
  const stored = await latestPlan(db, userId, merchantId);
  const plans: FeePlan[] = [];
  const warnings: string[] = [];
  let planText: string | undefined;
  if (stored !== undefined) {
    const name = stored.format === 'yaml' ? 'plan.yaml' : 'plan.json';
    const parsed = parsePlan(stored.text, name);
    if (parsed.ok) {
      // Without its merchantId the plan is the one for every merchant number of the run (planChooser), as the
      // monitor uses it; a number naming another merchant would leave this merchant's lines unplanned.
      const { merchantId: named, ...own } = parsed.plan;
      plans.push(own);
      for (const w of parsed.warnings) warnings.push(formatPlanIssue(name, w, lang));
      const merchant = await db
        .selectFrom('merchants')
        .select('merchant_code')
        .where('id', '=', merchantId)
        .executeTakeFirst();
      const other = planNamesOtherMerchant(named, merchant?.merchant_code);
      if (other !== undefined) warnings.push(formatPlanIssue(name, other, lang));
    }
    planText = stored.text;
  }
  const imports = (await listImports(db, userId, merchantId)).sort(
    (a, b) => (KIND_ORDER[a.kind] ?? 3) - (KIND_ORDER[b.kind] ?? 3) || a.id - b.id,
  );
  const files = imports.map((i) => ({
    file: i.file_name,
    sha256: i.sha256,
    preset: i.preset,
    kind: i.kind,
    rows: i.rows,
    // A statement cut off mid-row: the audit's coverage leaves out its last day, as the CLI's does.
    ...(i.truncated === 1 ? { truncated: true as const } : {}),
  }));
  // Rows and warnings of a file with several merchants' lines are shown in full to its uploader only.
  const notes = imports.map((i) => importNotes(i, userId));
  const rejected = notes.flatMap((n) =>
    n.rejected.map((r) => {
      const out: AuditReport['rejected'][number] = {
        file: r.file,
        row: r.row,
        reason: pick(lang, r.reason, r.reasonEn),
      };
      if (r.column !== undefined) out.column = r.column;
      return out;
    }),
  );
  for (const n of notes) {
    // As the CLI does: both languages, each naming the file when its text does not.
    for (const w of n.warnings) warnings.push(fileWarning(w));
  }
  // The days the bank files' skipped debit lines span, as the CLI gives them: a day with only a debit is covered.
  const bankDebitDates = bankDebitDatesOf(imports);
  return { records, plans, planText, files, rejected, warnings, bankDebitDates };
}

/**
 * The audit of everything stored for a merchant against its plan: exactly what auditRecords returns for
 * those records, the same JSON as `posguard audit --format json` over the same files.
 */
export async function auditMerchant(
  db: Kysely<Database>,
  userId: number,
  merchantId: number,
  range: { from?: string; to?: string },
  lang: Lang = 'zh',
): Promise<AuditReport> {
  return auditFromInput(await merchantAuditInput(db, userId, merchantId, lang), range);
}

/** The audit of inputs already gathered by merchantAuditInput. */
export function auditFromInput(
  input: Awaited<ReturnType<typeof merchantAuditInput>>,
  range: { from?: string; to?: string },
): AuditReport {
  const report = auditRecords({
    ...input.records,
    plans: input.plans,
    files: input.files,
    rejected: input.rejected,
    warnings: input.warnings,
    bankDebitDates: input.bankDebitDates,
    options: {
      ...(range.from === undefined ? {} : { from: range.from }),
      ...(range.to === undefined ? {} : { to: range.to }),
    },
  });
  // As `posguard audit` does, so the API's JSON equals the CLI's over the same files: the journal as the audit
  // placed it, lines without a merchant number with the statements' merchant.
  const { terminal } = attributeUnnamedJournal(input.records.terminal, input.records.settlement);
  return attachDiagnoses(report, { plans: input.plans, terminal });
}
