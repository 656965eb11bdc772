import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { type core, z } from 'zod';
import { closestKey, formatPath, readYamlTree, type YamlTree } from '../plans/yaml-tree.js';
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

/** One problem of a mapping file, placed as `plan check` places a plan's: path, line, and why in both languages. */
export interface PresetIssue {
  /** `columns.amount`, `units.rate`; '' for the file as a whole. */
  readonly path: string;
  readonly line?: number;
  readonly zh: string;
  readonly en: string;
}

/**
 * A preset file that does not validate. `zh` and `message` list every problem, one line each as
 * `file:line path: why` (the way `posguard plan check` reports a plan), under a first line that says how many.
 */
export class PresetError extends Error {
  readonly zh: string;
  readonly issues: readonly PresetIssue[];
  constructor(zh: string, en: string, issues: readonly PresetIssue[] = []) {
    super(en);
    this.name = 'PresetError';
    this.zh = zh;
    this.issues = issues;
  }
}

/** The problems of a mapping file as one PresetError: every one, in file order, each with its line. */
function presetError(source: string, issues: PresetIssue[]): PresetError {
  const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const line = (i: PresetIssue, text: string) => {
    const place = i.line === undefined ? source : `${source}:${i.line}`;
    return i.path === '' ? `${place}: ${text}` : `${place} ${i.path}: ${text}`;
  };
  if (sorted.length === 1) {
    const only = sorted[0] as PresetIssue;
    return new PresetError(
      `映射文件无效：${line(only, only.zh)}`,
      `invalid mapping file: ${line(only, only.en)}`,
      sorted,
    );
  }
  return new PresetError(
    `映射文件无效（${sorted.length} 处错误）：\n${sorted.map((i) => `  ${line(i, i.zh)}`).join('\n')}`,
    `invalid mapping file (${sorted.length} problems):\n${sorted.map((i) => `  ${line(i, i.en)}`).join('\n')}`,
    sorted,
  );
}

/** The presets/ directory shipped with the package, found from this module whether it runs from src/ or dist/. */
export function presetsDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', '..', 'presets');
}

/**
 * Validates a parsed YAML object as a preset; throws PresetError listing every problem. `tree`, when the text
 * was read with readYamlTree, gives each problem its line.
 */
export function parsePreset(value: unknown, source: string, tree?: YamlTree): Preset {
  const result = PresetSchema.safeParse(value);
  if (!result.success) {
    throw presetError(
      source,
      result.error.issues.flatMap((issue) => describeIssue(issue, value, tree)),
    );
  }
  if (result.data.headerRow !== undefined) result.data.header = result.data.headerRow;
  for (const [key, pattern] of [
    ['detect.fileName', result.data.detect?.fileName],
    ['detect.firstLinePattern', result.data.detect?.firstLinePattern],
  ] as const) {
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern);
    } catch {
      throw presetError(source, [
        {
          path: key,
          ...lineAt(tree, key.split('.')),
          zh: `正则表达式无效：${pattern}`,
          en: `invalid regular expression ${pattern}`,
        },
      ]);
    }
  }
  return result.data;
}

/**
 * Reads and validates one preset YAML file; `shown` is the name its errors give it (the path as the user typed
 * it, rather than the absolute one).
 */
export function loadPresetFile(path: string, shown: string = path): Preset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PresetError(`无法读取映射文件 ${shown}`, `cannot read the mapping file ${shown}`);
  }
  text = text.replace(/^\uFEFF/, '');
  const read = readYamlTree(text);
  if (!read.ok)
    throw presetError(
      shown,
      read.problems.map((p) => ({
        path: '',
        ...(p.line === undefined ? {} : { line: p.line }),
        zh: p.zh,
        en: p.en,
      })),
    );
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : '';
    throw new PresetError(`映射文件 ${shown} 不是有效的 YAML：${why}`, `${shown} is not valid YAML: ${why}`);
  }
  return parsePreset(value, shown, read.tree);
}

// The keys each mapping of a preset accepts, for "unknown key" errors and their "did you mean".
const UNIT_KEYS = ['amount', 'refundAmount', 'fee', 'settled', 'credit', 'debit', 'rate'] as const;
function knownKeys(path: readonly PropertyKey[]): readonly string[] | undefined {
  const at = path.map(String).join('.');
  if (at === '') return Object.keys(PresetSchema.shape);
  if (at === 'columns') return PRESET_FIELDS;
  if (at === 'units') return UNIT_KEYS;
  if (at === 'values') return VALUE_FIELDS;
  if (at === 'signs') return MONEY_FIELDS;
  if (at === 'detect') return ['headerIncludes', 'headerIncludesAny', 'fileName', 'firstLinePattern'];
  if (at === 'totals') return ['firstCell'];
  if (at === 'rowFilter') return ['column', 'equals'];
  return undefined;
}

function lineAt(tree: YamlTree | undefined, path: readonly PropertyKey[], key = false): { line?: number } {
  if (tree === undefined) return {};
  const parts = path.filter((p): p is string | number => typeof p !== 'symbol');
  if (key) {
    const line = tree.keyLines.get(formatPath(parts));
    if (line !== undefined) return { line };
  }
  for (let depth = parts.length; depth >= 0; depth--) {
    const line = tree.lines.get(formatPath(parts.slice(0, depth)));
    if (line !== undefined) return { line };
  }
  return {};
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part as string];
  }
  return current;
}

const shown = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

/** A zod issue as the user reads it: in zh and en, naming the value, the choices and the key they likely meant. */
function describeIssue(issue: core.$ZodIssue, root: unknown, tree: YamlTree | undefined): PresetIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const where = formatPath(path);
  const value = valueAt(root, path);
  const at = lineAt(tree, path, true);
  const one = (zh: string, en: string): PresetIssue[] => [{ path: where, ...at, zh, en }];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path) ?? [];
      return issue.keys.map((key) => {
        const keyPath = [...path, key];
        const hint = closestKey(key, known);
        const allowed = known.join(', ');
        return {
          path: formatPath(keyPath),
          ...lineAt(tree, keyPath, true),
          zh: `未知的键“${key}”${hint ? `，是否想写 ${hint}？` : ''}${allowed ? `（可用：${allowed}）` : ''}`,
          en: `unknown key "${key}"${hint ? ` (did you mean ${hint}?)` : ''}${allowed ? `; allowed: ${allowed}` : ''}`,
        };
      });
    }
    case 'invalid_value': {
      const choices = issue.values.map(String);
      const hint = typeof value === 'string' ? closestKey(value, choices) : undefined;
      return one(
        `“${shown(value)}”无效${hint ? `，是否想写 ${hint}？` : ''}（可选：${choices.join(' | ')}）`,
        `"${shown(value)}" is not valid${hint ? ` (did you mean ${hint}?)` : ''}; expected one of ${choices.join(' | ')}`,
      );
    }
    case 'invalid_type': {
      if (value === undefined) return one('缺少此项', 'this key is required');
      const expected = String(issue.expected);
      const [zh, en] =
        expected === 'array'
          ? ['应为列表（- 开头的多项或 [ ]）', 'expected a list']
          : expected === 'object' || expected === 'record'
            ? ['应为 “键: 值” 的映射', 'expected a mapping (key: value)']
            : expected === 'string'
              ? ['应为文字', 'expected text']
              : expected === 'number' || expected === 'int'
                ? ['应为整数', 'expected a whole number']
                : [`类型不对（应为 ${expected}）`, `expected ${expected}`];
      return one(`${zh}，而不是 ${shown(value)}`, `${en}, not ${shown(value)}`);
    }
    case 'invalid_union': {
      const field = path[0];
      if (field === 'columns' || field === 'rowFilter')
        return one(
          `“${shown(value)}”无效：应为列名、列号（从 1 开始的整数），或它们的列表`,
          `"${shown(value)}" is not valid: expected a column name, a column number (from 1), or a list of them`,
        );
      if (field === 'header')
        return one(
          `“${shown(value)}”无效：应为 auto、none 或表头所在的行号（从 1 开始）`,
          `"${shown(value)}" is not valid: expected auto, none or the header's row number (from 1)`,
        );
      return one(`“${shown(value)}”无效`, `"${shown(value)}" is not valid`);
    }
    case 'invalid_format':
      return one(
        `“${shown(value)}”无效：应为 as-is、merchant-view、dc-inline 或 dc-marked:<列>`,
        `"${shown(value)}" is not valid: expected as-is, merchant-view, dc-inline or dc-marked:<column>`,
      );
    case 'too_small':
      return issue.origin === 'array'
        ? one('列表不能为空', 'the list must not be empty')
        : issue.origin === 'string'
          ? one('不能为空', 'must not be empty')
          : one(`应不小于 ${String(issue.minimum)}`, `must be at least ${String(issue.minimum)}`);
    default:
      return one(`取值无效：${issue.message}`, issue.message);
  }
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
