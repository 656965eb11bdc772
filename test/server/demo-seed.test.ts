import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { DEMO_FILES, DEMO_SUFFIX, demoSimulateOptions, seedDemo } from '../../src/server/demo-seed.js';
import { simulate } from '../../src/simulate/simulate.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
const dirs: string[] = [];
afterEach(async () => {
  await t.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the demo merchant', () => {
  it('audits through the API exactly as `posguard audit --format json` does over the simulator’s own files', async () => {
    t = await testApp();
    const owner = await t.addUser('owner@example.com');
    const seeded = await seedDemo(t.storage.db, owner, t.clock.now, { days: 20, perDay: 20 });
    expect(seeded?.name).toBe(`演示商户${DEMO_SUFFIX}`);
    // A second call on a database that has merchants does nothing.
    expect(await seedDemo(t.storage.db, owner, t.clock.now)).toBeUndefined();
    const cookie = await t.login('owner@example.com');
    const id = seeded?.merchantId ?? 0;
    const api = (
      await t.app.inject({ method: 'GET', url: `/api/v1/merchants/${id}/audit`, headers: { cookie } })
    ).json();

    // The same simulation written afresh, under the names the server gave the files, audited by the CLI.
    const dir = mkdtempSync(join(tmpdir(), 'posguard-demo-test-'));
    dirs.push(dir);
    const sim = simulate(demoSimulateOptions(t.clock.now, join(dir, 'sim'), { days: 20, perDay: 20 }));
    const base = join(dir, 'sim', sim.merchants[0]?.merchantId ?? '');
    for (const f of DEMO_FILES) copyFileSync(join(base, f.file), join(dir, f.name));
    copyFileSync(join(base, 'plan.yaml'), join(dir, 'plan.yaml'));
    const cli = await runCli(
      [
        'audit',
        '--terminal',
        'demo-terminal.csv',
        '--settlement',
        'demo-settlement.csv',
        '--bank',
        'demo-bank.csv',
        '--plan',
        'plan.yaml',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect(cli.stderr).toBe('');
    expect(api).toEqual(JSON.parse(cli.stdout));
    expect(api.summary.terminalRecords).toBeGreaterThan(0);
    expect(api.summary.bankRecords).toBeGreaterThan(0);
    expect(api.findings.length).toBeGreaterThan(0);
  });
});
