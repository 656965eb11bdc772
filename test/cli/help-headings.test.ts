import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram, runCli } from '../../src/cli/program.js';

// Commander's headings are translated with full-width colons (用法：, 选项：); the examples heading was written
// 示例: beside them. Every command's Chinese help now says 示例： (and any heading of its own, such as simulate's
// 场景：, the same way); the English help says Examples:.

/** Every command path of the program, the top level (`[]`) included, walked from the real program. */
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
  const paths: string[][] = [];
  const walk = (command: Command, path: string[]): void => {
    paths.push(path);
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(buildProgram(ctx), []);
  return paths;
}

const paths = commandPaths();

describe('every command’s help heads its examples the same way', () => {
  it('walks the commands of the program', () => {
    // The walk itself finds the sub-commands (a broken walk would check only the top level).
    expect(paths.map((p) => p.join(' '))).toEqual(expect.arrayContaining(['audit', 'plan fee', 'case move']));
  });

  for (const path of paths) {
    const name = path.length === 0 ? 'posguard' : `posguard ${path.join(' ')}`;
    it(`${name} --help: 示例： in Chinese, Examples: in English`, async () => {
      const zh = await runCli([...path, '--help', '--lang', 'zh'], { env: {} });
      expect(zh.exitCode).toBe(0);
      expect(zh.stdout).toContain('用法：');
      expect(zh.stdout).toContain('\n示例：\n');
      // No heading of Chinese words with an ASCII colon (示例:, 场景:).
      expect(zh.stdout.split('\n').filter((l) => /^\s*\p{Script=Han}+:/u.test(l))).toEqual([]);
      const en = await runCli([...path, '--help', '--lang', 'en'], { env: {} });
      expect(en.exitCode).toBe(0);
      expect(en.stdout).toContain('\nExamples:\n');
      expect(en.stdout).not.toContain('示例');
    });
  }
});
