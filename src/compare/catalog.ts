import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { parseAmount } from '../money/index.js';
import { formatPlanIssue, parsePlan } from '../plans/parse-plan.js';
import type { FeePlan } from '../plans/plan-types.js';

/** The catalogue shipped with posguard (editable examples that cite their sources). */
export const SHIPPED_CATALOG = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'catalog',
  'providers.yaml',
);

/** One provider plan a merchant could switch to. */
export interface CatalogEntry {
  provider: string;
  /** Other names the provider goes by (e.g. its statement preset `leshua`), to find its 跳点 record. */
  aliases: string[];
  plan: string;
  /** As written: T1, D0, … */
  settlement: string;
  /** Per terminal, counted once in the first year. */
  depositFen: number;
  /** Per terminal. */
  simFee: { amountFen: number; every: 'month' | 'quarter' | 'year' };
  requirements: string[];
  source: string[];
  feePlan: FeePlan;
}

export type CatalogParse = { ok: true; entries: CatalogEntry[] } | { ok: false; zh: string; en: string };

// Keys the catalogue adds to the plan format; everything else in an entry is the plan itself (provider and
// settlement belong to both).
const CATALOG_ONLY = ['plan', 'aliases', 'deposit', 'simFee', 'requirements', 'source'] as const;

const name = z.string().trim().min(1).max(200);
const money = z.union([z.string(), z.number()]);
const entrySchema = z
  .object({
    provider: name,
    plan: name,
    aliases: z.array(z.union([z.string(), z.number()])).default([]),
    settlement: z.string().regex(/^[TD]\d{1,2}$/, 'expected T0, T1, D0, D1 …'),
    deposit: money.default(0),
    simFee: z
      .object({ amount: money, every: z.enum(['month', 'quarter', 'year']) })
      .strict()
      .default({ amount: 0, every: 'year' }),
    requirements: z.array(z.string()).default([]),
    source: z
      .union([z.string(), z.array(z.string())])
      .refine((s) => s.length > 0, 'say where the figures come from'),
  })
  .passthrough();

function yuan(
  value: string | number,
  where: string,
): { ok: true; fen: number } | { ok: false; zh: string; en: string } {
  const parsed = parseAmount(String(value), 'yuan');
  if (!parsed.ok || parsed.value < 0) {
    return {
      ok: false,
      zh: `${where}：应为金额（元），如 99`,
      en: `${where}: expected an amount in 元, e.g. 99`,
    };
  }
  return { ok: true, fen: parsed.value };
}

/**
 * Parses a provider catalogue: `plans:` (or a bare list) of fee plans in the plan format of issue 2, each with
 * provider, plan, settlement, deposit, simFee, requirements and source. Each plan part is validated by parsePlan.
 */
export function parseCatalog(text: string, fileName: string): CatalogParse {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''));
  if (doc.errors.length > 0) {
    const first = doc.errors[0]?.message.split('\n')[0] ?? '';
    return {
      ok: false,
      zh: `${fileName}：不是有效的 YAML：${first}`,
      en: `${fileName}: not valid YAML: ${first}`,
    };
  }
  const tree: unknown = doc.toJS();
  const list: unknown = Array.isArray(tree)
    ? tree
    : tree !== null && typeof tree === 'object'
      ? (tree as { plans?: unknown }).plans
      : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    return {
      ok: false,
      zh: `${fileName}：目录应包含 plans: 列表，且至少一个方案`,
      en: `${fileName}: a catalogue holds a non-empty \`plans:\` list`,
    };
  }
  const entries: CatalogEntry[] = [];
  for (const [index, raw] of list.entries()) {
    const where = `${fileName} plans[${index}]`;
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ');
      return { ok: false, zh: `${where}：${why}`, en: `${where}: ${why}` };
    }
    const e = parsed.data;
    const planTree: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    for (const key of CATALOG_ONLY) delete planTree[key];
    const plan = parsePlan(stringify(planTree), `${where}.yaml`);
    if (!plan.ok) {
      // Lines refer to the re-serialised plan part, not to the catalogue file: name the place by path only.
      const first = plan.errors[0] ?? { code: 'invalid', path: '', zh: '方案无效', en: 'invalid plan' };
      const issue = { code: first.code, path: first.path, zh: first.zh, en: first.en };
      return { ok: false, zh: formatPlanIssue(where, issue, 'zh'), en: formatPlanIssue(where, issue, 'en') };
    }
    const deposit = yuan(e.deposit, `${where}.deposit`);
    if (!deposit.ok) return deposit;
    const sim = yuan(e.simFee.amount, `${where}.simFee.amount`);
    if (!sim.ok) return sim;
    entries.push({
      provider: e.provider,
      aliases: e.aliases.map(String),
      plan: e.plan,
      settlement: e.settlement,
      depositFen: deposit.fen,
      simFee: { amountFen: sim.fen, every: e.simFee.every },
      requirements: e.requirements,
      source: typeof e.source === 'string' ? [e.source] : e.source,
      feePlan: plan.plan,
    });
  }
  return { ok: true, entries };
}

/** Reads and parses a catalogue file; an unreadable file is an error result. */
export async function loadCatalogFile(path: string): Promise<CatalogParse> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { ok: false, zh: `无法读取方案目录：${path}`, en: `cannot read the catalogue: ${path}` };
  }
  return parseCatalog(text, path.split(/[\\/]/).pop() ?? path);
}
