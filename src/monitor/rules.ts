import { parseDocument } from 'yaml';
import { z } from 'zod';
import { describeYamlErrors } from '../plans/yaml-error.js';
import { CARD_TYPES, CHANNELS } from '../records/index.js';
import type { Bilingual } from '../server/http-error.js';
import { describeFormat, requestProblems } from '../server/invalid-request.js';
import { SEVERITIES } from './alert-kinds.js';

const fen = z
  .number()
  .int()
  .min(0)
  .refine(Number.isSafeInteger, { message: 'expected integer fen', params: { zh: '应为整数（分）' } });
const severity = z.enum(SEVERITIES);
const hhmm = z
  .string()
  .regex(
    describeFormat(/^([01]\d|2[0-3]):[0-5]\d$/, { zh: '应为 HH:MM 格式的时间', en: 'expected HH:MM' }),
    'expected HH:MM',
  );
// Worded as the API's own date fields word this pattern (zod-route's isoDate): one pattern, one wording.
const date = z
  .string()
  .regex(
    describeFormat(/^\d{4}-\d{2}-\d{2}$/, { zh: '应为 YYYY-MM-DD 日期', en: 'expected a YYYY-MM-DD date' }),
    'expected a YYYY-MM-DD date',
  );
// YAML reads an unquoted 2026-10-15 as a Date; take it back as the local date it was written as.
const dateLike = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), date);

const base = { enabled: z.boolean().default(true) };

const RulesSchema = z
  .object({
    large_amount: z
      .object({
        ...base,
        severity: severity.default('high'),
        thresholdFen: fen.default(5_000_000),
        medianMultiple: z.number().int().min(1).default(5),
        medianMinSales: z.number().int().min(1).default(100),
      })
      .strict()
      .prefault({}),
    high_frequency: z
      .object({
        ...base,
        severity: severity.default('medium'),
        maxPerHour: z.number().int().min(1).default(10),
      })
      .strict()
      .prefault({}),
    off_hours: z
      .object({
        ...base,
        severity: severity.default('low'),
        start: hhmm.default('08:00'),
        end: hhmm.default('22:00'),
      })
      .strict()
      .prefault({}),
    split_sales: z
      .object({
        ...base,
        severity: severity.default('high'),
        windowMinutes: z.number().int().min(1).default(10),
        minCount: z.number().int().min(2).default(3),
        marginPercent: z.number().int().min(1).max(50).default(10),
        limitFen: fen.default(5_000_000),
      })
      .strict()
      .prefault({}),
    over_limit: z
      .object({ ...base, severity: severity.default('high') })
      .strict()
      .prefault({}),
    duplicate_submission: z
      .object({
        ...base,
        severity: severity.default('medium'),
        windowSeconds: z.number().int().min(1).default(60),
      })
      .strict()
      .prefault({}),
    fee_overcharge: z
      .object({
        ...base,
        severity: severity.default('high'),
        // A day's alert is sent once; it is sent again, with the new total, when the money grows materially:
        // to this many times what was last sent, or by one line overcharged at least updateLineFen.
        updateMultiple: z.number().int().min(2).default(2),
        updateLineFen: fen.default(10_000),
      })
      .strict()
      .prefault({}),
    unplanned_deduction: z
      .object({ ...base, severity: severity.default('high') })
      .strict()
      .prefault({}),
    rate_change: z
      .object({ ...base, severity: severity.default('high') })
      .strict()
      .prefault({}),
    missing_statement: z
      .object({
        ...base,
        severity: severity.default('medium'),
        days: z.number().int().min(0).max(30).default(1),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const LimitSchema = z
  .object({
    from: dateLike,
    until: dateLike.optional(),
    perTransactionFen: fen,
    channel: z.enum(CHANNELS).optional(),
    card: z.enum(CARD_TYPES).optional(),
    cardNo: z.string().max(32).optional(),
  })
  .strict();

/** The monitor rule file: per rule a severity and its parameters, the limits table, delivery rate limit. */
export const MonitorRulesSchema = z
  .object({
    version: z.literal(1).default(1),
    rules: RulesSchema,
    limits: z.array(LimitSchema).default([]),
    delivery: z
      .object({ maxPerMinute: z.number().int().min(1).max(6000).default(30) })
      .strict()
      .prefault({}),
  })
  .strict();

export type MonitorRules = z.infer<typeof MonitorRulesSchema>;
export type LimitRow = MonitorRules['limits'][number];

/** The rules when a merchant has not tuned any (same as src/monitor/rules.default.yaml). */
export const DEFAULT_RULES: MonitorRules = MonitorRulesSchema.parse({ rules: {} });

/** One problem of a rule file: its path (dotted, '' for the whole file) and what is wrong there, zh-CN and English. */
export interface RulesProblem extends Bilingual {
  path: string;
}

/** A rule file that failed validation, with one problem per field. */
export type RulesParse = { ok: true; rules: MonitorRules } | { ok: false; problems: RulesProblem[] };

/**
 * What each zod issue says of its field, in both languages, without naming the field: worded as the API words a
 * refused request field (requestProblems: the expected type, range, format, a misspelt key's closest name), less
 * its "body field" label, for texts that name their fields their own way (a rule file's path, a pushed record's
 * index). `path` is the field's dotted path, '' for the value itself.
 */
export function issueWording(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
): { path: string; what: Bilingual }[] {
  const after = (text: string, head: string): string => text.slice(text.indexOf(head) + head.length);
  return requestProblems('body', issues, schema).map((p) => ({
    path: p.path,
    what: { zh: after(p.zh, `${p.path}：`), en: after(p.en, `${p.path}: `) },
  }));
}

/** Parses a rule file (YAML or JSON text, or an already parsed value); absent keys take the defaults. */
export function parseMonitorRules(input: unknown): RulesParse {
  let value: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseDocument(input);
    const [problem] = describeYamlErrors(input, parsed.errors);
    if (problem !== undefined) return { ok: false, problems: [{ path: '', zh: problem.zh, en: problem.en }] };
    value = input.trim() === '' ? {} : parsed.toJS();
  }
  const result = MonitorRulesSchema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) return { ok: true, rules: result.data };
  return {
    ok: false,
    problems: issueWording(result.error.issues, MonitorRulesSchema).map(({ path, what }) => ({
      path,
      zh: `${path === '' ? '规则文件' : path}：${what.zh}`,
      en: `${path === '' ? '(root)' : path}: ${what.en}`,
    })),
  };
}

/**
 * The per-transaction limit in force on a date for a record. Within one scope (channel, card, card number, each
 * possibly absent) a row replaces the earlier ones from its date on, so a limit the bank raised holds from the
 * day it was raised; the scopes that match the record are separate limits that all apply, so the lowest wins.
 * @example rows "from 09-01 ¥10,000" and "from 12-01 ¥50,000": ¥10,000 on 11-30, ¥50,000 from 12-01.
 */
export function limitInForce(
  limits: readonly LimitRow[],
  at: { date: string; channel: string; card: string; cardNo?: string | undefined },
): LimitRow | undefined {
  const latestPerScope = new Map<string, LimitRow>();
  for (const l of limits) {
    if (at.date < l.from || (l.until !== undefined && at.date > l.until)) continue;
    if (l.channel !== undefined && l.channel !== at.channel) continue;
    if (l.card !== undefined && l.card !== at.card) continue;
    if (l.cardNo !== undefined && l.cardNo !== at.cardNo) continue;
    const scope = JSON.stringify([l.channel, l.card, l.cardNo]);
    const known = latestPerScope.get(scope);
    // Two rows of a scope from the same day: the one written later is the correction.
    if (known === undefined || l.from >= known.from) latestPerScope.set(scope, l);
  }
  let lowest: LimitRow | undefined;
  for (const l of latestPerScope.values()) {
    if (lowest === undefined || l.perTransactionFen < lowest.perTransactionFen) lowest = l;
  }
  return lowest;
}
