import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerPlanCommand } from './plan.js';
import { registerImportCommand } from './import.js';
import { registerAuditCommand } from './audit.js';
import { registerSimulateCommand } from './simulate.js';
import { registerServeCommand } from './serve.js';
import { registerBackupCommands } from './backup.js';

/**
 * Every sub-command registers itself here. Each register function declares its flags and help,
 * and imports its implementation lazily inside the action so `posguard --help` stays fast.
 */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
  registerPlanCommand(program, ctx);
  registerImportCommand(program, ctx);
  registerAuditCommand(program, ctx);
  registerSimulateCommand(program, ctx);
  registerServeCommand(program, ctx);
  registerBackupCommands(program, ctx);
}
