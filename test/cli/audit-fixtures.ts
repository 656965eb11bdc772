import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

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
