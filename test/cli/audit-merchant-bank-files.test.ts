import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { M1, M2, tmpDirs } from './audit-fixtures.js';
import { writeMerchantFolders } from './merchant-folders-fixture.js';

// `posguard audit AGENT/ --merchant M1` set M1's 08-05 payout (1988.00) against M2's credit of 1491.00 in M2's
// own bank file: a phantom "少 ¥497.00" 到账不符 that neither M1's folder nor the unfiltered run reports.

const tmp = tmpDirs('posguard-cli-merchant-bank-');

async function audit(args: string[], env: Record<string, string> = {}): Promise<AuditReport> {
  const dir = tmp();
  writeMerchantFolders(dir);
  const run = await runCli(['audit', ...args, '--format', 'json'], { cwd: dir, env });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

const kinds = (report: AuditReport) => report.findings.map((f) => [f.kind, f.merchantId, f.lossFen]);

describe('posguard audit of an agent folder with --merchant', () => {
  it('finds for M1 what its own folder does: only the 100 fen overcharge', async () => {
    const own = await audit([M1]);
    expect(kinds(own)).toEqual([['fee_overcharge', M1, 100]]);
    expect(own.summary.lossFen).toBe(100);
    expect(own.summary.bankRecords).toBe(1);
  });

  // The file groups (one per merchant), and the spool that one record of allowance forces.
  for (const [path, env] of [
    ['file groups', {}],
    ['spool', { POSGUARD_SPOOL_RECORDS: '1' }],
  ] as const)
    it(`uses only M1's bank file for M1's payouts (${path})`, async () => {
      const report = await audit(['.', '--merchant', M1], env);
      // Not 100 + (198800 − 149100 = 49700) = 49800: M2's credit pays no day of M1's.
      expect(kinds(report)).toEqual([['fee_overcharge', M1, 100]]);
      expect(report.summary.lossFen).toBe(100);
      expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
      // M1's one credit, not M2's too.
      expect(report.summary.bankRecords).toBe(1);
      expect(report.files.filter((f) => f.kind === 'bank').map((f) => f.file)).toEqual([
        join(M1, 'bank.csv'),
      ]);
      expect(report.warnings).toContain(
        `${join(M2, 'bank.csv')} 所在目录的结算单只属于 --merchant 以外的商户，未用于核对所选商户的到账 / ` +
          `${join(M2, 'bank.csv')}: the statements beside it are only of merchants other than --merchant, so it was not used to check the selected merchants' payouts`,
      );
    });

  it('keeps the unfiltered run as it was: every bank file, each merchant paid from its own', async () => {
    const report = await audit(['.']);
    expect(kinds(report)).toEqual([['fee_overcharge', M1, 100]]);
    expect(report.summary.bankRecords).toBe(2);
    expect(report.files.filter((f) => f.kind === 'bank').map((f) => f.file)).toEqual([
      join(M1, 'bank.csv'),
      join(M2, 'bank.csv'),
    ]);
  });

  it('keeps a bank file that lies beside a selected merchant’s statement (--merchant M1 M2)', async () => {
    const report = await audit(['.', '--merchant', M1, M2]);
    expect(kinds(report)).toEqual([['fee_overcharge', M1, 100]]);
    expect(report.summary.bankRecords).toBe(2);
  });
});
