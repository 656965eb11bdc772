import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { parseAmount } from '../money/index.js';
import { decodePlanText, formatPlanIssue, type PlanIssue, parsePlan } from '../plans/parse-plan.js';
import { PLAN_KEYS } from '../plans/plan-schema.js';
import type { FeePlan } from '../plans/plan-types.js';
import { yamlSyntaxFailure } from '../plans/yaml-error.js';
import { closestKey, formatPath, type PathPart, readYamlTree, type YamlTree } from '../plans/yaml-tree.js';

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

export type CatalogParse =
  | { ok: true; entries: CatalogEntry[]; warnings: { zh: string; en: string }[] }
  | { ok: false; zh: string; en: string };

// Keys the catalogue adds to the plan format; everything else in an entry is the plan itself (provider and
// settlement belong to both).
const CATALOG_ONLY = ['plan', 'aliases', 'deposit', 'simFee', 'requirements', 'source'] as const;
/** Every key an entry accepts: the catalogue's own first (a typo of those is the likelier one), then the plan's. */
const ENTRY_KEYS: readonly string[] = [
  ...CATALOG_ONLY,
  ...PLAN_KEYS.filter((k) => !(CATALOG_ONLY as readonly string[]).includes(k)),
];
const SIM_FEE_KEYS = ['amount', 'every'] as const;

/** What each catalogue key expects, in the words an entry's error gives. */
const EXPECTED: Record<string, { zh: string; en: string }> = {
  provider: { zh: '应为服务商名称（文本）', en: 'expected the provider’s name (text)' },
  plan: { zh: '应为方案名称（文本）', en: 'expected the plan’s name (text)' },
  aliases: {
    zh: '应为别名列表，如 [leshua, 乐刷]',
    en: 'expected a list of other names, e.g. [leshua, 乐刷]',
  },
  settlement: { zh: '应为结算周期 T0、T1、D0、D1 …', en: 'expected a settlement cycle: T0, T1, D0, D1 …' },
  deposit: { zh: '应为金额（元），如 99', en: 'expected an amount in 元, e.g. 99' },
  simFee: {
    zh: '应为 { amount: 金额（元）, every: month | quarter | year }',
    en: 'expected { amount: amount in 元, every: month | quarter | year }',
  },
  'simFee.amount': { zh: '应为金额（元），如 99', en: 'expected an amount in 元, e.g. 99' },
  'simFee.every': { zh: '应为 month、quarter 或 year', en: 'expected month, quarter or year' },
  requirements: { zh: '应为办理条件的列表（文本）', en: 'expected a list of requirements (text)' },
  source: {
    zh: '应写明数字的出处（网址或文件，一条或一个非空列表），如 source: https://…',
    en: 'expected where the figures come from (a URL or document; one, or a non-empty list), e.g. source: https://…',
  },
};

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

/** Where a catalogue's problem is: the line of the path (or of its nearest ancestor in the file). */
class Places {
  constructor(
    private readonly tree: YamlTree | undefined,
    private readonly fileName: string,
  ) {}

  line(path: string, key = false): number | undefined {
    if (this.tree === undefined) return undefined;
    if (key) {
      const line = this.tree.keyLines.get(path);
      if (line !== undefined) return line;
    }
    // Drop the last `.key` or `[n]` until a path the file has.
    for (let p = path; ; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
      const line = this.tree.lines.get(p);
      if (line !== undefined) return line;
      if (p === '' || !/(\.[^.[\]]*|\[\d+\])$/.test(p)) return this.tree.lines.get('');
    }
  }

  issue(path: string, zh: string, en: string, key = false): PlanIssue {
    const line = this.line(path, key);
    return line === undefined ? { code: 'invalid', path, zh, en } : { code: 'invalid', path, line, zh, en };
  }

  fail(issues: readonly PlanIssue[]): { ok: false; zh: string; en: string } {
    return {
      ok: false,
      zh: issues.map((i) => formatPlanIssue(this.fileName, i, 'zh')).join('\n'),
      en: issues.map((i) => formatPlanIssue(this.fileName, i, 'en')).join('\n'),
    };
  }
}

function join(base: string, path: string): string {
  return path === '' ? base : path.startsWith('[') ? base + path : `${base}.${path}`;
}

function unknownKey(
  places: Places,
  base: string,
  key: string,
  allowed: readonly string[],
  listZh: string,
  listEn: string,
): PlanIssue {
  const hint = closestKey(key, allowed);
  return places.issue(
    join(base, key),
    `未知的键“${key}”${hint ? `，是否想写 ${hint}？` : ''}（${listZh}）`,
    `unknown key "${key}"${hint ? ` (did you mean ${hint}?)` : ''}; ${listEn}`,
    true,
  );
}

/** The catalogue keys and plan keys an entry may have, as an unknown key's error lists them. */
const ENTRY_LIST_ZH = `目录的键：${CATALOG_ONLY.join(', ')}；方案的键：${ENTRY_KEYS.filter((k) => !(CATALOG_ONLY as readonly string[]).includes(k)).join(', ')}`;
const ENTRY_LIST_EN = `catalogue keys: ${CATALOG_ONLY.join(', ')}; plan keys: ${ENTRY_KEYS.filter((k) => !(CATALOG_ONLY as readonly string[]).includes(k)).join(', ')}`;

/** The problems of an entry's catalogue part, each placed by path and line, in words a catalogue editor reads. */
function entryIssues(
  raw: unknown,
  base: string,
  places: Places,
  issues: readonly z.core.$ZodIssue[],
): PlanIssue[] {
  const out: PlanIssue[] = [];
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const key of Object.keys(raw)) {
      if (!ENTRY_KEYS.includes(key))
        out.push(unknownKey(places, base, key, ENTRY_KEYS, ENTRY_LIST_ZH, ENTRY_LIST_EN));
    }
  }
  for (const zodIssue of issues) {
    const parts = zodIssue.path.filter((p): p is PathPart => typeof p !== 'symbol');
    if (zodIssue.code === 'unrecognized_keys') {
      for (const key of zodIssue.keys) {
        out.push(
          unknownKey(
            places,
            join(base, formatPath(parts)),
            key,
            SIM_FEE_KEYS,
            `可用：${SIM_FEE_KEYS.join(', ')}`,
            `allowed: ${SIM_FEE_KEYS.join(', ')}`,
          ),
        );
      }
      continue;
    }
    if (parts.length === 0) {
      out.push(places.issue(base, '每个方案应为 “键: 值” 的映射', 'each plan is a mapping (key: value)'));
      continue;
    }
    const named = parts.filter((p) => typeof p === 'string').join('.');
    const expected = EXPECTED[named] ??
      EXPECTED[String(parts[0])] ?? { zh: zodIssue.message, en: zodIssue.message };
    const missing = valueAt(raw, parts) === undefined;
    out.push(
      places.issue(
        join(base, formatPath(parts)),
        missing ? `缺少此项：${expected.zh}` : expected.zh,
        missing ? `this key is required: ${expected.en}` : expected.en,
      ),
    );
  }
  return out;
}

function valueAt(value: unknown, path: readonly PathPart[]): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(part)];
  }
  return current;
}

function yuan(
  value: string | number,
  where: string,
  places: Places,
): { ok: true; fen: number } | { ok: false; zh: string; en: string } {
  const parsed = parseAmount(String(value), 'yuan');
  if (!parsed.ok || parsed.value < 0) {
    const expected = EXPECTED['deposit'] ?? { zh: '', en: '' };
    return places.fail([places.issue(where, expected.zh, expected.en)]);
  }
  return { ok: true, fen: parsed.value };
}

/**
 * Parses a provider catalogue: `plans:` (or a bare list) of fee plans in the plan format of issue 2, each with
 * provider, plan, settlement, deposit, simFee, requirements and source. Each plan part is validated by parsePlan.
 */
export function parseCatalog(text: string, fileName: string): CatalogParse {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''));
  if (doc.errors.length > 0) return yamlSyntaxFailure(fileName, text, doc.errors);
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
  const read = readYamlTree(text.replace(/^\uFEFF/, ''));
  const places = new Places(read.ok ? read.tree : undefined, fileName);
  const entries: CatalogEntry[] = [];
  for (const [index, raw] of list.entries()) {
    const where = Array.isArray(tree) ? `[${index}]` : `plans[${index}]`;
    const parsed = entrySchema.safeParse(raw);
    const problems = entryIssues(raw, where, places, parsed.success ? [] : parsed.error.issues);
    if (!parsed.success || problems.length > 0) return places.fail(problems);
    const e = parsed.data;
    const planTree: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    for (const key of CATALOG_ONLY) delete planTree[key];
    const plan = parsePlan(stringify(planTree), `${where}.yaml`);
    if (!plan.ok) {
      // The plan part was re-serialised, so its own lines are not the catalogue's: place each issue again by
      // its path within the catalogue file.
      return places.fail(
        plan.errors.map((i) => places.issue(join(where, i.path), i.zh, i.en, i.code === 'unknown-key')),
      );
    }
    const deposit = yuan(e.deposit, `${where}.deposit`, places);
    if (!deposit.ok) return deposit;
    const sim = yuan(e.simFee.amount, `${where}.simFee.amount`, places);
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
  return { ok: true, entries, warnings: [] };
}

/**
 * Reads and parses a catalogue file, decoded as a plan file is (UTF-8, else GB18030, with a warning saying so); an
 * unreadable file is an error result.
 */
export async function loadCatalogFile(path: string): Promise<CatalogParse> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return { ok: false, zh: `无法读取方案目录：${path}`, en: `cannot read the catalogue: ${path}` };
  }
  const name = path.split(/[\\/]/).pop() ?? path;
  const { text, recoded } = decodePlanText(bytes);
  const parsed = parseCatalog(text, name);
  if (!parsed.ok || !recoded) return parsed;
  return {
    ...parsed,
    warnings: [
      {
        zh: `${name}：文件不是 UTF-8，已按 GB18030 读取；建议另存为 UTF-8`,
        en: `${name}: the file is not UTF-8; read it as GB18030 (save it as UTF-8)`,
      },
      ...parsed.warnings,
    ],
  };
}
