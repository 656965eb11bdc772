// `npm run bench`: the import benchmark, then the audit benchmark, each as its own process.
// Arguments are passed to bench-audit.mjs (e.g. `npm run bench -- --sizes 1e5,1e6`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let failed = false;
const run = (script, args) => {
  const path = join(here, script);
  if (!existsSync(path)) {
    console.log(`(${script} is missing: skipped)`);
    return;
  }
  console.log(`\n== ${script} ${args.join(' ')}`.trimEnd());
  const r = spawnSync(process.execPath, [path, ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
};
run('bench-import.mjs', []);
run('bench-audit.mjs', process.argv.slice(2));
process.exitCode = failed ? 1 : 0;
