import { type Document, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseAmount } from '../money/index.js';
import { describeYamlErrors } from '../plans/yaml-error.js';
import { parseLocalDate } from '../statements/parse-date-time.js';
import { type DevicesText, devicesIssueText } from './devices-file-issue.js';

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
  ctx.addIssue({
    code: 'custom',
    message: `${parsed.problem.en} (expected YYYY-MM-DD)`,
    params: { zh: `${parsed.problem.zh}（应为 YYYY-MM-DD）` },
  });
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

/** The 1-based line of a path in the file, or of its nearest ancestor there. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
    if (node?.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** A problem at a place in the file: its line (when known), its key path and what is wrong there. */
interface Placed {
  line: number | undefined;
  path: readonly PropertyKey[];
  text: DevicesText;
}

/** A refusal naming where in the file each problem is (line, key path), in both languages. */
function refused(problems: readonly Placed[]): DevicesParse {
  const each = (p: Placed, lang: 'zh' | 'en'): string => {
    const key = p.path.map(String).join('.');
    const line = p.line === undefined ? '' : lang === 'zh' ? `第 ${p.line} 行` : `line ${p.line}`;
    const where = [line, key].filter((w) => w !== '').join(lang === 'zh' ? ' ' : ', ');
    return where === '' ? p.text[lang] : `${where}${lang === 'zh' ? '：' : ': '}${p.text[lang]}`;
  };
  return {
    ok: false,
    zh: `设备文件有误：${problems.map((p) => each(p, 'zh')).join('；')}`,
    en: `invalid devices file: ${problems.map((p) => each(p, 'en')).join('; ')}`,
  };
}

/** The value at a key path of the parsed file; undefined where there is none. */
function valueAt(tree: unknown, path: readonly PropertyKey[]): unknown {
  let current = tree;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Reads a devices file (the simulator's devices.yaml, optionally with provider, sim, lastInspection and
 * inspectionIntervalDays per terminal); never throws on bad input. A refusal names the line and key path of
 * each problem, in zh-CN and English.
 */
export function parseDevicesFile(source: string): DevicesParse {
  const lines = new LineCounter();
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), {
    schema: 'failsafe',
    lineCounter: lines,
    prettyErrors: false,
  });
  // A syntax error reads as one in a plan does: line, column and what to change, in both languages (each
  // duplicate key listed).
  const problems = describeYamlErrors(source, doc.errors);
  if (problems.length > 0) {
    return {
      ok: false,
      zh: problems.map((p) => `设备文件${p.zh}`).join('；'),
      en: problems.map((p) => `the devices file: ${p.en}`).join('; '),
    };
  }
  let tree: unknown;
  try {
    tree = doc.toJS();
  } catch {
    // An alias expanded past the yaml library's limit (a "billion laughs" file).
    return {
      ok: false,
      zh: '设备文件不是有效的 YAML：别名（*）展开过多',
      en: 'the devices file is not valid YAML: its aliases (*) expand too far',
    };
  }
  const parsed = fileSchema.safeParse(tree);
  if (!parsed.success) {
    return refused(
      parsed.error.issues.map((issue) => {
        const value = valueAt(tree, issue.path);
        // An unknown key is placed on its own line, not on its mapping's.
        const first = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
        return {
          line: lineOf(doc, lines, first === undefined ? issue.path : [...issue.path, first]),
          path: issue.path,
          // A blank file reads as null (or nothing): it is empty, not a value of the wrong shape.
          text: devicesIssueText(
            issue,
            issue.path.length === 0 ? value !== null && absent(value) !== undefined : value !== undefined,
          ),
        };
      }),
    );
  }
  const terminals: DeviceInput[] = [];
  const seen = new Set<string>();
  for (const [index, t] of parsed.data.terminals.entries()) {
    if (seen.has(t.terminalId)) {
      const path = ['terminals', index, 'terminalId'];
      const text = { zh: `终端号 ${t.terminalId} 重复`, en: `terminal ${t.terminalId} appears twice` };
      return refused([{ line: lineOf(doc, lines, path), path, text }]);
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
          const path = ['terminals', index, 'sim', 'fee'];
          const text = { zh: '应为金额（元），如 99', en: 'must be an amount in 元, e.g. 99' };
          return refused([{ line: lineOf(doc, lines, path), path, text }]);
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
