import {
  type Argument,
  Command,
  CommanderError,
  Help,
  type HelpConfiguration,
  InvalidArgumentError,
  Option,
} from 'commander';
import { registerCommands } from './commands/index.js';
import type { CliContext } from './context.js';
import { CliError, EXIT_USAGE, usageErrorLine } from './errors.js';
import { detectLang, type Lang, pick } from './lang.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  interactive?: boolean;
  /** Write straight to the process streams instead of collecting (the real binary). */
  passthrough?: boolean;
}

// The main jobs, in the order a merchant meets them; every command's own --help has more.
const TOP_HELP_ZH = `
示例：
  posguard audit examples/                                        # 核对一个目录（按内容识别结算单、流水、银行流水和方案）
  posguard audit examples/ --format html --out 跳点报告.html       # 离线 HTML 报告
  posguard audit examples/ --format json > report.json            # 供脚本使用
  posguard evidence examples/822841054119608 --out 证据包.zip      # 证据包：报告、明细、投诉函、原始文件与校验值
  posguard simulate --out sim --scenario silent-rate-change       # 生成带跳点的模拟商户
  posguard compare --terminal examples/822841054119608/terminal.csv   # 按自己的流水比较各服务商方案
  posguard serve --port 3000                                      # 启动网页控制台与 API
  posguard plan fee examples/plan.yaml --amount 1234.56 --card credit --date 2026-10-15

运行 posguard <命令> --help 查看每个命令的选项与示例。
退出码：0 没有发现问题；1 发现问题或有被拒绝的行；2 用法错误、文件无法读取或方案无效
（不带命令运行时打印本帮助到标准错误输出，退出码 2）。
`;
const TOP_HELP_EN = `
Examples:
  posguard audit examples/                                        # audit a folder (statements, journals, bank files and plans found by content)
  posguard audit examples/ --format html --out report.html        # an offline HTML report
  posguard audit examples/ --format json > report.json            # for scripts
  posguard evidence examples/822841054119608 --out pack.zip       # evidence pack: report, findings, letter, inputs and hashes
  posguard simulate --out sim --scenario silent-rate-change       # a simulated merchant with a fee jump
  posguard compare --terminal examples/822841054119608/terminal.csv   # compare providers' plans on your own history
  posguard serve --port 3000                                      # the dashboard and the API
  posguard plan fee examples/plan.yaml --amount 1234.56 --card credit --date 2026-10-15

Run posguard <command> --help for each command's options and examples.
Exit codes: 0 nothing found; 1 findings or rejected rows; 2 usage error, unreadable input or invalid plan
(without a command, this help goes to standard error with exit code 2).
`;

/** Builds the `posguard` program for one run. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('posguard');
  program
    .description(
      pick(
        ctx.lang,
        'POS 跳点卫士：核对终端流水、结算单与银行入账，按签约费率查出每一分多扣的手续费。',
        'posguard: reconcile terminal journals, settlement statements and bank credits against your fee contract.',
      ),
    )
    .addOption(
      new Option(
        '--lang <lang>',
        pick(
          ctx.lang,
          'zh | en（默认 zh；环境变量 LANG 为 en* 时为 en）',
          'zh | en (default: zh, or en when LANG=en*)',
        ),
      ).argParser((value: string) => {
        // detectLang has already read zh-CN, en_US…; anything else (fr) would silently print Chinese.
        if (!/^(zh|en)([-_].*)?$/i.test(value)) throw new InvalidArgumentError('Allowed choices are zh, en.');
        return value;
      }),
    )
    .option('--debug', pick(ctx.lang, '出错时打印调用栈（供报告问题用）', 'print stack traces on errors'))
    .addHelpText('after', pick(ctx.lang, TOP_HELP_ZH, TOP_HELP_EN));
  // Before the commands are added: .command() hands the help settings down to every sub-command it creates.
  program
    .configureHelp(helpIn(ctx.lang))
    .helpOption('-h, --help', pick(ctx.lang, '显示帮助', 'display help for command'))
    // `[command]`, like `[options]` and `<file>`, is syntax: kept as written, so that the columns stay aligned.
    .helpCommand('help [command]', pick(ctx.lang, '显示命令的帮助', 'display help for command'));
  registerCommands(program, ctx);
  applyFrame(program, ctx);
  return program;
}

/**
 * Words people type for a command that posguard calls otherwise: suggested for an unknown top-level command instead
 * of commander's closest spelling (explain → plan). Suggestions only, never commands of their own.
 */
const MEANT_COMMAND: Readonly<Record<string, string>> = {
  explain: 'evidence',
  report: 'audit',
  check: 'audit',
  reconcile: 'audit',
};

/** Commander's unknown-command error with the command a known word means as its suggestion. */
function withMeantCommand(message: string, program: Command): string {
  const m = /^(error:\s*)?unknown command '([^']+)'/.exec(message.trim());
  const meant = m === null ? undefined : MEANT_COMMAND[m[2] ?? ''];
  if (meant === undefined || !program.commands.some((c) => c.name() === meant)) return message;
  return `${m?.[1] ?? ''}unknown command '${m?.[2] ?? ''}'\n(Did you mean ${meant}?)`;
}

/** Commander's headings as `posguard --help` shows them in Chinese. */
const TITLES_ZH: Readonly<Record<string, string>> = {
  'Usage:': '用法：',
  'Arguments:': '参数：',
  'Options:': '选项：',
  'Global Options:': '全局选项：',
  'Commands:': '命令：',
};

/**
 * Commander's own words in the help — its headings, an option's choices and default — in the language
 * of the run, through its documented Help hooks: a zh-CN merchant's help was Chinese with English scaffolding
 * (Usage:, Options:, default:). A description written in both languages (`output format / 输出格式`) shows the
 * run's one, and choices a description already lists (`(table|json)`) are said once.
 */
export function helpIn(lang: Lang): HelpConfiguration {
  const zh = lang === 'zh';
  return {
    formatHelp(this: Help, cmd: Command, helper: Help): string {
      const text = Help.prototype.formatHelp.call(this, cmd, helper);
      // Commander writes `Usage: posguard …`; a full-width colon carries its own space.
      return zh ? text.replace(/^用法： /, '用法：') : text;
    },
    styleTitle(title: string): string {
      return zh ? (TITLES_ZH[title] ?? title) : title;
    },
    optionDescription(option: Option): string {
      const extras: string[] = [];
      const choices = option.argChoices;
      if (choices !== undefined)
        extras.push(
          zh ? `可选：${choices.join('、')}` : `choices: ${choices.map((c) => JSON.stringify(c)).join(', ')}`,
        );
      // As commander decides: a default is worth showing for an option that takes a value, or a boolean one.
      const shown =
        option.required ||
        option.optional ||
        (option.isBoolean() && typeof option.defaultValue === 'boolean');
      if (option.defaultValue !== undefined && shown) extras.push(defaultText(option, lang));
      if (option.presetArg !== undefined && option.optional)
        extras.push(
          zh ? `只写选项时为 ${shownValue(option.presetArg)}` : `preset: ${JSON.stringify(option.presetArg)}`,
        );
      if (option.envVar !== undefined)
        extras.push(zh ? `环境变量 ${option.envVar}` : `env: ${option.envVar}`);
      return withExtras(
        inOneLanguage(option.description, lang, choices),
        extras.filter((e) => e !== ''),
        lang,
      );
    },
    argumentDescription(argument: Argument): string {
      const extras: string[] = [];
      const choices = argument.argChoices;
      if (choices !== undefined)
        extras.push(
          zh ? `可选：${choices.join('、')}` : `choices: ${choices.map((c) => JSON.stringify(c)).join(', ')}`,
        );
      if (argument.defaultValue !== undefined) extras.push(defaultText(argument, lang));
      return withExtras(
        inOneLanguage(argument.description, lang, choices),
        extras.filter((e) => e !== ''),
        lang,
      );
    },
  };
}

/** `默认：60s` / `default: "60s"`; nothing in Chinese for an empty list (no value given is no default worth a word). */
function defaultText(item: Option | Argument, lang: Lang): string {
  if (lang === 'en') return `default: ${item.defaultValueDescription ?? JSON.stringify(item.defaultValue)}`;
  if (Array.isArray(item.defaultValue) && item.defaultValue.length === 0) return '';
  return `默认：${item.defaultValueDescription ?? shownValue(item.defaultValue)}`;
}

function shownValue(value: unknown): string {
  return typeof value === 'string' ? value : Array.isArray(value) ? value.join('、') : JSON.stringify(value);
}

function withExtras(description: string, extras: readonly string[], lang: Lang): string {
  if (extras.length === 0) return description;
  if (lang === 'zh') return `${description}（${extras.join('；')}）`;
  return description === '' ? `(${extras.join(', ')})` : `${description} (${extras.join(', ')})`;
}

/**
 * `output format / 输出格式 (table|json)` → `输出格式` or `output format`: the half of a two-language description the
 * run speaks, without the list of choices the help adds itself. Any other description is left as written.
 */
function inOneLanguage(description: string, lang: Lang, choices: readonly string[] | undefined): string {
  const both = /^([^\u3400-\u9fff]+?) \/ (\S*[\u3400-\u9fff]\S*)(.*)$/.exec(description);
  if (both === null) return description;
  const rest = (both[3] ?? '').trim();
  const listed = choices !== undefined && rest === `(${choices.join('|')})`;
  const text = lang === 'zh' ? (both[2] ?? '') : (both[1] ?? '');
  return listed || rest === '' ? text : `${text} ${rest}`;
}

/** Every command, sub-commands included, prints through ctx and reports usage errors as one translated line. */
function applyFrame(command: Command, ctx: CliContext): void {
  const root = command.parent === null;
  // A command that configures its own help (evidence shows the global options) keeps the language's words too.
  const inherited = command.parent?.configureHelp();
  if (inherited !== undefined && command.configureHelp() !== inherited)
    command.configureHelp({ ...inherited, ...command.configureHelp() });
  command.exitOverride().configureOutput({
    writeOut: (t) => ctx.stdout(t),
    writeErr: (t) => ctx.stderr(t),
    outputError: (message) =>
      ctx.stderr(
        `${usageErrorLine(root ? withMeantCommand(message, command) : message, commandPath(command), ctx.lang)}\n`,
      ),
  });
  for (const sub of command.commands) applyFrame(sub, ctx);
}

/** `posguard plan fee`: the command line whose --help explains the flags of this command. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * The arguments with the help request dropped when it asks about a command that does not exist, so that
 * `posguard explain --help` and `posguard help explain` get the unknown-command line (with its suggestion, exit 2)
 * that `posguard explain` gets, instead of commander's top-level help and exit 0, which reads as if explain worked.
 * Help for a real command, a sub-command's own arguments, and anything after `--` are left alone.
 * @example withoutHelpForUnknownCommand(['explain', '--help'], program) → ['explain']
 */
export function withoutHelpForUnknownCommand(argv: readonly string[], program: Command): readonly string[] {
  const isHelp = (arg: string): boolean => arg === '--help' || arg === '-h';
  const named = (command: Command, word: string): Command | undefined =>
    command.commands.find((c) => c.name() === word || c.aliases().includes(word));
  let command = program;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') return argv;
    if (arg.startsWith('-')) {
      const flag = arg.split('=')[0];
      const option = command.options.find((o) => o.long === flag || o.short === flag);
      // `--lang en explain`: the value of an option is no command word.
      if (option?.required === true && !arg.includes('=')) i++;
      continue;
    }
    // A command with arguments of its own (audit DIR): the word is its argument, not a command.
    if (command.commands.length === 0) return argv;
    const sub = named(command, arg);
    if (sub !== undefined) {
      command = sub;
      continue;
    }
    const rest = argv.slice(i + 1);
    if (arg === 'help') {
      const asked = rest.find((a) => !a.startsWith('-'));
      if (asked === undefined || asked === 'help' || named(command, asked) !== undefined) return argv;
      return [...argv.slice(0, i), ...rest.filter((a) => !isHelp(a))];
    }
    return rest.some(isHelp) ? [...argv.slice(0, i + 1), ...rest.filter((a) => !isHelp(a))] : argv;
  }
  return argv;
}

/** Runs the CLI in-process and returns what it printed and its exit code. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env = options.env ?? process.env;
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    lang: detectLang(argv, env),
    stdout: options.passthrough ? (t) => process.stdout.write(t) : (t) => (stdout += t),
    stderr: options.passthrough ? (t) => process.stderr.write(t) : (t) => (stderr += t),
    interactive: options.interactive ?? false,
    cwd: options.cwd ?? process.cwd(),
    env,
    exitCode: 0,
  };
  const debug = argv.includes('--debug');
  try {
    const program = buildProgram(ctx);
    await program.parseAsync(withoutHelpForUnknownCommand(argv, program), { from: 'user' });
  } catch (error) {
    ctx.exitCode = reportError(error, ctx, debug);
  }
  return { exitCode: ctx.exitCode, stdout, stderr };
}

function reportError(error: unknown, ctx: CliContext, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander but successes to the user.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    // `posguard` or `posguard plan` alone: commander prints the help to stderr as the answer to a usage error
    // (its exit code 1 would read as "findings"); `posguard help` is a request and succeeds.
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : EXIT_USAGE;
    return EXIT_USAGE;
  }
  if (error instanceof CliError) {
    ctx.stderr(`posguard: ${pick(ctx.lang, error.zh, error.message)}\n`);
    if (debug && error.stack) ctx.stderr(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr(`posguard: ${pick(ctx.lang, '内部错误', 'internal error')}: ${message}\n`);
  if (debug && error instanceof Error && error.stack) ctx.stderr(`${error.stack}\n`);
  return EXIT_USAGE;
}
