import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/program.js';
import { loadPlanFile } from '../plans/parse-plan.js';
import type { FeePlan } from '../plans/plan-types.js';
import {
  auditGroup,
  coverageDifference,
  forecastCoverage,
  type GroupJob,
  groupFiles,
  sameCoverage,
} from './component-audit.js';
import type { CoverageRange } from './coverage.js';
import type { ImportTask } from './import-task.js';

const task = (input: number, kind: ImportTask['kind'], bytes = 100): ImportTask & { bytes: number } => ({
  input,
  kind,
  typed: `f${input}.csv`,
  abs: `/in/f${input}.csv`,
  bytes,
});

describe('groupFiles', () => {
  it('puts files that share a merchant, directly or through another file, in one group', () => {
    const tasks = [
      task(0, 'settlement'),
      task(1, 'settlement'),
      task(2, 'terminal'),
      task(3, 'terminal', 50),
    ];
    const groups = groupFiles(tasks, [
      { merchants: ['M1'] },
      { merchants: ['M2'] },
      { merchants: ['M1', 'M3'] },
      { merchants: ['M3'] },
    ]);
    expect(
      groups?.map((g) => ({ inputs: g.tasks.map((t) => t.input), merchants: g.merchants, bytes: g.bytes })),
    ).toEqual([
      { inputs: [0, 2, 3], merchants: ['M1', 'M3'], bytes: 250 },
      { inputs: [1], merchants: ['M2'], bytes: 100 },
    ]);
    // The tasks handed to a group carry no size: they go to a worker as they are.
    expect(groups?.[0]?.tasks[0]).toEqual({
      input: 0,
      kind: 'settlement',
      typed: 'f0.csv',
      abs: '/in/f0.csv',
    });
  });

  it('gives up when any file could not be outlined', () => {
    expect(
      groupFiles(
        [task(0, 'settlement'), task(1, 'terminal')],
        [{ merchants: ['M1'] }, { merchants: undefined }],
      ),
    ).toBeUndefined();
  });
});

describe('forecastCoverage', () => {
  it('takes each statement file from its first to its last settlement date, journals not at all', () => {
    const coverage = forecastCoverage(
      [task(0, 'settlement'), task(1, 'terminal'), task(2, 'settlement'), task(3, 'settlement')],
      [
        { merchants: ['M1'], settleMin: '2026-10-02', settleMax: '2026-10-30' },
        { merchants: ['M1'] },
        { merchants: ['M2'], settleMin: '2026-11-01', settleMax: '2026-11-03' },
        { merchants: ['M1', 'M2'], settleMin: '2026-12-01', settleMax: '2026-12-02' },
      ],
    );
    // A file of one merchant covers that merchant only; a file of several covers all.
    expect(coverage).toEqual({
      settle: [
        ['2026-10-02', '2026-10-30', 'M1'],
        ['2026-11-01', '2026-11-03', 'M2'],
        ['2026-12-01', '2026-12-02'],
      ],
      trade: [],
    });
    expect(sameCoverage(coverage, { settle: [...coverage.settle].reverse(), trade: [] })).toBe(true);
    expect(sameCoverage(coverage, { settle: [['2026-10-02', '2026-10-30', 'M1']], trade: [] })).toBe(false);
    expect(sameCoverage(coverage, { ...coverage, trade: [['2026-10-01', '2026-10-01']] })).toBe(false);
  });

  it('names the first range the read coverage has and the forecast lacks, or the reverse', () => {
    const forecast = { settle: [['2026-10-02', '2026-10-30', 'M1']] as CoverageRange[], trade: [] };
    expect(coverageDifference(forecast, forecast)).toBeUndefined();
    expect(coverageDifference({ settle: [['2026-10-01', '2026-10-30', 'M1']], trade: [] }, forecast)).toBe(
      '+settle 2026-10-01~2026-10-30~M1',
    );
    expect(coverageDifference({ settle: [], trade: [] }, forecast)).toBe('−settle 2026-10-02~2026-10-30~M1');
    expect(coverageDifference({ ...forecast, trade: [['2026-10-01', '2026-10-01']] }, forecast)).toBe(
      '+trade 2026-10-01~2026-10-01',
    );
  });
});

/**
 * A group may still hold more records than its allowance (rows shorter than the caller's estimate): its own spool
 * then writes them to disk, and every merchant's audit must be the one it gets with the records in memory.
 */
describe('auditGroup', () => {
  const root = mkdtempSync(join(tmpdir(), 'posguard-group-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gives the same merchant audits when the group spills to disk as when it fits in memory', async () => {
    const sim = join(root, 'sim');
    const simulated = await runCli([
      'simulate',
      '--out',
      sim,
      '--merchants',
      '2',
      '--days',
      '12',
      '--per-day',
      '12',
      '--seed',
      'group-spill',
      '--scenario',
      'silent-rate-change,void-settled,duplicate-settlement',
    ]);
    expect(simulated.exitCode).toBe(0);
    const merchants = readdirSync(sim, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(merchants).toHaveLength(2);
    const tasks: ImportTask[] = merchants.flatMap((m, i) => [
      { input: i, kind: 'settlement' as const, typed: `s${i}.csv`, abs: join(sim, m, 'settlement.csv') },
      { input: 10 + i, kind: 'terminal' as const, typed: `t${i}.csv`, abs: join(sim, m, 'terminal.csv') },
    ]);
    const plans = await Promise.all(
      merchants.map(async (m): Promise<[string, FeePlan | undefined]> => {
        const parsed = await loadPlanFile(join(sim, m, 'plan.yaml'));
        if (!parsed.ok) throw new Error(`plan of ${m} does not parse`);
        return [m, parsed.plan];
      }),
    );
    const tmpDir = mkdtempSync(join(root, 'spool-'));
    const job = (maxInMemory: number): GroupJob => ({
      tasks,
      merchants,
      plans,
      options: { duplicateWindowMs: 60_000 },
      coverage: { settle: [['2026-01-01', '2026-12-31']], trade: [] },
      hasBank: true,
      maxInMemory,
      tmpDir,
    });
    const inMemory = await auditGroup(job(1_000_000));
    const spilled = await auditGroup(job(25));
    expect(inMemory.spilled).toBe(0);
    expect(spilled.spilled).toBeGreaterThan(10);
    expect(spilled.unforeseen).toEqual([]);
    expect(inMemory.merchants.map((m) => m.merchantId)).toEqual(merchants);
    const findings = inMemory.merchants.flatMap((m) => m.result.drafts);
    expect(findings.some((d) => d.kind === 'fee_overcharge')).toBe(true);
    expect(findings.some((d) => d.kind === 'void_settled')).toBe(true);
    // With bank files in the run, each merchant's payout days come back for the session to claim credits for.
    expect(inMemory.merchants.every((m) => (m.result.payouts[0]?.days.length ?? 0) > 0)).toBe(true);
    expect(spilled.merchants).toEqual(inMemory.merchants);
    expect(spilled.imports).toEqual(inMemory.imports);
    expect(spilled.coverage).toEqual(inMemory.coverage);
    expect(spilled.drops).toEqual(inMemory.drops);
    // The spool's files are gone once the group is done; the directory it was lent stays.
    expect(readdirSync(tmpDir)).toEqual([]);
  }, 120_000);
});
