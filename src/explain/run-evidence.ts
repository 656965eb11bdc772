import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AuditInputFlags, prepareAudit } from '../cli/commands/audit-inputs.js';
import { evidenceOut } from '../cli/commands/evidence-out.js';
import { makeOutDirs, refuseToOverwriteInput } from '../cli/out-path.js';
import type { CliContext } from '../cli/context.js';
import { CliError, EXIT_FINDINGS } from '../cli/errors.js';
import { pick } from '../cli/lang.js';
import { planChooser } from '../audit/audit.js';
import type { AuditReport } from '../audit/report-types.js';
import { headline, returnedWords } from '../audit/render-table.js';
import { formatFen } from '../money/fen.js';
import type { FeePlan } from '../plans/plan-types.js';
import { dateFromDayNumber, dayNumber, todayInShanghai } from '../time/shanghai.js';
import { buildEvidencePack, type PackInput } from './evidence-pack.js';
import { findCjkFont } from './render-pdf.js';

/** `posguard evidence`: audits as `posguard audit` does and writes the evidence pack. */
export async function runEvidence(
  ctx: CliContext,
  dir: string | undefined,
  flags: AuditInputFlags & { out: string; date?: string; format?: 'table' | 'json' },
): Promise<void> {
  const date = flags.date ?? todayInShanghai();
  let valid = /^\d{4}-\d{2}-\d{2}$/.test(date);
  if (valid)
    try {
      valid = dateFromDayNumber(dayNumber(date)) === date;
    } catch {
      valid = false;
    }
  if (!valid)
    throw new CliError(
      `--date 应为 YYYY-MM-DD 日期：“${date}”`,
      `--date must be a YYYY-MM-DD date: "${date}"`,
    );
  // Where the pack goes and the font first: no point auditing for minutes to fail at the end.
  const out = evidenceOut(ctx.cwd, flags.out);
  const font = findCjkFont(process.env);
  if (!font.ok) throw new CliError(font.zh, font.en);
  const {
    report,
    planText: allPlanText,
    plans: allPlans,
    inputs,
    otherMerchantsFiles,
  } = await prepareAudit(ctx, dir, flags);
  // Only the plans the audit applied to the run's merchants go in: a data directory may hold another shop's
  // plan (examples/plan.yaml beside a merchant's own), and a pack quoting it would cite the wrong contract.
  const used = usedPlanIndexes(
    report.merchants.map((m) => m.merchantId),
    allPlans,
    flags.plan !== undefined,
  );
  const plans = allPlans.filter((_, i) => used.has(i));
  const planFiles = inputs.plans.filter((_, i) => used.has(i));
  const files: PackInput[] = [];
  const read = (name: string, kind: PackInput['kind']) => {
    // With --merchant, the pack is that merchant's complaint: another's statements and bank files would disclose
    // them to a third party.
    if (kind !== 'plan' && otherMerchantsFiles.has(name)) return;
    try {
      files.push({ name, kind, bytes: readFileSync(resolve(ctx.cwd, name)) });
    } catch {
      throw new CliError(
        `${name}：文件不存在或无法读取`,
        `${name}: the file does not exist or cannot be read`,
      );
    }
  };
  for (const f of inputs.settlement) read(f, 'settlement');
  for (const f of inputs.terminal) read(f, 'terminal');
  for (const f of inputs.bank) read(f, 'bank');
  for (const p of planFiles) read(p.path, 'plan');
  // report.html shows the plans' text as loadPlans joins it (a `# path` line before each of several).
  const planTexts = files
    .filter((f) => f.kind === 'plan')
    .map((f) =>
      Buffer.from(f.bytes ?? [])
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    );
  const planText =
    planFiles.length === allPlans.length
      ? allPlanText
      : planTexts.length === 0
        ? undefined
        : planTexts.length === 1
          ? planTexts[0]
          : planTexts.map((t, i) => `# ${planFiles[i]?.path ?? ''}\n${t}`).join('\n');
  for (const f of inputs.devices) read(f, 'devices');
  refuseToOverwriteInput(ctx.cwd, out, [
    ...inputs.settlement,
    ...inputs.terminal,
    ...inputs.bank,
    ...inputs.plans.map((p) => p.path),
    ...inputs.devices,
  ]);
  const pack = await buildEvidencePack({
    report: withoutFilesOf(report, otherMerchantsFiles),
    inputs: files,
    plans,
    ...(planText === undefined ? {} : { planText }),
    font: font.font,
    date,
    lang: ctx.lang,
    ...(dir === undefined ? {} : { root: dir }),
  });
  makeOutDirs(out);
  try {
    writeFileSync(out.abs, pack.zip);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new CliError(`无法写入 ${out.shown}（${code}）`, `cannot write ${out.shown} (${code})`);
  }
  const masked = pack.manifest.inputs.filter((i) => i.masked).length;
  if (flags.format === 'json') {
    // For scripts: where the pack went, its size and hash, and what its manifest.json says it holds.
    const { schemaVersion: _version, generator: _generator, ...contents } = pack.manifest;
    const json = {
      out: out.shown,
      bytes: pack.zip.length,
      sha256: createHash('sha256').update(pack.zip).digest('hex'),
      ...contents,
    };
    ctx.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else
    ctx.stdout(
      `${headline(report, ctx.lang)}\n` +
        pick(
          ctx.lang,
          `证据包已写入 ${out.shown}：${pack.manifest.entries.length + 1} 个文件，合计损失 ${formatFen(report.summary.lossFen)}${returnedWords(report.summary, 'zh')}${masked > 0 ? `；${masked} 个含完整卡号的文件已脱敏` : ''}\n`,
          `evidence pack written to ${out.shown}: ${pack.manifest.entries.length + 1} files, total loss ${formatFen(report.summary.lossFen)}${returnedWords(report.summary, 'en')}${masked > 0 ? `; ${masked} file(s) with full card numbers masked` : ''}\n`,
        ),
    );
  const found = report.findings.some((f) => f.kind !== 'fee_undercharge') || report.rejected.length > 0;
  if (found) ctx.exitCode = EXIT_FINDINGS;
}

/**
 * The report as the pack shows it: without the files of the merchants --merchant leaves out, their rejected rows or
 * the warnings that name them — the pack goes to a third party, and their names are often the merchants' numbers.
 */
function withoutFilesOf(report: AuditReport, others: ReadonlySet<string>): AuditReport {
  if (others.size === 0) return report;
  // A name counts where it stands alone (or as an archive holding the table named): a left-out bank.csv must not
  // take the warnings about M1/bank.csv along.
  const literal = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = new RegExp(
    `(?:^|[\\s、,，（(“"])(?:${[...others].map(literal).join('|')})(?=$|[\\s、,，）)：:（(”"的第中/])`,
  );
  return {
    ...report,
    files: report.files.filter((f) => !others.has(f.file)),
    rejected: report.rejected.filter((r) => !others.has(r.file)),
    warnings: report.warnings.filter((w) => !named.test(w)),
  };
}

/**
 * The indexes of the plans the audit applied to these merchants (planChooser, as the audit picks them): a plan
 * without merchantId is used when some merchant took it; a plan naming a merchant of no record, never.
 */
export function usedPlanIndexes(
  merchantIds: readonly string[],
  plans: readonly FeePlan[],
  shared: boolean,
): Set<number> {
  const choose = planChooser(plans, shared);
  const used = new Set<number>();
  for (const m of merchantIds) {
    const plan = choose(m);
    if (plan !== undefined) used.add(plans.indexOf(plan));
  }
  return used;
}
