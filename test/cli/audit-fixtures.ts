import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';

/** The two card merchants of the hand-written statements of the `posguard audit` tests. */
export const M1 = '898440153991234';
export const M2 = '898440153995678';
/** The header of those statements: one sale a line, 结算日期 given. */
export const HEADER =
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';

/**
 * A maker of temporary directories named `prefix…`, each removed after the test that made it. Call it at the top of
 * a test file: it registers the `afterEach` that removes them.
 */
export function tmpDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** Writes `text` to `dir/name`. */
export function write(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, name), text);
}

/**
 * An auditor of one settlement statement against one plan through the real CLI (`audit --settlement s.csv --plan
 * plan.yaml --format json`), each run in its own temporary directory. Call it at the top of a test file, like
 * tmpDirs. The run must write nothing to stderr.
 */
export function statementAuditor(
  prefix: string,
): (statement: Uint8Array, plan: string) => Promise<{ exitCode: number; report: AuditReport }> {
  const dirs = tmpDirs(prefix);
  return async (statement, plan) => {
    const dir = dirs();
    writeFileSync(join(dir, 's.csv'), statement);
    writeFileSync(join(dir, 'plan.yaml'), plan);
    const run = await runCli(['audit', '--settlement', 's.csv', '--plan', 'plan.yaml', '--format', 'json'], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    return { exitCode: run.exitCode, report: JSON.parse(run.stdout) as AuditReport };
  };
}
