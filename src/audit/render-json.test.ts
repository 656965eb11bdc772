import { describe, expect, it } from 'vitest';
import { renderJsonChunks } from './render-json.js';
import { FINDING_KINDS } from './report-types.js';
import { sampleReport } from './sample-report.js';

/** The JSON example (issue 4, “Output — a contract”). */
const CONTRACT = {
  schemaVersion: 1,
  summary: {
    terminalRecords: 0,
    settlementRecords: 0,
    bankRecords: 0,
    matched: 0,
    pending: 0,
    overchargeFen: 0,
    lossFen: 0,
    withinToleranceFen: 0,
    findingsByKind: { fee_overcharge: 0 },
    skippedChecks: [],
  },
  merchants: [{ merchantId: '', summary: {} }],
  findings: [
    {
      id: '',
      kind: 'fee_overcharge',
      refNo: '',
      time: '2026-08-03T09:12:00+08:00',
      amountFen: 0,
      expectedFeeFen: 0,
      chargedFeeFen: 0,
      overchargeFen: 0,
      lossFen: 0,
      message: '',
      messageEn: '',
    },
  ],
  rateChanges: [
    {
      channel: 'card',
      card: 'credit',
      date: '2026-08-03',
      beforeRate: '0.60%',
      afterRate: '0.68%',
      beforeFixedFen: 0,
      afterFixedFen: 0,
      transactions: 0,
    },
  ],
  ambiguous: [],
  rejected: [{ file: '', row: 0, column: '', reason: '' }],
  files: [{ file: '', sha256: '', preset: '', kind: '', rows: 0 }],
  warnings: [],
};

function missingKeys(expected: unknown, actual: unknown, path: string): string[] {
  if (expected === null || typeof expected !== 'object') return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [path];
    return expected.length > 0 && actual.length > 0 ? missingKeys(expected[0], actual[0], `${path}[0]`) : [];
  }
  if (actual === null || typeof actual !== 'object') return [path];
  return Object.entries(expected).flatMap(([k, v]) =>
    k in actual ? missingKeys(v, (actual as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}`],
  );
}

describe('renderJsonChunks', () => {
  it('prints exactly what JSON.stringify(report, null, 2) prints', () => {
    const report = sampleReport();
    expect([...renderJsonChunks(report)].join('')).toBe(JSON.stringify(report, null, 2));
    report.findings = [];
    expect([...renderJsonChunks(report)].join('')).toBe(JSON.stringify(report, null, 2));
  });

  it('has every key of the contract example, and findingsByKind lists every kind', () => {
    const parsed = JSON.parse([...renderJsonChunks(sampleReport())].join('')) as Record<string, unknown>;
    expect(missingKeys(CONTRACT, parsed, '$')).toEqual([]);
    const summary = parsed.summary as {
      findingsByKind: Record<string, number>;
      overchargeFen: number;
      lossFen: number;
    };
    expect(Object.keys(summary.findingsByKind).sort()).toEqual([...FINDING_KINDS].sort());
    expect(summary.overchargeFen).toBe(147);
    expect(summary.lossFen).toBe(20527);
  });
});
