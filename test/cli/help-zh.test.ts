import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram, runCli } from '../../src/cli/program.js';

// `posguard --help` and every command's help were Chinese descriptions in English scaffolding: “Usage:”,
// “Options:”, “Commands:”, “Arguments:”, “display help for command”, “(default: "60s")”, “--debug  print stack
// traces on errors”, and `--format  output format / 输出格式`. Commander's words now follow the language: all
// Chinese by default, all English with --lang en.

/** Every command path of the real program: [], ['audit'], ['plan', 'check'], … */
function commandPaths(): string[][] {
  const ctx: CliContext = {
    lang: 'zh',
    stdout: () => {},
    stderr: () => {},
    interactive: false,
    cwd: process.cwd(),
    env: {},
    exitCode: 0,
  };
  const out: string[][] = [];
  const walk = (command: Command, path: string[]): void => {
    out.push(path);
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(buildProgram(ctx), []);
  return out;
}

const ENGLISH_SCAFFOLDING = [
  'Usage:',
  'Options:',
  'Global Options:',
  'Commands:',
  'Arguments:',
  'display help',
  'print stack traces',
  'output format',
  '(default:',
  'default:',
  '(choices:',
  'preset:',
];

describe('posguard help in Chinese (the default)', () => {
  const paths = commandPaths();

  it('finds the commands to check', () => {
    expect(paths.length).toBeGreaterThan(20);
    expect(paths).toContainEqual(['plan', 'check']);
    expect(paths).toContainEqual(['simulate']);
  });

  for (const path of paths) {
    it(`posguard ${[...path, '--help'].join(' ')}: no English scaffolding`, async () => {
      const run = await runCli([...path, '--help'], { env: {} });
      expect(run.exitCode).toBe(0);
      for (const word of ENGLISH_SCAFFOLDING) expect(run.stdout, word).not.toContain(word);
      expect(run.stdout).toMatch(new RegExp(`^用法：posguard${path.map((p) => ` ${p}`).join('')} `));
      expect(run.stdout).toContain('\n选项：\n');
      expect(run.stdout).toMatch(/\n {2}-h, --help +显示帮助\n/);
    });
  }

  it('the top-level help: 命令：, the help command, --lang and --debug in Chinese', async () => {
    const run = await runCli(['--help'], { env: {} });
    expect(run.stdout).toMatch(/^用法：posguard \[options\] \[command\]\n/);
    expect(run.stdout).toContain('\n命令：\n');
    expect(run.stdout).toMatch(/\n {2}help \[command\] +显示命令的帮助\n/);
    expect(run.stdout).toMatch(/\n {2}--lang <lang> +zh \| en（默认 zh；环境变量 LANG 为 en\* 时为 en）\n/);
    expect(run.stdout).toMatch(/\n {2}--debug +出错时打印调用栈（供报告问题用）\n/);
    // Without a command the same help goes to stderr: Chinese too.
    const bare = await runCli([], { env: {} });
    expect(bare.stderr).toMatch(/^用法：posguard /);
    expect(bare.stderr).not.toContain('Options:');
  });

  it('simulate: the format, defaults and choices in Chinese', async () => {
    const run = await runCli(['simulate', '--help'], { env: {} });
    expect(run.stdout).toMatch(/\n {2}--format <format> +输出格式（可选：table、json；默认：table）\n/);
    expect(run.stdout).toMatch(/\n {2}--merchants <n> +商户数（默认：1）\n/);
    // An empty list (no scenario) is no default worth showing.
    expect(run.stdout).toMatch(/\n {2}--scenario <name> +注入的场景，可重复或用逗号分隔；all 表示全部\n/);
  });

  it('arguments and global options get their headings: 参数：, 全局选项：', async () => {
    const audit = await runCli(['audit', '--help'], { env: {} });
    expect(audit.stdout).toContain('\n参数：\n  dir ');
    const evidence = await runCli(['evidence', '--help'], { env: {} });
    expect(evidence.stdout).toContain('\n全局选项：\n  --lang <lang>');
    expect(evidence.stdout).toMatch(/\n {2}--debug +出错时打印调用栈/);
    const plan = await runCli(['plan', '--help'], { env: {} });
    expect(plan.stdout).toContain('\n命令：\n  check ');
  });

  it('`posguard help plan` answers in Chinese as `posguard plan --help` does', async () => {
    const help = await runCli(['help', 'plan'], { env: {} });
    const flag = await runCli(['plan', '--help'], { env: {} });
    expect(help.stdout).toBe(flag.stdout);
    expect(help.stdout).toMatch(/^用法：posguard plan /);
  });
});

describe('posguard help in English (--lang en)', () => {
  for (const path of [[], ['simulate'], ['plan'], ['plan', 'check'], ['audit'], ['evidence']]) {
    it(`posguard ${[...path, '--help', '--lang', 'en'].join(' ')}: English throughout`, async () => {
      const run = await runCli([...path, '--help', '--lang', 'en'], { env: {} });
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^Usage: posguard/);
      expect(run.stdout).toContain('\nOptions:\n');
      expect(run.stdout).toMatch(/\n {2}-h, --help +display help for command\n/);
      for (const word of ['用法', '选项：', '命令：', '参数：', '显示帮助', '输出格式', '默认：', '可选：'])
        expect(run.stdout, word).not.toContain(word);
    });
  }

  it('simulate: one language in --format, the choices once, commander’s English defaults', async () => {
    const run = await runCli(['simulate', '--help', '--lang', 'en'], { env: {} });
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(
      '--format <format> output format (choices: "table", "json", default: "table")',
    );
    expect(run.stdout).toMatch(/--merchants <n> +number of merchants \(default: "1"\)/);
  });

  it('the top-level help: --debug, --lang and the help command in English', async () => {
    const run = await runCli(['--help', '--lang', 'en'], { env: {} });
    expect(run.stdout).toMatch(/\n {2}--debug +print stack traces on errors\n/);
    expect(run.stdout).toMatch(/\n {2}--lang <lang> +zh \| en \(default: zh, or en when LANG=en\*\)\n/);
    expect(run.stdout).toMatch(/\n {2}help \[command\] +display help for command\n/);
    const evidence = await runCli(['evidence', '--help', '--lang', 'en'], { env: {} });
    expect(evidence.stdout).toContain('\nGlobal Options:\n');
  });
});
