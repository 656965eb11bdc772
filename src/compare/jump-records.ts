import type { AuditReport } from '../audit/report-types.js';
import type { JumpRecord } from './compare-plans.js';

/**
 * Each provider's 跳点 record in the merchant's own data: the audit's findings (fee_undercharge aside) whose
 * evidence includes a settlement file, grouped by the provider that file came from — the merchant plan's
 * `provider` when it names one, and the file's preset (e.g. `leshua`).
 */
export function jumpRecordsFromAudit(report: AuditReport, planProvider: string | undefined): JumpRecord[] {
  const fileKey = new Map<string, string>();
  const records = new Map<string, JumpRecord>();
  for (const f of report.files) {
    if (f.kind !== 'settlement') continue;
    const names = [
      ...new Set([planProvider, f.preset].filter((n): n is string => n !== undefined && n !== '')),
    ];
    const key = names.join('|');
    fileKey.set(f.file, key);
    const known = records.get(key);
    if (known === undefined) {
      records.set(key, {
        provider: names[0] ?? f.preset,
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
