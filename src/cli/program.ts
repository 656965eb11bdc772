import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerCommands } from './commands/index.js';
import type { CliContext } from './context.js';
import { CliError, EXIT_USAGE, usageErrorLine } from './errors.js';
import { detectLang, pick } from './lang.js';

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
      new Option('--lang <lang>', 'zh | en (default: zh, or en when LANG=en*)').argParser((value: string) => {
        // detectLang has already read zh-CN, en_US…; anything else (fr) would silently print Chinese.
        if (!/^(zh|en)([-_].*)?$/i.test(value)) throw new InvalidArgumentError('Allowed choices are zh, en.');
        return value;
      }),
    )
    .option('--debug', 'print stack traces on errors')
    .addHelpText(
      'after',
      pick(
        ctx.lang,
        '\n示例:\n  posguard plan check examples/plan.yaml\n  posguard plan fee examples/plan.yaml --amount 1234.56 --card credit --date 2026-10-15\n',
        '\nExamples:\n  posguard plan check examples/plan.yaml\n  posguard plan fee examples/plan.yaml --amount 1234.56 --card credit --date 2026-10-15\n',
      ),
    );
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

/** Every command, sub-commands included, prints through ctx and reports usage errors as one translated line. */
function applyFrame(command: Command, ctx: CliContext): void {
  const root = command.parent === null;
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
    await buildProgram(ctx).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    ctx.exitCode = reportError(error, ctx, debug);
  }
  return { exitCode: ctx.exitCode, stdout, stderr };
}

function reportError(error: unknown, ctx: CliContext, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander but successes to the user.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return 0;
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
