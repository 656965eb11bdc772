import { parse } from 'yaml';
import { z } from 'zod';
import { CARD_TYPES, CHANNELS } from '../records/index.js';
import { SEVERITIES } from './alert-kinds.js';

const fen = z.number().int().min(0).refine(Number.isSafeInteger, 'expected integer fen');
const severity = z.enum(SEVERITIES);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
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

/** A rule file that failed validation, with one line per problem. */
export type RulesParse = { ok: true; rules: MonitorRules } | { ok: false; problems: string[] };

/** Parses a rule file (YAML or JSON text, or an already parsed value); absent keys take the defaults. */
export function parseMonitorRules(input: unknown): RulesParse {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = input.trim() === '' ? {} : parse(input);
    } catch (error) {
      return { ok: false, problems: [`yaml: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }
  const result = MonitorRulesSchema.safeParse(value ?? {});
  if (result.success) return { ok: true, rules: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
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
