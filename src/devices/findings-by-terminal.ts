import type { AuditReport } from '../audit/report-types.js';

/** One terminal's share of an audit's findings. */
export interface TerminalFindings {
  terminalId: string;
  findings: number;
  overchargeFen: number;
  lossFen: number;
  byKind: Record<string, number>;
}

/** Counts and sums an audit's findings by terminal id (findings without a terminal id are left out). */
export function findingsByTerminal(report: Pick<AuditReport, 'findings'>): Map<string, TerminalFindings> {
  const out = new Map<string, TerminalFindings>();
  for (const f of report.findings) {
    if (f.terminalId === undefined) continue;
    let entry = out.get(f.terminalId);
    if (entry === undefined) {
      entry = { terminalId: f.terminalId, findings: 0, overchargeFen: 0, lossFen: 0, byKind: {} };
      out.set(f.terminalId, entry);
    }
    entry.findings++;
    entry.overchargeFen += f.overchargeFen;
    entry.lossFen += f.lossFen;
    entry.byKind[f.kind] = (entry.byKind[f.kind] ?? 0) + 1;
  }
  return out;
}
