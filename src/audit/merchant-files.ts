// Which input files --merchant leaves out as other merchants'. A statement or journal says it by its lines'
// merchant numbers: one without a line of the merchants asked for gave the audit nothing. A bank statement or a
// devices file names no merchant in its lines: it may say whose it is elsewhere — its account holder (户名) or
// account number against those a statement's title gives, a merchant number in its title, a merchant number
// column, its memos or its name —, and in an agent's folder of one sub-folder per merchant, the folder says it.
// Another merchant's credits are no payout of the merchants asked for, and its file no evidence of theirs. A
// devices file lists terminals: the merchant whose statements or journal carry those terminals is its merchant,
// whatever (or however) its merchantId says.

/** A statement file and the merchant numbers its lines carry ('' for a line without; undefined when unknown). */
export interface StatementMerchants {
  file: string;
  merchants: readonly string[] | undefined;
}

/** What a statement's title says of its merchant: the names and account numbers of whoever its lines are. */
export interface StatementTitle extends StatementMerchants {
  /** The 商户号 of its title, if any. */
  merchantId?: string;
  /** The merchant's and its settlement account's names (商户名称, 结算户名). */
  names: readonly string[];
  /** Its settlement account numbers (结算账号), masked as statements print them or not. */
  accounts: readonly string[];
}

/** What a bank or devices file says of whose it is. */
export interface FileClues {
  file: string;
  /** The merchant the file declares it is of (a devices file's merchantId): decisive. */
  owner?: string;
  /** Merchant numbers in labelled places: a title's 商户号, a merchant number column. */
  numbers: readonly string[];
  /** Its title lines, where a merchant number may stand unlabelled. */
  titles: readonly string[];
  /** Its memos (摘要, 用途, 附言): a payout's may name the merchant it pays. */
  memos: readonly string[];
  /** The account holder's names (户名, 账户名称 in the title or a column). */
  names: readonly string[];
  /** The account's numbers (账号 in the title or a column). */
  accounts: readonly string[];
  /** The terminals a devices file lists (终端号). */
  terminals?: readonly string[];
}

/** Where a file said whose it is. */
export type Clue =
  | 'owner'
  | 'number'
  | 'name'
  | 'account'
  | 'terminal'
  | 'title'
  | 'memo'
  | 'file-name'
  | 'folder-name';

/**
 * What --merchant makes of a bank or devices file: `selected` names a merchant asked for (kept); `other` names only
 * others (left out); `folder-other` lies beside statements of others only (left out); `folder-selected` beside
 * statements of the merchants asked for only (kept); `unattributed` says nothing while the statements hold other
 * merchants too (kept, and the user told); `alone` says nothing and there is no other merchant it could be of. A
 * `selected` file that names one merchant asked for only gives it as `merchantId`.
 */
export type Attribution =
  | {
      file: string;
      verdict: 'selected' | 'folder-selected' | 'unattributed' | 'alone' | 'folder-other';
      merchantId?: string;
    }
  | { file: string; verdict: 'other'; merchantId: string; by: Clue };

/** Whether the verdict keeps the file for the merchants asked for. */
export function keeps(a: Attribution): boolean {
  return a.verdict !== 'other' && a.verdict !== 'folder-other';
}

/** A free-text token is taken for a merchant number only from this length: shorter ones are days, amounts, rows. */
const MIN_FREE_NUMBER = 5;

/** The runs of digits, and of letters and digits, in `text`: where a merchant number may stand apart. */
function tokensOf(text: string): string[] {
  return [...(text.match(/\d+/g) ?? []), ...(text.match(/[0-9A-Za-z]+/g) ?? [])].filter(
    (t) => t.length >= MIN_FREE_NUMBER,
  );
}

/** A name as a bank and a provider may each print it: full-width brackets and letters as ASCII, no spaces. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

/** An account number's digits and mask characters (`6222 02**  **** 1234` → `622202******1234`). */
function accountKey(text: string): string {
  return text.normalize('NFKC').replace(/[\s-]/g, '').replace(/[xX]/g, '*');
}

/**
 * Whether two account numbers, either masked as statements print them (6222****1234), are the same account: the
 * digits both show agree, and they share the last four at least.
 */
export function sameAccount(a: string, b: string): boolean {
  const x = accountKey(a);
  const y = accountKey(b);
  if (!/^\d[\d*]*\d$/.test(x) || !/^\d[\d*]*\d$/.test(y)) return false;
  if (!x.includes('*') && !y.includes('*')) return x === y;
  const head = (s: string) => (s.includes('*') ? s.slice(0, s.indexOf('*')) : s);
  const tail = (s: string) => s.slice(s.lastIndexOf('*') + 1);
  const [hx, hy, tx, ty] = [head(x), head(y), tail(x), tail(y)];
  const tails = Math.min(tx.length, ty.length);
  if (tails < 4 || tx.slice(-tails) !== ty.slice(-tails)) return false;
  const heads = Math.min(hx.length, hy.length);
  return hx.slice(0, heads) === hy.slice(0, heads);
}

/**
 * A merchant or terminal number as files may each write it: full-width digits as ASCII, without spaces, dashes,
 * dots or underscores, capitals, and without leading zeros (a YAML number drops them: `merchantId: 0123…`).
 */
export function idKey(id: string): string {
  return id
    .normalize('NFKC')
    .replace(/[\s._-]/g, '')
    .toUpperCase()
    .replace(/^0+(?=.)/, '');
}

/**
 * Each terminal the statements' and journals' lines carry (by idKey), with the one merchant they name; null for a
 * terminal of several merchants (terminal numbers are a provider's per merchant: 10000001 may be everyone's), or
 * of lines without a merchant number.
 */
export type TerminalOwners = ReadonlyMap<string, string | null>;

/**
 * TerminalOwners from the statements' terminals (each with the merchant its lines name, null for several: the
 * import's statementTerminals) and each audited merchant's journal terminals.
 */
export function terminalOwners(
  statementTerminals: Iterable<readonly [terminalId: string, merchantId: string | null]>,
  journals: Iterable<readonly [merchantId: string, digest: { terminalIds: Iterable<string> }]>,
): Map<string, string | null> {
  const owners = new Map<string, string | null>();
  const note = (terminalId: string, merchantId: string | null) => {
    const key = idKey(terminalId);
    if (key === '') return;
    const known = owners.get(key);
    const m = merchantId === '' ? null : merchantId;
    if (known === undefined) owners.set(key, m);
    else if (known !== m) owners.set(key, null);
  };
  for (const [terminalId, merchantId] of statementTerminals) note(terminalId, merchantId);
  for (const [merchantId, digest] of journals) for (const t of digest.terminalIds) note(t, merchantId);
  return owners;
}

/**
 * The merchant of `known` a merchantId names: itself, else the one known merchant written the same way but for
 * spaces, dashes, capitals or leading zeros (idKey); undefined when none is, or several are.
 */
function knownMerchant(id: string, known: ReadonlySet<string>): string | undefined {
  if (known.has(id)) return id;
  const key = idKey(id);
  const same = [...known].filter((m) => idKey(m) === key);
  return same.length === 1 ? same[0] : undefined;
}

/** The one merchant a statement's lines name (its title's 商户号 when they name none); undefined for several. */
function merchantOfStatement(s: StatementTitle): string | undefined {
  const named = new Set((s.merchants ?? []).filter((m) => m !== ''));
  if (named.size === 1) return [...named][0];
  return named.size === 0 ? s.merchantId : undefined;
}

/** Whether a statement's lines are all of merchants outside `selected` (known, none without a number). */
function ofOthersOnly(s: StatementMerchants, selected: ReadonlySet<string>): boolean {
  return (
    s.merchants !== undefined &&
    s.merchants.length > 0 &&
    s.merchants.every((m) => m !== '' && !selected.has(m))
  );
}

/** Whether a statement's lines are all of merchants in `selected`. */
function ofSelectedOnly(s: StatementMerchants, selected: ReadonlySet<string>): boolean {
  return s.merchants !== undefined && s.merchants.length > 0 && s.merchants.every((m) => selected.has(m));
}

/**
 * The merchants a statement's title names and accounts belong to: by name, and by account number; and the one
 * merchant of each terminal.
 */
interface Registry {
  byName: Map<string, Set<string>>;
  accounts: { account: string; merchantId: string }[];
  terminals: TerminalOwners;
}

/** The merchants whose terminals a devices file lists, each with the clue 'terminal'. */
function merchantsOfTerminals(f: FileClues, terminals: TerminalOwners): Map<string, Clue> {
  const named = new Map<string, Clue>();
  for (const t of f.terminals ?? []) {
    const m = terminals.get(idKey(t));
    if (m !== undefined && m !== null) named.set(m, 'terminal');
  }
  return named;
}

function registryOf(statements: readonly StatementTitle[], terminals: TerminalOwners): Registry {
  const byName = new Map<string, Set<string>>();
  const accounts: Registry['accounts'] = [];
  for (const s of statements) {
    const m = merchantOfStatement(s);
    if (m === undefined) continue;
    for (const name of s.names) {
      const key = normaliseName(name);
      if (key === '') continue;
      const set = byName.get(key) ?? new Set<string>();
      set.add(m);
      byName.set(key, set);
    }
    for (const account of s.accounts) accounts.push({ account, merchantId: m });
  }
  return { byName, accounts, terminals };
}

/** The merchants of `known` a file names by what it holds, each with where it said so first. */
function merchantsNamed(
  f: FileClues,
  known: ReadonlySet<string>,
  registry: Registry,
  baseName: string,
): Map<string, Clue> {
  const named = new Map<string, Clue>();
  const note = (m: string, by: Clue) => {
    if (known.has(m) && !named.has(m)) named.set(m, by);
  };
  for (const n of f.numbers) note(n, 'number');
  for (const name of f.names) for (const m of registry.byName.get(normaliseName(name)) ?? []) note(m, 'name');
  for (const a of f.accounts)
    for (const s of registry.accounts) if (sameAccount(a, s.account)) note(s.merchantId, 'account');
  for (const [m, by] of merchantsOfTerminals(f, registry.terminals)) note(m, by);
  for (const t of f.titles) for (const token of tokensOf(t)) note(token, 'title');
  for (const t of f.memos) for (const token of tokensOf(t)) note(token, 'memo');
  for (const token of tokensOf(baseName)) note(token, 'file-name');
  return named;
}

/** The verdict of what a file names: the selected merchants' when it names one, else the first other's. */
function verdictOf(
  file: string,
  named: ReadonlyMap<string, Clue>,
  selected: ReadonlySet<string>,
): Attribution | undefined {
  const mine = [...named.keys()].filter((m) => selected.has(m));
  if (mine.length > 0)
    return { file, verdict: 'selected', ...(mine.length === 1 ? { merchantId: mine[0] as string } : {}) };
  const first = [...named][0];
  return first === undefined ? undefined : { file, verdict: 'other', merchantId: first[0], by: first[1] };
}

/**
 * Whose each bank or devices file is, for --merchant `selected` (see Attribution). What the file says comes first:
 * its owner (a known merchant's number, however written), or a merchant number, account holder or account number
 * of the statements' in its title, columns, memos or name, or the terminals of one merchant's lines (`terminals`).
 * An owner no statement names (another system's number) is decisive only when its terminals say nothing. Then its
 * folder: beside statements of others only (an agent's folder per merchant) it is theirs, beside the selected
 * merchants' only it is theirs. Then a merchant number in its folder's name. Else it cannot tell. `directoryOf`
 * gives a file's folder (the same for statements and the others), `baseName` the last part of a path.
 */
export function attributeFiles(
  statements: readonly StatementTitle[],
  files: readonly FileClues[],
  selected: ReadonlySet<string>,
  path: { directoryOf: (file: string) => string; baseName: (file: string) => string },
  terminals: TerminalOwners = new Map(),
): Attribution[] {
  const known = new Set<string>(selected);
  for (const s of statements) for (const m of s.merchants ?? []) if (m !== '') known.add(m);
  for (const m of terminals.values()) if (m !== null) known.add(m);
  const registry = registryOf(statements, terminals);
  const folders = new Map<string, StatementMerchants[]>();
  for (const s of statements) {
    const dir = path.directoryOf(s.file);
    folders.set(dir, [...(folders.get(dir) ?? []), s]);
  }
  return files.map((f): Attribution => {
    if (f.owner !== undefined) {
      const owner = knownMerchant(f.owner, known);
      if (owner !== undefined)
        return selected.has(owner)
          ? { file: f.file, verdict: 'selected', merchantId: owner }
          : { file: f.file, verdict: 'other', merchantId: owner, by: 'owner' };
      // A merchantId no file names: the merchant's number in another system, or mistyped. Whose terminals the file
      // lists tells; failing that, the merchantId stands, another merchant's.
      return (
        verdictOf(f.file, merchantsOfTerminals(f, registry.terminals), selected) ?? {
          file: f.file,
          verdict: 'other',
          merchantId: f.owner,
          by: 'owner',
        }
      );
    }
    // With no merchant but those asked for, there is nobody else's file to tell apart.
    if (known.size === selected.size) return { file: f.file, verdict: 'alone' };
    const said = verdictOf(f.file, merchantsNamed(f, known, registry, path.baseName(f.file)), selected);
    if (said !== undefined) return said;
    const dir = path.directoryOf(f.file);
    const beside = folders.get(dir) ?? [];
    if (beside.length > 0 && beside.every((s) => ofOthersOnly(s, selected)))
      return { file: f.file, verdict: 'folder-other' };
    if (beside.length > 0 && beside.every((s) => ofSelectedOnly(s, selected)))
      return { file: f.file, verdict: 'folder-selected' };
    const inFolderName = new Map<string, Clue>();
    for (const token of tokensOf(path.baseName(dir)))
      if (known.has(token) && !inFolderName.has(token)) inFolderName.set(token, 'folder-name');
    return verdictOf(f.file, inFolderName, selected) ?? { file: f.file, verdict: 'unattributed' };
  });
}

/**
 * A devices file as the diagnoses read it (they apply one with a merchantId to that merchant only): one kept for a
 * merchant asked for although its merchantId is written otherwise, or is another system's, carries that
 * merchant's number (`a.merchantId`), or none when its terminals are of several merchants asked for.
 */
export function asAttributed<T extends { merchantId?: string }>(value: T, a: Attribution | undefined): T {
  if (value.merchantId === undefined || a === undefined || !keeps(a) || a.merchantId === value.merchantId)
    return value;
  const { merchantId: _given, ...rest } = value;
  return (a.merchantId === undefined ? rest : { ...rest, merchantId: a.merchantId }) as T;
}

/**
 * The statement and journal files without a line of the merchants `selected`: they gave the audit nothing, and
 * are neither listed nor packed. A file whose merchants are unknown, or that has no line read, is kept (its
 * rejected rows may be the merchant's); so is a journal whose lines without a number went to the merchant
 * (`mayBeSelected`). Empty when `selected` is undefined.
 */
export function filesWithoutSelected(
  files: readonly (StatementMerchants & { mayBeSelected?: boolean })[],
  selected: ReadonlySet<string> | undefined,
): Set<string> {
  const theirs = new Set<string>();
  if (selected === undefined) return theirs;
  for (const f of files)
    if (
      f.merchants !== undefined &&
      f.merchants.length > 0 &&
      f.mayBeSelected !== true &&
      !f.merchants.some((m) => selected.has(m))
    )
      theirs.add(f.file);
  return theirs;
}

const CLUE_TEXT: Record<Clue, [zh: string, en: string]> = {
  owner: ['文件中写明的商户号', 'the merchant number it gives'],
  number: ['商户号', 'a merchant number in it'],
  name: ['户名', 'its account holder'],
  account: ['账号', 'its account number'],
  terminal: ['终端号', 'its terminal IDs'],
  title: ['表头中的商户号', 'a merchant number in its title'],
  memo: ['摘要中的商户号', 'a merchant number in its memos'],
  'file-name': ['文件名中的商户号', 'the merchant number in its name'],
  'folder-name': ['目录名中的商户号', "the merchant number in its folder's name"],
};

/** What a file is, in the warnings. */
export type CheckedFileKind = 'bank' | 'devices';

const USE: Record<CheckedFileKind, { zh: string; en: string; kindZh: string; kindEn: string }> = {
  bank: {
    zh: '核对所选商户的到账',
    en: "check the selected merchants' payouts",
    kindZh: '银行流水',
    kindEn: 'bank statement',
  },
  devices: {
    zh: '诊断所选商户的差错',
    en: "diagnose the selected merchants' findings",
    kindZh: '设备记录',
    kindEn: 'devices file',
  },
};

/** Up to five items and how many more, in each language. */
function listed(zh: readonly string[], en: readonly string[]): { zh: string; en: string } {
  const more = zh.length - Math.min(zh.length, 5);
  return {
    zh: `${zh.slice(0, 5).join('、')}${more > 0 ? ` 等 ${zh.length} 个` : ''}`,
    en: `${en.slice(0, 5).join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
  };
}

/**
 * The warnings (zh / en, as the run's warnings are) on the files of one kind --merchant left out or could not
 * attribute: one for those of named other merchants, one for those beside other merchants' statements, one for
 * those kept without knowing whose they are. None for the files kept as the selected merchants'.
 */
export function attributionWarnings(kind: CheckedFileKind, attributions: readonly Attribution[]): string[] {
  const use = USE[kind];
  const warnings: string[] = [];
  const others = attributions.flatMap((a) => (a.verdict === 'other' ? [a] : []));
  if (others.length > 0) {
    const list = listed(
      others.map((a) => `${a.file}（${CLUE_TEXT[a.by][0]}表明属于商户 ${a.merchantId}）`),
      others.map((a) => `${a.file} (merchant ${a.merchantId}'s, by ${CLUE_TEXT[a.by][1]})`),
    );
    const one = others.length === 1;
    warnings.push(
      `${list.zh}是 --merchant 以外商户的${use.kindZh}，未用于${use.zh} / ` +
        `${list.en}: ${one ? `a ${use.kindEn} of a merchant` : `${use.kindEn}s of merchants`} other than --merchant, so ${one ? 'it was' : 'they were'} not used to ${use.en}`,
    );
  }
  const beside = attributions.filter((a) => a.verdict === 'folder-other').map((a) => a.file);
  if (beside.length > 0) warnings.push(otherMerchantsFolderWarning(kind, beside));
  const unknown = attributions.filter((a) => a.verdict === 'unattributed').map((a) => a.file);
  if (unknown.length > 0) {
    const list = listed(unknown, unknown);
    const one = unknown.length === 1;
    warnings.push(
      `无法判断 ${list.zh} 属于哪个商户（户名、账号、商户号、文件名和所在目录都没有指明），仍用于${use.zh}；若是其他商户的${use.kindZh}，请不要一并给出 / ` +
        `${list.en}: could not be attributed to a merchant (no account holder, account number, merchant number, file or folder name tells), so ${one ? 'it was' : 'they were'} kept to ${use.en}; leave ${one ? 'it' : 'them'} out if ${one ? 'it is' : 'they are'} another merchant's`,
    );
  }
  return warnings;
}

/** The warning naming the files left out as lying beside other merchants' statements only. */
export function otherMerchantsFolderWarning(kind: CheckedFileKind, files: readonly string[]): string {
  const use = USE[kind];
  const list = listed(files, files);
  const one = files.length === 1;
  return (
    `${list.zh} 所在目录的结算单只属于 --merchant 以外的商户，未用于${use.zh} / ` +
    `${list.en}: the statements beside ${one ? 'it' : 'them'} are only of merchants other than --merchant, so ${one ? 'it was' : 'they were'} not used to ${use.en}`
  );
}
