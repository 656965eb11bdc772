import { resolve } from 'node:path';
import type { CompareFlags } from '../cli/commands/compare.js';
import type { CliContext } from '../cli/context.js';
import { checkDate } from '../cli/commands/audit-inputs.js';
import { CliError } from '../cli/errors.js';
import { pick } from '../cli/lang.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/index.js';
import { loadCatalogFile, SHIPPED_CATALOG } from './catalog.js';
import { comparePlans, type JumpRecord } from './compare-plans.js';
import { jumpRecordsFromAudit } from './jump-records.js';
import { merchantHistory } from './merchant-history.js';
import { renderComparison } from './render-comparison.js';

async function importKind(
  ctx: CliContext,
  kind: 'terminal' | 'settlement',
  files: string[],
  preset: string | undefined,
) {
  const { importFiles, ImportFileError } = await import('../statements/import.js');
  try {
    const result = await importFiles(
      files.map((f) => ({ path: resolve(ctx.cwd, f) })),
      { kind, ...(preset === undefined ? {} : { preset }) },
    );
    // Name files as the user typed them (the audit's evidence and the JSON stay machine-independent).
    result.files.forEach((f, i) => {
      const shown = files[i];
      if (shown === undefined) return;
      const from = f.file;
      f.file = shown;
      for (const r of result.records) if (r.source.file === from) r.source = { ...r.source, file: shown };
    });
    return result;
  } catch (error) {
    if (error instanceof ImportFileError) throw new CliError(error.zh, error.message);
    throw error;
  }
}

/** `posguard compare`: prices the journals under every catalogue plan and prints the ranking. */
export async function runCompare(ctx: CliContext, flags: CompareFlags): Promise<void> {
  // Checked before any file is read: a typo in the date should not cost a long import.
  const asOf = checkDate('--as-of', flags.asOf);
  const t = (zh: string, en: string): string => pick(ctx.lang, zh, en);
  if (flags.terminal === undefined || flags.terminal.length === 0) {
    throw new CliError('请用 --terminal 指定终端交易流水', 'give the terminal journals with --terminal');
  }
  let months: number | undefined;
  if (flags.months !== undefined) {
    if (!/^[1-9]\d{0,2}$/.test(flags.months))
      throw new CliError('--months 应为 1–999 的整数', '--months must be a whole number 1–999');
    months = Number(flags.months);
  }
  const catalogPath = flags.catalog === undefined ? SHIPPED_CATALOG : resolve(ctx.cwd, flags.catalog);
  const catalog = await loadCatalogFile(catalogPath);
  if (!catalog.ok) throw new CliError(catalog.zh, catalog.en);

  let plan: FeePlan | undefined;
  if (flags.plan !== undefined) {
    const { loadPlanFile, formatPlanIssue } = await import('../plans/parse-plan.js');
    const parsed = await loadPlanFile(resolve(ctx.cwd, flags.plan));
    if (!parsed.ok) {
      const first = parsed.errors[0];
      throw new CliError(
        first === undefined ? `费率方案无效：${flags.plan}` : formatPlanIssue(flags.plan, first, 'zh'),
        first === undefined ? `invalid plan: ${flags.plan}` : formatPlanIssue(flags.plan, first, 'en'),
      );
    }
    plan = parsed.plan;
  }

  const terminal = await importKind(ctx, 'terminal', flags.terminal, flags.terminalPreset);
  for (const r of terminal.rejected) {
    ctx.stderr(`${r.file}:${r.row} ${t(r.reason, r.reasonEn)}\n`);
  }
  let jumps: JumpRecord[] = [];
  if (flags.settlement !== undefined && flags.settlement.length > 0) {
    const settlement = await importKind(ctx, 'settlement', flags.settlement, flags.settlementPreset);
    const { auditRecords } = await import('../audit/audit.js');
    const report = auditRecords({
      terminal: terminal.records,
      settlement: settlement.records,
      bank: [] as PosRecord[],
      plans: plan === undefined ? [] : [plan],
      files: [...settlement.files, ...terminal.files].map((f) => ({
        file: f.file,
        sha256: f.sha256,
        preset: f.preset,
        kind: f.kind,
        rows: f.rows,
      })),
    });
    jumps = jumpRecordsFromAudit(report, plan?.provider);
  }
  const history = merchantHistory(terminal.records, months === undefined ? {} : { months });
  if (history.sales.length === 0) {
    throw new CliError(
      '终端流水中没有成功的消费交易，无法比较',
      'the journals hold no successful sale to price',
    );
  }
  const comparison = comparePlans(history, catalog.entries, jumps, asOf === undefined ? {} : { asOf });
  if (flags.format === 'json') ctx.stdout(`${JSON.stringify(comparison, null, 2)}\n`);
  else ctx.stdout(renderComparison(comparison, ctx.lang));
}
