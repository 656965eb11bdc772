import { type Dirent, readdirSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import iconv from 'iconv-lite';
import type { RecordKind } from '../../records/index.js';
import { CliError } from '../errors.js';

// `posguard audit DIR` takes what the directory holds. File names are only a first guess: a merchant saves the
// plan as 费率.yaml and the journal as POS流水.csv, and a file the audit passed over in silence cost them the
// contract (the audit inferred ¥3.00 of overcharge where the plan proved ¥31.40). So every file is either used —
// by its name, or else by what it holds — or named in a warning that says why not.

export interface Inputs {
  terminal: string[];
  settlement: string[];
  bank: string[];
  /**
   * Plan files, with the merchant their per-merchant directory or (in a plans folder, as in --plans DIR) their file
   * name implies, and which of the two implies it.
   */
  plans: PlanFile[];
  /** devices.yaml files: terminal software histories for the diagnosis. */
  devices: string[];
}

/**
 * A file or directory of the data directory the audit does not read, and why, in both languages: shown as
 * `FILE 未使用：zh` / `FILE not used: en` (see {@link unusedLine}).
 */
export interface Unused {
  /** As the user would type it (the directory as given, joined with the name). */
  file: string;
  zh: string;
  en: string;
}

/** A plan file as found, with the merchant its place implies (taken only when the plan names no merchantId). */
export interface PlanFile {
  path: string;
  merchantHint?: string;
  /** What implies `merchantHint`: its per-merchant folder, or its own name (`<merchantId>.yaml` in a plans folder). */
  hintFrom?: 'folder' | 'file name';
}

/**
 * A plan file of a plans folder (--plans DIR, or a `plans/` folder of the data directory): `<merchantId>.yaml`
 * names its merchant; `plan.yaml` or `default.yaml` governs the rest.
 */
export function planInPlansFolder(path: string, name: string): PlanFile {
  const stem = basename(name, extname(name));
  return /^(plan|费率方案|default)$/i.test(stem)
    ? { path }
    : { path, merchantHint: stem, hintFrom: 'file name' };
}

/**
 * A sub-folder of the data directory that is a folder of plans, one per merchant, as --plans DIR is (`plans/`,
 * `方案/`…), and not one merchant's folder: an agent keeps its merchants' contracts there beside the statements.
 */
export function isPlansFolderName(name: string): boolean {
  return /^(plans?|方案|费率方案|费率)$/i.test(name);
}

export interface Discovery {
  inputs: Inputs;
  unused: Unused[];
}

// Portals' "Excel" exports are often web pages named .xls (an old binary .xls still gets a clear error).
const DATA_EXT = new Set(['.csv', '.txt', '.tsv', '.xlsx', '.xls', '.htm', '.html', '.zip', '.gz']);
export const PLAN_EXT = new Set(['.yaml', '.yml', '.json']);

type Use = { as: RecordKind | 'plan' | 'devices' } | { as: 'unused'; zh: string; en: string };

/** What a file's name alone says it is; undefined when the name does not say (the content then decides). */
export function classify(name: string): RecordKind | 'plan' | 'devices' | undefined {
  const lower = name.toLowerCase();
  const ext = extname(lower);
  if (/^(devices|设备)\.ya?ml$/.test(lower)) return 'devices';
  if (/^(plan|费率方案)\.(ya?ml|json)$/.test(lower)) return 'plan';
  if (!DATA_EXT.has(ext)) return undefined;
  if (/^(terminal|journal)|终端|收银/.test(lower)) return 'terminal';
  if (/^bank|银行|网银/.test(lower)) return 'bank';
  if (/^(settlement|statement)|结算|对账/.test(lower)) return 'settlement';
  return undefined;
}

/**
 * Finds the inputs in a data directory: its own files, and one level of per-merchant sub-directories. Hidden
 * files (.DS_Store, .git) are passed over in silence; every other file is used or listed in `unused`.
 */
export async function discoverInputs(dir: string, shown: string): Promise<Discovery> {
  const inputs: Inputs = { terminal: [], settlement: [], bank: [], plans: [], devices: [] };
  const unused: Unused[] = [];
  // `folder`: the per-merchant sub-folder being read (its name implies the merchant of a plan naming none), or
  // PLANS_FOLDER for a plans folder, whose plans are taken as --plans DIR takes them.
  const scan = async (
    abs: string,
    typed: string,
    folder: string | typeof PLANS_FOLDER | undefined,
    depth: number,
  ) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      throw new CliError(`无法读取目录 ${typed}`, `cannot read the directory ${typed}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rawNames = entries.some((e) => e.name.includes(REPLACEMENT)) ? rawNamesOf(abs) : undefined;
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const raw = rawNames?.get(e.name);
      if (raw !== undefined) {
        const probable = join(typed, iconv.decode(raw, 'gb18030'));
        unused.push({ file: probable, ...NOT_UTF8_NAME });
        continue;
      }
      const path = join(typed, e.name);
      const type = typeOf(join(abs, e.name), e);
      if (type === 'other') {
        unused.push({
          file: path,
          zh: '不是普通文件（或链接指向的文件不存在）',
          en: 'it is not a regular file (or a link to nothing)',
        });
        continue;
      }
      if (type === 'directory') {
        if (depth === 0)
          await scan(join(abs, e.name), path, isPlansFolderName(e.name) ? PLANS_FOLDER : e.name, 1);
        else
          unused.push({
            file: `${path}/`,
            zh: '只读取数据目录和它下一层（每个商户一个）的子目录',
            en: 'only the data directory and one level of (per-merchant) sub-directories are read',
          });
        continue;
      }
      const use = await classifyFile(join(abs, e.name), e.name);
      if (use.as === 'unused') unused.push({ file: path, zh: use.zh, en: use.en });
      else if (use.as === 'plan')
        inputs.plans.push(
          folder === PLANS_FOLDER
            ? planInPlansFolder(path, e.name)
            : folder === undefined
              ? { path }
              : { path, merchantHint: folder, hintFrom: 'folder' },
        );
      else inputs[use.as === 'devices' ? 'devices' : use.as].push(path);
    }
  };
  await scan(dir, shown, undefined, 0);
  return { inputs, unused };
}

/** discoverInputs' mark for a plans folder (a symbol: no folder name can be it). */
const PLANS_FOLDER = Symbol('plans folder');

/** What Node puts in place of the bytes of a file name that are not UTF-8. */
export const REPLACEMENT = '\uFFFD';

/** Why a file whose name is not UTF-8 is not read, and what to do. */
export const NOT_UTF8_NAME = {
  zh: '文件名不是 UTF-8 编码（常见于在 Linux 上解压 Windows 打包的 ZIP），无法打开：请用 unzip -O GBK 重新解压、给文件改名，或直接把 ZIP 交给 posguard',
  en: 'the name is not UTF-8 (common when a ZIP made on Windows is unzipped on Linux), so it cannot be opened: unzip again with unzip -O GBK, rename the file, or give posguard the ZIP itself',
} as const;

/** The raw bytes of each name in a directory that is not valid UTF-8, by the replaced name Node shows for it. */
function rawNamesOf(dir: string): Map<string, Buffer> {
  const names = new Map<string, Buffer>();
  for (const raw of readdirSync(dir, { encoding: 'buffer' })) {
    const shown = raw.toString('utf8');
    if (shown.includes(REPLACEMENT) && !Buffer.from(shown, 'utf8').equals(raw)) names.set(shown, raw);
  }
  return names;
}

/** A directory entry's type, through a symbolic link to what it points at. */
function typeOf(abs: string, entry: Dirent): 'file' | 'directory' | 'other' {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = statSync(abs);
    return target.isFile() ? 'file' : target.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'other';
  }
}

/** The plan files found in one directory, grouped by it: several in one place need merchantIds to tell apart. */
export function plansByDirectory(plans: readonly Inputs['plans'][number][]): Map<string, Inputs['plans']> {
  const groups = new Map<string, Inputs['plans']>();
  for (const plan of plans) {
    const key = dirname(plan.path);
    groups.set(key, [...(groups.get(key) ?? []), plan]);
  }
  return groups;
}

/** A plan of the data directory or of --plans DIR as the audit loaded it, for {@link plansNotApplied}. */
export interface DirectoryPlan {
  path: string;
  /** The merchantId the plan names, or the one its folder or file name gives it (`impliedBy`); else undefined. */
  merchantId: string | undefined;
  /** Where its merchantId comes from when the plan names none: its folder, or its name in --plans DIR. */
  impliedBy: 'folder' | 'file name' | undefined;
}

/**
 * The plans of the data directory or of --plans DIR that govern none of the merchants audited, each with why: a
 * plan naming another shop's merchantId (examples/plan.yaml beside a merchant's own folder) would otherwise pass
 * for a contract the audit applied. `planOf` gives the index of the plan a merchant is audited against
 * (planChooser); nothing is said when no merchant was audited.
 */
export function plansNotApplied(
  plans: readonly DirectoryPlan[],
  planOf: (merchantId: string) => number | undefined,
  audited: readonly string[],
): Unused[] {
  if (audited.length === 0) return [];
  const applied = new Set(audited.map(planOf));
  const named = audited.filter((m) => m !== '');
  const shown = named.slice(0, 5);
  const zhList = `${shown.join('、')}${named.length > shown.length ? ` 等 ${named.length} 个` : ''}`;
  const enList = `${shown.join(', ')}${named.length > shown.length ? ` and ${named.length - shown.length} more` : ''}`;
  return plans.flatMap((plan, i): Unused[] => {
    if (applied.has(i)) return [];
    const id = plan.merchantId;
    const file = plan.path;
    if (id === undefined)
      return [
        {
          file,
          zh: `方案没有写 merchantId，而本次核对的每个商户（${zhList}）都另有写明商户号的方案`,
          en: `it names no merchantId, and every merchant audited (${enList}) has a plan naming it`,
        },
      ];
    const other = named.includes(id) ? plans[planOf(id) ?? -1] : undefined;
    if (other !== undefined)
      return [
        {
          file,
          zh: `商户 ${id} 另有费率方案 ${other.path}，核对用的是它`,
          en: `merchant ${id} has another plan, ${other.path}, which the audit applied`,
        },
      ];
    if (named.length === 0)
      return [
        {
          file,
          zh: `本次核对的记录都没有商户号，无法对应到方案的商户 ${id}`,
          en: `no record audited names its merchant, so none is merchant ${id}`,
        },
      ];
    return [
      plan.impliedBy !== undefined
        ? {
            file,
            zh: `方案没有写 merchantId，按${plan.impliedBy === 'folder' ? '所在目录名' : '文件名'}当作商户 ${id} 的方案，但本次核对的商户（${zhList}）中没有 ${id}`,
            en: `it names no merchantId, so its ${plan.impliedBy} makes it merchant ${id}'s, and ${id} is none of the merchants audited (${enList})`,
          }
        : {
            file,
            zh: `方案的 merchantId ${id} 不是本次核对的商户（${zhList}）；若它是这些商户的合同，请改正 merchantId 或用 --plan 指定`,
            en: `its merchantId ${id} names none of the merchants audited (${enList}); if it is their contract, correct its merchantId or give it with --plan`,
          },
    ];
  });
}

/** Files that are plainly not tables (scripts, notes, pictures, documents): not read, named as such. */
const NOT_TABLE_EXT = new Set([
  '.js',
  '.cjs',
  '.mjs',
  '.ts',
  '.py',
  '.sh',
  '.bat',
  '.ps1',
  '.md',
  '.doc',
  '.docx',
  '.ppt',
  '.pptx',
  '.png',
  '.jpg',
  '.jpeg',
  '.gif',
  '.bmp',
  '.webp',
  '.mp4',
  '.exe',
  '.dll',
]);

async function classifyFile(abs: string, name: string): Promise<Use> {
  if (NOT_TABLE_EXT.has(extname(name).toLowerCase()))
    return {
      as: 'unused',
      zh: '不是表格文件（脚本、文档或图片）',
      en: 'not a table (a script, document or picture)',
    };
  const byName = classify(name);
  if (byName === 'plan' || byName === 'devices') return { as: byName };
  if (PLAN_EXT.has(extname(name).toLowerCase())) return classifyYaml(abs, name);
  // Before the name: a report saved as 结算报告.html is still a report, not a statement.
  const own = await posguardOutput(abs);
  if (own !== undefined) return own;
  if (byName !== undefined) return { as: byName };
  return kindByContent(abs);
}

/** A YAML or JSON file: a plan, a devices file, or what it is instead. */
async function classifyYaml(abs: string, name: string): Promise<Use> {
  if (name.toLowerCase() === 'truth.json')
    return unused(
      '是 posguard simulate 写下的标准答案（注入的问题与金额），核对时不读',
      'it is the answer key posguard simulate wrote (the problems it injected), which the audit does not read',
    );
  const { loadPlanFile } = await import('../../plans/parse-plan.js');
  if ((await loadPlanFile(abs)).ok) return { as: 'plan' };
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch {
    return unused('无法读取', 'it cannot be read');
  }
  const { readYamlTree } = await import('../../plans/yaml-tree.js');
  const read = readYamlTree(text.replace(/^\uFEFF/, ''));
  const keys =
    read.ok &&
    read.tree.value !== null &&
    typeof read.tree.value === 'object' &&
    !Array.isArray(read.tree.value)
      ? Object.keys(read.tree.value)
      : [];
  // A plan with a mistake is still the plan: used, so that its errors stop the audit instead of the rate being
  // inferred without a word.
  if (keys.includes('periods') || keys.includes('rates') || (!read.ok && /^\s*periods\s*:/m.test(text)))
    return { as: 'plan' };
  if (keys.includes('terminals')) return { as: 'devices' };
  if (keys.includes('columns'))
    return unused(
      '是列映射文件（有 columns），请用 --mapping 指定',
      'it is a column mapping (it has columns): give it with --mapping',
    );
  if (keys.includes('schemaVersion') && keys.includes('findings'))
    return unused('是 posguard 生成的核对报告（JSON）', 'it is a report posguard wrote (JSON)');
  if (!read.ok)
    return unused(
      `不是有效的 YAML/JSON（${read.problems[0]?.zh ?? ''}），也就不是费率方案`,
      `it is not valid YAML/JSON (${read.problems[0]?.en ?? ''}), so not a fee plan`,
    );
  return unused(
    '不是费率方案（没有 periods），也不是终端设备记录（没有 terminals）',
    'it is neither a fee plan (no periods) nor a devices file (no terminals)',
  );
}

/**
 * posguard's own reports, which would otherwise read as tables of sales: the findings CSV (交易时间, 交易金额…),
 * the HTML report (its findings table) and the evidence pack (a zip of the inputs themselves).
 */
async function posguardOutput(abs: string): Promise<Use | undefined> {
  const head = await readSlice(abs, 'head');
  if (head === undefined) return undefined;
  if (head[0] === 0x50 && head[1] === 0x4b) {
    // A zip's names are in its central directory, at the end.
    const tail = (await readSlice(abs, 'tail'))?.toString('latin1') ?? '';
    return tail.includes('manifest.json') && tail.includes('complaint-letter')
      ? unused('是 posguard evidence 生成的证据包', 'it is an evidence pack posguard evidence wrote')
      : undefined;
  }
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  if (/^(问题编号,类型,类型代码|id,kind,kind code),/.test(text))
    return unused('是 posguard 生成的问题明细（CSV）', 'it is a findings file posguard wrote (CSV)');
  if (/^<!DOCTYPE html>/i.test(text) && text.includes('<p class="headline">'))
    return unused('是 posguard 生成的核对报告（HTML）', 'it is a report posguard wrote (HTML)');
  return undefined;
}

const SLICE_BYTES = 65_536;

async function readSlice(abs: string, where: 'head' | 'tail'): Promise<Buffer | undefined> {
  try {
    const fh = await open(abs, 'r');
    try {
      const size = (await fh.stat()).size;
      const length = Math.min(size, SLICE_BYTES);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, where === 'head' ? 0 : size - length);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * What a table taken out of an archive is: by its name, else by what it holds; undefined when it cannot be read
 * (the import then reads it as the archive's kind and says why it cannot).
 */
export async function tableKind(abs: string, name: string): Promise<RecordKind | undefined> {
  const byName = classify(name);
  if (byName !== undefined && byName !== 'plan' && byName !== 'devices') return byName;
  const use = await kindByContent(abs);
  return use.as === 'terminal' || use.as === 'settlement' || use.as === 'bank' ? use.as : undefined;
}

/** Stops the import at the first record: its kind is all the directory needs to know. */
class KindFound extends Error {
  constructor(readonly kind: RecordKind) {
    super('kind found');
  }
}

/**
 * A data file's kind as the import reads it (a fee column makes a statement, credit/debit columns a bank file,
 * neither a journal), reading no further than its first record; or why the import cannot read it.
 */
async function kindByContent(abs: string): Promise<Use> {
  const { importFileStreaming, ImportFileError } = await import('../../statements/import.js');
  try {
    const summary = await importFileStreaming({ path: abs }, {}, (record) => {
      throw new KindFound(record.kind);
    });
    // A header without a readable row is still that table: the import lists its rows as rejected.
    return { as: summary.kind };
  } catch (error) {
    if (error instanceof KindFound) return { as: error.kind };
    if (error instanceof ImportFileError)
      return unused(
        `${error.reason.zh}；若它是流水或对账单，请用 --terminal、--settlement 或 --bank 指定`,
        `${error.reason.en}; if it is a journal or a statement, give it with --terminal, --settlement or --bank`,
      );
    throw error;
  }
}

const unused = (zh: string, en: string): Use => ({ as: 'unused', zh, en });

/** The warning for a file the audit does not use. */
export function unusedLine(u: Unused, lang: 'zh' | 'en'): string {
  return lang === 'en' ? `${u.file} not used: ${u.en}` : `${u.file} 未使用：${u.zh}`;
}
