import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openCliSession } from '../cases/cli-session.js';
import type { CliContext } from '../cli/context.js';
import { CliError } from '../cli/errors.js';
import { pick } from '../cli/lang.js';
import { formatFen } from '../money/index.js';
import { auditFromInput, merchantAuditInput } from '../server/merchant-audit.js';
import { parseLocalDate } from '../statements/parse-date-time.js';
import { AccessDenied } from '../storage/access.js';
import { DeviceError, importDevices, listDevices, recordInspection } from '../storage/devices-repo.js';
import { todayInShanghai } from '../time/shanghai.js';
import { findingsByTerminal } from './findings-by-terminal.js';
import { parseDevicesFile } from './parse-devices-file.js';

const STATUS_ZH = { ok: '正常', due: '即将到期', overdue: '已逾期', never: '从未巡检' } as const;
const IMPORT_STATUS_ZH = { created: '新增', updated: '更新', unchanged: '未变' } as const;

function dateFlag(text: string | undefined, flag: string): string | undefined {
  if (text === undefined) return undefined;
  // 2026/10/13 and 2026年10月13日 are read too; a day that does not exist (2026-02-30) is refused, not rolled
  // over into March.
  const parsed = parseLocalDate(text);
  if (!parsed.ok || !/^\d{4}/.test(text.trim())) {
    throw new CliError(`${flag} 应为日期 YYYY-MM-DD：${text}`, `${flag} must be a date YYYY-MM-DD: ${text}`);
  }
  return parsed.value;
}

/** Runs one `posguard device` sub-command on the database. */
export async function runDeviceCommand(
  ctx: CliContext,
  action: string,
  args: string[],
  flags: Record<string, unknown>,
): Promise<void> {
  const t = (zh: string, en: string): string => pick(ctx.lang, zh, en);
  const str = (k: string): string | undefined => (typeof flags[k] === 'string' ? flags[k] : undefined);
  // Read and check the file before opening the database, so a bad file changes nothing.
  let file: ReturnType<typeof parseDevicesFile> | undefined;
  if (action === 'import') {
    let text: string;
    try {
      text = await readFile(resolve(ctx.cwd, args[0] ?? ''), 'utf8');
    } catch {
      throw new CliError(
        `无法读取设备文件：${args[0] ?? ''}`,
        `cannot read the devices file: ${args[0] ?? ''}`,
      );
    }
    file = parseDevicesFile(text);
    if (!file.ok) throw new CliError(`${args[0] ?? ''}: ${file.zh}`, `${args[0] ?? ''}: ${file.en}`);
    const today = todayInShanghai();
    const ahead = file.file.terminals.find((d) => d.lastInspection !== undefined && d.lastInspection > today);
    if (ahead !== undefined) {
      throw new CliError(
        `${args[0] ?? ''}: 终端 ${ahead.terminalId} 的 lastInspection ${ahead.lastInspection ?? ''} 晚于今天（${today}）`,
        `${args[0] ?? ''}: terminal ${ahead.terminalId} has lastInspection ${ahead.lastInspection ?? ''}, after today (${today})`,
      );
    }
  }
  const today = dateFlag(str('today'), '--today') ?? todayInShanghai();
  const inspectedOn = dateFlag(str('date'), '--date') ?? todayInShanghai();
  // An inspection is something that happened: a date in the future (a typo for the year) would push the next
  // due date out and hide the terminal from every reminder.
  if (action === 'inspect' && inspectedOn > todayInShanghai()) {
    throw new CliError(
      `--date ${inspectedOn} 晚于今天（${todayInShanghai()}），巡检日期不能在将来`,
      `--date ${inspectedOn} is after today (${todayInShanghai()}): an inspection cannot be in the future`,
    );
  }
  const session = await openCliSession(ctx, {
    ...(str('db') === undefined ? {} : { db: str('db') as string }),
    ...(str('merchant') === undefined ? {} : { merchant: str('merchant') as string }),
    ...(str('user') === undefined ? {} : { user: str('user') as string }),
  });
  const { storage, userId, merchantId } = session;
  const actor = { userId, at: new Date().toISOString(), address: 'cli' };
  try {
    if (action === 'import' && file?.ok === true) {
      const result = await importDevices(storage.db, actor, merchantId, file.file);
      if (str('format') === 'json') {
        // What the database now holds for each terminal of the file (merged with what was there before), in
        // the shape `device list --format json` gives a terminal, so scripts read one vocabulary; `status` says
        // what this import did to it.
        const importedToday = todayInShanghai();
        const stored = new Map(
          (await listDevices(storage.db, userId, merchantId, importedToday)).map((d) => [d.terminalId, d]),
        );
        const terminals = result.statuses.flatMap(({ terminalId, status }) => {
          const d = stored.get(terminalId);
          return d === undefined ? [] : [{ status, ...d }];
        });
        const { created, updated, unchanged } = result;
        ctx.stdout(
          `${JSON.stringify({ today: importedToday, created, updated, unchanged, terminals }, null, 2)}\n`,
        );
      } else {
        for (const { terminalId, status } of result.statuses) {
          ctx.stdout(`${terminalId}  ${ctx.lang === 'en' ? status : IMPORT_STATUS_ZH[status]}\n`);
        }
        ctx.stdout(
          t(
            `新增 ${result.created} 台，更新 ${result.updated} 台，未变 ${result.unchanged} 台\n`,
            `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged\n`,
          ),
        );
      }
    } else if (action === 'list') {
      let devices = await listDevices(storage.db, userId, merchantId, today);
      if (flags['due'] === true) devices = devices.filter((d) => d.inspection.status !== 'ok');
      const byTerminal = findingsByTerminal(
        auditFromInput(await merchantAuditInput(storage.db, userId, merchantId, ctx.lang), {}),
      );
      const rows = devices.map((d) => {
        const f = byTerminal.get(d.terminalId);
        return {
          ...d,
          findings:
            f === undefined
              ? { findings: 0, overchargeFen: 0, lossFen: 0, byKind: {} }
              : {
                  findings: f.findings,
                  overchargeFen: f.overchargeFen,
                  lossFen: f.lossFen,
                  byKind: f.byKind,
                },
        };
      });
      if (str('format') === 'json') ctx.stdout(`${JSON.stringify({ today, devices: rows }, null, 2)}\n`);
      else if (rows.length === 0) ctx.stdout(t('没有终端\n', 'no terminals\n'));
      else {
        for (const d of rows) {
          const status = ctx.lang === 'en' ? d.inspection.status : STATUS_ZH[d.inspection.status];
          const version = d.current === null ? '-' : `${d.current.firmware ?? '-'}/${d.current.app ?? '-'}`;
          const next = d.inspection.nextDue ?? t('尽快', 'now');
          ctx.stdout(
            `${d.terminalId}  ${d.vendor ?? '-'} ${d.model ?? '-'}  SN ${d.sn ?? '-'}  ${version}  ${t('巡检', 'inspection')}: ${status} (${t('下次', 'next')} ${next})  ${t('发现', 'findings')}: ${d.findings.findings} ${formatFen(d.findings.overchargeFen)}\n`,
          );
        }
      }
      if (rows.some((d) => d.inspection.status === 'overdue' || d.inspection.status === 'never'))
        ctx.exitCode = 1;
    } else if (action === 'inspect') {
      const note = str('note');
      const device = await recordInspection(storage.db, actor, merchantId, args[0] ?? '', {
        date: inspectedOn,
        ...(note === undefined ? {} : { note }),
      });
      if (str('format') === 'json') {
        // The status is judged on today, as `device list` does: an inspection recorded for a past date can
        // still leave the terminal overdue, and a script must see that.
        const inspectedToday = todayInShanghai();
        const stored = (await listDevices(storage.db, userId, merchantId, inspectedToday)).find(
          (d) => d.terminalId === device.terminalId,
        );
        const recorded = { date: inspectedOn, note: note?.trim() || null, userId };
        ctx.stdout(
          `${JSON.stringify({ today: inspectedToday, recorded, device: stored ?? device }, null, 2)}\n`,
        );
      } else {
        ctx.stdout(
          t(
            `已记录终端 ${device.terminalId} 于 ${inspectedOn} 的巡检，下次：${device.inspection.nextDue ?? '-'}\n`,
            `recorded the inspection of ${device.terminalId} on ${inspectedOn}; next: ${device.inspection.nextDue ?? '-'}\n`,
          ),
        );
      }
    }
  } catch (error) {
    if (error instanceof DeviceError) throw new CliError(error.zh, error.message);
    if (error instanceof AccessDenied) throw new CliError(`无权操作商户 ${merchantId}`, error.message);
    throw error;
  } finally {
    await storage.close();
  }
}
