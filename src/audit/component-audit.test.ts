import { describe, expect, it } from 'vitest';
import { forecastCoverage, groupFiles, sameCoverage } from './component-audit.js';
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
      [task(0, 'settlement'), task(1, 'terminal'), task(2, 'settlement')],
      [
        { merchants: ['M1'], settleMin: '2026-10-02', settleMax: '2026-10-30' },
        { merchants: ['M1'] },
        { merchants: ['M2'], settleMin: '2026-11-01', settleMax: '2026-11-03' },
      ],
    );
    expect(coverage).toEqual({
      settle: [
        ['2026-10-02', '2026-10-30'],
        ['2026-11-01', '2026-11-03'],
      ],
      trade: [],
    });
    expect(sameCoverage(coverage, { settle: [...coverage.settle].reverse(), trade: [] })).toBe(true);
    expect(sameCoverage(coverage, { settle: [['2026-10-02', '2026-10-30']], trade: [] })).toBe(false);
    expect(sameCoverage(coverage, { ...coverage, trade: [['2026-10-01', '2026-10-01']] })).toBe(false);
  });
});
