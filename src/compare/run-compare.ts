import { resolve } from 'node:path';
import type { CompareFlags } from '../cli/commands/compare.js';
import type { CliContext } from '../cli/context.js';
import { checkDate } from '../cli/commands/audit-inputs.js';
import { CliError } from '../cli/errors.js';
import { typedImportFailure } from '../cli/import-failure.js';
import { pick } from '../cli/lang.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/index.js';
import type { FileImportSummary } from '../statements/import-types.js';
import { loadCatalogFile, SHIPPED_CATALOG } from './catalog.js';
import { type Comparison, comparePlans } from './compare-plans.js';
import { journalCoverage } from './journal-coverage.js';
import { type StatementJumps, statementJumps } from './jump-records.js';
import { merchantGroups } from './merchant-groups.js';
import { merchantHistory } from './merchant-history.js';
import { renderComparison } from './render-comparison.js';
import { renderComparisonCsv } from './render-comparison-csv.js';
import { renderComparisonHtml } from './render-comparison-html.js';
import { tableTitles, titleCoverage } from './table-titles.js';

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
    // Name files as the user typed them (the audit's evidence, the JSON and the rejected rows printed stay
    // machine-independent).
    result.files.forEach((f, i) => {
      const shown = files[i];
      if (shown === undefined || shown === f.file) return;
      const rename = renamer(f.file, shown);
      for (const r of result.records) {
        const file = rename(r.source.file);
        if (file !== r.source.file) r.source = { ...r.source, file };
      }
      relabel(f, rename);
    });
    return result;
  } catch (error) {
    if (error instanceof ImportFileError)
      throw typedImportFailure(
        error,
        files.map((typed) => ({ abs: resolve(ctx.cwd, typed), typed })),
      );
    throw error;
  }
}

/**
 * The name a table of the input at `from` carries for the user: the input itself, and a workbook's sheets and an
 * archive's members (cited file#sheet and file/member) under it, named from `shown`.
 */
function renamer(from: string, shown: string): (name: string) => string {
  return (name) =>
    name === from || name.startsWith(`${from}#`) || name.startsWith(`${from}/`)
      ? shown + name.slice(from.length)
      : name;
}

/** A file's summary, its tables', rejected rows' and warnings' names renamed (the rows are importFiles' rejected). */
function relabel(summary: FileImportSummary, rename: (name: string) => string): void {
  const before = summary.file;
  summary.file = rename(before);
  for (const r of summary.rejected) r.file = rename(r.file);
  for (const w of summary.warnings) {
    w.file = rename(w.file);
    w.message = w.message.split(before).join(summary.file);
    w.messageEn = w.messageEn.split(before).join(summary.file);
  }
  for (const part of summary.parts ?? []) relabel(part, rename);
}

/**
 * The title lines of the files' tables (tableTitles), named as the user typed the files: `f` and, as the records
 * cite them, a workbook's sheets `f#sheet` and an archive's tables `f/member`.
 */
async function titlesOf(ctx: CliContext, files: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const f of files)
    for (const [table, lines] of await tableTitles({ path: resolve(ctx.cwd, f) }, f)) out.set(table, lines);
  return out;
}

/**
 * The statements' 跳点 records of a merchant's journal group: the audit of the journals and statements (with --plan
 * as the one plan of every merchant, and --merchant, as `posguard audit` runs it), attributed by statementJumps (as
 * the server's comparison attributes them) — for one merchant what `posguard audit --merchant` reports as its loss.
 */
async function jumpRecordsBy(
  ctx: CliContext,
  flags: CompareFlags,
  terminal: readonly PosRecord[],
  terminalFiles: readonly { file: string; sha256: string; preset: string; kind: string; rows: number }[],
  plan: FeePlan | undefined,
): Promise<(group: { merchantId?: string }, several: boolean) => StatementJumps> {
  const files = flags.settlement ?? [];
  if (files.length === 0) return () => ({ records: [] });
  const settlement = await importKind(ctx, 'settlement', files, flags.settlementPreset);
  const { auditRecords } = await import('../audit/audit.js');
  const wanted = flags.merchant ?? [];
  const report = auditRecords({
    terminal: [...terminal],
    settlement: settlement.records,
    bank: [] as PosRecord[],
    plans: plan === undefined ? [] : [plan],
    sharedPlan: plan !== undefined,
    files: [...settlement.files, ...terminalFiles].map((f) => ({
      file: f.file,
      sha256: f.sha256,
      preset: f.preset,
      kind: f.kind as PosRecord['kind'],
      rows: f.rows,
    })),
    options: wanted.length === 0 ? {} : { merchants: [...wanted] },
  });
  return statementJumps({
    report,
    planProvider: plan?.provider,
    settlement: settlement.records,
    titles: await titlesOf(ctx, files),
    wanted,
  });
}

/** `posguard compare`: prices the journals under every catalogue plan and prints the ranking, per merchant. */
export async function runCompare(ctx: CliContext, flags: CompareFlags): Promise<void> {
  // Checked before any file is read: a typo in the date should not cost a long import.
  const asOf = checkDate('--as-of', flags.asOf);
  const t = (zh: string, en: string): string => pick(ctx.lang, zh, en);
  const warn = (zh: string, en: string): void => ctx.stderr(`${t(`注意：${zh}`, `warning: ${en}`)}\n`);
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
  for (const w of catalog.warnings) warn(w.zh, w.en);

  const hasSettlement = flags.settlement !== undefined && flags.settlement.length > 0;
  let plan: FeePlan | undefined;
  if (flags.plan !== undefined && !hasSettlement) {
    warn(
      '--plan 只用于核对 --settlement 给出的结算单（并用其 provider 在目录中找到服务商）；没有给结算单，已忽略 --plan',
      '--plan only audits the statements given with --settlement (and its provider finds them in the catalogue); no --settlement was given, so --plan is ignored',
    );
  } else if (flags.plan !== undefined) {
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
  const groups = merchantGroups(terminal.records, flags.merchant);
  if (!groups.ok) throw new CliError(groups.zh, groups.en);
  // The days each journal covers, over all its lines (of every merchant): a file of an agent's month covers that
  // month for each of them.
  // Each table's title counts for that table: a workbook's sheets and an archive's tables are cited apart.
  const coverage = journalCoverage(terminal.records, titleCoverage(await titlesOf(ctx, flags.terminal)));
  const jumpsOf = await jumpRecordsBy(ctx, flags, terminal.records, terminal.files, plan);

  const several = groups.groups.length > 1;
  const comparisons: Comparison[] = [];
  const withoutSales: (string | undefined)[] = [];
  for (const g of groups.groups) {
    const history = merchantHistory(g.records, {
      coverage,
      ...(months === undefined ? {} : { months }),
    });
    if (history.sales.length === 0) {
      withoutSales.push(g.merchantId);
      continue;
    }
    const jumps = jumpsOf(g, several);
    const comparison = comparePlans(history, catalog.entries, jumps.records, {
      ...(asOf === undefined ? {} : { asOf }),
      unassignedJumps: jumps.unassigned,
    });
    comparisons.push(g.merchantId === undefined ? comparison : { merchantId: g.merchantId, ...comparison });
  }
  if (comparisons.length === 0) {
    throw new CliError(
      '终端流水中没有成功的消费交易，无法比较',
      'the journals hold no successful sale to price',
    );
  }
  const zhName = (id: string | undefined): string => (id === undefined ? '没有商户号的交易' : `商户 ${id}`);
  const enName = (id: string | undefined): string =>
    id === undefined ? 'the lines without a merchant number' : `merchant ${id}`;
  for (const id of withoutSales) {
    warn(
      `${zhName(id)}在流水中没有成功的消费交易，未比较`,
      `${enName(id)}: no successful sale in the journals; not compared`,
    );
  }
  if (flags.format === 'json' || flags.format === 'csv') {
    // Piped data is read by a program: the warnings go to stderr too, for the person who ran it (a CSV has no room).
    for (const c of comparisons)
      for (const w of c.warnings)
        if (several) warn(`${zhName(c.merchantId)}：${w.zh}`, `${enName(c.merchantId)}: ${w.en}`);
        else warn(w.zh, w.en);
    if (flags.format === 'csv') ctx.stdout(renderComparisonCsv(comparisons, ctx.lang));
    else if (several) ctx.stdout(`${JSON.stringify({ merchants: comparisons }, null, 2)}\n`);
    else ctx.stdout(`${JSON.stringify(comparisons[0], null, 2)}\n`);
    return;
  }
  if (flags.format === 'html') {
    ctx.stdout(renderComparisonHtml(comparisons, ctx.lang));
    return;
  }
  if (!several) {
    const only = comparisons[0];
    if (only !== undefined) ctx.stdout(renderComparison(only, ctx.lang));
    return;
  }
  const ids = comparisons.map(
    (c) => c.merchantId ?? t('没有商户号的交易', 'lines without a merchant number'),
  );
  const out = [
    t(
      `流水中有 ${ids.length} 个商户（${ids.join('、')}），各自的交易分别比较如下；用 --merchant 商户号 只看其中一个。`,
      `The journals hold ${ids.length} merchants (${ids.join(', ')}); each is compared on its own sales below. Use --merchant ID for one of them.`,
    ),
  ];
  for (const c of comparisons) {
    out.push(
      '',
      `=== ${t(zhName(c.merchantId), enName(c.merchantId))} ===`,
      renderComparison(c, ctx.lang).trimEnd(),
    );
  }
  ctx.stdout(`${out.join('\n')}\n`);
}
