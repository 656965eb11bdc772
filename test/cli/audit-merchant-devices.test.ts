import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import type { AuditReport } from '../../src/audit/report-types.js';
import { runCli } from '../../src/cli/program.js';
import type { PackManifest } from '../../src/explain/evidence-pack.js';
import { unzip } from '../explain/explain-fixtures.js';
import { HEADER, M1, M2, tmpDirs } from './audit-fixtures.js';
import { bankFile, FLAT_BY_FILE_NAME, M2_CREDIT, M2_LINES, writeFiles } from './flat-merchants-fixture.js';
import { writeMerchantFolders } from './merchant-folders-fixture.js';

// The diagnoses read every devices file given: M2's devices.yaml, which records no merchant, told that M2's
// terminal 10000001 was updated on 08-02, and M1's 100 fen overcharge of 08-03 on its own terminal 10000001 was put
// down to "终端 10000001 软件升级后出现差错". The evidence pack of M1 carried M2's bank statement when the two lay
// in one folder. Another merchant's devices file is now left out of the diagnoses, and its files out of the pack.

const tmp = tmpDirs('posguard-cli-merchant-devices-');

/** A terminal 10000001 updated on 08-02, the day before M1's overcharge (no merchantId unless given). */
const devices = (merchantId?: string) =>
  `${merchantId === undefined ? '' : `merchantId: "${merchantId}"\n`}terminals:
  - terminalId: "10000001"
    model: P2
    versions:
      - { from: 2026-07-01, app: "1.0" }
      - { from: 2026-08-02, app: "1.1" }
`;

async function audit(dir: string, args: string[], env: Record<string, string> = {}): Promise<AuditReport> {
  const run = await runCli(['audit', ...args, '--format', 'json'], { cwd: dir, env });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AuditReport;
}

const causes = (report: AuditReport) => (report.diagnoses ?? []).map((d) => [d.cause, d.merchantId]);

/** The warning on one devices file left out as `merchant`'s, by `byZh` / `byEn`. */
const leftOutWarning = (file: string, merchant: string, byZh: string, byEn: string) =>
  `${file}（${byZh}表明属于商户 ${merchant}）是 --merchant 以外商户的设备记录，未用于诊断所选商户的差错 / ` +
  `${file} (merchant ${merchant}'s, by ${byEn}): a devices file of a merchant other than --merchant, so it was not used to diagnose the selected merchants' findings`;

describe('posguard audit --merchant and other merchants’ devices files', () => {
  for (const [path, env] of [
    ['file groups', {}],
    ['spool', { POSGUARD_SPOOL_RECORDS: '1' }],
  ] as const)
    it(`does not diagnose M1's overcharge by the devices file in M2's folder (${path})`, async () => {
      const dir = tmp();
      writeMerchantFolders(dir);
      writeFileSync(join(dir, M2, 'devices.yaml'), devices());
      const report = await audit(dir, ['.', '--merchant', M1], env);
      expect(report.findings.map((f) => [f.kind, f.merchantId, f.lossFen])).toEqual([
        ['fee_overcharge', M1, 100],
      ]);
      expect(causes(report)).not.toContainEqual(['software_update', M1]);
      expect(report.warnings).toContain(
        `${join(M2, 'devices.yaml')} 所在目录的结算单只属于 --merchant 以外的商户，未用于诊断所选商户的差错 / ` +
          `${join(M2, 'devices.yaml')}: the statements beside it are only of merchants other than --merchant, so it was not used to diagnose the selected merchants' findings`,
      );
    });

  it('does not use devices-<M2>.yaml beside M1’s files, and uses devices-<M1>.yaml', async () => {
    const theirs = tmp();
    writeFiles(theirs, { ...FLAT_BY_FILE_NAME, [`devices-${M2}.yaml`]: devices() });
    const report = await audit(theirs, ['.', '--merchant', M1]);
    expect(causes(report)).not.toContainEqual(['software_update', M1]);
    expect(report.warnings).toContain(
      leftOutWarning(`devices-${M2}.yaml`, M2, '文件名中的商户号', 'the merchant number in its name'),
    );
    // The same file, M1's by its name: the update is M1's terminal's, and explains the overcharge.
    const own = tmp();
    writeFiles(own, { ...FLAT_BY_FILE_NAME, [`devices-${M1}.yaml`]: devices() });
    const ownReport = await audit(own, ['.', '--merchant', M1]);
    expect(causes(ownReport)).toContainEqual(['software_update', M1]);
    expect(ownReport.warnings.filter((w) => w.includes('devices-'))).toEqual([]);
  });

  it('keeps a devices file that says nothing of whose it is, and says it could not tell', async () => {
    const dir = tmp();
    writeFiles(dir, { ...FLAT_BY_FILE_NAME, 'devices.yaml': devices() });
    const report = await audit(dir, ['.', '--merchant', M1]);
    expect(causes(report)).toContainEqual(['software_update', M1]);
    expect(report.warnings).toContain(
      '无法判断 devices.yaml 属于哪个商户（户名、账号、商户号、文件名和所在目录都没有指明），仍用于诊断所选商户的差错；若是其他商户的设备记录，请不要一并给出 / ' +
        "devices.yaml: could not be attributed to a merchant (no account holder, account number, merchant number, file or folder name tells), so it was kept to diagnose the selected merchants' findings; leave it out if it is another merchant's",
    );
  });
});

/** Writes a ZIP holding `members` (name → text) at `path`. */
async function zip(path: string, members: Record<string, string>): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, text] of Object.entries(members)) z.addBuffer(Buffer.from(`${text}\n`), name);
  z.end();
  await pipeline(z.outputStream, createWriteStream(path));
}

describe('posguard evidence --merchant of a folder of several merchants’ files', () => {
  it('packs none of the other merchant’s statement, bank, devices or archive, and asks only its own loss', async () => {
    const dir = tmp();
    writeFiles(dir, { ...FLAT_BY_FILE_NAME, 'devices.yaml': devices(M2) });
    // A portal's "download all" of M2: its statement and bank export in one archive, read table by table.
    await zip(join(dir, `settlement-${M2}-all.zip`), {
      'settlement.csv': [HEADER, ...M2_LINES.map((l) => l.replace('000000000003', '000000000005'))].join(
        '\n',
      ),
      'bank.csv': bankFile([], [M2_CREDIT]),
    });
    const out = join(dir, 'pack.zip');
    const run = await runCli(['evidence', '.', '--merchant', M1, '--out', out, '--date', '2026-08-10'], {
      cwd: dir,
      env: {},
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    const pack = await unzip(readFileSync(out));
    const manifest = JSON.parse(pack.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
    expect(manifest.merchants).toEqual([M1]);
    expect(manifest.inputs.map((i) => i.file)).toEqual(['settlement-1.csv', `bank-${M1}.csv`, 'plan.yaml']);
    // 100 fen overcharged, nothing short: not 100 + 49700.
    expect(manifest.summary.lossFen).toBe(100);
    for (const [name, bytes] of pack) {
      if (name.endsWith('.pdf')) continue;
      const text = bytes.toString('utf8');
      expect(text, name).not.toContain(M2);
      expect(text, name).not.toContain('1491.00');
    }
  });
});
