import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

// Issue 2: a usage error is one line in the user's language and exit code 2; a typo must not bury it under
// the whole help.
describe('usage errors from the command line parser', () => {
  const cases: [string, string[], string, string][] = [
    [
      'an unknown flag',
      ['audit', '--bogus'],
      'posguard: 未知选项 --bogus（运行 posguard audit --help 查看用法）',
      'posguard: unknown option --bogus (run posguard audit --help for usage)',
    ],
    [
      'a format the command cannot print',
      ['audit', '--format', 'xml'],
      'posguard: --format 不能是“xml”，可选：table、json、csv、html（运行 posguard audit --help 查看用法）',
      'posguard: --format cannot be "xml"; choose one of table, json, csv, html (run posguard audit --help for usage)',
    ],
    [
      'a near miss of a flag',
      ['audit', '--formt', 'json'],
      'posguard: 未知选项 --formt，是否想用 --format？（运行 posguard audit --help 查看用法）',
      'posguard: unknown option --formt; did you mean --format? (run posguard audit --help for usage)',
    ],
    [
      'a missing required option of a sub-command',
      ['plan', 'fee', 'plan.yaml'],
      'posguard: 缺少必需的选项 --amount（运行 posguard plan fee --help 查看用法）',
      'posguard: missing the required option --amount (run posguard plan fee --help for usage)',
    ],
    [
      'a flag without its value',
      ['import', 'x.csv', '--kind'],
      'posguard: --kind 缺少取值（运行 posguard import --help 查看用法）',
      'posguard: --kind needs a value (run posguard import --help for usage)',
    ],
    [
      'too many arguments',
      ['audit', 'a', 'b'],
      'posguard: 参数过多：应为 1 个，实际 2 个（运行 posguard audit --help 查看用法）',
      'posguard: too many arguments: expected 1, got 2 (run posguard audit --help for usage)',
    ],
    [
      'an unknown command',
      ['bogus'],
      'posguard: 未知命令 bogus（运行 posguard --help 查看用法）',
      'posguard: unknown command bogus (run posguard --help for usage)',
    ],
  ];
  for (const [name, argv, zh, en] of cases) {
    it(`${name}: one zh-CN line by default`, async () => {
      const run = await runCli(argv, { env: {} });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`${zh}\n`);
    });
    it(`${name}: one English line with --lang en`, async () => {
      const run = await runCli([...argv, '--lang', 'en'], { env: {} });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toBe(`${en}\n`);
    });
  }

  it('speaks English when LANG says so', async () => {
    const run = await runCli(['audit', '--bogus'], { env: { LANG: 'en_US.UTF-8' } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('posguard: unknown option --bogus (run posguard audit --help for usage)\n');
  });

  it('leaves --help as it was: the whole help on standard output, exit 0', async () => {
    const run = await runCli(['audit', '--help'], { env: {} });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^用法：posguard audit \[options\] \[dir\]\n/);
    expect(run.stdout).toContain('--settlement <files...>');
    expect(run.stdout).toContain('退出码：0 未发现问题');
  });

  it('describes the audit inputs alike in `audit --help` and `evidence --help`', async () => {
    const optionLines = (help: string) =>
      help
        .split('\n')
        .filter((line) =>
          /^ {2}--(settlement|terminal|bank|plans?|devices|merchant|from|to|[a-z]+-preset|mapping|duplicate-window)\b/.test(
            line,
          ),
        );
    const audit = optionLines((await runCli(['audit', '--help'], { env: {} })).stdout);
    const evidence = optionLines((await runCli(['evidence', '--help'], { env: {} })).stdout);
    expect(audit).toHaveLength(14);
    expect(audit.join('\n')).toContain('每个商户一个费率方案的目录（按方案内 merchantId');
    expect(evidence).toEqual(audit);
  });

  it('refuses a --lang other than zh or en instead of printing Chinese in silence', async () => {
    for (const argv of [
      ['audit', '.', '--lang', 'fr'],
      ['--lang=fr', 'plan', 'check', 'plan.yaml'],
    ]) {
      const run = await runCli(argv, { env: {} });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('posguard: --lang 不能是“fr”，可选：zh、en（运行 posguard --help 查看用法）\n');
    }
    const en = await runCli(['bogus', '--lang', 'en-US'], { env: {} });
    expect(en.stderr).toBe('posguard: unknown command bogus (run posguard --help for usage)\n');
  });

  it('shows, in `evidence --help`, examples that run on any checkout', async () => {
    const repo = new URL('../../', import.meta.url).pathname;
    for (const lang of ['zh', 'en']) {
      const help = (await runCli(['evidence', '--help', '--lang', lang], { env: {} })).stdout;
      const dirs = [...help.matchAll(/^ {2}posguard evidence (examples\/\S*)/gm)].map((m) => m[1] ?? '');
      // The plain run and the one writing into a folder.
      expect(dirs).toEqual(['examples/', 'examples/']);
      for (const dir of dirs) expect(existsSync(join(repo, dir))).toBe(true);
    }
  });
});
