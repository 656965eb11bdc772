import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { databaseActorFlags } from '../database-flags.js';
import { formatOption } from '../format-option.js';
import { pick } from '../lang.js';
import { examplesHelp } from './case.js';

/** Registers `posguard device list|import|inspect`: the terminal registry and its inspection schedule. */
export function registerDeviceCommand(program: Command, ctx: CliContext): void {
  const t = (zh: string, en: string): string => pick(ctx.lang, zh, en);
  const run = async (action: string, args: string[], flags: Record<string, unknown>): Promise<void> => {
    const { runDeviceCommand } = await import('../../devices/run-device-command.js');
    await runDeviceCommand(ctx, action, args, flags);
  };
  const devices = program
    .command('device')
    .description(
      t(
        '终端登记、巡检计划（默认每 90 天）与每台终端的核对发现',
        'terminal registry, inspection schedule (every 90 days by default) and findings per terminal',
      ),
    )
    .addHelpText(
      'after',
      t(
        `
示例：
  posguard device import examples/822841054119608/devices.yaml --merchant 1
  posguard device list --merchant 1
  posguard device list --merchant 1 --due --today 2026-12-31
  posguard device inspect 74826033 --merchant 1 --note "外观、键盘、打印正常"

devices.yaml 格式与 posguard simulate 写出的相同；每台终端还可写 provider、sim { iccid, plan, fee, every }、
lastInspection（YYYY-MM-DD）和 inspectionIntervalDays（默认 90）。
`,
        `
Examples:
  posguard device import examples/822841054119608/devices.yaml --merchant 1
  posguard device list --merchant 1
  posguard device list --merchant 1 --due --today 2026-12-31
  posguard device inspect 74826033 --merchant 1 --note "case, keypad and printer fine"

devices.yaml is the format posguard simulate writes; each terminal may also carry provider, sim { iccid, plan, fee, every },
lastInspection (YYYY-MM-DD) and inspectionIntervalDays (default 90).
`,
      ),
    );

  databaseActorFlags(devices.command('import'), ctx)
    .description(t('导入设备文件 devices.yaml', 'import a devices file (devices.yaml)'))
    .argument('<file>', 'devices.yaml')
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        [
          'posguard device import examples/822841054119608/devices.yaml --merchant 1',
          'posguard device import devices.yaml --merchant 1 --db posguard.db',
          'posguard device import devices.yaml --merchant 1 --format json',
        ],
        [
          'posguard device import examples/822841054119608/devices.yaml --merchant 1',
          'posguard device import devices.yaml --merchant 1 --db posguard.db',
          'posguard device import devices.yaml --merchant 1 --format json',
        ],
      ),
    )
    .action((file: string, flags: Record<string, unknown>) => run('import', [file], flags));

  databaseActorFlags(devices.command('list'), ctx)
    .description(t('列出终端、巡检状态和核对发现', 'list terminals with inspection status and findings'))
    .option(
      '--due',
      t('只列出需要巡检（到期、逾期或从未巡检）的终端', 'only terminals due, overdue or never inspected'),
    )
    .option(
      '--today <date>',
      t('按哪天计算巡检状态（默认今天）', 'the date to judge inspections on (default today)'),
    )
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      `${examplesHelp(
        ctx.lang,
        [
          'posguard device list --merchant 1',
          'posguard device list --merchant 1 --due --today 2026-12-31',
          'posguard device list --merchant 1 --format json',
        ],
        [
          'posguard device list --merchant 1',
          'posguard device list --merchant 1 --due --today 2026-12-31',
          'posguard device list --merchant 1 --format json',
        ],
      )}${t(
        '\n退出码：0 所列终端都按期巡检（含即将到期）；1 有终端巡检已逾期或从未巡检（便于定时任务提醒）；2 参数错误或数据库无法打开。\n',
        '\nExit codes: 0 every terminal listed is inspected on time (due soon included); 1 a terminal is overdue or was never inspected (for scheduled reminders); 2 usage error or database not opened.\n',
      )}`,
    )
    .action((flags: Record<string, unknown>) => run('list', [], flags));

  databaseActorFlags(devices.command('inspect'), ctx)
    .description(t('记录一次巡检', 'record an inspection'))
    .argument('<terminal>', t('终端号', 'terminal id'))
    .option('--date <date>', t('巡检日期（默认今天）', 'inspection date (default today)'))
    .option('--note <text>', t('巡检备注', 'what was checked'))
    .addOption(formatOption(['table', 'json']))
    .addHelpText(
      'after',
      examplesHelp(
        ctx.lang,
        [
          'posguard device inspect 74826033 --merchant 1 --note "外观、键盘、打印正常"',
          'posguard device inspect 74826033 --merchant 1 --date 2026-10-20',
          'posguard device inspect 74826033 --merchant 1 --format json',
        ],
        [
          'posguard device inspect 74826033 --merchant 1 --note "case, keypad and printer fine"',
          'posguard device inspect 74826033 --merchant 1 --date 2026-10-20',
          'posguard device inspect 74826033 --merchant 1 --format json',
        ],
      ),
    )
    .action((terminal: string, flags: Record<string, unknown>) => run('inspect', [terminal], flags));
}
