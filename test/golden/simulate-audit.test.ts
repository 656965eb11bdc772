import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FINDING_KINDS,
  type AuditReport,
  type Finding,
  type RateChange,
} from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { SCENARIOS, type Scenario } from '../../src/simulate/scenarios.js';
import { SIM_PRESETS, type SimPreset, UNSUPPORTED } from '../../src/simulate/simulate.js';

/**
 * Golden tests: the simulator records the truth as it injects each cause of 跳点; the real `posguard audit` over
 * the files it wrote must find exactly those findings — precision and recall 100 % per kind, totals to the fen,
 * and each rate change on its injected date.
 */
interface Truth {
  summary: { overchargeFen: number; lossFen: number; findingsByKind: Record<string, number> };
  findings: Finding[];
  rateChanges: RateChange[];
}

const root = mkdtempSync(join(tmpdir(), 'posguard-golden-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runNumber = 0;

async function simulateAndAudit(
  preset: SimPreset,
  scenarios: readonly string[],
  extra: string[] = [],
): Promise<{ truth: Truth; report: AuditReport; exitCode: number }> {
  const out = join(root, `run-${++runNumber}`);
  const simulated = await runCli([
    'simulate',
    '--out',
    out,
    '--preset',
    preset,
    '--days',
    '24',
    '--per-day',
    '24',
    '--seed',
    String(runNumber),
    ...scenarios.flatMap((s) => ['--scenario', s]),
    ...extra,
  ]);
  expect(simulated.stderr).toBe('');
  expect(simulated.exitCode).toBe(0);
  const [merchantDir] = readdirSync(out);
  if (merchantDir === undefined) throw new Error('the simulator wrote no merchant');
  const truth = JSON.parse(readFileSync(join(out, merchantDir, 'truth.json'), 'utf8')) as Truth;
  const audited = await runCli(['audit', out, '--format', 'json']);
  expect(audited.stderr).toBe('');
  return { truth, report: JSON.parse(audited.stdout) as AuditReport, exitCode: audited.exitCode };
}

const findingKey = (f: Finding) =>
  [
    f.kind,
    f.refNo ?? f.orderNo ?? '',
    f.settleDate ?? '',
    f.amountFen ?? '',
    f.overchargeFen,
    f.lossFen,
  ].join('|');

const rateChangeKey = (c: RateChange) =>
  [c.channel, c.card, c.date, c.beforeRate, c.afterRate, c.beforeFixedFen, c.afterFixedFen].join('|');

function expectAuditEqualsTruth(report: AuditReport, truth: Truth): void {
  for (const kind of FINDING_KINDS) {
    const found = report.findings
      .filter((f) => f.kind === kind)
      .map(findingKey)
      .sort();
    const expected = truth.findings
      .filter((f) => f.kind === kind)
      .map(findingKey)
      .sort();
    // Equal sorted key lists = every true finding found (recall) and nothing else reported (precision).
    expect({ kind, findings: found }).toEqual({ kind, findings: expected });
    expect(report.summary.findingsByKind[kind]).toBe(truth.summary.findingsByKind[kind] ?? 0);
  }
  expect(report.summary.overchargeFen).toBe(truth.summary.overchargeFen);
  expect(report.summary.lossFen).toBe(truth.summary.lossFen);
  expect(report.rateChanges.map(rateChangeKey).sort()).toEqual(truth.rateChanges.map(rateChangeKey).sort());
}

describe.each(SIM_PRESETS)('simulated %s statements', (preset) => {
  const supported = SCENARIOS.filter((s: Scenario) => !UNSUPPORTED[preset].includes(s));

  it.each(supported)('audit finds exactly what %s injected', async (scenario) => {
    const { truth, report, exitCode } = await simulateAndAudit(preset, [scenario]);
    expectAuditEqualsTruth(report, truth);
    // A scenario that injects any finding beyond an undercharge must make the audit exit 1.
    const serious = truth.findings.some((f) => f.kind !== 'fee_undercharge');
    expect(exitCode).toBe(serious ? 1 : 0);
  });

  it('audit finds exactly what all scenarios together injected', async () => {
    const { truth, report } = await simulateAndAudit(preset, ['all']);
    expectAuditEqualsTruth(report, truth);
    expect(truth.findings.length).toBeGreaterThan(10);
  });
});

it('audit equals truth over a long window across holidays and the calendar data edge', async () => {
  const { truth, report } = await simulateAndAudit(
    'generic',
    ['all'],
    ['--start', '2026-09-20', '--days', '120', '--per-day', '8'],
  );
  expectAuditEqualsTruth(report, truth);
});
