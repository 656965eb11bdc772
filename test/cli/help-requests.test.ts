import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

/**
 * A help request about a command that does not exist gets the same answer as the command itself (unknown, with the
 * command meant, exit 2), and posguard without a command is a usage error: help on stderr, exit 2.
 */
describe('help for a command that does not exist', () => {
  const zhExplain = 'posguard: 未知命令 explain，是否想用 evidence？（运行 posguard --help 查看用法）\n';
  const enExplain =
    'posguard: unknown command explain; did you mean evidence? (run posguard --help for usage)\n';

  for (const argv of [
    ['explain', '--help'],
    ['explain', '-h'],
    ['explain', 'statements/', '--help'],
    ['help', 'explain'],
  ]) {
    it(`posguard ${argv.join(' ')} answers as posguard explain does, zh and en`, async () => {
      const bare = await runCli(['explain'], { env: {} });
      const zh = await runCli(argv, { env: {} });
      expect(zh).toEqual({ exitCode: 2, stdout: '', stderr: zhExplain });
      expect(zh).toEqual(bare);
      const en = await runCli([...argv, '--lang', 'en'], { env: {} });
      expect(en).toEqual({ exitCode: 2, stdout: '', stderr: enExplain });
    });
  }

  it('reads past the value of --lang to find the command word', async () => {
    const run = await runCli(['--lang', 'en', 'explain', '--help'], { env: {} });
    expect(run).toEqual({ exitCode: 2, stdout: '', stderr: enExplain });
  });

  it('a stranger and a typo too', async () => {
    const bogus = await runCli(['bogus', '--help'], { env: {} });
    expect(bogus).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'posguard: 未知命令 bogus（运行 posguard --help 查看用法）\n',
    });
    const typo = await runCli(['help', 'evidnce'], { env: {} });
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toBe(
      'posguard: 未知命令 evidnce，是否想用 evidence？（运行 posguard --help 查看用法）\n',
    );
  });

  it('an unknown sub-command of a real command names that command’s help', async () => {
    const run = await runCli(['plan', 'explain', '--help'], { env: {} });
    expect(run).toEqual({
      exitCode: 2,
      stdout: '',
      stderr: 'posguard: 未知命令 explain（运行 posguard plan --help 查看用法）\n',
    });
  });

  it('leaves help for real commands alone, and a command’s argument is no command word', async () => {
    for (const argv of [
      ['--help'],
      ['help'],
      ['help', 'plan'],
      ['plan', '--help'],
      ['audit', 'explain', '--help'],
    ]) {
      const run = await runCli(argv, { env: {} });
      expect(run.exitCode, argv.join(' ')).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^用法：posguard/);
    }
    const audit = await runCli(['audit', 'explain', '--help'], { env: {} });
    expect(audit.stdout).toMatch(/^用法：posguard audit \[options\] \[dir\]\n/);
  });
});

describe('posguard without a command', () => {
  it('prints the help on stderr and exits 2, as a usage error', async () => {
    const run = await runCli([], { env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^用法：posguard \[options\] \[command\]\n/);
    expect(run.stderr).toContain('不带命令运行时打印本帮助到标准错误输出，退出码 2');
  });

  it('a command group without its sub-command too', async () => {
    for (const group of ['plan', 'case', 'device']) {
      const run = await runCli([group], { env: {} });
      expect(run.exitCode, group).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^用法：posguard ${group} \\[options\\] \\[command\\]\\n`));
    }
  });

  it('the top-level help states the exit codes, zh and en', async () => {
    const zh = await runCli(['--help'], { env: {} });
    expect(zh.stdout).toContain('退出码：0 没有发现问题；1 发现问题或有被拒绝的行；2 用法错误');
    const en = await runCli(['--help', '--lang', 'en'], { env: {} });
    expect(en.stdout).toContain('Exit codes: 0 nothing found; 1 findings or rejected rows; 2 usage error');
    expect(en.stdout).toContain('without a command, this help goes to standard error with exit code 2');
  });
});
