import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/**
 * Every sub-command registers itself here. Each register function declares its flags and help,
 * and imports its implementation lazily inside the action so `posguard --help` stays fast.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
