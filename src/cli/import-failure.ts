import type { ImportFileError } from '../statements/import-types.js';
import { CliError } from './errors.js';

/** An input as the command read it (absolute) and as the user typed it. */
export interface TypedInput {
  abs: string;
  typed: string;
}

/**
 * A file the import could not read, as a usage error naming it as the user typed it: the import names the path
 * it read, and a table in an archive (path/member) or a workbook's sheet (path#sheet) keeps its inner name.
 */
export function typedImportFailure(error: ImportFileError, inputs: readonly TypedInput[]): CliError {
  const input = [...inputs]
    .sort((a, b) => b.abs.length - a.abs.length)
    .find(
      (t) => error.file === t.abs || error.file.startsWith(`${t.abs}/`) || error.file.startsWith(`${t.abs}#`),
    );
  if (input === undefined || input.abs === input.typed) return new CliError(error.zh, error.message);
  const typed = input.typed + error.file.slice(input.abs.length);
  return new CliError(error.zh.split(error.file).join(typed), error.message.split(error.file).join(typed));
}
