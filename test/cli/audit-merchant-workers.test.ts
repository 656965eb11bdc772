import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { runBuilt, scratchBuild } from '../scratch-build.js';
import { HEADER, M1, M2, tmpDirs } from './audit-fixtures.js';
import { FLAT_BY_FILE_NAME, M1_LINES, M2_LINES, writeFiles } from './flat-merchants-fixture.js';

// With worker threads the spool learns which merchants each file's lines went to from the workers' chunks, not
// record by record: `audit --merchant M1` must still list only M1's files, use only M1's bank file, and give the
// single-thread report. The workers run compiled JavaScript: the CLI runs from the run's scratch build.

const tmp = tmpDirs('posguard-cli-merchant-workers-');

beforeAll(async () => {
  await scratchBuild();
}, 180_000);

const JOURNAL_HEADER = '交易时间,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额';

describe('posguard audit --merchant on worker threads', () => {
  it('lists and uses only M1’s files, as the single-thread audit does', async () => {
    const dir = tmp();
    writeFiles(dir, {
      ...FLAT_BY_FILE_NAME,
      'settlement-1.csv': [HEADER, ...M1_LINES].join('\n'),
      'settlement-2.csv': [HEADER, ...M2_LINES].join('\n'),
      'journal-1.csv': [
        JOURNAL_HEADER,
        `2026-08-03 10:00:00,${M1},10000001,000000000001,贷记卡,刷卡,消费,1000.00`,
      ].join('\n'),
      'journal-2.csv': [
        JOURNAL_HEADER,
        `2026-08-04 11:00:00,${M2},10000001,000000000003,贷记卡,刷卡,消费,1500.00`,
      ].join('\n'),
    });
    const args = ['audit', '.', '--merchant', M1, '--format', 'json', '--lang', 'en'];
    const single = await runCli(args, { cwd: dir, env: {} });
    const expected = JSON.parse(single.stdout) as AuditReport;
    expect(expected.files.map((f) => f.file)).toEqual([
      'settlement-1.csv',
      'journal-1.csv',
      `bank-${M1}.csv`,
    ]);
    expect(expected.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
      ['fee_overcharge', M1, 100],
    ]);
    // In memory (each worker's import flushed whole), and spilled.
    for (const spoolRecords of ['1000000', '1']) {
      const parallel = await runBuilt(dir, args, {
        POSGUARD_JOBS: '2',
        POSGUARD_SPOOL_RECORDS: spoolRecords,
      });
      expect(parallel.stderr).toBe('');
      expect(parallel.exitCode).toBe(single.exitCode);
      expect(JSON.parse(parallel.stdout)).toEqual(expected);
    }
  }, 180_000);
});
