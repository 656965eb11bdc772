import type { Command } from 'commander';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { AuditReport } from '../../audit/report-types.js';
import { bothLanguages } from '../../audit/warning-text.js';
import type { DevicesFile } from '../../explain/parse-devices.js';
import type { FeePlan } from '../../plans/plan-types.js';
import type { RecordKind } from '../../records/index.js';
import { dateFromDayNumber, dayNumber } from '../../time/shanghai.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { pick } from '../lang.js';
import { refuseToOverwriteInput } from '../out-path.js';
import { unreadableFile } from '../unreadable-file.js';
import type { ArchiveReading } from './archive-inputs.js';
import type { InputGroup } from './audit-run.js';
import {
  discoverInputs,
  type Inputs,
  NOT_UTF8_NAME,
  PLAN_EXT,
  type PlanFile,
  planInPlansFolder,
  plansByDirectory,
  plansNotApplied,
  REPLACEMENT,
  type Unused,
  unusedLine,
} from './directory-inputs.js';
import { onePlanPerMerchant } from './plan-precedence.js';

export { discoverInputs, type Inputs } from './directory-inputs.js';

// The input handling `posguard audit` and `posguard evidence` share (moved here from audit.ts unchanged,
// plus devices files for the diagnosis).

/** The flags that say what to audit (everything of `posguard audit` but the output). */
export interface AuditInputFlags {
  settlement?: string[];
  terminal?: string[];
  bank?: string[];
  plan?: string;
  plans?: string;
  devices?: string[];
  merchant?: string[];
  from?: string;
  to?: string;
  terminalPreset?: string;
  settlementPreset?: string;
  bankPreset?: string;
  mapping?: string;
  duplicateWindow: string;
  /**
   * Where the command writes (`--out` of audit and evidence): checked here against every input, the plans, the
   * devices files, the mapping and what a data directory holds included, so that no command forgets one.
   */
  out?: string;
}

/**
 * The options that say what to audit, for every command that runs the audit (`posguard audit`, `posguard
 * evidence`): one wording, so the two commands' help cannot drift apart.
 */
export function addAuditInputOptions(command: Command, t: (zh: string, en: string) => string): Command {
  return command
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
        '每个商户一个费率方案的目录（按方案内 merchantId 或文件名 <商户号>.yaml 对应；同一商户有两个方案时报错，不对应任何被核对商户的方案在提示中列出）',
        'a directory with one plan per merchant (matched by the plan’s merchantId or a file named <merchantId>.yaml; two plans for one merchant are an error, and plans matching no merchant audited are listed as not used)',
      ),
    )
    .option(
      '--devices <files...>',
      t(
        '终端设备记录 devices.yaml（固件/应用版本历史，用于判断软件升级导致的差错；目录模式自动读取）',
        'terminal devices file devices.yaml (firmware/app version history, to recognise errors caused by an update; read automatically from a data directory)',
      ),
    )
    .option('--merchant <ids...>', t('只核对这些商户号', 'audit only these merchant IDs'))
    .option(
      '--from <date>',
      t(
        '起始交易日期 YYYY-MM-DD（含；扣款、返还、到账行按结算日）',
        'first trade date YYYY-MM-DD (inclusive; deduction, rebate and payout lines by settlement date)',
      ),
    )
    .option(
      '--to <date>',
      t(
        '截止交易日期 YYYY-MM-DD（含；扣款、返还、到账行按结算日）',
        'last trade date YYYY-MM-DD (inclusive; deduction, rebate and payout lines by settlement date)',
      ),
    )
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
    );
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

/** A `YYYY-MM-DD` flag value that names a real day, or a usage error naming the flag. */
export function checkDate(flag: string, value: string | undefined): string | undefined {
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

/** A plan that priced the audit: its file as given, the plan, its text, and the merchants it priced. */
export interface AppliedPlan {
  path: string;
  plan: FeePlan;
  text: string;
  merchants: string[];
}

/** What `posguard audit` and `posguard evidence` work from: the inputs found, the plans, and the audit with its diagnoses. */
export interface PreparedAudit {
  report: AuditReport;
  planText: string | undefined;
  plans: FeePlan[];
  /** Of `plans`, those that priced the audit, with the merchants each priced: what the HTML report shows. */
  appliedPlans: AppliedPlan[];
  /** The input files as the user named them (relative to ctx.cwd or absolute). */
  inputs: Inputs;
  /**
   * Of `inputs`, the files of merchants --merchant leaves out (importAndAudit's leftOut): statements and journals
   * without a line of the merchants asked for, other merchants' bank and devices files have no place in their
   * evidence. Also the data directory's plans that govern none of the merchants audited (named as not used in the
   * warnings). Otherwise empty without --merchant.
   */
  otherMerchantsFiles: ReadonlySet<string>;
}

/**
 * Finds, checks and imports the inputs of `posguard audit` (a data directory and/or --settlement etc.), loads the
 * plans and the devices files, audits and diagnoses. Throws CliError for usage errors and unreadable inputs.
 */
export async function prepareAudit(
  ctx: CliContext,
  dir: string | undefined,
  flags: AuditInputFlags,
  /** Called once the inputs are known, before anything is read: the caller's own checks against them. */
  checkInputs?: (inputs: Inputs) => void,
): Promise<PreparedAudit> {
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

  const found: Inputs = { terminal: [], settlement: [], bank: [], plans: [], devices: [] };
  // Every file of the directory is used or named here, with why not.
  let unused: Unused[] = [];
  if (dir !== undefined) {
    const abs = resolve(ctx.cwd, dir);
    if (!existsSync(abs)) throw new CliError(`${dir} 不存在`, `${dir} does not exist`);
    if (!isDirectory(abs))
      throw new CliError(
        `${dir} 不是目录（文件请用 --settlement 等参数给出）`,
        `${dir} is not a directory (give files with --settlement etc.)`,
      );
    const discovered = await discoverInputs(abs, dir);
    Object.assign(found, discovered.inputs);
    unused = discovered.unused;
  }
  const inputs: Inputs = {
    ...withoutRepeats(ctx, found, flags),
    plans: found.plans,
    devices: flags.devices === undefined ? found.devices : [...flags.devices],
  };
  const { readArchivesByTable } = await import('./archive-inputs.js');
  const byTable = await readArchivesByTable(ctx, inputs);
  try {
    return await auditInputs(
      ctx,
      { dir, flags, found, inputs, unused, byTable, from, to, windowMs },
      checkInputs,
    );
  } finally {
    await byTable.cleanup();
  }
}

/** prepareAudit once the files are known: their tables, the plans, the devices; then the audit itself. */
async function auditInputs(
  ctx: CliContext,
  known: {
    dir: string | undefined;
    flags: AuditInputFlags;
    found: Inputs;
    inputs: Inputs;
    unused: Unused[];
    byTable: ArchiveReading;
    from: string | undefined;
    to: string | undefined;
    windowMs: number;
  },
  checkInputs: ((inputs: Inputs) => void) | undefined,
): Promise<PreparedAudit> {
  const { dir, flags, found, inputs, unused, byTable, from, to, windowMs } = known;
  const t = (zh: string, en: string) => pick(ctx.lang, zh, en);
  if (byTable.files.settlement.length === 0) {
    const why = unused.slice(0, 5).map((u) => unusedLine(u, ctx.lang));
    throw new CliError(
      dir === undefined
        ? '缺少结算单：请用 --settlement 给出收单机构的结算单/对账单文件'
        : `${dir} 中没有能识别为结算单的文件；请用 --settlement 给出${why.length > 0 ? `（未使用的文件：${why.join('；')}）` : ''}`,
      dir === undefined
        ? 'no statements: give the provider’s settlement files with --settlement'
        : `no file in ${dir} reads as a settlement statement; give them with --settlement${why.length > 0 ? ` (files not used: ${why.join('; ')})` : ''}`,
    );
  }
  const planFlag = flags.plan !== undefined ? '--plan' : flags.plans !== undefined ? '--plans' : undefined;
  if (planFlag !== undefined) {
    inputs.plans = flags.plan !== undefined ? [{ path: flags.plan }] : plansIn(ctx, flags.plans ?? '');
    const given = new Set(inputs.plans.map((p) => realPath(ctx, p.path)));
    for (const p of found.plans)
      if (!given.has(realPath(ctx, p.path)))
        unused.push({
          file: p.path,
          zh: `费率方案已由 ${planFlag} 指定`,
          en: `the plan was given with ${planFlag}`,
        });
  } else await checkDirectoryPlans(ctx, inputs.plans);
  if (flags.devices !== undefined)
    for (const file of found.devices)
      unused.push({
        file,
        zh: '设备记录已由 --devices 指定',
        en: 'the devices files were given with --devices',
      });
  if (flags.out !== undefined) refuseToOverwriteInput(ctx.cwd, flags.out, inputFiles(inputs, found, flags));
  checkInputs?.(inputs);

  // Plans first: an invalid plan should stop the run before minutes of importing.
  const allLoaded = await loadPlans(ctx, inputs.plans);
  // One plan per merchant (--plan is one plan for all): the more specific of two is kept, the other named as not
  // used; two with nothing to choose between them stop the run.
  const { kept, superseded } =
    flags.plan !== undefined
      ? { kept: allLoaded.map((_, i) => i), superseded: [] }
      : onePlanPerMerchant(
          inputs.plans.map((p, i) => ({
            path: p.path,
            merchantId: allLoaded[i]?.plan.merchantId,
            folder: p.hintFrom === 'folder' ? p.merchantHint : undefined,
            impliedBy: allLoaded[i]?.implied === true ? p.hintFrom : undefined,
          })),
        );
  inputs.plans = kept.map((i) => inputs.plans[i] as Inputs['plans'][number]);
  const loaded = kept.map((i) => allLoaded[i] as LoadedPlan);
  unused.push(...superseded);
  const plans = loaded.map((l) => l.plan);
  const planText = joinedPlanText(
    inputs.plans.map((p) => p.path),
    loaded.map((l) => l.text),
  );
  const planWarnings = [
    // Said first and plainly: without the contract, "no overcharge" only means "no change since the first days".
    ...(inputs.plans.length === 0
      ? [
          bothLanguages(
            '没有费率方案，按收单机构此前实收的费率推断应收手续费；有签约费率时请用 --plan 指定（或放在目录中）',
            'no fee plan: the expected fees are inferred from what the provider charged before; give the contract with --plan (or put it in the directory)',
          ),
        ]
      : []),
    // The report's warnings carry both languages (warning-text.ts), these as the audit's own.
    ...unused.map((u) => bothLanguages(unusedLine(u, 'zh'), unusedLine(u, 'en'))),
    ...loaded.flatMap((l) => l.warnings),
  ];
  const mappingKind =
    flags.mapping === undefined ? undefined : await mappingKindOf(ctx, flags.mapping, inputs);

  const kinds: Omit<InputGroup, 'mappingFile' | 'mappingName'>[] = [
    {
      kind: 'settlement',
      files: byTable.files.settlement,
      preset: flags.settlementPreset,
      label: t('读取结算单', 'statements'),
      located: byTable.located,
    },
    {
      kind: 'terminal',
      files: byTable.files.terminal,
      preset: flags.terminalPreset,
      label: t('读取终端流水', 'journals'),
      located: byTable.located,
    },
    {
      kind: 'bank',
      files: byTable.files.bank,
      preset: flags.bankPreset,
      label: t('读取银行流水', 'bank files'),
      located: byTable.located,
    },
  ];
  const mapping = flags.mapping;
  const groups: InputGroup[] = kinds.map((g) =>
    mapping !== undefined && (mappingKind ?? 'settlement') === g.kind
      ? { ...g, mappingFile: resolve(ctx.cwd, mapping), mappingName: mapping }
      : { ...g, mappingFile: undefined, mappingName: undefined },
  );
  const devices = await loadDevices(ctx, inputs.devices);
  const { importAndAudit } = await import('./audit-run.js');
  const { report, leftOut } = await importAndAudit(ctx, {
    groups,
    plans,
    // --plan is the shop's one contract, for all its merchant numbers; --plans and a directory match by merchant.
    sharedPlan: flags.plan !== undefined,
    planWarnings: [...planWarnings, ...byTable.notes],
    devices,
    options: {
      duplicateWindowMs: windowMs,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(flags.merchant === undefined ? {} : { merchants: flags.merchant }),
    },
  });
  if (flags.merchant !== undefined) await checkMerchantsFound(ctx, flags.merchant, report, groups);
  const otherMerchantsFiles = inputsLeftOut(inputs, byTable, leftOut);
  const { planChooser } = await import('../../audit/audit.js');
  const choose = planChooser(plans, flags.plan !== undefined);
  const planIndexOf = (merchantId: string) => {
    const plan = choose(merchantId);
    return plan === undefined ? undefined : plans.indexOf(plan);
  };
  if (flags.plan === undefined && plans.length > 0) {
    // A plan of the directory or of --plans DIR that governs none of the merchants is a file not used: named
    // beside the others, which head the warnings (importAndAudit puts planWarnings first).
    const { maskCardNumbersIn } = await import('../../records/card-number.js');
    const idle = plansNotApplied(
      inputs.plans.map((p, i) => ({
        path: p.path,
        merchantId: plans[i]?.merchantId,
        impliedBy: loaded[i]?.implied === true ? p.hintFrom : undefined,
      })),
      planIndexOf,
      report.merchants.map((m) => m.merchantId),
    );
    report.warnings.splice(unused.length, 0, ...idle.map((u) => maskCardNumbersIn(unusedLine(u, ctx.lang))));
    // Another merchant's contract, like its statements, has no place in this merchant's evidence: the pack drops
    // the warnings naming it.
    for (const u of idle) otherMerchantsFiles.add(u.file);
  }
  // The inputs as given (an archive whole): the evidence pack carries the files the user has.
  return {
    report,
    planText,
    plans,
    appliedPlans: plansApplied(
      inputs.plans.map((p, i) => ({ path: p.path, plan: plans[i] as FeePlan, text: loaded[i]?.text ?? '' })),
      planIndexOf,
      report.merchants.map((m) => m.merchantId),
    ),
    inputs,
    otherMerchantsFiles,
  };
}

/**
 * The plans that priced the audit, each with the merchants it priced ('' for records without a 商户号), in the
 * order loaded. When no merchant was audited nothing says which plan would have priced what: every plan, with none.
 */
function plansApplied(
  plans: readonly Omit<AppliedPlan, 'merchants'>[],
  planIndexOf: (merchantId: string) => number | undefined,
  audited: readonly string[],
): AppliedPlan[] {
  if (audited.length === 0) return plans.map((p) => ({ ...p, merchants: [] }));
  const merchantsOf = new Map<number, string[]>();
  for (const m of audited) {
    const i = planIndexOf(m);
    if (i !== undefined) merchantsOf.set(i, [...(merchantsOf.get(i) ?? []), m]);
  }
  return plans.flatMap((p, i) => {
    const merchants = merchantsOf.get(i);
    return merchants === undefined ? [] : [{ ...p, merchants }];
  });
}

/**
 * Every file the run reads or was pointed at: the statements, journals and bank files, the plans (each of --plans
 * DIR), the devices files, the --mapping, and whatever a data directory holds as one of those (a plan there that
 * --plan overrides too: it is still the merchant's contract).
 */
function inputFiles(inputs: Inputs, found: Inputs, flags: AuditInputFlags): string[] {
  const files = (i: Inputs) => [
    ...i.settlement,
    ...i.terminal,
    ...i.bank,
    ...i.plans.map((p) => p.path),
    ...i.devices,
  ];
  return [...files(inputs), ...files(found), ...(flags.mapping === undefined ? [] : [flags.mapping])];
}

/**
 * The inputs as given that the audit left out as other merchants' (importAndAudit's `leftOut`, named as the tasks
 * were): an archive read table by table only when every table of it was left out — one of the merchant's own
 * tables in it makes it the merchant's evidence.
 */
function inputsLeftOut(inputs: Inputs, byTable: ArchiveReading, leftOut: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  if (leftOut.size === 0) return out;
  const tables = [...byTable.files.settlement, ...byTable.files.terminal, ...byTable.files.bank];
  for (const file of [...inputs.settlement, ...inputs.terminal, ...inputs.bank]) {
    if (leftOut.has(file)) {
      out.add(file);
      continue;
    }
    const inside = tables.filter((t) => byTable.located.has(t) && t.startsWith(`${file}/`));
    if (inside.length > 0 && inside.every((t) => leftOut.has(t))) out.add(file);
  }
  for (const file of inputs.devices) if (leftOut.has(file)) out.add(file);
  return out;
}

/**
 * A --merchant that is in none of the files audits nothing, and "未发现多扣手续费" would read as a clean bill: a
 * usage error naming the merchants the files do hold. Only when nothing at all was audited are the files read
 * again for their merchants (a typo is the likely cause; the second read costs only then); a merchant whose
 * records all lie outside --from/--to is in the files and gets the empty report it asked for.
 */
async function checkMerchantsFound(
  ctx: CliContext,
  wanted: readonly string[],
  report: AuditReport,
  groups: readonly InputGroup[],
): Promise<void> {
  const audited = report.merchants.some((m) => wanted.includes(m.merchantId));
  if (audited || report.summary.terminalRecords + report.summary.settlementRecords > 0) return;
  const { importFileStreaming } = await import('../../statements/import.js');
  const present = new Set<string>();
  for (const g of groups) {
    if (g.kind === 'bank') continue;
    for (const file of g.files) {
      try {
        await importFileStreaming(
          { path: g.located?.get(file) ?? resolve(ctx.cwd, file) },
          {
            kind: g.kind,
            ...(g.preset === undefined ? {} : { preset: g.preset }),
            ...(g.mappingFile === undefined ? {} : { mappingFile: g.mappingFile }),
            ...(g.mappingName === undefined ? {} : { mappingName: g.mappingName }),
          },
          (record) => {
            if (record.merchantId !== undefined && record.merchantId !== '') present.add(record.merchantId);
          },
        );
      } catch {
        // The audit read it already; what it could not read it reported.
      }
    }
  }
  if (wanted.some((m) => present.has(m))) return;
  const ids = [...present].sort();
  const shown = ids.slice(0, 10);
  const more = ids.length - shown.length;
  throw new CliError(
    `--merchant ${wanted.join('、')} 不在导入的文件中，没有核对任何记录；${ids.length === 0 ? '文件中的记录都没有商户号' : `文件中的商户：${shown.join('、')}${more > 0 ? ` 等 ${ids.length} 个` : ''}`}`,
    `--merchant ${wanted.join(', ')}: not in the files given, so nothing was audited; ${ids.length === 0 ? 'no record of the files names a merchant' : `the files hold merchant${ids.length === 1 ? '' : 's'} ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`}`,
  );
}

const DATA_KINDS = ['settlement', 'terminal', 'bank'] as const;

/**
 * The data files of the directory and the flags, each file once: a file named twice (`--settlement s.csv s.csv`,
 * or a directory and a flag naming a file in it) would otherwise be imported twice and every line of it reported
 * as settled twice. Files are the same when their real paths are (symlinks, `./`, `..` resolved); a copy under
 * another name is left to the import, which keeps its identical records once and says so. A flag outranks the
 * directory's guess from the file name; two flags giving one file two kinds are a usage error.
 */
function withoutRepeats(
  ctx: CliContext,
  found: Inputs,
  flags: AuditInputFlags,
): Pick<Inputs, (typeof DATA_KINDS)[number]> {
  const named: { kind: (typeof DATA_KINDS)[number]; file: string; real: string; flag: boolean }[] = [];
  for (const flag of [false, true])
    for (const kind of DATA_KINDS)
      for (const file of flag ? (flags[kind] ?? []) : found[kind])
        named.push({ kind, file, real: realFile(ctx, file), flag });
  const chosen = new Map<string, (typeof named)[number]>();
  for (const entry of named) {
    const first = chosen.get(entry.real);
    if (first === undefined || (entry.flag && !first.flag)) {
      chosen.set(entry.real, entry);
      continue;
    }
    if (entry.flag && first.kind !== entry.kind)
      throw new CliError(
        `${entry.file} 不能同时作为 --${first.kind} 和 --${entry.kind}`,
        `${entry.file} cannot be both --${first.kind} and --${entry.kind}`,
      );
  }
  const unique = { settlement: [] as string[], terminal: [] as string[], bank: [] as string[] };
  // In the order named, under the name of the entry kept: the report shows the file as the user wrote it there.
  for (const entry of named) if (chosen.get(entry.real) === entry) unique[entry.kind].push(entry.file);
  return unique;
}

/** The file's real path; a CliError when it is not a readable file. */
function realFile(ctx: CliContext, file: string): string {
  try {
    const real = realpathSync(resolve(ctx.cwd, file));
    if (statSync(real).isFile()) return real;
  } catch {
    // Reported below, the same whatever the reason.
  }
  // The shell handed over a name whose bytes are not UTF-8 (a GBK name from unzipping a Windows ZIP on Linux):
  // Node replaced them, so no file of that name can be found.
  if (file.includes(REPLACEMENT))
    throw new CliError(`${file}：${NOT_UTF8_NAME.zh}`, `${file}: ${NOT_UTF8_NAME.en}`);
  const unreadable = unreadableFile(file);
  throw new CliError(unreadable.zh, unreadable.en);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function plansIn(ctx: CliContext, dir: string): PlanFile[] {
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
    .map((n) => planInPlansFolder(join(dir, n), n));
  if (plans.length === 0)
    throw new CliError(`${dir} 中没有费率方案（*.yaml）`, `no plans (*.yaml) in ${dir}`);
  return plans;
}

/** A plan as loadPlans read it. */
interface LoadedPlan {
  plan: FeePlan;
  /** The file as the user wrote it (BOM removed). */
  text: string;
  warnings: string[];
  /** Its merchantId is the one its file name or directory implies, not one it names. */
  implied: boolean;
}

/** Loads every plan; a plan without a merchantId takes the one its file name or directory implies, if any. */
async function loadPlans(ctx: CliContext, files: readonly PlanFile[]): Promise<LoadedPlan[]> {
  if (files.length === 0) return [];
  const { loadPlanFile, formatPlanIssue } = await import('../../plans/parse-plan.js');
  const loaded: LoadedPlan[] = [];
  for (const file of files) {
    const abs = resolve(ctx.cwd, file.path);
    const parsed = await loadPlanFile(abs);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      // A plan that is not there is no invalid plan: said as every missing input is.
      if (first?.code === 'unreadable') {
        const unreadable = unreadableFile(file.path);
        throw new CliError(unreadable.zh, unreadable.en);
      }
      const more = parsed.errors.length - 1;
      const line = first === undefined ? '' : formatPlanIssue(file.path, first, ctx.lang);
      throw new CliError(
        `费率方案无效：${line}${more > 0 ? `（另有 ${more} 处错误，用 posguard plan check 查看）` : ''}`,
        `invalid plan: ${line}${more > 0 ? ` (${more} more; see posguard plan check)` : ''}`,
      );
    }
    const hint = file.merchantHint;
    const implied = parsed.plan.merchantId === undefined && hint !== undefined;
    loaded.push({
      plan: implied ? { ...parsed.plan, merchantId: hint } : parsed.plan,
      text: readFileSync(abs, 'utf8').replace(/^\uFEFF/, ''),
      warnings: parsed.warnings.map((w) =>
        bothLanguages(formatPlanIssue(file.path, w, 'zh'), formatPlanIssue(file.path, w, 'en')),
      ),
      implied,
    });
  }
  return loaded;
}

/** The plans' text as the reports show it: a `# path` line before each of several. */
function joinedPlanText(paths: readonly string[], texts: readonly string[]): string | undefined {
  if (texts.length === 0) return undefined;
  return texts.map((text, i) => (texts.length > 1 ? `# ${paths[i] ?? ''}\n${text}` : text)).join('\n');
}

/**
 * The kind of files the --mapping is for (its `kind`; the statements when it has none), once the mapping is known
 * to be valid and to name the columns those files have: a usage error now, not every row rejected later.
 */
async function mappingKindOf(
  ctx: CliContext,
  mapping: string,
  inputs: Inputs,
): Promise<RecordKind | undefined> {
  const { loadMapping, checkMappedColumns } = await import('./mapping-check.js');
  const loaded = await loadMapping(ctx, mapping);
  const kind = loaded.preset.kind;
  await checkMappedColumns(ctx, loaded, inputs[kind ?? 'settlement'], kind ?? 'settlement');
  return kind;
}

/** The real path of a file, or the path as given when it has none (it is reported where it is read). */
function realPath(ctx: CliContext, file: string): string {
  try {
    return realpathSync(resolve(ctx.cwd, file));
  } catch {
    return resolve(ctx.cwd, file);
  }
}

/**
 * Several plans in one directory of the data directory are one plan per merchant, as --plans takes them, when
 * each names its merchantId; otherwise nothing says which plan governs which merchant, and guessing could audit
 * a shop against another's contract: a usage error naming them. A plans folder (`plans/`, whose
 * `<merchantId>.yaml` names its merchant) is taken as --plans DIR is, without this check: two plans for one
 * merchant there are onePlanPerMerchant's to refuse. Invalid plans are left to loadPlans to report.
 */
async function checkDirectoryPlans(ctx: CliContext, plans: readonly PlanFile[]): Promise<void> {
  const { loadPlanFile } = await import('../../plans/parse-plan.js');
  for (const [dir, group] of plansByDirectory(plans)) {
    if (group.length < 2 || group.some((p) => p.hintFrom === 'file name')) continue;
    const ids = new Map<string, string>();
    const unnamed: string[] = [];
    for (const plan of group) {
      const parsed = await loadPlanFile(resolve(ctx.cwd, plan.path));
      if (!parsed.ok) return;
      const id = parsed.plan.merchantId;
      if (id === undefined) {
        unnamed.push(plan.path);
        continue;
      }
      const other = ids.get(id);
      if (other !== undefined)
        throw new CliError(
          `${other} 与 ${plan.path} 都是商户 ${id} 的费率方案，无法判断用哪一个：请只留一个，或用 --plan 指定`,
          `${other} and ${plan.path} are both plans for merchant ${id}; keep one, or give it with --plan`,
        );
      ids.set(id, plan.path);
    }
    if (unnamed.length === 0) continue;
    const all = group.map((p) => p.path);
    throw new CliError(
      `${dir} 中有 ${all.length} 个费率方案（${all.join('、')}），其中 ${unnamed.join('、')} 没有写 merchantId，无法判断各用于哪个商户：请只留一个方案，或在每个方案中写明 merchantId（每个商户一个），或用 --plan 指定`,
      `${dir} holds ${all.length} plans (${all.join(', ')}) and ${unnamed.join(', ')} name${unnamed.length === 1 ? 's' : ''} no merchantId, so which governs which merchant is unknown: keep one plan, write each plan's merchantId (one per merchant), or give the plan with --plan`,
    );
  }
}

/** The devices files, each with its name as given: --merchant leaves another merchant's out of the diagnoses. */
async function loadDevices(
  ctx: CliContext,
  files: readonly string[],
): Promise<{ file: string; value: DevicesFile }[]> {
  if (files.length === 0) return [];
  const { loadDevicesFile } = await import('../../explain/parse-devices.js');
  return files.map((file) => {
    const parsed = loadDevicesFile(resolve(ctx.cwd, file), file);
    if (!parsed.ok) throw new CliError(parsed.zh, parsed.en);
    return { file, value: parsed.value };
  });
}
