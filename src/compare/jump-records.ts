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
 * Each provider's 跳点 record in the merchant's own data: the audit's findings (fee_undercharge aside) whose
 * evidence includes a settlement file, grouped by the provider that file came from. The provider is named by the
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
  for (const finding of report.findings) {
    if (finding.kind === 'fee_undercharge') continue;
    if (merchantId !== undefined && (finding.merchantId ?? '') !== merchantId) continue;
    const key = finding.source.map((s) => fileKey.get(s.file)).find((k) => k !== undefined);
    if (key === undefined) continue;
    const record = records.get(key);
    if (record === undefined) continue;
    record.findings++;
    record.overchargeFen += finding.overchargeFen;
    record.lossFen += finding.lossFen;
  }
  return [...records.values()];
}
