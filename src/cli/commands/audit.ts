import { closeSync, type Dirent, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { AuditReport } from '../../audit/report-types.js';
import type { FeePlan } from '../../plans/plan-types.js';
import type { PosRecord, RecordKind } from '../../records/index.js';
import type { ImportResult } from '../../statements/import.js';
import { dateFromDayNumber, dayNumber } from '../../time/shanghai.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT_FINDINGS } from '../errors.js';
import { assertFormat, formatOption, type OutputFormat } from '../format-option.js';
import { pick } from '../lang.js';
import { Progress } from '../progress.js';

interface AuditFlags {
  settlement?: string[];
  terminal?: string[];
  bank?: string[];
  plan?: string;
  plans?: string;
  merchant?: string[];
  from?: string;
  to?: string;
  terminalPreset?: string;
  settlementPreset?: string;
  bankPreset?: string;
  mapping?: string;
  duplicateWindow: string;
  format: string;
  out?: string;
}

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv', 'html'];

/** Registers `posguard audit`. */
export function registerAuditCommand(program: Command, ctx: CliContext): void {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  program
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
        '数据目录：含 settlement.*、terminal.*、bank.*、plan.yaml，或每个商户一个子目录',
        'a data directory holding settlement.*, terminal.*, bank.*, plan.yaml, or one sub-directory per merchant',
      ),
    )
    .option(
      '--settlement <files...>',
      t('收单机构的结算单/对账单（必需）', 'provider settlement statements (required)'),
    )
    .option('--terminal <files...>', t('终端（收银机/POS）交易流水', 'terminal (POS/cashier) journals'))
    .option('--bank <files...>', t('银行入账流水', 'bank account statements (credits)'))
    .option('--plan <file>', t('费率方案 YAML（所有商户共用）', 'fee plan YAML (for every merchant)'))
    .option(
      '--plans <dir>',
      t(
        '每个商户一个费率方案的目录（按方案内 merchantId 或文件名 <商户号>.yaml 对应）',
        'a directory with one plan per merchant (matched by the plan’s merchantId or a file named <merchantId>.yaml)',
      ),
    )
    .option('--merchant <ids...>', t('只核对这些商户号', 'audit only these merchant IDs'))
    .option('--from <date>', t('起始交易日期 YYYY-MM-DD（含）', 'first trade date YYYY-MM-DD (inclusive)'))
    .option('--to <date>', t('截止交易日期 YYYY-MM-DD（含）', 'last trade date YYYY-MM-DD (inclusive)'))
    .option('--terminal-preset <name>', t('终端流水的预设格式', 'preset for the journals'))
    .option('--settlement-preset <name>', t('结算单的预设格式', 'preset for the statements'))
    .option('--bank-preset <name>', t('银行流水的预设格式', 'preset for the bank files'))
    .option(
      '--mapping <file>',
      t(
        '自定义列映射 YAML（按其 kind 用于对应的文件，未写 kind 时用于结算单）',
        'your own column mapping YAML (used for the files of its `kind`; the statements when it has none)',
      ),
    )
    .option(
      '--duplicate-window <duration>',
      t('疑似重复刷卡的时间窗口，如 60s、2m、90', 'window for suspected duplicate charges, e.g. 60s, 2m, 90'),
      '60s',
    )
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

/**
 * `60s`, `2m`, `90` (seconds), `1500ms`, `1h` → milliseconds; undefined when the text is not a duration.
 * @example parseDuration('2m') === 120_000
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d{1,9})\s*(ms|s|sec|秒|m|min|分|分钟|h|小时)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const scale =
    unit === 'ms'
      ? 1
      : unit === 'h' || unit === '小时'
        ? 3_600_000
        : ['m', 'min', '分', '分钟'].includes(unit)
          ? 60_000
          : 1000;
  return value * scale;
}

function checkDate(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let ok = /^\d{4}-\d{2}-\d{2}$/.test(value);
  if (ok) {
    try {
      ok = dateFromDayNumber(dayNumber(value)) === value;
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw new CliError(
      `${flag} 应为 YYYY-MM-DD 日期：“${value}”`,
      `${flag} must be a YYYY-MM-DD date: "${value}"`,
    );
  return value;
}

interface Inputs {
  terminal: string[];
  settlement: string[];
  bank: string[];
  /** Plan files, with the merchant a per-merchant directory implies. */
  plans: { path: string; merchantHint?: string }[];
}

const DATA_EXT = new Set(['.csv', '.txt', '.tsv', '.xlsx', '.zip', '.gz']);
const PLAN_EXT = new Set(['.yaml', '.yml', '.json']);

function classify(name: string): RecordKind | 'plan' | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('.')) return undefined;
  const ext = extname(lower);
  if (PLAN_EXT.has(ext)) return /^(plan|费率方案)\.(ya?ml|json)$/.test(lower) ? 'plan' : undefined;
  if (!DATA_EXT.has(ext)) return undefined;
  if (/^(terminal|journal)|终端|收银/.test(lower)) return 'terminal';
  if (/^bank|银行|网银/.test(lower)) return 'bank';
  if (/^(settlement|statement)|结算|对账/.test(lower)) return 'settlement';
  return undefined;
}

/** Finds the inputs in a data directory: its own files, and one level of per-merchant sub-directories. */
export function discoverInputs(dir: string, shown: string): Inputs {
  const found: Inputs = { terminal: [], settlement: [], bank: [], plans: [] };
  const scan = (abs: string, typed: string, merchantHint: string | undefined, depth: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      throw new CliError(`无法读取目录 ${typed}`, `cannot read the directory ${typed}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.isDirectory()) {
        if (depth === 0 && !e.name.startsWith('.')) scan(join(abs, e.name), join(typed, e.name), e.name, 1);
        continue;
      }
      const kind = classify(e.name);
      const path = join(typed, e.name);
      if (kind === 'plan') found.plans.push(merchantHint === undefined ? { path } : { path, merchantHint });
      else if (kind !== undefined) found[kind].push(path);
    }
  };
  scan(dir, shown, undefined, 0);
  return found;
}

async function runAudit(ctx: CliContext, dir: string | undefined, flags: AuditFlags): Promise<void> {
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  const format = assertFormat(flags.format, FORMATS);
  const windowMs = parseDuration(flags.duplicateWindow);
  if (windowMs === undefined) {
    throw new CliError(
      `--duplicate-window 应为时长，如 60s、2m、90：“${flags.duplicateWindow}”`,
      `--duplicate-window must be a duration such as 60s, 2m or 90: "${flags.duplicateWindow}"`,
    );
  }
  const from = checkDate('--from', flags.from);
  const to = checkDate('--to', flags.to);
  if (from !== undefined && to !== undefined && from > to)
    throw new CliError(`--from ${from} 晚于 --to ${to}`, `--from ${from} is after --to ${to}`);
  if (flags.plan !== undefined && flags.plans !== undefined)
    throw new CliError('--plan 与 --plans 只能用一个', 'use --plan or --plans, not both');

  const inputs: Inputs = { terminal: [], settlement: [], bank: [], plans: [] };
  if (dir !== undefined) {
    const abs = resolve(ctx.cwd, dir);
    if (!isDirectory(abs))
      throw new CliError(
        `${dir} 不是目录（文件请用 --settlement 等参数给出）`,
        `${dir} is not a directory (give files with --settlement etc.)`,
      );
    const found = discoverInputs(abs, dir);
    inputs.terminal.push(...found.terminal);
    inputs.settlement.push(...found.settlement);
    inputs.bank.push(...found.bank);
    inputs.plans.push(...found.plans);
  }
  inputs.terminal.push(...(flags.terminal ?? []));
  inputs.settlement.push(...(flags.settlement ?? []));
  inputs.bank.push(...(flags.bank ?? []));
  if (inputs.settlement.length === 0) {
    throw new CliError(
      dir === undefined
        ? '缺少结算单：请用 --settlement 给出收单机构的结算单/对账单文件'
        : `${dir} 中没有结算单（settlement.*）；请用 --settlement 给出`,
      dir === undefined
        ? 'no statements: give the provider’s settlement files with --settlement'
        : `no statements (settlement.*) in ${dir}; give them with --settlement`,
    );
  }
  for (const file of [...inputs.settlement, ...inputs.terminal, ...inputs.bank]) {
    const abs = resolve(ctx.cwd, file);
    let ok = false;
    try {
      ok = statSync(abs).isFile();
    } catch {
      ok = false;
    }
    if (!ok)
      throw new CliError(
        `${file}：文件不存在或无法读取`,
        `${file}: the file does not exist or cannot be read`,
      );
  }
  if (flags.plan !== undefined) inputs.plans = [{ path: flags.plan }];
  else if (flags.plans !== undefined) inputs.plans = plansIn(ctx, flags.plans);

  // Plans first: an invalid plan should stop the run before minutes of importing.
  const { plans, planText, planWarnings } = await loadPlans(ctx, inputs.plans);
  const mappingKind = flags.mapping === undefined ? undefined : await mappingKindOf(ctx, flags.mapping);

  const { importFiles, ImportFileError } = await import('../../statements/import.js');
  const groups: { kind: RecordKind; files: string[]; preset: string | undefined; label: string }[] = [
    {
      kind: 'settlement',
      files: inputs.settlement,
      preset: flags.settlementPreset,
      label: t('读取结算单', 'statements'),
    },
    {
      kind: 'terminal',
      files: inputs.terminal,
      preset: flags.terminalPreset,
      label: t('读取终端流水', 'journals'),
    },
    { kind: 'bank', files: inputs.bank, preset: flags.bankPreset, label: t('读取银行流水', 'bank files') },
  ];
  const results = new Map<RecordKind, ImportResult>();
  for (const g of groups) {
    if (g.files.length === 0) continue;
    const progress = new Progress(g.label, 1, ctx.interactive, ctx.stderr);
    const useMapping = flags.mapping !== undefined && (mappingKind ?? 'settlement') === g.kind;
    try {
      const result = await importFiles(
        g.files.map((f) => ({ path: resolve(ctx.cwd, f) })),
        {
          kind: g.kind,
          ...(g.preset === undefined ? {} : { preset: g.preset }),
          ...(useMapping && flags.mapping !== undefined
            ? { mappingFile: resolve(ctx.cwd, flags.mapping) }
            : {}),
          onProgress: (done, total) => progress.update(total > 0 ? done / total : 1),
        },
      );
      relabel(result, g.files, ctx.cwd);
      results.set(g.kind, result);
    } catch (error) {
      if (error instanceof ImportFileError) throw new CliError(error.zh, error.message);
      throw error;
    } finally {
      progress.finish();
    }
  }

  const all = [...results.values()];
  const { auditRecords } = await import('../../audit/audit.js');
  const checking = new Progress(t('核对', 'auditing'), 1, ctx.interactive, ctx.stderr);
  checking.update(0);
  const report = auditRecords({
    terminal: results.get('terminal')?.records ?? [],
    settlement: results.get('settlement')?.records ?? [],
    bank: results.get('bank')?.records ?? [],
    plans,
    files: all.flatMap((r) =>
      r.files.map((f) => ({ file: f.file, sha256: f.sha256, preset: f.preset, kind: f.kind, rows: f.rows })),
    ),
    rejected: all.flatMap((r) =>
      r.rejected.map((x) => ({
        file: x.file,
        row: x.row,
        ...(x.column === undefined ? {} : { column: x.column }),
        reason: pick(ctx.lang, x.reason, x.reasonEn),
      })),
    ),
    warnings: [
      ...planWarnings,
      ...all.flatMap((r) =>
        r.warnings.map((w) => {
          const text = pick(ctx.lang, w.message, w.messageEn);
          // Say which file a warning is about when its text does not.
          return text.includes(w.file) ? text : `${w.file}: ${text}`;
        }),
      ),
    ],
    options: {
      duplicateWindowMs: windowMs,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(flags.merchant === undefined ? {} : { merchants: flags.merchant }),
    },
  });
  checking.finish();

  await writeReport(ctx, report, format, flags.out, planText);
  const found = report.findings.some((f) => f.kind !== 'fee_undercharge') || report.rejected.length > 0;
  if (found) ctx.exitCode = EXIT_FINDINGS;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function plansIn(ctx: CliContext, dir: string): { path: string; merchantHint?: string }[] {
  const abs = resolve(ctx.cwd, dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    throw new CliError(`无法读取方案目录 ${dir}`, `cannot read the plans directory ${dir}`);
  }
  const plans = names
    .filter((n) => !n.startsWith('.') && PLAN_EXT.has(extname(n).toLowerCase()))
    .sort()
    .map((n) => {
      const stem = basename(n, extname(n));
      const path = join(dir, n);
      // `<merchantId>.yaml` names its merchant; `plan.yaml` or `default.yaml` governs the rest.
      return /^(plan|费率方案|default)$/i.test(stem) ? { path } : { path, merchantHint: stem };
    });
  if (plans.length === 0)
    throw new CliError(`${dir} 中没有费率方案（*.yaml）`, `no plans (*.yaml) in ${dir}`);
  return plans;
}

/** Loads every plan; a plan without a merchantId takes the one its file name or directory implies, if any. */
async function loadPlans(
  ctx: CliContext,
  files: readonly { path: string; merchantHint?: string }[],
): Promise<{ plans: FeePlan[]; planText: string | undefined; planWarnings: string[] }> {
  if (files.length === 0) return { plans: [], planText: undefined, planWarnings: [] };
  const { loadPlanFile, formatPlanIssue } = await import('../../plans/parse-plan.js');
  const plans: FeePlan[] = [];
  const texts: string[] = [];
  const planWarnings: string[] = [];
  for (const file of files) {
    const abs = resolve(ctx.cwd, file.path);
    const parsed = await loadPlanFile(abs);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      const more = parsed.errors.length - 1;
      const line = first === undefined ? '' : formatPlanIssue(file.path, first, ctx.lang);
      throw new CliError(
        `费率方案无效：${line}${more > 0 ? `（另有 ${more} 处错误，用 posguard plan check 查看）` : ''}`,
        `invalid plan: ${line}${more > 0 ? ` (${more} more; see posguard plan check)` : ''}`,
      );
    }
    for (const w of parsed.warnings) planWarnings.push(formatPlanIssue(file.path, w, ctx.lang));
    const hint = file.merchantHint;
    plans.push(
      parsed.plan.merchantId === undefined && hint !== undefined
        ? { ...parsed.plan, merchantId: hint }
        : parsed.plan,
    );
    const text = readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
    texts.push(files.length > 1 ? `# ${file.path}\n${text}` : text);
  }
  return { plans, planText: texts.join('\n'), planWarnings };
}

async function mappingKindOf(ctx: CliContext, mapping: string): Promise<RecordKind | undefined> {
  const { loadPresetFile, PresetError } = await import('../../statements/preset.js');
  try {
    return loadPresetFile(resolve(ctx.cwd, mapping)).kind;
  } catch (error) {
    if (error instanceof PresetError) throw new CliError(error.zh, error.message);
    throw error;
  }
}

/** Shows the file names the user typed, not absolute paths; free when the user typed absolute paths. */
function relabel(result: ImportResult, typed: readonly string[], cwd: string): void {
  const pairs = typed.map((f) => [resolve(cwd, f), f] as const).filter(([abs, f]) => abs !== f);
  if (pairs.length === 0) return;
  const cache = new Map<string, string>();
  const rename = (name: string): string => {
    let renamed = cache.get(name);
    if (renamed === undefined) {
      renamed = name;
      for (const [abs, f] of pairs)
        if (name.startsWith(abs)) {
          renamed = f + name.slice(abs.length);
          break;
        }
      cache.set(name, renamed);
    }
    return renamed;
  };
  for (const f of result.files) {
    const before = f.file;
    f.file = rename(f.file);
    for (const w of f.warnings) {
      w.file = rename(w.file);
      w.message = w.message.split(before).join(f.file);
      w.messageEn = w.messageEn.split(before).join(f.file);
    }
  }
  for (const r of result.rejected) r.file = rename(r.file);
  const records: PosRecord[] = result.records;
  for (const r of records) {
    const file = rename(r.source.file);
    if (file !== r.source.file) r.source = { file, row: r.source.row };
  }
}

async function writeReport(
  ctx: CliContext,
  report: AuditReport,
  format: OutputFormat,
  out: string | undefined,
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
  const path = resolve(ctx.cwd, out);
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new CliError(`无法写入 ${out}（${code}）`, `cannot write ${out} (${code})`);
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
    `${headline(report, ctx.lang)}\n${pick(ctx.lang, `报告已写入 ${out}`, `report written to ${out}`)}\n`,
  );
}

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield '\n';
}
