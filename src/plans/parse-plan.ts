import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { core } from 'zod';
import { UNREADABLE_FILE } from '../cli/unreadable-file.js';
import { addDays, dayNumber } from '../time/shanghai.js';
import { describeJsonError } from './json-error.js';
import {
  CALENDAR_KEYS,
  CHARGE_KEYS,
  PERIOD_KEYS,
  PLAN_KEYS,
  type PlanFile,
  planFileSchema,
  RULE_KEYS,
} from './plan-schema.js';
import type { FeePlan, FeeRule, PlanCharge, PlanPeriod } from './plan-types.js';
import {
  closestKey,
  formatPath,
  type PathPart,
  type PlainValue,
  readYamlTree,
  type YamlTree,
} from './yaml-tree.js';

/** One problem in a plan file, placed by path (`periods[1].rates[0].rate`) and line. */
export interface PlanIssue {
  readonly code: string;
  readonly path: string;
  readonly line?: number;
  /** Set for a YAML syntax error (code `yaml`), whose message then starts with its line and column. */
  readonly column?: number;
  readonly zh: string;
  readonly en: string;
}

export type PlanParseResult =
  | { readonly ok: true; readonly plan: FeePlan; readonly warnings: readonly PlanIssue[] }
  | { readonly ok: false; readonly errors: readonly PlanIssue[] };

const issue = (code: string, path: string, line: number | undefined, zh: string, en: string): PlanIssue =>
  line === undefined ? { code, path, zh, en } : { code, path, line, zh, en };

/**
 * Parses and validates a fee plan written in YAML or JSON; never throws on bad input.
 * @example parsePlan('periods: [{ from: 2026-09-01, rates: [{ rate: 0.60% }] }]', 'plan.yaml')
 */
export function parsePlan(text: string, fileName: string): PlanParseResult {
  const source = text.replace(/^\uFEFF/, '');
  const read = readYamlTree(source);
  if (!read.ok) {
    // A .json plan was written as JSON: its mistake is told in JSON's terms, where JSON.parse finds it (the YAML
    // parser, reading JSON as YAML, places a missing comma at the object's start and speaks of YAML blocks).
    const json = /\.json$/i.test(fileName) ? describeJsonError(source) : undefined;
    if (json !== undefined)
      return {
        ok: false,
        errors: [{ ...issue('json', '', json.line, json.zh, json.en), column: json.column }],
      };
    return {
      ok: false,
      errors: read.problems.map((p) => {
        const planIssue = issue('yaml', '', p.line, p.zh, p.en);
        return p.column === undefined ? planIssue : { ...planIssue, column: p.column };
      }),
    };
  }
  const tree = read.tree;
  if (tree.value === null || typeof tree.value !== 'object' || Array.isArray(tree.value)) {
    return {
      ok: false,
      errors: [
        issue(
          'invalid',
          '',
          tree.lines.get(''),
          '费率方案应为 “键: 值” 的映射，且至少包含 periods',
          'a fee plan is a mapping (key: value) with at least `periods`',
        ),
      ],
    };
  }
  const parsed = planFileSchema.safeParse(tree.value);
  if (!parsed.success) {
    return { ok: false, errors: sortIssues(parsed.error.issues.flatMap((i) => fromZodIssue(i, tree))) };
  }
  const plan = buildPlan(parsed.data, tree);
  const errors = crossChecks(plan, tree);
  if (errors.length > 0) return { ok: false, errors: sortIssues(errors) };
  return { ok: true, plan, warnings: sortIssues(planWarnings(plan, tree)) };
}

/** Reads and parses a plan file; an unreadable file is an error result, not an exception. */
export async function loadPlanFile(path: string): Promise<PlanParseResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return unreadable();
  }
  return parseBytes(bytes, path);
}

/** Synchronous twin of {@link loadPlanFile}. */
export function loadPlanFileSync(path: string): PlanParseResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return unreadable();
  }
  return parseBytes(bytes, path);
}

/**
 * A plan that cannot be read, worded as every input the CLI cannot read is (UNREADABLE_FILE): formatPlanIssue puts
 * the name the user typed before it, not the absolute path, and no errno.
 */
function unreadable(): PlanParseResult {
  return { ok: false, errors: [issue('unreadable', '', undefined, UNREADABLE_FILE.zh, UNREADABLE_FILE.en)] };
}

/**
 * The text of a hand-written YAML file (a plan, a catalogue): UTF-8, else GB18030 — files written in Notepad on a
 * Chinese Windows often are — with `recoded` saying which.
 */
export function decodePlanText(bytes: Uint8Array): { text: string; recoded: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), recoded: false };
  } catch {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { text: iconv.decode(buffer, 'gb18030'), recoded: true };
  }
}

function parseBytes(bytes: Buffer, path: string): PlanParseResult {
  const { text, recoded } = decodePlanText(bytes);
  const result = parsePlan(text, path);
  if (!result.ok || !recoded) return result;
  const note = issue(
    'encoding',
    '',
    undefined,
    '文件不是 UTF-8，已按 GB18030 读取；建议另存为 UTF-8',
    'the file is not UTF-8; read it as GB18030 (save it as UTF-8)',
  );
  return { ...result, warnings: [note, ...result.warnings] };
}

function valueAt(root: PlainValue, path: readonly PathPart[]): PlainValue | undefined {
  let current: PlainValue | undefined = root;
  for (const part of path) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) current = typeof part === 'number' ? current[part] : undefined;
    else if ('source' in current && typeof current.source === 'string') return undefined;
    else current = (current as Record<string, PlainValue>)[String(part)];
  }
  return current;
}

/** The line of a path, or of its nearest ancestor that exists in the file. */
function lineOf(tree: YamlTree, path: readonly PathPart[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const line = tree.lines.get(formatPath(path.slice(0, depth)));
    if (line !== undefined) return line;
  }
  return undefined;
}

function knownKeys(path: readonly PathPart[]): readonly string[] {
  const names = path.filter((p) => typeof p === 'string');
  if (names.length === 0) return PLAN_KEYS;
  if (names[0] === 'calendar') return CALENDAR_KEYS;
  if (names[0] === 'charges') return CHARGE_KEYS;
  return names.length >= 2 ? RULE_KEYS : PERIOD_KEYS;
}

function fromZodIssue(zodIssue: core.$ZodIssue, tree: YamlTree): PlanIssue[] {
  const path = zodIssue.path.filter((p): p is PathPart => typeof p !== 'symbol');
  const where = formatPath(path);
  switch (zodIssue.code) {
    case 'custom': {
      const zh = (zodIssue.params as { zh?: string } | undefined)?.zh ?? zodIssue.message;
      const code = valueAt(tree.value, path) === undefined ? 'missing' : 'invalid';
      return [issue(code, where, lineOf(tree, path), zh, zodIssue.message)];
    }
    case 'unrecognized_keys':
      return zodIssue.keys.map((key) => {
        const keyPath = formatPath([...path, key]);
        const hint = closestKey(key, knownKeys(path));
        return issue(
          'unknown-key',
          keyPath,
          tree.keyLines.get(keyPath) ?? lineOf(tree, path),
          `未知的键“${key}”${hint ? `，是否想写 ${hint}？` : ''}（可用：${knownKeys(path).join(', ')}）`,
          `unknown key "${key}"${hint ? ` (did you mean ${hint}?)` : ''}; allowed: ${knownKeys(path).join(', ')}`,
        );
      });
    case 'invalid_type': {
      if (valueAt(tree.value, path) === undefined) {
        return [issue('missing', where, lineOf(tree, path), '缺少此项', 'this key is required')];
      }
      const [zh, en] =
        zodIssue.expected === 'array'
          ? ['应为列表（- 开头的多项或 [ ]）', 'expected a list']
          : zodIssue.expected === 'object'
            ? ['应为 “键: 值” 的映射', 'expected a mapping (key: value)']
            : [`类型不对：${zodIssue.message}`, zodIssue.message];
      return [issue('invalid', where, lineOf(tree, path), zh, en)];
    }
    case 'too_small':
      return [issue('invalid', where, lineOf(tree, path), '列表不能为空', 'the list must not be empty')];
    default:
      return [issue('invalid', where, lineOf(tree, path), zodIssue.message, zodIssue.message)];
  }
}

function buildPlan(file: PlanFile, tree: YamlTree): FeePlan {
  const periods: PlanPeriod[] = file.periods.map((period, index) => {
    const rates: FeeRule[] = period.rates.map((rule, ruleIndex) => ({
      ...(rule.channel === undefined ? {} : { channels: rule.channel }),
      ...(rule.card === undefined ? {} : { cards: rule.card }),
      ...(rule.minAmount === undefined ? {} : { minAmountFen: rule.minAmount }),
      ...(rule.maxAmount === undefined ? {} : { maxAmountFen: rule.maxAmount }),
      ratePpm: rule.rate.ppm,
      fixedFen: rule.rate.fixedFen ?? rule.fixed ?? 0,
      ...(rule.cap === undefined ? {} : { capFen: rule.cap }),
      ...(rule.min === undefined ? {} : { minFen: rule.min }),
      line: lineOf(tree, ['periods', index, 'rates', ruleIndex]) ?? 0,
      index: ruleIndex,
    }));
    return {
      from: period.from,
      ...(period.until === undefined ? {} : { until: period.until }),
      ...(period.noticed === undefined ? {} : { noticed: period.noticed }),
      rates,
      line: lineOf(tree, ['periods', index]) ?? 0,
      index,
    };
  });
  const charges: PlanCharge[] = (file.charges ?? []).map((charge, index) => ({
    name: charge.name,
    aliases: charge.aliases ?? [],
    amountFen: charge.amount,
    every: charge.every,
    ...(charge.from === undefined ? {} : { from: charge.from }),
    perTerminal: charge.perTerminal ?? false,
    line: lineOf(tree, ['charges', index]) ?? 0,
  }));
  return {
    ...(file.merchant === undefined ? {} : { merchant: file.merchant }),
    ...(file.merchantId === undefined ? {} : { merchantId: file.merchantId }),
    ...(file.provider === undefined ? {} : { provider: file.provider }),
    rounding: file.rounding ?? 'half-up',
    toleranceFen: file.tolerance ?? 1,
    settlement: file.settlement ?? { basis: 'T', days: 1 },
    ...(file.settlement === undefined ? { settlementAssumed: true as const } : {}),
    refundFee: file.refundFee ?? 'none',
    noticeDays: file.notice ?? 30,
    ...(file.refundWindowDays === undefined ? {} : { refundWindowDays: file.refundWindowDays }),
    periods,
    charges,
    ...(file.calendar === undefined
      ? {}
      : { calendar: { holidays: file.calendar.holidays ?? [], workdays: file.calendar.workdays ?? [] } }),
  };
}

/** Rules that need more than one value to check: period dates, amount bands, calendar conflicts. */
function crossChecks(plan: FeePlan, tree: YamlTree): PlanIssue[] {
  const errors: PlanIssue[] = [];
  const at = (path: PathPart[]) => ({ path: formatPath(path), line: lineOf(tree, path) });
  const firstByFrom = new Map<string, number>();
  for (const period of plan.periods) {
    const i = period.index;
    if (period.until !== undefined && period.until < period.from) {
      const { path, line } = at(['periods', i, 'until']);
      errors.push(
        issue(
          'until-before-from',
          path,
          line,
          `结束日 ${period.until} 早于开始日 ${period.from}`,
          `until ${period.until} is before from ${period.from}`,
        ),
      );
    }
    const earlier = firstByFrom.get(period.from);
    if (earlier === undefined) firstByFrom.set(period.from, i);
    else {
      const { path, line } = at(['periods', i, 'from']);
      const other = lineOf(tree, ['periods', earlier]);
      errors.push(
        issue(
          'duplicate-from',
          path,
          line,
          `periods[${earlier}]（第 ${other} 行）也从 ${period.from} 开始；同一天只能有一个期间生效`,
          `periods[${earlier}] (line ${other}) also starts on ${period.from}; two periods cannot start the same day`,
        ),
      );
    }
    for (const rule of period.rates) {
      if (
        rule.minAmountFen !== undefined &&
        rule.maxAmountFen !== undefined &&
        rule.maxAmountFen <= rule.minAmountFen
      ) {
        const { path, line } = at(['periods', i, 'rates', rule.index, 'maxAmount']);
        errors.push(
          issue(
            'empty-band',
            path,
            line,
            'maxAmount 必须大于 minAmount，否则没有金额能匹配此规则',
            'maxAmount must be above minAmount, or no amount matches this rule',
          ),
        );
      }
    }
  }
  const holidays = new Set(plan.calendar?.holidays ?? []);
  for (const [index, date] of (plan.calendar?.workdays ?? []).entries()) {
    if (!holidays.has(date)) continue;
    const { path, line } = at(['calendar', 'workdays', index]);
    errors.push(
      issue(
        'calendar-conflict',
        path,
        line,
        `${date} 同时列为节假日和工作日`,
        `${date} is listed both as a holiday and as a workday`,
      ),
    );
  }
  return errors;
}

function planWarnings(plan: FeePlan, tree: YamlTree): PlanIssue[] {
  const warnings: PlanIssue[] = [...periodGaps(plan, tree)];
  for (const period of plan.periods) {
    if (period.noticed !== undefined) {
      const days = dayNumber(period.from) - dayNumber(period.noticed);
      if (days < plan.noticeDays) {
        const path = ['periods', period.index, 'noticed'];
        warnings.push(
          issue(
            'late-notice',
            formatPath(path),
            lineOf(tree, path),
            `通知日 ${period.noticed} 距生效日 ${period.from} 仅 ${days} 天，合同要求提前 ${plan.noticeDays} 天（应不晚于 ${addDays(period.from, -plan.noticeDays)}）`,
            `noticed ${period.noticed} is only ${days} days before ${period.from}; the contract requires ${plan.noticeDays} (by ${addDays(period.from, -plan.noticeDays)})`,
          ),
        );
      }
    }
    period.rates.forEach((rule, index) => {
      const shadow = period.rates.slice(0, index).find((earlier) => covers(earlier, rule));
      if (shadow === undefined) return;
      const path = ['periods', period.index, 'rates', index];
      warnings.push(
        issue(
          'unreachable-rule',
          formatPath(path),
          lineOf(tree, path),
          `此规则永远不会生效：第 ${shadow.line} 行的规则在它之前且覆盖了它`,
          `this rule never applies: the rule on line ${shadow.line} comes first and matches everything it does`,
        ),
      );
    });
  }
  return warnings;
}

/**
 * Days between the first period's start and the last one's that no period covers (one ends on 10-13, the next
 * starts on 10-20): a sale on them has no contract rate, and the audit can only say so.
 */
function periodGaps(plan: FeePlan, tree: YamlTree): PlanIssue[] {
  const gaps: PlanIssue[] = [];
  const byFrom = [...plan.periods].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  // The period reaching furthest so far; undefined until after the first, and `until` undefined = open-ended.
  let reach: PlanPeriod | undefined;
  for (const period of byFrom) {
    if (reach !== undefined && reach.until !== undefined && addDays(reach.until, 1) < period.from) {
      const first = addDays(reach.until, 1);
      const last = addDays(period.from, -1);
      const days = dayNumber(period.from) - dayNumber(first);
      const span = first === last ? first : `${first} 至 ${last}`;
      const spanEn = first === last ? first : `${first} to ${last}`;
      const path = ['periods', period.index, 'from'];
      gaps.push(
        issue(
          'period-gap',
          formatPath(path),
          lineOf(tree, path),
          `${span}（${days} 天）没有生效的费率期间：第 ${reach.line} 行的期间截止于 ${reach.until}，此期间从 ${period.from} 开始；这些天的交易无法按方案核对，请检查 until 或 from 是否写错`,
          `no period is in force from ${spanEn} (${days} day${days === 1 ? '' : 's'}): the period on line ${reach.line} ends on ${reach.until} and this one starts on ${period.from}; sales on those days cannot be checked against the plan (is an until or a from wrong?)`,
        ),
      );
    }
    if (
      reach === undefined ||
      (reach.until !== undefined && (period.until === undefined || period.until > reach.until))
    )
      reach = period;
  }
  return gaps;
}

/** True when every transaction `later` matches is already matched by `earlier`. */
function covers(earlier: FeeRule, later: FeeRule): boolean {
  const subset = <T>(outer: readonly T[] | undefined, inner: readonly T[] | undefined) =>
    outer === undefined || inner?.every((x) => outer.includes(x)) === true;
  return (
    subset(earlier.channels, later.channels) &&
    subset(earlier.cards, later.cards) &&
    (earlier.minAmountFen === undefined ||
      (later.minAmountFen !== undefined && later.minAmountFen >= earlier.minAmountFen)) &&
    (earlier.maxAmountFen === undefined ||
      (later.maxAmountFen !== undefined && later.maxAmountFen <= earlier.maxAmountFen))
  );
}

function sortIssues(issues: PlanIssue[]): PlanIssue[] {
  return issues
    .map((value, order) => ({ value, order }))
    .sort((a, b) => (a.value.line ?? 0) - (b.value.line ?? 0) || a.order - b.order)
    .map((x) => x.value);
}

/** One line per issue as the CLI prints it: `plan.yaml:9 periods[1].rates[0].rate: expected …`. */
export function formatPlanIssue(fileName: string, planIssue: PlanIssue, lang: 'zh' | 'en'): string {
  const message = lang === 'en' ? planIssue.en : planIssue.zh;
  // `plan.yaml：文件不存在或无法读取`, as audit and import say it of any input (unreadableFile).
  if (planIssue.code === 'unreadable')
    return lang === 'en' ? `${fileName}: ${message}` : `${fileName}：${message}`;
  // A YAML (or JSON) syntax error names its line and column itself: `plan.yaml 第 3 行第 5 列：YAML 格式错误（…）：…`.
  if (planIssue.column !== undefined)
    return lang === 'en' ? `${fileName}: ${message}` : `${fileName} ${message}`;
  const place = planIssue.line === undefined ? fileName : `${fileName}:${planIssue.line}`;
  return planIssue.path === '' ? `${place}: ${message}` : `${place} ${planIssue.path}: ${message}`;
}
