import { Option } from 'commander';
import { CliError } from './errors.js';

export type OutputFormat = 'table' | 'json' | 'csv' | 'html';

/** The `--format` option, restricted to what a command can print. */
export function formatOption(choices: readonly OutputFormat[] = ['table', 'json']): Option {
  return new Option('--format <format>', `output format / 输出格式 (${choices.join('|')})`)
    .choices(choices)
    .default('table');
}

export function assertFormat(value: unknown, choices: readonly OutputFormat[]): OutputFormat {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value))
    return value as OutputFormat;
  throw new CliError(`--format 只能是 ${choices.join('|')}`, `--format must be one of ${choices.join('|')}`);
}
