import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

/**
 * An unknown command suggests the command that does what its name asks, not the one spelled closest:
 * `posguard explain` is evidence (it explains the findings and builds the pack), not plan.
 */
describe('unknown command suggestions', () => {
  const cases: [string, string][] = [
    ['explain', 'evidence'],
    ['report', 'audit'],
    ['check', 'audit'],
    ['reconcile', 'audit'],
  ];
  for (const [typed, meant] of cases) {
    it(`${typed} → ${meant}, zh and en, exit 2`, async () => {
      const zh = await runCli([typed, 'statements/'], { env: {} });
      expect(zh.exitCode).toBe(2);
      expect(zh.stdout).toBe('');
      expect(zh.stderr).toBe(
        `posguard: 未知命令 ${typed}，是否想用 ${meant}？（运行 posguard --help 查看用法）\n`,
      );
      const en = await runCli([typed, '--lang', 'en'], { env: {} });
      expect(en.exitCode).toBe(2);
      expect(en.stderr).toBe(
        `posguard: unknown command ${typed}; did you mean ${meant}? (run posguard --help for usage)\n`,
      );
    });
  }

  it('keeps commander’s own guess for a typo and no guess for a stranger', async () => {
    const typo = await runCli(['evidnce'], { env: {} });
    expect(typo.stderr).toBe(
      'posguard: 未知命令 evidnce，是否想用 evidence？（运行 posguard --help 查看用法）\n',
    );
    const bogus = await runCli(['bogus'], { env: {} });
    expect(bogus.stderr).toBe('posguard: 未知命令 bogus（运行 posguard --help 查看用法）\n');
  });

  it('the aliases are no commands: not in the help, and a sub-command is not touched', async () => {
    const help = await runCli(['--help'], { env: {} });
    expect(help.stdout).not.toMatch(/^\s+(explain|report|reconcile)\b/m);
    const sub = await runCli(['plan', 'explain'], { env: {} });
    expect(sub.exitCode).toBe(2);
    expect(sub.stderr).toBe('posguard: 未知命令 explain（运行 posguard plan --help 查看用法）\n');
  });
});
