import { parse } from 'yaml';
import { z } from 'zod';
import { parseAmount } from '../money/index.js';
import { parseLocalDate } from '../statements/parse-date-time.js';

/** One firmware/app version a terminal ran from a local date on. */
export interface DeviceVersion {
  from: string;
  firmware?: string;
  app?: string;
}

/** The SIM card in a terminal and what it costs. */
export interface DeviceSim {
  iccid?: string;
  plan?: string;
  feeFen?: number;
  every?: 'month' | 'quarter' | 'year';
}

/** One terminal as a devices file describes it. */
export interface DeviceInput {
  terminalId: string;
  sn?: string;
  model?: string;
  vendor?: string;
  provider?: string;
  versions: DeviceVersion[];
  sim?: DeviceSim;
  /** Local date of the last inspection the file records. */
  lastInspection?: string;
  inspectionIntervalDays?: number;
}

export interface DevicesFile {
  merchantId?: string;
  terminals: DeviceInput[];
}

export type DevicesParse = { ok: true; file: DevicesFile } | { ok: false; zh: string; en: string };

// A date as people write it (2026-10-13, 2026/10/13, 2026.10.13, 2026年10月13日, 20261013), kept as
// YYYY-MM-DD; a date that does not exist (2026-02-30) is refused rather than rolled over into March.
const date = z.string().transform((raw, ctx) => {
  const parsed = parseLocalDate(raw.trim());
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: `${parsed.problem.en} (expected YYYY-MM-DD)` });
  return z.NEVER;
});
// With the failsafe schema an empty value (`sn:`) or `~`/`null` arrives as text: it means "not given".
const absent = (value: unknown): unknown =>
  typeof value === 'string' && /^(|~|null|Null|NULL)$/.test(value.trim()) ? undefined : value;
const text = z.string().trim().min(1).max(200);
const optionalText = z.preprocess(absent, text.optional());
const optionalDate = z.preprocess(absent, date.optional());
// Parsed with the YAML failsafe schema: every scalar is a string, so SNs, ICCIDs and versions such as 3.10 keep
// their exact digits; numbers are converted here.
const fileSchema = z
  .object({
    merchantId: text.optional(),
    terminals: z
      .array(
        z
          .object({
            terminalId: text,
            sn: optionalText,
            model: optionalText,
            vendor: optionalText,
            provider: optionalText,
            versions: z.preprocess(
              absent,
              z
                .array(z.object({ from: date, firmware: optionalText, app: optionalText }).strict())
                .default([]),
            ),
            sim: z
              .object({
                iccid: optionalText,
                plan: optionalText,
                fee: optionalText,
                every: z.enum(['month', 'quarter', 'year']).optional(),
              })
              .strict()
              .optional(),
            lastInspection: optionalDate,
            inspectionIntervalDays: z
              .string()
              .regex(/^[1-9]\d{0,3}$/, 'expected a whole number of days (1–9999)')
              .optional(),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict();

/**
 * Reads a devices file (the simulator's devices.yaml, optionally with provider, sim, lastInspection and
 * inspectionIntervalDays per terminal); never throws on bad input.
 */
export function parseDevicesFile(source: string): DevicesParse {
  let tree: unknown;
  try {
    tree = parse(source.replace(/^\uFEFF/, ''), { schema: 'failsafe' });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      ok: false,
      zh: `设备文件不是有效的 YAML：${message}`,
      en: `the devices file is not valid YAML: ${message}`,
    };
  }
  const parsed = fileSchema.safeParse(tree);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, zh: `设备文件有误：${where}`, en: `invalid devices file: ${where}` };
  }
  const terminals: DeviceInput[] = [];
  const seen = new Set<string>();
  for (const [index, t] of parsed.data.terminals.entries()) {
    if (seen.has(t.terminalId)) {
      return {
        ok: false,
        zh: `设备文件有误：terminals.${index}.terminalId 重复（${t.terminalId}）`,
        en: `invalid devices file: terminals.${index}.terminalId ${t.terminalId} appears twice`,
      };
    }
    seen.add(t.terminalId);
    const device: DeviceInput = {
      terminalId: t.terminalId,
      versions: t.versions
        .map((v) => ({
          from: v.from,
          ...(v.firmware === undefined ? {} : { firmware: v.firmware }),
          ...(v.app === undefined ? {} : { app: v.app }),
        }))
        .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)),
    };
    if (t.sn !== undefined) device.sn = t.sn;
    if (t.model !== undefined) device.model = t.model;
    if (t.vendor !== undefined) device.vendor = t.vendor;
    if (t.provider !== undefined) device.provider = t.provider;
    if (t.lastInspection !== undefined) device.lastInspection = t.lastInspection;
    if (t.inspectionIntervalDays !== undefined)
      device.inspectionIntervalDays = Number(t.inspectionIntervalDays);
    if (t.sim !== undefined) {
      const sim: DeviceSim = {};
      if (t.sim.iccid !== undefined) sim.iccid = t.sim.iccid;
      if (t.sim.plan !== undefined) sim.plan = t.sim.plan;
      if (t.sim.every !== undefined) sim.every = t.sim.every;
      if (t.sim.fee !== undefined) {
        const fee = parseAmount(t.sim.fee, 'yuan');
        if (!fee.ok || fee.value < 0) {
          return {
            ok: false,
            zh: `设备文件有误：terminals.${index}.sim.fee 应为金额（元），如 99`,
            en: `invalid devices file: terminals.${index}.sim.fee must be an amount in 元, e.g. 99`,
          };
        }
        sim.feeFen = fee.value;
      }
      device.sim = sim;
    }
    terminals.push(device);
  }
  return {
    ok: true,
    file: {
      ...(parsed.data.merchantId === undefined ? {} : { merchantId: parsed.data.merchantId }),
      terminals,
    },
  };
}
