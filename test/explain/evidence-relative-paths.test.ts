import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { PackManifest } from '../../src/explain/evidence-pack.js';
import { packNames } from '../../src/explain/pack-paths.js';
import { cjkFont, pdfText, simulateCli, simulatedMerchantDir, unzip } from './explain-fixtures.js';

// The evidence pack goes to the acquirer and to 12363: it names the merchant's files, never the folders they sit
// in on the merchant's computer. Each file is still known by its SHA-256.

const root = mkdtempSync(join(tmpdir(), 'posguard-pack-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder name the pack must never show. */
const PRIVATE = '李老板的账本';
let agent: string;
let merchantDir: string;
let merchant: string;

beforeAll(async () => {
  agent = join(root, PRIVATE, 'pos');
  mkdirSync(agent, { recursive: true });
  const simulated = await simulateCli(agent, {
    days: 10,
    perDay: 10,
    seed: 11,
    scenarios: ['silent-rate-change', 'sim-fee'],
  });
  expect(simulated.exitCode).toBe(0);
  merchantDir = simulatedMerchantDir(agent);
  merchant = merchantDir.slice(agent.length + 1);
}, 120_000);

/** The pack `posguard evidence DIR` writes, DIR given as an absolute path, read back. */
async function packOf(dir: string, name: string) {
  cjkFont();
  const out = join(root, `${name}.zip`);
  const run = await runCli(['evidence', dir, '--out', out, '--date', '2026-11-01']);
  expect(run.exitCode, run.stderr).toBe(1);
  const files = await unzip(readFileSync(out));
  const manifest = JSON.parse(files.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
  return { files, manifest };
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the evidence pack of a folder given by its absolute path', () => {
  it('names each input in manifest.json by its name in the folder, with its SHA-256', async () => {
    const { manifest } = await packOf(merchantDir, 'merchant');
    expect(manifest.inputs.map((i) => [i.file, i.entry])).toEqual([
      ['settlement.csv', 'inputs/settlement/settlement.csv'],
      ['terminal.csv', 'inputs/terminal/terminal.csv'],
      ['bank.csv', 'inputs/bank/bank.csv'],
      ['plan.yaml', 'plan/plan.yaml'],
      ['devices.yaml', 'devices/devices.yaml'],
    ]);
    for (const input of manifest.inputs) expect(input.sha256).toBe(sha(join(merchantDir, input.file)));
  });

  it('shows no folder of the merchant’s in findings.csv, report.html, report.pdf, the letters or the manifest', async () => {
    const { files } = await packOf(merchantDir, 'merchant-texts');
    const dir = mkdtempSync(join(root, 'pdf-'));
    for (const [name, bytes] of files) {
      if (!/\.(csv|html|json|txt|pdf)$/.test(name) || name.startsWith('inputs/') || name.startsWith('plan/'))
        continue;
      const text = name.endsWith('.pdf') ? pdfText(bytes, dir) : bytes.toString('utf8');
      expect(text, name).not.toContain(root);
      expect(text, name).not.toContain(PRIVATE);
    }
    // The sources column cites `file:row` inside the folder: every finding has one.
    const csv = files.get('findings.csv')?.toString('utf8') ?? '';
    const rows = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
      .slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(/,"?(?:(?:settlement|terminal|bank)\.csv:\d+(?:; )?)+"?\r?$/);
    // The file list of report.html names the files as the manifest does.
    const html = files.get('report.html')?.toString('utf8') ?? '';
    expect(html).toContain('>settlement.csv<');
  });

  it('names the files of an agent’s folder by their path inside it', async () => {
    const { manifest, files } = await packOf(agent, 'agent');
    expect(manifest.inputs.map((i) => i.file)).toEqual([
      `${merchant}/settlement.csv`,
      `${merchant}/terminal.csv`,
      `${merchant}/bank.csv`,
      `${merchant}/plan.yaml`,
      `${merchant}/devices.yaml`,
    ]);
    for (const input of manifest.inputs) expect(input.sha256).toBe(sha(join(agent, input.file)));
    expect(files.get('findings.csv')?.toString('utf8')).toContain(`${merchant}/settlement.csv:`);
    expect(files.get('report.html')?.toString('utf8')).not.toContain(root);
  });
});

describe('packNames', () => {
  it('gives a file in the audited folder its path inside it, and any other its name', () => {
    const names = packNames(
      [
        '/home/li/pos/M1/settlement.csv',
        '/home/li/pos/M1/bank.csv',
        '/home/li/plans/plan.yaml',
        '../../x/terminal.csv',
        'C:\\Users\\li\\pos\\M2\\settlement.csv',
      ],
      '/home/li/pos',
    );
    expect(Object.fromEntries(names)).toEqual({
      '/home/li/pos/M1/settlement.csv': 'M1/settlement.csv',
      '/home/li/pos/M1/bank.csv': 'M1/bank.csv',
      '/home/li/plans/plan.yaml': 'plan.yaml',
      '../../x/terminal.csv': 'terminal.csv',
      'C:\\Users\\li\\pos\\M2\\settlement.csv': 'settlement.csv',
    });
  });

  it('keeps files outside any folder apart by the folders below the one they share', () => {
    const names = packNames(['/data/oct/settlement.csv', '/data/nov/settlement.csv']);
    expect([...names.values()]).toEqual(['oct/settlement.csv', 'nov/settlement.csv']);
  });

  it('leaves a bare name as it is', () => {
    expect([...packNames(['settlement.csv', 'bank.csv']).values()]).toEqual(['settlement.csv', 'bank.csv']);
  });
});
