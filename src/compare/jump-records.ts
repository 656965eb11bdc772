import type { AuditReport } from '../audit/report-types.js';
import type { JumpRecord } from './compare-plans.js';
import { providerNames } from '../statements/title-lines.js';

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
}

/**
 * Each provider's 跳点 record in the merchant's own data: the audit's findings (fee_undercharge aside: it costs the
 * merchant nothing), grouped by the provider whose statements they concern — so that one merchant's record is what
 * `posguard audit --merchant` reports as its loss. A finding is the provider's of the statement file among its
 * evidence; one without any (a sale the statements never settled) is the provider's whose statements hold the
 * merchant's lines, when they are one provider's (or all name the plan's provider). The provider is named by the
 * merchant plan's `provider`, else by the statement's title; the file's preset (e.g. `leshua`) is one more name to
 * match a catalogue entry by, never shown as the provider (`generic` is a file format).
 */
export function jumpRecordsFromAudit(
  report: AuditReport,
  planProvider: string | undefined,
  options: JumpRecordOptions = {},
): JumpRecord[] {
  const { merchantId, titleProviders } = options;
  const fileOf = inputFileOf(report.files.filter((f) => f.kind === 'settlement').map((f) => f.file));
  const fileMerchants = byInputFile(options.fileMerchants, fileOf);
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
  const merchantKey = merchantProviders(fileKey, fileMerchants, planProvider);
  for (const finding of report.findings) {
    if (finding.kind === 'fee_undercharge') continue;
    const owner = finding.merchantId ?? '';
    if (merchantId !== undefined && owner !== merchantId) continue;
    const key =
      finding.source.map((s) => fileKey.get(fileOf(s.file))).find((k) => k !== undefined) ??
      merchantKey(owner);
    if (key === undefined) continue;
    const record = records.get(key);
    if (record === undefined) continue;
    record.findings++;
    record.overchargeFen += finding.overchargeFen;
    record.lossFen += finding.lossFen;
  }
  return [...records.values()];
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
 * Per merchant, the one provider record its statements belong to, for findings no statement line shows (a sale
 * never settled): the record of the statement files holding its lines (every file, when which merchants a file
 * holds is not known), when they are one record — or several that all carry the plan's provider (each record's
 * names start with it), which comparePlans joins into one. Undefined when they are several providers'.
 */
function merchantProviders(
  fileKey: ReadonlyMap<string, string>,
  fileMerchants: ReadonlyMap<string, ReadonlySet<string>> | undefined,
  planProvider: string | undefined,
): (merchantId: string) => string | undefined {
  const memo = new Map<string, string | undefined>();
  return (merchantId) => {
    if (memo.has(merchantId)) return memo.get(merchantId);
    const keys = new Set<string>();
    for (const [file, key] of fileKey) {
      const merchants = fileMerchants?.get(file);
      if (merchants === undefined || merchants.has(merchantId)) keys.add(key);
    }
    const [first, ...others] = keys;
    const one =
      others.length === 0 || (planProvider !== undefined && planProvider !== '') ? first : undefined;
    memo.set(merchantId, one);
    return one;
  };
}
