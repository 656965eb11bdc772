import { describe, expect, it } from 'vitest';
import { filesOfOtherMerchants } from './merchant-files.js';

const dirOf = (file: string) => file.slice(0, file.lastIndexOf('/'));

describe('filesOfOtherMerchants', () => {
  const statements = [
    { file: 'agent/a/settlement.csv', merchants: ['A'] },
    { file: 'agent/b/settlement.csv', merchants: ['B'] },
    { file: 'agent/mixed.csv', merchants: ['A', 'B'] },
  ];
  const others = [
    'agent/a/bank.csv',
    'agent/b/bank.csv',
    'agent/b/devices.yaml',
    'agent/bank.csv',
    'elsewhere/bank.csv',
  ];

  it('names the statements of other merchants only, and the other files in their folders', () => {
    expect([...filesOfOtherMerchants(statements, others, new Set(['A']), dirOf)].sort()).toEqual([
      'agent/b/bank.csv',
      'agent/b/devices.yaml',
      'agent/b/settlement.csv',
    ]);
  });

  it('names nothing without --merchant, or when every folder holds a selected merchant', () => {
    expect(filesOfOtherMerchants(statements, others, undefined, dirOf).size).toBe(0);
    expect(filesOfOtherMerchants(statements, others, new Set(['A', 'B']), dirOf).size).toBe(0);
  });

  it('keeps a folder whose statements cannot say: lines without a number, or merchants unknown', () => {
    const unsure = [
      { file: 'x/settlement.csv', merchants: ['B', ''] },
      { file: 'y/settlement.csv', merchants: undefined },
      { file: 'z/settlement.csv', merchants: ['B'] },
      { file: 'z/app.csv', merchants: ['A'] },
    ];
    const theirs = filesOfOtherMerchants(
      unsure,
      ['x/bank.csv', 'y/bank.csv', 'z/bank.csv'],
      new Set(['A']),
      dirOf,
    );
    expect([...theirs]).toEqual(['z/settlement.csv']);
  });
});
