import type { AuditReport } from '../audit/report-types.js';
import type { PosRecord } from '../records/index.js';
import { providerNames, providerOfTitle } from '../statements/title-lines.js';
import type { JumpRecord, UnassignedJumps } from './compare-plans.js';

/** What else tells whose a statement file is, and which merchant's record is wanted. */
export interface JumpRecordOptions {
  /** Per settlement file, the provider its title names (providerOfTitle). */
  titleProviders?: ReadonlyMap<string, string>;
  /**
   * Only this merchant's findings ('' for lines naming none), and only the files holding its lines (per
   * `fileMerchants`: the merchant numbers of each settlement file's lines, '' for a line naming none, keyed by the
   * file as the lines cite it: a workbook's sheet `s.xlsx#十月` counts for `s.xlsx`).
   */
  merchantId?: string;
  fileMerchants?: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * Per settlement table (keyed as `fileMerchants`), the terminals its lines show, each as `merchant|terminal` and
   * `*|terminal` (terminalKeys): a sale never settled is the provider's whose statements show its terminal.
   */
  fileTerminals?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The providers' 跳点 records, and what no one provider's statements can be told to hold. */
export interface StatementJumps {
  records: JumpRecord[];
  /** Findings without a statement line whose provider cannot be told (see jumpRecordsFromAudit); absent for none. */
  unassigned?: UnassignedJumps;
}

/**
 * Each provider's 跳点 record in the merchant's own data: the audit's findings (fee_undercharge aside: it costs the
 * merchant nothing), grouped by the provider whose statements they concern — so that one merchant's record is what
 * `posguard audit --merchant` reports as its loss. A finding is the provider's of the statement file among its
 * evidence. One without any (a sale the statements never settled) is the provider's whose statements show its
 * terminal (`fileTerminals`), when they are one provider's; else the provider's whose statements hold the merchant's
 * lines, when they are one provider's (with the plan's provider, every record carries it: the first). When the
 * merchant's statements are several providers' and neither tells, the finding is `unassigned`: counted, not lost
 * (a merchant no statement holds has no provider here to have been wronged by, and none of its findings is counted).
 * The provider is named by the merchant plan's `provider`, else by the statement's title; the file's preset (e.g.
 * `leshua`) is one more name to match a catalogue entry by, never shown as the provider (`generic` is a format).
 */
export function jumpRecordsFromAudit(
  report: AuditReport,
  planProvider: string | undefined,
  options: JumpRecordOptions = {},
): StatementJumps {
  const { merchantId, titleProviders } = options;
  const fileOf = inputFileOf(report.files.filter((f) => f.kind === 'settlement').map((f) => f.file));
  const fileMerchants = byInputFile(options.fileMerchants, fileOf);
  const fileTerminals = byInputFile(options.fileTerminals, fileOf);
  const fileKey = new Map<string, string>();
  const records = new Map<string, JumpRecord>();
  for (const f of report.files) {
    if (f.kind !== 'settlement') continue;
    if (merchantId !== undefined && fileMerchants !== undefined) {
      const merchants = fileMerchants.get(f.file);
      if (merchants !== undefined && !merchants.has(merchantId) && !merchants.has('')) continue;
    }
    const title = titleProviders?.get(f.file);
    const shown = planProvider !== undefined && planProvider !== '' ? planProvider : title;
    const names = [
      ...new Set(
        [planProvider, ...(title === undefined ? [] : providerNames(title)), f.preset].filter(
          (n): n is string => n !== undefined && n !== '',
        ),
      ),
    ];
    const key = names.join('|');
    fileKey.set(f.file, key);
    const known = records.get(key);
    if (known === undefined) {
      records.set(key, {
        ...(shown === undefined ? {} : { provider: shown }),
        names,
        settlementFiles: [f.file],
        findings: 0,
        overchargeFen: 0,
        lossFen: 0,
      });
    } else if (!known.settlementFiles.includes(f.file)) known.settlementFiles.push(f.file);
  }
  const keysOfMerchant = merchantProviders(fileKey, fileMerchants);
  const keysOfTerminal = terminalProviders(fileKey, fileTerminals);
  let unassigned: UnassignedJumps | undefined;
  for (const finding of report.findings) {
    if (finding.kind === 'fee_undercharge') continue;
    const owner = finding.merchantId ?? '';
    if (merchantId !== undefined && owner !== merchantId) continue;
    let key = finding.source.map((s) => fileKey.get(fileOf(s.file))).find((k) => k !== undefined);
    if (key === undefined) {
      const ofMerchant = keysOfMerchant(owner);
      key = oneKey(keysOfTerminal(owner, finding.terminalId), records) ?? oneKey(ofMerchant, records);
      // Several providers' statements hold the merchant's lines and none can be told: said, not dropped.
      if (key === undefined && ofMerchant.size > 1) {
        unassigned ??= { findings: 0, overchargeFen: 0, lossFen: 0, terminals: [] };
        unassigned.findings++;
        unassigned.overchargeFen += finding.overchargeFen;
        unassigned.lossFen += finding.lossFen;
        const terminal = finding.terminalId ?? '';
        if (terminal !== '' && !unassigned.terminals.includes(terminal)) unassigned.terminals.push(terminal);
        continue;
      }
    }
    if (key === undefined) continue;
    const record = records.get(key);
    if (record === undefined) continue;
    record.findings++;
    record.overchargeFen += finding.overchargeFen;
    record.lossFen += finding.lossFen;
  }
  unassigned?.terminals.sort();
  return { records: [...records.values()], ...(unassigned === undefined ? {} : { unassigned }) };
}

/**
 * What the statements given say of whose they are, to attribute an audit's findings to providers: the provider
 * each statement's title names, the merchants and terminals its lines show. The CLI and the server's comparison
 * both give it the statements they audited.
 */
export interface StatementJumpInput {
  /** The audit of the journals and these statements. */
  report: AuditReport;
  /** The merchant plan's provider (`--plan`, the stored plan), when there is one. */
  planProvider?: string | undefined;
  /** The statements' lines, citing their tables as the import names them (`s.xlsx#十月`, `all.zip/s.csv`). */
  settlement: readonly PosRecord[];
  /** Title lines of the statements' tables (tableTitles), under their input file's name or their table's. */
  titles: ReadonlyMap<string, readonly string[]>;
  /** `--merchant`: the merchants compared, when chosen. */
  wanted?: readonly string[];
}

/**
 * The 跳点 records of each merchant group compared (jumpRecordsFromAudit): with merchants chosen or several groups,
 * the group's merchant's findings only ('' for lines naming none); a journal of one merchant takes its merchant's
 * findings when a statement line names it, else every finding (the statements name no merchant to tell them apart).
 * A statement file's provider is the first provider a title of it names (its own title, then its sheets' or tables').
 */
export function statementJumps(
  input: StatementJumpInput,
): (group: { merchantId?: string }, several: boolean) => StatementJumps {
  const { report, planProvider, settlement } = input;
  const fileOf = inputFileOf(report.files.filter((f) => f.kind === 'settlement').map((f) => f.file));
  const titleProviders = new Map<string, string>();
  for (const [table, lines] of input.titles) {
    const file = fileOf(table);
    if (titleProviders.has(file)) continue;
    const name = providerOfTitle(lines);
    if (name !== undefined) titleProviders.set(file, name);
  }
  const fileMerchants = new Map<string, Set<string>>();
  const fileTerminals = new Map<string, Set<string>>();
  for (const r of settlement) {
    const file = r.source.file;
    const merchants = fileMerchants.get(file) ?? new Set<string>();
    fileMerchants.set(file, merchants);
    merchants.add(r.merchantId ?? '');
    if (r.terminalId === undefined || r.terminalId === '') continue;
    const terminals = fileTerminals.get(file) ?? new Set<string>();
    fileTerminals.set(file, terminals);
    for (const k of terminalKeys(r.merchantId ?? '', r.terminalId)) terminals.add(k);
  }
  const named = new Set([...fileMerchants.values()].flatMap((m) => [...m]));
  const wanted = input.wanted ?? [];
  return (group, several) => {
    const id = group.merchantId;
    const merchantId =
      wanted.length > 0 || several ? (id ?? '') : id !== undefined && named.has(id) ? id : undefined;
    return jumpRecordsFromAudit(report, planProvider, {
      titleProviders,
      fileMerchants,
      fileTerminals,
      ...(merchantId === undefined ? {} : { merchantId }),
    });
  };
}

/**
 * The keys a statement line's terminal is known by: its merchant's (`822…|T1`) and anyone's (`*|T1`), so that a
 * journal line naming no merchant finds it by the terminal alone.
 */
function terminalKeys(merchantId: string, terminalId: string): string[] {
  return [`${merchantId}|${terminalId}`, `*|${terminalId}`];
}

/**
 * The input file a table's name belongs to: the report names a workbook or archive once (`s.xlsx`), its records
 * cite the sheet or member (`s.xlsx#十月`, `all.zip/s.csv`). A name of no input file is returned as it is.
 */
function inputFileOf(files: readonly string[]): (name: string) => string {
  const known = new Set(files);
  // The longest first: an input named like another's table (`a.zip` and `a.zip/b.zip`) keeps its own tables.
  const longestFirst = [...known].sort((a, b) => b.length - a.length);
  return (name) => {
    if (known.has(name)) return name;
    return longestFirst.find((f) => name.startsWith(`${f}#`) || name.startsWith(`${f}/`)) ?? name;
  };
}

/** The merchants of each table gathered under its input file, as the report names the files. */
function byInputFile(
  fileMerchants: ReadonlyMap<string, ReadonlySet<string>> | undefined,
  fileOf: (name: string) => string,
): Map<string, Set<string>> | undefined {
  if (fileMerchants === undefined) return undefined;
  const out = new Map<string, Set<string>>();
  for (const [name, merchants] of fileMerchants) {
    const file = fileOf(name);
    const set = out.get(file) ?? new Set<string>();
    out.set(file, set);
    for (const m of merchants) set.add(m);
  }
  return out;
}

/**
 * The one provider record of several, for a finding no statement line shows (a sale never settled): the only one, or
 * the first of several that all show one provider (the plan's, which every record carries; one title's in files of
 * two presets), which comparePlans joins into one as they match the same catalogue entry. Undefined for none, or for
 * several providers'.
 */
function oneKey(keys: ReadonlySet<string>, records: ReadonlyMap<string, JumpRecord>): string | undefined {
  const [first, ...others] = keys;
  if (others.length === 0) return first;
  const shown = new Set([...keys].map((k) => records.get(k)?.provider));
  return shown.size === 1 && !shown.has(undefined) ? first : undefined;
}

/**
 * Per merchant, the provider records of the statement files holding its lines (every file, when which merchants a
 * file holds is not known).
 */
function merchantProviders(
  fileKey: ReadonlyMap<string, string>,
  fileMerchants: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): (merchantId: string) => ReadonlySet<string> {
  const memo = new Map<string, Set<string>>();
  return (merchantId) => {
    const known = memo.get(merchantId);
    if (known !== undefined) return known;
    const keys = new Set<string>();
    for (const [file, key] of fileKey) {
      const merchants = fileMerchants?.get(file);
      if (merchants === undefined || merchants.has(merchantId)) keys.add(key);
    }
    memo.set(merchantId, keys);
    return keys;
  };
}

/**
 * The provider records of the statement files whose lines show a merchant's terminal (a journal line naming no
 * merchant: anyone's line with that terminal); none for a sale without a terminal, or when no file's terminals
 * are known.
 */
function terminalProviders(
  fileKey: ReadonlyMap<string, string>,
  fileTerminals: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): (merchantId: string, terminalId: string | undefined) => ReadonlySet<string> {
  return (merchantId, terminalId) => {
    const keys = new Set<string>();
    if (fileTerminals === undefined || terminalId === undefined || terminalId === '') return keys;
    const wanted =
      merchantId === '' ? [`*|${terminalId}`] : [`${merchantId}|${terminalId}`, `|${terminalId}`];
    for (const [file, key] of fileKey) {
      const terminals = fileTerminals.get(file);
      if (terminals !== undefined && wanted.some((w) => terminals.has(w))) keys.add(key);
    }
    return keys;
  };
}
