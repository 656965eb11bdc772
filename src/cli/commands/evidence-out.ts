import { resolve } from 'node:path';
import { CliError } from '../errors.js';
import { kindOf, type OutTarget, outTarget } from '../out-path.js';

/** The pack's name in a directory given as --out. */
export const PACK_NAME = 'posguard-evidence.zip';

/**
 * Resolves `posguard evidence --out` before anything is audited. A directory — one that exists, a path ending in
 * `/`, or a missing path not named `.zip` — receives posguard-evidence.zip and is created with its parents when
 * missing; a `.zip` path is the pack itself (its missing folders created, an earlier pack overwritten). An
 * existing file that is no zip, a parent that is a file, or a place that cannot be written is refused now.
 * @example evidenceOut('/work', 'packs/2026-11') → /work/packs/2026-11/posguard-evidence.zip, creating packs/2026-11
 */
export function evidenceOut(cwd: string, out: string): OutTarget {
  const zipNamed = /\.zip$/i.test(out);
  if (kindOf(resolve(cwd, out)) === 'file' && !zipNamed)
    throw new CliError(
      `--out ${out} 是已存在的文件，不是目录：证据包请写到一个目录或 .zip 文件`,
      `--out ${out} is an existing file, not a directory: write the pack to a directory or a .zip file`,
    );
  return outTarget(
    cwd,
    out,
    PACK_NAME,
    (typed, kind) => /[\\/]$/.test(typed) || kind === 'directory' || (kind === 'missing' && !zipNamed),
  );
}
