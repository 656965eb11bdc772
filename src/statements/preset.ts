import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RECORD_KINDS } from '../records/index.js';

/** Every field a preset can map a column to. */
export const PRESET_FIELDS = [
  'time',
  'date',
  'clock',
  'completedAt',
  'settleDate',
  'merchantId',
  'terminalId',
  'refNo',
  'voucherNo',
  'batchNo',
  'orderNo',
  'providerOrderNo',
  'originalRefNo',
  'originalVoucherNo',
  'originalOrderNo',
  'cardNo',
  'card',
  'payerId',
  'channel',
  'type',
  'status',
  'amount',
  'refundAmount',
  'fee',
  'settled',
  'rate',
  'label',
  'counterparty',
  'direction',
  'credit',
  'debit',
] as const;
export type PresetField = (typeof PRESET_FIELDS)[number];

/** Fields holding money; their unit comes from `units`, a header suffix, or defaults to yuan. */
export const MONEY_FIELDS = ['amount', 'refundAmount', 'fee', 'settled', 'credit', 'debit'] as const;
export type MoneyField = (typeof MONEY_FIELDS)[number];

/** Fields whose raw values map onto a closed vocabulary through `values`. */
export const VALUE_FIELDS = ['type', 'channel', 'card', 'status', 'direction'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

const field = z.enum(PRESET_FIELDS);
const columnRef = z.union([z.string().min(1), z.number().int().min(1)]);
const moneyUnit = z.enum(['yuan', 'fen']);
const signRule = z
  .string()
  .regex(
    /^(as-is|merchant-view|dc-inline|dc-marked:.+)$/,
    'expected as-is | merchant-view | dc-inline | dc-marked:<column>',
  );

/** The YAML preset / `--mapping` format (see docs in the import command's help). */
export const PresetSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    kind: z.enum(RECORD_KINDS).optional(),
    detect: z
      .object({
        headerIncludes: z.array(z.string().min(1)).optional(),
        headerIncludesAny: z.array(z.string().min(1)).optional(),
        fileName: z.string().optional(),
        firstLinePattern: z.string().optional(),
      })
      .strict()
      .optional(),
    encoding: z.enum(['auto', 'utf-8', 'gbk', 'gb18030', 'utf-16le', 'utf-16be']).default('auto'),
    delimiter: z.enum(['auto', ',', '\t', '|', ';', 'fixed']).default('auto'),
    header: z.union([z.literal('auto'), z.literal('none'), z.number().int().min(1)]).default('auto'),
    /** Same as a numeric `header` (the issue's spelling). */
    headerRow: z.number().int().min(1).optional(),
    skipLinesStartingWith: z.array(z.string().min(1)).default([]),
    rowFilter: z
      .object({ column: columnRef, equals: z.union([z.string(), z.array(z.string())]) })
      .strict()
      .optional(),
    columns: z.partialRecord(field, z.union([columnRef, z.array(columnRef).min(1)])).default({}),
    units: z
      .object({
        amount: moneyUnit,
        refundAmount: moneyUnit,
        fee: moneyUnit,
        settled: moneyUnit,
        credit: moneyUnit,
        debit: moneyUnit,
        rate: z.enum(['percent', 'per-mille', 'per-myriad', 'fraction']),
      })
      .partial()
      .strict()
      .default({}),
    values: z.partialRecord(z.enum(VALUE_FIELDS), z.record(z.string(), z.string())).default({}),
    signs: z.partialRecord(z.enum(MONEY_FIELDS), signRule).default({}),
    totals: z
      .object({ firstCell: z.array(z.string().min(1)) })
      .strict()
      .default({ firstCell: ['合计', '总计', '汇总', '小计'] }),
    fixedWidth: z.array(z.tuple([field, z.number().int().min(1), z.number().int().min(1)])).optional(),
    override: z.string().optional(),
  })
  .strict();

export type Preset = z.output<typeof PresetSchema>;
export type PresetInput = z.input<typeof PresetSchema>;

/** A preset file that does not validate: the message names the key. */
export class PresetError extends Error {
  readonly zh: string;
  constructor(zh: string, en: string) {
    super(en);
    this.name = 'PresetError';
    this.zh = zh;
  }
}

/** The presets/ directory shipped with the package, found from this module whether it runs from src/ or dist/. */
export function presetsDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'presets');
}

/** Validates a parsed YAML object as a preset; throws PresetError naming the key at fault. */
export function parsePreset(value: unknown, source: string): Preset {
  const result = PresetSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue?.path.join('.') || '(root)';
    const what = issue?.message ?? 'invalid';
    throw new PresetError(`映射文件 ${source} 的 ${key} 有误：${what}`, `${source}: ${key}: ${what}`);
  }
  if (result.data.headerRow !== undefined) result.data.header = result.data.headerRow;
  for (const pattern of [result.data.detect?.fileName, result.data.detect?.firstLinePattern]) {
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern);
    } catch {
      throw new PresetError(
        `映射文件 ${source} 的正则表达式无效：${pattern}`,
        `${source}: invalid regular expression ${pattern}`,
      );
    }
  }
  return result.data;
}

/** Reads and validates one preset YAML file. */
export function loadPresetFile(path: string): Preset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PresetError(`无法读取映射文件 ${path}`, `cannot read the mapping file ${path}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : '';
    throw new PresetError(`映射文件 ${path} 不是有效的 YAML：${why}`, `${path} is not valid YAML: ${why}`);
  }
  return parsePreset(value, path);
}

let cache: Map<string, Preset> | undefined;
/** Built-in preset files that failed to load, by file name: one broken preset must not stop the others. */
const loadErrors = new Map<string, PresetError>();

/** All built-in presets by name, loaded once from the presets/ directory. */
export function builtinPresets(): Map<string, Preset> {
  if (cache) return cache;
  const dir = presetsDirectory();
  const map = new Map<string, Preset>();
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n));
  } catch {
    names = [];
  }
  for (const name of names.sort()) {
    try {
      const preset = loadPresetFile(join(dir, name));
      map.set(preset.name, preset);
    } catch (error) {
      if (!(error instanceof PresetError)) throw error;
      loadErrors.set(name.replace(/\.ya?ml$/, ''), error);
    }
  }
  cache = map;
  return map;
}

/** Looks up a built-in preset by name; throws PresetError listing the known names. */
export function presetByName(name: string): Preset {
  const preset = builtinPresets().get(name);
  const broken = loadErrors.get(name);
  if (!preset && broken) throw broken;
  if (!preset) {
    const known = [...builtinPresets().keys()].join(', ');
    throw new PresetError(
      `没有名为 ${name} 的预设（可用：${known}）`,
      `no preset named ${name} (known: ${known})`,
    );
  }
  return preset;
}
