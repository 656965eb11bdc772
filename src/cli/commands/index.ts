import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerPlanCommand } from './plan.js';
import { registerImportCommand } from './import.js';
import { registerAuditCommand } from './audit.js';
import { registerSimulateCommand } from './simulate.js';
import { registerServeCommand } from './serve.js';
import { registerWatchCommand } from './watch.js';
import { registerBackupCommands } from './backup.js';
import { registerCaseCommand } from './case.js';
import { registerDeviceCommand } from './device.js';
import { registerCompareCommand } from './compare.js';
import { registerEvidenceCommand } from './evidence.js';

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
  registerWatchCommand(program, ctx);
  registerBackupCommands(program, ctx);
  registerCaseCommand(program, ctx);
  registerDeviceCommand(program, ctx);
  registerCompareCommand(program, ctx);
  registerEvidenceCommand(program, ctx);
}
