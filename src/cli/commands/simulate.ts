import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';
import { formatFen } from '../../money/fen.js';
import type { SimulateOptions } from '../../simulate/simulate.js';

interface SimulateFlags {
  out: string;
  merchants: string;
  terminals: string;
  days: string;
  perDay: string;
  start: string;
  seed: string;
  scenario: string[];
  preset: string;
  format: 'table' | 'json';
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];

/** `posguard simulate`: writes a realistic merchant's files with faults injected and the truth recorded. */
export function registerSimulateCommand(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description(
      pick(
        ctx.lang,
        '生成模拟商户的终端流水、结算单、银行入账、费率方案和设备清单，可注入跳点场景，并在 truth.json 中记录标准答案',
        'generate a simulated merchant (terminal journal, statements, bank credits, plan, devices) with injected faults and the truth in truth.json',
      ),
    )
    .requiredOption('--out <dir>', pick(ctx.lang, '输出目录', 'output directory'))
    .option('--merchants <n>', pick(ctx.lang, '商户数', 'number of merchants'), '1')
    .option('--terminals <n>', pick(ctx.lang, '每个商户的终端数', 'terminals per merchant'), '3')
    .option('--days <n>', pick(ctx.lang, '天数', 'days to simulate'), '30')
    .option(
      '--per-day <n>',
      pick(ctx.lang, '每个商户每天约多少笔消费', 'sales per merchant per day (about)'),
      '40',
    )
    .option('--start <date>', pick(ctx.lang, '开始日期', 'first day'), '2026-10-01')
    .option(
      '--seed <seed>',
      pick(
        ctx.lang,
        '随机种子，任意文本（同一种子生成完全相同的文件）；JSON 输出和 truth.json 中，整数种子（如 42）写为数字，其他（如 abc、007）原样写为字符串',
        'seed, any text (same seed → identical files); the JSON output and truth.json show an integer seed (42) as a number, any other (abc, 007) as the string given',
      ),
      '1',
    )
    .option(
      '--scenario <name>',
      pick(
        ctx.lang,
        '注入的场景，可重复或用逗号分隔；all 表示全部',
        'scenario to inject; repeat or comma-separate; all = every one',
      ),
      collect,
      [],
    )
    .option(
      '--preset <name>',
      pick(ctx.lang, '结算单格式 generic|leshua|wechat', 'statement layout generic|leshua|wechat'),
      'generic',
    )
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        '\n示例：\n  posguard simulate --out sim\n  posguard simulate --out sim --scenario silent-rate-change --scenario cap-ignored\n  posguard simulate --out sim --scenario all --seed 42 --days 60\n  posguard simulate --out sim --preset leshua --merchants 5 --format json\n\n场景：promo-expiry silent-rate-change fixed-surcharge cap-ignored d0-forced sim-fee deposit\n  network-resubmit keypad-fault void-settled missing-settlement duplicate-settlement late-settlement\n  refund-fee bank-payout-short limit-change software-update\n',
        '\nExamples:\n  posguard simulate --out sim\n  posguard simulate --out sim --scenario silent-rate-change --scenario cap-ignored\n  posguard simulate --out sim --scenario all --seed 42 --days 60\n  posguard simulate --out sim --preset leshua --merchants 5 --format json\n\nScenarios: promo-expiry silent-rate-change fixed-surcharge cap-ignored d0-forced sim-fee deposit\n  network-resubmit keypad-fault void-settled missing-settlement duplicate-settlement late-settlement\n  refund-fee bank-payout-short limit-change software-update\n',
      ),
    )
    .action(async (flags: SimulateFlags) => {
      const checked = await checkFlags(ctx, flags);
      await runSimulate(ctx, checked, flags.format);
    });
}

async function checkFlags(ctx: CliContext, flags: SimulateFlags): Promise<SimulateOptions> {
  const { SCENARIOS, isScenario } = await import('../../simulate/scenarios.js');
  const { SIM_PRESETS, UNSUPPORTED } = await import('../../simulate/simulate.js');
  const count = (name: string, text: string, min: number, max: number) => {
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new CliError(
        `--${name} 应为 ${min} 到 ${max} 之间的整数：${text}`,
        `--${name} must be an integer from ${min} to ${max}: ${text}`,
      );
    return n;
  };
  const names = flags.scenario.includes('all') ? [...SCENARIOS] : flags.scenario;
  const bad = names.filter((n) => !isScenario(n));
  if (bad.length > 0)
    throw new CliError(
      `未知场景 ${bad.join(', ')}；可选：${SCENARIOS.join(' ')}`,
      `unknown scenario ${bad.join(', ')}; valid: ${SCENARIOS.join(' ')}`,
    );
  const preset = SIM_PRESETS.find((p) => p === flags.preset);
  if (!preset)
    throw new CliError(
      `未知格式 ${flags.preset}；可选：${SIM_PRESETS.join(' ')}`,
      `unknown preset ${flags.preset}; valid: ${SIM_PRESETS.join(' ')}`,
    );
  const scenarios = [...new Set(names.filter(isScenario))];
  const unsupported = scenarios.filter((n) => UNSUPPORTED[preset].includes(n));
  if (unsupported.length > 0 && !flags.scenario.includes('all'))
    throw new CliError(
      `${preset} 格式无法体现场景 ${unsupported.join(', ')}（该格式没有结算日期或没有刷卡交易）`,
      `the ${preset} layout cannot show ${unsupported.join(', ')} (it has no settlement date or no card sales)`,
    );
  // A real day, as audit and plan fee take one: Date.parse rolls 2026-02-30 over to 2026-03-02.
  const { checkDate } = await import('./audit-inputs.js');
  const start = checkDate('--start', flags.start) ?? flags.start;
  return {
    out: resolve(ctx.cwd, flags.out),
    merchants: count('merchants', flags.merchants, 1, 100_000),
    terminals: count('terminals', flags.terminals, 1, 50),
    days: count('days', flags.days, 2, 3660),
    perDay: count('per-day', flags.perDay, 1, 10_000_000),
    start,
    seed: flags.seed,
    scenarios: scenarios.filter((n) => !UNSUPPORTED[preset].includes(n)),
    preset,
  };
}

/** Runs the simulation for the CLI and prints its summary (zh-CN table or JSON). */
async function runSimulate(
  ctx: CliContext,
  options: SimulateOptions,
  format: 'table' | 'json',
): Promise<void> {
  const { simulate } = await import('../../simulate/simulate.js');
  const { seedValue } = await import('../../simulate/seed-value.js');
  const { SCENARIO_NAMES_ZH } = await import('../../simulate/scenarios.js');
  const result = simulate(options);
  if (format === 'json') {
    ctx.stdout(
      `${JSON.stringify(
        {
          out: options.out,
          seed: seedValue(options.seed),
          preset: options.preset,
          scenarios: options.scenarios,
          files: result.files.map((f) => relative(ctx.cwd, f)),
          records: {
            terminal: result.terminalRows,
            settlement: result.settlementRows,
            bank: result.bankRows,
          },
          truth: {
            overchargeFen: result.overchargeFen,
            lossFen: result.lossFen,
            findings: result.findings,
            findingsByKind: result.byKind,
            rateChanges: result.rateChanges,
          },
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  const zh = ctx.lang !== 'en';
  const lines: string[] = [];
  lines.push(
    pick(
      ctx.lang,
      `已生成 ${result.merchants.length} 个商户的模拟数据（种子 ${options.seed}，格式 ${options.preset}）→ ${options.out}`,
      `Simulated ${result.merchants.length} merchant(s) (seed ${options.seed}, preset ${options.preset}) → ${options.out}`,
    ),
  );
  lines.push(
    pick(
      ctx.lang,
      `记录：终端流水 ${result.terminalRows} 行，结算单 ${result.settlementRows} 行，银行流水 ${result.bankRows} 行`,
      `Records: terminal ${result.terminalRows}, settlement ${result.settlementRows}, bank ${result.bankRows}`,
    ),
  );
  lines.push(pick(ctx.lang, '注入场景：', 'Injected scenarios:'));
  if (options.scenarios.length === 0)
    lines.push(pick(ctx.lang, '  （无，仅自然发生的情况）', '  (none: natural events only)'));
  for (const s of options.scenarios) lines.push(`  ${s}${zh ? `  ${SCENARIO_NAMES_ZH[s]}` : ''}`);
  lines.push(
    pick(
      ctx.lang,
      `标准答案：多扣手续费 ${formatFen(result.overchargeFen)}，损失合计 ${formatFen(result.lossFen)}，发现 ${result.findings} 条，费率变化 ${result.rateChanges} 次`,
      `Truth: overcharged ${formatFen(result.overchargeFen)}, loss ${formatFen(result.lossFen)}, ${result.findings} findings, ${result.rateChanges} rate change(s)`,
    ),
  );
  for (const [kind, n] of Object.entries(result.byKind)) if (n > 0) lines.push(`  ${kind}: ${n}`);
  lines.push(pick(ctx.lang, '文件：', 'Files:'));
  for (const r of result.merchants)
    lines.push(
      `  ${relative(ctx.cwd, options.out) || '.'}/${r.merchantId}/ terminal.csv settlement.* bank.csv plan.yaml devices.yaml truth.json`,
    );
  ctx.stdout(`${lines.join('\n')}\n`);
}
