import { describe, expect, it } from 'vitest';
import {
  type AuditReport,
  type AuditSummary,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
} from '../audit/report-types.js';
import { complaintLetter } from './complaint-letter.js';

const M = '822000000000009';

/** A one-merchant report of these findings, as the audit writes it. */
function reportOf(findings: Finding[]): AuditReport {
  const findingsByKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  for (const f of findings) findingsByKind[f.kind] += 1;
  const summary: AuditSummary = {
    terminalRecords: 0,
    settlementRecords: 0,
    bankRecords: 0,
    matched: 0,
    pending: 0,
    overchargeFen: findings.reduce((a, f) => a + f.overchargeFen, 0),
    lossFen: findings.reduce((a, f) => a + f.lossFen, 0),
    withinToleranceFen: 0,
    findingsByKind,
    skippedChecks: [],
  };
  return {
    schemaVersion: 1,
    summary,
    merchants: [{ merchantId: M, summary }],
    findings,
    rateChanges: [],
    ambiguous: [],
    rejected: [],
    files: [],
    warnings: [],
  };
}

describe('the complaint letter’s largest losses', () => {
  it('names a sale without 参考号 or 订单号 by the line it is on, not as a settlement day', () => {
    // A cashier's sale never settled: ¥300.00 − fee ¥1.80 = ¥298.20 due.
    const missing: Finding = {
      id: 'f-1',
      kind: 'missing_settlement',
      merchantId: M,
      terminalId: '10000001',
      time: '2026-10-14T15:00:00+08:00',
      amountFen: 30000,
      overchargeFen: 0,
      lossFen: 29820,
      message: '',
      messageEn: '',
      source: [{ file: 'terminal.csv', row: 14 }],
    };
    const zh = complaintLetter(reportOf([missing]), { date: '2026-10-20' });
    expect(zh).toContain('  terminal.csv 第 14 行  2026-10-14  终端 10000001  金额 ¥300.00  损失 ¥298.20');
    expect(zh).not.toContain('结算日 2026-10-14');
    const en = complaintLetter(reportOf([missing]), { date: '2026-10-20', lang: 'en' });
    expect(en).toContain(
      '  terminal.csv row 14  2026-10-14  terminal 10000001  amount ¥300.00  lost ¥298.20',
    );
  });
});
