import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import { runBuilt, scratchBuild } from '../scratch-build.js';
import { HEADER, M1, M2, tmpDirs } from './audit-fixtures.js';
import { FLAT_BY_FILE_NAME, M2_LINES, writeFiles } from './flat-merchants-fixture.js';

// `posguard audit --merchant M1` matched a devices file to a merchant by its merchantId only. A devices.yaml that
// lists M1's terminal 10000001 but no merchantId was kept with "无法判断 devices.yaml 属于哪个商户"; one whose
// merchantId is the terminal vendor's own code for the shop, or M1's number typed in full-width digits, was left
// out as "another merchant's", and M1's 100 fen overcharge of 08-03 on terminal 10000001 (1000.00 charged 7.00
// for 0.60% = 6.00), the day after the update of 08-02 the file records, lost its diagnosis. A devices file is now
// also the merchant's whose statements carry the terminals it lists.

const tmp = tmpDirs('posguard-cli-devices-by-terminal-');

beforeAll(async () => {
  await scratchBuild();
}, 180_000);

/** M2's own terminal: its statement lines on 20000002, not on M1's 10000001. */
const M2_TERMINAL = '20000002';

/** Two merchants' statements and bank files in one folder, each merchant on its own terminal. */
const FOLDER: Record<string, string> = {
  ...FLAT_BY_FILE_NAME,
  'settlement-2.csv': [HEADER, ...M2_LINES.map((l) => l.replace(',10000001,', `,${M2_TERMINAL},`))].join(
    '\n',
  ),
};

/** A devices file: one terminal updated on 08-02, the day before M1's overcharge. */
const devices = (terminalId: string, merchantId?: string) =>
  `${merchantId === undefined ? '' : `merchantId: "${merchantId}"\n`}terminals:
  - terminalId: "${terminalId}"
    model: P2
    versions:
      - { from: 2026-07-01, app: "1.0" }
      - { from: 2026-08-02, app: "1.1" }
`;

const ARGS = ['audit', '.', '--merchant', M1, '--format', 'json'];

async function audit(devicesYaml: string, env: Record<string, string> = {}): Promise<AuditReport> {
  const dir = tmp();
  writeFiles(dir, { ...FOLDER, 'devices.yaml': devicesYaml });
  const run = await runCli(ARGS, { cwd: dir, env });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

const causes = (report: AuditReport) => (report.diagnoses ?? []).map((d) => [d.cause, d.merchantId]);

/** M1's one finding, put down to the update of its terminal, and not a word on devices.yaml. */
function expectUpdateDiagnosed(report: AuditReport): void {
  expect(report.findings.map((f) => [f.kind, f.merchantId, f.terminalId, f.lossFen])).toEqual([
    ['fee_overcharge', M1, '10000001', 100],
  ]);
  expect(causes(report)).toContainEqual(['software_update', M1]);
  expect(report.warnings.filter((w) => w.includes('devices.yaml'))).toEqual([]);
}

describe('posguard audit --merchant: a devices file is the merchant’s whose terminals it lists', () => {
  for (const [path, env] of [
    ['file groups', {}],
    ['spool', { POSGUARD_SPOOL_RECORDS: '1' }],
  ] as const) {
    it(`keeps a devices file without a merchantId that lists M1's terminal, without a word (${path})`, async () => {
      expectUpdateDiagnosed(await audit(devices('10000001'), env));
    });

    it(`keeps one whose merchantId is another system's code for the shop (${path})`, async () => {
      expectUpdateDiagnosed(await audit(devices('10000001', 'HY-SHOP-0001'), env));
    });

    it(`keeps one whose merchantId is M1's typed in full-width digits (${path})`, async () => {
      const fullWidth = [...M1].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
      expectUpdateDiagnosed(await audit(devices('10000001', fullWidth), env));
    });

    it(`leaves out one that lists only M2's terminal, as M2's (${path})`, async () => {
      const report = await audit(devices(M2_TERMINAL), env);
      expect(report.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
        ['fee_overcharge', M1, 100],
      ]);
      expect(causes(report)).not.toContainEqual(['software_update', M1]);
      expect(report.warnings).toContain(
        `devices.yaml（终端号表明属于商户 ${M2}）是 --merchant 以外商户的设备记录，未用于诊断所选商户的差错 / ` +
          `devices.yaml (merchant ${M2}'s, by its terminal IDs): a devices file of a merchant other than --merchant, so it was not used to diagnose the selected merchants' findings`,
      );
    });
  }

  it('still leaves out a file of another merchantId whose terminals are no merchant’s alone', async () => {
    // 10000001 is M1's and M2's both: nothing but the merchantId tells, and it names neither.
    const dir = tmp();
    writeFiles(dir, { ...FLAT_BY_FILE_NAME, 'devices.yaml': devices('10000001', 'HY-SHOP-0001') });
    const run = await runCli(ARGS, { cwd: dir, env: {} });
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(causes(report)).not.toContainEqual(['software_update', M1]);
    expect(report.warnings).toContain(
      'devices.yaml（文件中写明的商户号表明属于商户 HY-SHOP-0001）是 --merchant 以外商户的设备记录，未用于诊断所选商户的差错 / ' +
        "devices.yaml (merchant HY-SHOP-0001's, by the merchant number it gives): a devices file of a merchant other than --merchant, so it was not used to diagnose the selected merchants' findings",
    );
  });

  it('gives the same report on worker threads, which read the statements’ terminals', async () => {
    const dir = tmp();
    writeFiles(dir, { ...FOLDER, 'devices.yaml': devices('10000001', 'HY-SHOP-0001') });
    const single = JSON.parse((await runCli(ARGS, { cwd: dir, env: {} })).stdout) as AuditReport;
    expectUpdateDiagnosed(single);
    for (const spoolRecords of ['1000000', '1']) {
      const parallel = await runBuilt(dir, ARGS, {
        POSGUARD_JOBS: '2',
        POSGUARD_SPOOL_RECORDS: spoolRecords,
      });
      expect(parallel.stderr).toBe('');
      expect(JSON.parse(parallel.stdout)).toEqual(single);
    }
  }, 180_000);
});
