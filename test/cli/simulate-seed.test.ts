import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { tmpDirs } from './audit-fixtures.js';

// `simulate --format json` showed "seed": "1", a string, for --seed 1. An integer seed is now a number in the JSON
// output and in truth.json; any other seed (the generator takes any text) stays the string given: `007` makes
// other data than `7`, so it must not read back as 7.

const tmp = tmpDirs('posguard-sim-seed-');

async function simulate(...seed: string[]) {
  const cwd = tmp();
  const run = await runCli(
    ['simulate', '--out', 'sim', '--days', '2', '--per-day', '2', ...seed, '--format', 'json'],
    { cwd, env: {} },
  );
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const out = JSON.parse(run.stdout) as { seed: unknown; files: string[] };
  const truthFile = out.files.find((f) => f.endsWith('truth.json')) ?? '';
  const truth = JSON.parse(readFileSync(join(cwd, truthFile), 'utf8')) as { seed: unknown };
  return { output: out.seed, truth: truth.seed };
}

describe('posguard simulate --seed in the JSON output and truth.json', () => {
  it('is a number for an integer seed, the default 1 included', async () => {
    expect(await simulate()).toEqual({ output: 1, truth: 1 });
    expect(await simulate('--seed', '42')).toEqual({ output: 42, truth: 42 });
  });

  it('is the string given for any other seed', async () => {
    expect(await simulate('--seed', 'abc')).toEqual({ output: 'abc', truth: 'abc' });
    expect(await simulate('--seed', '007')).toEqual({ output: '007', truth: '007' });
  });

  it('says so in the help', async () => {
    const zh = await runCli(['simulate', '--help'], { env: {} });
    // Commander wraps the description: compare the text with every space and line break taken out.
    const flat = (text: string) => text.replace(/\s+/g, '');
    expect(flat(zh.stdout)).toContain(flat('整数种子（如 42）写为数字，其他（如 abc、007）原样写为字符串'));
    const en = await runCli(['simulate', '--help', '--lang', 'en'], { env: {} });
    expect(flat(en.stdout)).toContain(
      flat('integer seed (42) as a number, any other (abc, 007) as the string given'),
    );
  });
});
