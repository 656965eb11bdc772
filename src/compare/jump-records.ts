import type { AuditReport } from '../audit/report-types.js';
import type { JumpRecord } from './compare-plans.js';
import { providerNames } from '../statements/title-lines.js';

/** What else tells whose a statement file is, and which merchant's record is wanted. */
export interface JumpRecordOptions {
  /** Per settlement file, the provider its title names (providerOfTitle). */
  titleProviders?: ReadonlyMap<string, string>;
  /**
   * Only this merchant's findings ('' for lines naming none), and only the files holding its lines (per
   * `fileMerchants`: the merchant numbers of each settlement file's lines, '' for a line naming none).
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
  const { merchantId, fileMerchants, titleProviders } = options;
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
      finding.source.map((s) => fileKey.get(s.file)).find((k) => k !== undefined) ?? merchantKey(owner);
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
