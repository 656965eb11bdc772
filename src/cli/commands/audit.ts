import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  realpathSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AuditReport } from '../../audit/report-types.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT_FINDINGS } from '../errors.js';
import { assertFormat, formatOption, type OutputFormat } from '../format-option.js';
import { pick } from '../lang.js';
import { type AuditInputFlags, addAuditInputOptions, prepareAudit } from './audit-inputs.js';

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
        '数据目录：结算单、终端流水、银行流水和费率方案（按文件名或内容识别，如 settlement.csv、POS流水.csv、费率.yaml；未使用的文件在提示中列出原因），或每个商户一个子目录',
        'a data directory of statements, journals, bank files and the plan (known by name or content, e.g. settlement.csv, POS流水.csv, 费率.yaml; files not used are listed with why), or one sub-directory per merchant',
      ),
    );
  addAuditInputOptions(command, t)
    .addOption(formatOption(FORMATS))
    .option('--out <path>', t('写入文件而不是标准输出', 'write to this file instead of standard output'))
    .addHelpText(
      'after',
      t(
        `
示例:
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
  const out = flags.out === undefined ? undefined : outTarget(ctx, flags.out, format);
  const { report, planText } = await prepareAudit(ctx, dir, flags, (inputs) => {
    if (out !== undefined)
      refuseToOverwriteInput(ctx, out, [...inputs.settlement, ...inputs.terminal, ...inputs.bank]);
  });
  await writeReport(ctx, report, format, out, planText);
  const found = report.findings.some((f) => f.kind !== 'fee_undercharge') || report.rejected.length > 0;
  if (found) ctx.exitCode = EXIT_FINDINGS;
}

/** Where --out writes: `shown` is the path as the user would type it, `abs` the file itself. */
interface OutTarget {
  shown: string;
  abs: string;
  /** A directory to create first (mkdir -p), when the target's is missing. */
  mkdir?: string;
}

const EXTENSIONS: Record<OutputFormat, string> = { table: 'txt', json: 'json', csv: 'csv', html: 'html' };

/**
 * Resolves --out before anything is audited: a directory (existing, or a path ending in /) receives
 * `posguard-audit.<ext>`; a missing parent directory will be created; anything that cannot be written is a
 * CliError now, not after the audit.
 * @example outTarget(ctx, 'reports/', 'html') → reports/posguard-audit.html, creating reports
 */
function outTarget(ctx: CliContext, out: string, format: OutputFormat): OutTarget {
  const abs = resolve(ctx.cwd, out);
  const asDirectory = /[\\/]$/.test(out) || kindOf(abs) === 'directory';
  const name = `posguard-audit.${EXTENSIONS[format]}`;
  const target = asDirectory ? { shown: join(out, name), abs: join(abs, name) } : { shown: out, abs };
  const parent = dirname(target.abs);
  const unwritable = (code: string) =>
    new CliError(`无法写入 ${target.shown}（${code}）`, `cannot write ${target.shown} (${code})`);
  if (kindOf(target.abs) === 'directory') throw unwritable('EISDIR');
  // The nearest directory that exists must be a writable directory: the rest is created when the report is.
  let existing = parent;
  while (kindOf(existing) === 'missing' && dirname(existing) !== existing) existing = dirname(existing);
  if (kindOf(existing) !== 'directory') throw unwritable('ENOTDIR');
  try {
    accessSync(kindOf(target.abs) === 'file' ? target.abs : existing, constants.W_OK);
  } catch (error) {
    throw unwritable((error as NodeJS.ErrnoException).code ?? 'EACCES');
  }
  return existing === parent ? target : { ...target, mkdir: parent };
}

function kindOf(path: string): 'file' | 'directory' | 'missing' | 'other' {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** Writing the report over one of its own inputs would destroy the merchant's statement. */
function refuseToOverwriteInput(ctx: CliContext, out: OutTarget, inputs: readonly string[]): void {
  if (kindOf(out.abs) !== 'file') return;
  const target = realpathSync(out.abs);
  const input = inputs.find((file) => {
    try {
      return realpathSync(resolve(ctx.cwd, file)) === target;
    } catch {
      return false;
    }
  });
  if (input !== undefined)
    throw new CliError(
      `--out ${out.shown} 是输入文件 ${input}，不能覆盖`,
      `--out ${out.shown} is the input file ${input}; it will not be overwritten`,
    );
}

async function writeReport(
  ctx: CliContext,
  report: AuditReport,
  format: OutputFormat,
  out: OutTarget | undefined,
  planText: string | undefined,
): Promise<void> {
  let chunks: Iterable<string>;
  if (format === 'json') {
    const { renderJsonChunks } = await import('../../audit/render-json.js');
    chunks = withNewline(renderJsonChunks(report));
  } else if (format === 'csv') {
    const { renderCsvChunks } = await import('../../audit/render-csv.js');
    chunks = renderCsvChunks(report, { lang: ctx.lang });
  } else if (format === 'html') {
    const { renderHtmlChunks } = await import('../../audit/render-html.js');
    chunks = renderHtmlChunks(report, { lang: ctx.lang, ...(planText === undefined ? {} : { planText }) });
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
  try {
    if (out.mkdir !== undefined) mkdirSync(out.mkdir, { recursive: true });
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

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield '\n';
}
