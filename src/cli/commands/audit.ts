import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError, EXIT_FINDINGS } from '../errors.js';
import { assertFormat, formatOption, type OutputFormat } from '../format-option.js';
import { type Lang, pick } from '../lang.js';
import { makeOutDirs, type OutTarget, outTarget, refuseToOverwriteInput } from '../out-path.js';
import {
  type AuditInputFlags,
  addAuditInputOptions,
  type PreparedAudit,
  prepareAudit,
} from './audit-inputs.js';

export { discoverInputs, parseDuration } from './audit-inputs.js';

interface AuditFlags extends AuditInputFlags {
  format: string;
  out?: string;
}

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv', 'html'];

/** Registers `posguard audit`. */
export function registerAuditCommand(program: Command, ctx: CliContext): void {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  const command = program
    .command('audit')
    .description(
      t(
        '核对终端流水、结算单与银行入账，按费率方案查出每一笔多扣的手续费、少结的金额与未到账的款项',
        'reconcile terminal journals, settlement statements and bank credits against the fee plan and prove every overcharge to the fen',
      ),
    )
    .argument(
      '[dir]',
      t(
        '数据目录：结算单、终端流水、银行流水和费率方案（按文件名或内容识别，如 settlement.csv、POS流水.csv、费率.yaml；未使用的文件在提示中列出原因），或每个商户一个子目录（商户子目录中的方案优先于上层目录中同一商户的方案，并在提示中说明）；plans/ 子目录按 --plans 目录读取',
        'a data directory of statements, journals, bank files and the plan (known by name or content, e.g. settlement.csv, POS流水.csv, 费率.yaml; files not used are listed with why), or one sub-directory per merchant (a plan in a merchant’s sub-directory outranks one above it for the same merchant, and a warning says so); a plans/ sub-directory is read as --plans DIR',
      ),
    );
  addAuditInputOptions(command, t)
    .addOption(formatOption(FORMATS))
    .option('--out <path>', t('写入文件而不是标准输出', 'write to this file instead of standard output'))
    .addHelpText(
      'after',
      t(
        `
示例：
  posguard audit examples/
  posguard audit --settlement 结算明细_202610.csv --plan plan.yaml
  posguard audit --settlement 结算明细.csv --terminal 收银流水.xlsx --bank 网银流水.csv --plan plan.yaml
  posguard audit --settlement 2026-10.xlsx --plan plan.yaml --format html --out 跳点报告.html
  posguard audit --settlement agent_20261001.txt --settlement-preset leshua --plans plans/ --format csv --out findings.csv
  posguard audit simulated/ --merchant 898440153991234 --from 2026-10-01 --to 2026-10-31 --format json

没有费率方案时，以收单机构变价前实际收取的费率为准（依据 inferred）。
没有终端流水/银行流水时，需要它们的检查会跳过并在输出中列出。

退出码：0 未发现问题；1 发现问题（少收手续费除外）或有被拒绝的行；2 参数错误、文件无法读取或方案无效。
`,
        `
Examples:
  posguard audit examples/
  posguard audit --settlement statement_202610.csv --plan plan.yaml
  posguard audit --settlement statement.csv --terminal journal.xlsx --bank bank.csv --plan plan.yaml
  posguard audit --settlement 2026-10.xlsx --plan plan.yaml --format html --out report.html
  posguard audit --settlement agent_20261001.txt --settlement-preset leshua --plans plans/ --format csv --out findings.csv
  posguard audit simulated/ --merchant 898440153991234 --from 2026-10-01 --to 2026-10-31 --format json

Without a plan, fees are checked against the formula the provider charged before any change (basis: inferred).
Without a journal or bank file, the checks that need them are skipped and listed in the output.

Exit codes: 0 nothing found; 1 findings (other than undercharges) or rejected rows; 2 usage error, unreadable input or invalid plan.
`,
      ),
    )
    .action(async (dir: string | undefined, flags: AuditFlags) => {
      await runAudit(ctx, dir, flags);
    });
}

async function runAudit(ctx: CliContext, dir: string | undefined, flags: AuditFlags): Promise<void> {
  const format = assertFormat(flags.format, FORMATS);
  // Checked before the audit: a typo in --out should not cost the minutes an agent's files take to audit.
  // A directory (existing, or a path ending in /) receives posguard-audit.<ext>.
  const out =
    flags.out === undefined
      ? undefined
      : outTarget(
          ctx.cwd,
          flags.out,
          `posguard-audit.${EXTENSIONS[format]}`,
          (typed, kind) => /[\\/]$/.test(typed) || kind === 'directory',
        );
  const prepared = await prepareAudit(ctx, dir, flags, (inputs) => {
    if (out !== undefined)
      refuseToOverwriteInput(ctx.cwd, out, [...inputs.settlement, ...inputs.terminal, ...inputs.bank]);
  });
  const { report } = prepared;
  await writeReport(ctx, prepared, format, out);
  const found = report.findings.some((f) => f.kind !== 'fee_undercharge') || report.rejected.length > 0;
  if (found) ctx.exitCode = EXIT_FINDINGS;
}

const EXTENSIONS: Record<OutputFormat, string> = { table: 'txt', json: 'json', csv: 'csv', html: 'html' };

async function writeReport(
  ctx: CliContext,
  prepared: PreparedAudit,
  format: OutputFormat,
  out: OutTarget | undefined,
): Promise<void> {
  const { report } = prepared;
  let chunks: Iterable<string>;
  if (format === 'json') {
    const { renderJsonChunks } = await import('../../audit/render-json.js');
    chunks = withNewline(renderJsonChunks(report));
  } else if (format === 'csv') {
    const { renderCsvChunks } = await import('../../audit/render-csv.js');
    chunks = renderCsvChunks(report, { lang: ctx.lang });
  } else if (format === 'html') {
    const { renderHtmlChunks } = await import('../../audit/render-html.js');
    // Named as the evidence pack's report is: the plans, then what the inputs' title lines say.
    const { statementParties } = await import('../../explain/statement-parties.js');
    const titled = [
      ...prepared.inputs.settlement.map((file) => ({ file, kind: 'settlement' as const })),
      ...prepared.inputs.terminal.map((file) => ({ file, kind: 'terminal' as const })),
    ].filter((i) => !prepared.otherMerchantsFiles.has(i.file) && smallFile(resolve(ctx.cwd, i.file)));
    const parties = await Promise.all(
      titled.map((i) => statementParties(readFileSync(resolve(ctx.cwd, i.file)), i.kind)),
    );
    // The plans that priced the audit, not every plan found: another shop's plan in the directory is named in the
    // warnings as not used, and the report quoting it would cite the wrong contract.
    const shownText = appliedPlanText(prepared, ctx.lang);
    chunks = renderHtmlChunks(report, {
      lang: ctx.lang,
      ...(shownText === undefined ? {} : { planText: shownText }),
      plans: prepared.appliedPlans.map((p) => p.plan),
      parties,
    });
  } else {
    const { renderTableChunks } = await import('../../audit/render-table.js');
    chunks = renderTableChunks(report, { lang: ctx.lang });
  }
  if (out === undefined) {
    let buffer = '';
    for (const c of chunks) {
      buffer += c;
      if (buffer.length > 1 << 20) {
        ctx.stdout(buffer);
        buffer = '';
      }
    }
    if (buffer !== '') ctx.stdout(buffer);
    return;
  }
  let fd: number;
  makeOutDirs(out);
  try {
    fd = openSync(out.abs, 'w');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new CliError(`无法写入 ${out.shown}（${code}）`, `cannot write ${out.shown} (${code})`);
  }
  try {
    let buffer = '';
    for (const c of chunks) {
      buffer += c;
      if (buffer.length > 1 << 20) {
        writeSync(fd, buffer);
        buffer = '';
      }
    }
    if (buffer !== '') writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  const { headline } = await import('../../audit/render-table.js');
  ctx.stdout(
    `${headline(report, ctx.lang)}\n${pick(ctx.lang, `报告已写入 ${out.shown}`, `report written to ${out.shown}`)}\n`,
  );
}

/**
 * The text of the plans that priced the audit, each under a `# file（用于商户 …）` line naming the merchants it
 * priced; a run of one plan shows it as written, as before.
 */
function appliedPlanText(
  prepared: Pick<PreparedAudit, 'planText' | 'plans' | 'appliedPlans'>,
  lang: Lang,
): string | undefined {
  const applied = prepared.appliedPlans;
  if (prepared.plans.length === 1 && applied.length === 1) return prepared.planText;
  if (applied.length === 0) return undefined;
  const merchantName = (m: string) =>
    m === '' ? pick(lang, '无商户号的记录', 'records without a merchant number') : m;
  return applied
    .map((p) => {
      const names = p.merchants.map(merchantName);
      const used =
        names.length === 0
          ? ''
          : pick(
              lang,
              `（用于商户 ${names.join('、')}）`,
              ` (applied to merchant${names.length > 1 ? 's' : ''} ${names.join(', ')})`,
            );
      return `# ${p.path}${used}\n${p.text}`;
    })
    .join('\n');
}

/**
 * Whether a file is small enough to read whole for its title lines: an agent's month of statements runs to
 * gigabytes, and their titles seldom name one merchant anyway.
 */
function smallFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && st.size <= TITLE_READ_LIMIT;
  } catch {
    return false;
  }
}
const TITLE_READ_LIMIT = 32 * 2 ** 20;

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield '\n';
}
