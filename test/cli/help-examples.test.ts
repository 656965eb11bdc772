import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram, runCli } from '../../src/cli/program.js';

/** The example lines of a help text: the indented `posguard …` lines under 示例： / Examples:. */
function examples(help: string): string[] {
  const m = /\n(?:示例：|Examples:)\n((?: {2}.*\n)+)/.exec(help);
  return (m?.[1] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('posguard '));
}

/** A shell line as argv: words, "quoted words", up to a # comment or a redirection (> file, | next). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(#.*$|[>|].*$)|(\S+)/g)) {
    if (m[2] !== undefined) break;
    out.push(m[1] ?? m[3] ?? '');
  }
  return out.slice(1);
}

/**
 * Whether commander accepts the line as the real program defines it (options, required options, arguments,
 * choices), with every action replaced by nothing: the example would run, not fail on usage.
 */
async function parses(argv: readonly string[]): Promise<string> {
  let stderr = '';
  const ctx: CliContext = {
    lang: 'zh',
    stdout: () => {},
    stderr: (t) => (stderr += t),
    interactive: false,
    cwd: process.cwd(),
    env: {},
    exitCode: 0,
  };
  const program = buildProgram(ctx);
  const quiet = (c: Command): void => {
    if (c.commands.length === 0) c.action(() => {});
    for (const sub of c.commands) quiet(sub);
  };
  quiet(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return '';
  } catch (error) {
    return stderr === '' ? String(error) : stderr;
  }
}

const SUBCOMMANDS = [
  ['case', 'open'],
  ['case', 'move'],
  ['case', 'list'],
  ['case', 'note'],
  ['case', 'attach'],
  ['case', 'show'],
  ['device', 'import'],
  ['device', 'list'],
  ['device', 'inspect'],
  ['backup'],
  ['restore'],
  ['evidence'],
];

describe('every sub-command’s --help has examples that run', () => {
  for (const path of SUBCOMMANDS) {
    for (const lang of ['zh', 'en'] as const) {
      it(`posguard ${path.join(' ')} --help (${lang})`, async () => {
        const run = await runCli([...path, '--help', '--lang', lang], { env: {} });
        expect(run.exitCode).toBe(0);
        expect(run.stdout).toContain(lang === 'zh' ? '\n示例：\n' : '\nExamples:\n');
        const lines = examples(run.stdout);
        expect(lines.length).toBeGreaterThan(0);
        for (const line of lines) {
          expect(line.startsWith(`posguard ${path.join(' ')} `), line).toBe(true);
          expect(await parses(words(line)), line).toBe('');
        }
      });
    }
  }

  it('the check itself refuses a line commander would refuse', async () => {
    expect(await parses(['case', 'move', '3', '已联系', '--merchant', '1'])).toContain(
      '缺少必需的选项 --note',
    );
    expect(await parses(['device', 'list', '--bogus'])).toContain('未知选项 --bogus');
  });

  it('case move marks --note as required, case open --title', async () => {
    const zh = await runCli(['case', 'move', '--help'], { env: {} });
    expect(zh.stdout).toMatch(/--note <text>\s+为什么改变状态（必需）/);
    const en = await runCli(['case', 'move', '--help', '--lang', 'en'], { env: {} });
    expect(en.stdout).toMatch(/--note <text>\s+why the state changes \(required\)/);
    const open = await runCli(['case', 'open', '--help', '--lang', 'en'], { env: {} });
    expect(open.stdout).toMatch(/--title <text>\s+title \(required\)/);
  });

  it('device list explains its exit code 1 (overdue or never inspected)', async () => {
    const zh = await runCli(['device', 'list', '--help'], { env: {} });
    expect(zh.stdout).toContain('1 有终端巡检已逾期或从未巡检');
    const en = await runCli(['device', 'list', '--help', '--lang', 'en'], { env: {} });
    expect(en.stdout).toContain('1 a terminal is overdue or was never inspected');
  });
});

describe('the top-level help shows the main jobs', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`audit a folder, an html report, an evidence pack, serve, simulate, compare (${lang})`, async () => {
      const run = await runCli(['--help', '--lang', lang], { env: {} });
      const lines = examples(run.stdout);
      const commands = lines.map((l) => words(l)[0]);
      for (const c of ['audit', 'evidence', 'serve', 'simulate', 'compare']) expect(commands, c).toContain(c);
      expect(lines.some((l) => /^posguard audit \S+ --format html --out \S+\.html/.test(l))).toBe(true);
      for (const line of lines) expect(await parses(words(line)), line).toBe('');
    });
  }
});
