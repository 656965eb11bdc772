import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where test/scratch-build.ts builds the sources once for this run; absent until a test asks for it. */
    scratchBuildDir: string;
  }
}

/**
 * Names this run's scratch build directory and removes it, with its lock and staging siblings, when the run ends.
 * It builds nothing: a run whose tests never ask for the build does not pay for it. The directory is inside the
 * repository because the compiled code imports packages, which Node resolves from node_modules above the file.
 */
export default function setup(project: TestProject): () => void {
  const repo = resolve(import.meta.dirname, '..');
  const dir = join(repo, `.test-build-${process.pid}`);
  project.provide('scratchBuildDir', dir);
  return () => {
    const name = basename(dir);
    for (const entry of readdirSync(dirname(dir))) {
      if (entry === name || entry.startsWith(`${name}.`)) {
        rmSync(join(dirname(dir), entry), { recursive: true, force: true });
      }
    }
  };
}
