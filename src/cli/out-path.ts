import { accessSync, constants, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './errors.js';

/** Where --out writes: `shown` is the path as the user would type it, `abs` the file itself. */
export interface OutTarget {
  shown: string;
  abs: string;
  /** A directory to create first (mkdir -p), when the target's is missing. */
  mkdir?: string;
}

export function kindOf(path: string): 'file' | 'directory' | 'missing' | 'other' {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * Resolves --out before any work is done, so a typo does not cost the minutes an agent's files take: a directory
 * (`isDirectory` decides, given the path as typed and what is there) receives `fileName`; missing folders are
 * created when the file is written (makeOutDirs); a target that is a directory, a parent that is a file, or a
 * place that cannot be written is a CliError now, naming the path.
 * @example outTarget('/work', 'reports/', 'posguard-audit.html', …) → /work/reports/posguard-audit.html
 */
export function outTarget(
  cwd: string,
  out: string,
  fileName: string,
  isDirectory: (out: string, kind: ReturnType<typeof kindOf>) => boolean,
): OutTarget {
  const abs = resolve(cwd, out);
  const target = isDirectory(out, kindOf(abs))
    ? { shown: join(out, fileName), abs: join(abs, fileName) }
    : { shown: out, abs };
  if (kindOf(target.abs) === 'directory')
    throw new CliError(
      `无法写入 ${target.shown}：这是一个目录`,
      `cannot write ${target.shown}: it is a directory`,
    );
  // The nearest folder that exists must be a writable directory: the missing ones are created with the file.
  const parent = dirname(target.abs);
  let existing = parent;
  while (kindOf(existing) === 'missing' && dirname(existing) !== existing) existing = dirname(existing);
  if (kindOf(existing) !== 'directory')
    throw new CliError(
      `无法写入 ${target.shown}：${existing} 不是目录`,
      `cannot write ${target.shown}: ${existing} is not a directory`,
    );
  const checked = kindOf(target.abs) === 'file' ? target.abs : existing;
  try {
    accessSync(checked, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    throw new CliError(
      `无法写入 ${target.shown}：${checked} 没有写入权限（${code}）`,
      `cannot write ${target.shown}: ${checked} is not writable (${code})`,
    );
  }
  return existing === parent ? target : { ...target, mkdir: parent };
}

/** Creates the folders an OutTarget needs (mkdir -p); a CliError naming the path when that fails. */
export function makeOutDirs(out: OutTarget): void {
  if (out.mkdir === undefined) return;
  try {
    mkdirSync(out.mkdir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new CliError(
      `无法创建目录 ${dirname(out.shown)}（${code}）`,
      `cannot create the folder ${dirname(out.shown)} (${code})`,
    );
  }
}

/**
 * The one guard of every command that writes --out: writing over one of the run's own inputs — a statement, a ZIP
 * of them, the contract (plan), a devices file, a column mapping — would destroy the merchant's evidence, and the
 * report that replaced it would still read as if the run had gone well. `out` is the target (an OutTarget) or the
 * path as typed; the same file is found however it is named (`./`, `..`, symlinks: real paths compared). Only a
 * file that exists can be lost, so a target that does not exist yet (or is a directory) passes.
 * @example refuseToOverwriteInput('/work', 'data/plan.yaml', ['data/plan.yaml']) throws “--out data/plan.yaml 是输入文件 …”
 */
export function refuseToOverwriteInput(
  cwd: string,
  out: Pick<OutTarget, 'shown' | 'abs'> | string,
  inputs: readonly string[],
): void {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  };
  const { shown, abs } = typeof out === 'string' ? { shown: out, abs: resolve(cwd, out) } : out;
  if (kindOf(abs) !== 'file') return;
  const target = real(abs);
  const input = inputs.find((name) => real(resolve(cwd, name)) === target);
  if (input !== undefined)
    throw new CliError(
      `--out ${shown} 是输入文件 ${input}，不能覆盖`,
      `--out ${shown} is the input file ${input}; it will not be overwritten`,
    );
}
