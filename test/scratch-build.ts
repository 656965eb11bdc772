import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const repo = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

let building: Promise<string> | undefined;

/**
 * The directory holding cli/main.js compiled from the current sources (worker threads run compiled JavaScript).
 * The first test file to ask builds it; test files in other worker processes wait for that build, so it happens
 * at most once per vitest run. test/global-setup.ts names the directory and removes it.
 */
export function scratchBuild(): Promise<string> {
  building ??= buildOnce();
  return building;
}

/** `node <scratch build>/cli/main.js ARGS` in cwd, with env over this process's environment. */
export async function runBuilt(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const main = join(await scratchBuild(), 'cli/main.js');
  try {
    const { stdout, stderr } = await run(process.execPath, [main, ...args], {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { exitCode: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function buildOnce(): Promise<string> {
  const dir: string | undefined = inject('scratchBuildDir');
  if (dir === undefined) throw new Error('scratchBuild needs test/global-setup.ts in test.globalSetup');
  // mkdir is atomic: one process of the run wins the lock and builds, the others wait for its result.
  const lock = `${dir}.lock`;
  try {
    mkdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return waitForBuild(dir, lock);
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  const staging = `${dir}.staging`;
  try {
    await run(
      process.execPath,
      [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', staging],
      { cwd: repo, maxBuffer: 64 << 20 },
    );
  } catch (error) {
    // tsc prints its errors on stdout; the waiters rethrow them rather than wait out their hook timeout.
    const message = `tsc -p tsconfig.build.json --outDir ${staging} failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`;
    writeFileSync(join(lock, 'failed'), message);
    throw new Error(message);
  }
  // Renamed only once complete, so a waiter that sees the directory can run it.
  renameSync(staging, dir);
  return dir;
}

async function waitForBuild(dir: string, lock: string): Promise<string> {
  for (;;) {
    if (existsSync(dir)) return dir;
    const failed = readIfThere(join(lock, 'failed'));
    if (failed !== undefined) throw new Error(failed);
    const builder = Number(readIfThere(join(lock, 'pid')));
    // The builder may have renamed the directory into place just before it exited.
    if (builder > 0 && !alive(builder) && !existsSync(dir)) {
      throw new Error(`the scratch build in process ${builder} ended without building ${dir}`);
    }
    await sleep(200);
  }
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
