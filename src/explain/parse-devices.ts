import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { describeYamlErrors } from '../plans/yaml-error.js';

/** One terminal's software history, as devices.yaml (written by `posguard simulate`) records it. */
export interface DeviceRecord {
  terminalId: string;
  sn?: string;
  model?: string;
  vendor?: string;
  /** In date order; each version is in force from its `from` date. */
  versions: { from: string; firmware?: string; app?: string }[];
}

export interface DevicesFile {
  merchantId?: string;
  terminals: DeviceRecord[];
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v instanceof Date ? isoDate(v) : undefined;

// YAML 1.1 readers may turn 2026-10-13 into a Date; keep the calendar date it was written as.
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Parses a devices file: `{ merchantId?, terminals: [{ terminalId, sn?, model?, vendor?, versions: [{ from, firmware?, app? }] }] }`.
 * Returns a problem (zh/en) instead of throwing when the text is not such a file.
 */
export function parseDevices(
  source: string,
): { ok: true; value: DevicesFile } | { ok: false; zh: string; en: string } {
  const parsed = parseDocument(source.replace(/^\uFEFF/, ''));
  const [problem] = describeYamlErrors(source, parsed.errors);
  if (problem !== undefined)
    return { ok: false, zh: `设备文件${problem.zh}`, en: `the devices file: ${problem.en}` };
  const doc: unknown = parsed.toJS();
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { terminals?: unknown }).terminals))
    return { ok: false, zh: '设备文件缺少 terminals 列表', en: 'the devices file has no terminals list' };
  const root = doc as { merchantId?: unknown; terminals: unknown[] };
  const terminals: DeviceRecord[] = [];
  for (const [i, entry] of root.terminals.entries()) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const terminalId = text(e.terminalId);
    if (terminalId === undefined)
      return {
        ok: false,
        zh: `设备文件第 ${i + 1} 台终端缺少 terminalId`,
        en: `terminal ${i + 1} in the devices file has no terminalId`,
      };
    const versions: DeviceRecord['versions'] = [];
    for (const v of Array.isArray(e.versions) ? e.versions : []) {
      const row = (v ?? {}) as Record<string, unknown>;
      const from = text(row.from);
      if (from === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(from))
        return {
          ok: false,
          zh: `终端 ${terminalId} 的版本记录缺少日期 from`,
          en: `a version of terminal ${terminalId} has no from date`,
        };
      const firmware = text(row.firmware);
      const app = text(row.app);
      versions.push({
        from,
        ...(firmware === undefined ? {} : { firmware }),
        ...(app === undefined ? {} : { app }),
      });
    }
    versions.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    const d: DeviceRecord = { terminalId, versions };
    for (const key of ['sn', 'model', 'vendor'] as const) {
      const value = text(e[key]);
      if (value !== undefined) d[key] = value;
    }
    terminals.push(d);
  }
  const merchantId = text(root.merchantId);
  return { ok: true, value: { ...(merchantId === undefined ? {} : { merchantId }), terminals } };
}

/** Reads and parses a devices file; the problem names the file. */
export function loadDevicesFile(
  path: string,
  shown = path,
): { ok: true; value: DevicesFile } | { ok: false; zh: string; en: string } {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch {
    return {
      ok: false,
      zh: `${shown}：文件不存在或无法读取`,
      en: `${shown}: the file does not exist or cannot be read`,
    };
  }
  const parsed = parseDevices(source);
  return parsed.ok ? parsed : { ok: false, zh: `${shown}：${parsed.zh}`, en: `${shown}: ${parsed.en}` };
}
