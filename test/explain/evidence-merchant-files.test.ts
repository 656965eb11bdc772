import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { PackManifest } from '../../src/explain/evidence-pack.js';
import { M1, M2 } from '../cli/audit-fixtures.js';
import { writeMerchantFolders } from '../cli/merchant-folders-fixture.js';
import { unzip } from './explain-fixtures.js';

// `posguard evidence AGENT/ --merchant M1` packed M2's statement and bank statement into M1's complaint, and the
// letter demanded M2's credit's shortfall (198800 − 149100 = 49700 fen) on top of M1's 100 fen overcharge.

const root = mkdtempSync(join(tmpdir(), 'posguard-evidence-merchant-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('posguard evidence of one merchant of an agent folder', () => {
  it("packs only that merchant's files and demands only its own loss", async () => {
    const agent = join(root, 'agent');
    writeMerchantFolders(agent);
    const zipPath = join(root, 'pack.zip');
    const res = await runCli(['evidence', '.', '--merchant', M1, '--out', zipPath, '--date', '2026-08-10'], {
      cwd: agent,
    });
    expect(res.stderr).toBe('');
    expect(res.exitCode).toBe(1);
    const pack = await unzip(readFileSync(zipPath));
    const manifest = JSON.parse(pack.get('manifest.json')?.toString('utf8') ?? '{}') as PackManifest;
    expect(manifest.merchants).toEqual([M1]);
    expect(manifest.inputs.map((i) => [i.file, i.entry])).toEqual([
      [join(M1, 'settlement.csv'), 'inputs/settlement/settlement.csv'],
      [join(M1, 'bank.csv'), 'inputs/bank/bank.csv'],
      [join(M1, 'plan.yaml'), 'plan/plan.yaml'],
    ]);
    expect(pack.get('inputs/bank/bank.csv')?.equals(readFileSync(join(agent, M1, 'bank.csv')))).toBe(true);
    // 100 fen overcharged, nothing short: ¥1.00, not ¥498.00.
    expect(manifest.summary.lossFen).toBe(100);
    const letter = pack.get('complaint-letter.txt')?.toString('utf8') ?? '';
    expect(letter).toContain('共计 ¥1.00');
    expect(letter).not.toContain('到账');
    // Nothing in the pack names M2 or its payout.
    for (const [name, bytes] of pack) {
      if (name.endsWith('.pdf')) continue;
      const text = bytes.toString('utf8');
      expect(text, name).not.toContain(M2);
      expect(text, name).not.toContain('1491.00');
    }
  });
});
