import type { Kysely } from 'kysely';
import { auditRecords } from '../audit/audit.js';
import type { AuditReport } from '../audit/report-types.js';
import { attributeUnnamedJournal } from '../audit/unnamed-journal.js';
import { attachDiagnoses } from '../explain/attach-diagnoses.js';
import { formatPlanIssue, parsePlan } from '../plans/parse-plan.js';
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
 * The audit inputs gathered from storage for one merchant (members only), shaped as `posguard audit` shapes
 * them: files in settlement → terminal → bank order, reasons and warnings in the chosen language, plan
 * warnings first.
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
      plans.push(parsed.plan);
      for (const w of parsed.warnings) warnings.push(formatPlanIssue(name, w, lang));
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
    for (const w of n.warnings) {
      const text = pick(lang, w.message, w.messageEn);
      // As the CLI does: name the file when the warning's text does not.
      warnings.push(text.includes(w.file) ? text : `${w.file}: ${text}`);
    }
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
