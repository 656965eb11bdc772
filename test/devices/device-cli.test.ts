import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliMerchantForTests, simulateMerchant } from '../cases/merchant-harness.js';

const shop = cliMerchantForTests('posguard-device-cli-');
const { cli } = shop;

describe('posguard device on a database file', () => {
  it('imports a simulated devices.yaml, records an inspection and lists who is due', async () => {
    const sim = simulateMerchant(join(shop.dir, 'sim'), {
      terminals: 2,
      days: 5,
      perDay: 5,
      seed: 'posguard-device-cli',
      scenarios: [],
    });
    const file = join(sim, 'devices.yaml');
    const imported = await cli('device', 'import', file);
    expect(imported.exitCode, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('新增 2 台，更新 0 台，未变 0 台');
    const first = /terminalId: "(\d+)"/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    const inspected = await cli('device', 'inspect', first, '--date', '2026-09-01', '--note', '正常');
    expect(inspected.exitCode, inspected.stderr).toBe(0);
    expect(inspected.stdout).toContain('2026-11-30');
    const list = await cli('device', 'list', '--today', '2026-10-01', '--format', 'json');
    // The other terminal was never inspected: exit code 1.
    expect(list.exitCode).toBe(1);
    const devices = (
      JSON.parse(list.stdout) as { devices: { terminalId: string; inspection: { status: string } }[] }
    ).devices;
    expect(devices.find((d) => d.terminalId === first)?.inspection.status).toBe('ok');
    expect(devices.filter((d) => d.inspection.status === 'never')).toHaveLength(1);
    const due = await cli('device', 'list', '--today', '2026-10-01', '--due', '--format', 'json');
    expect((JSON.parse(due.stdout) as { devices: unknown[] }).devices).toHaveLength(1);
    const unknown = await cli('device', 'inspect', '00000000');
    expect(unknown.exitCode).toBe(2);
    const badFile = join(shop.dir, 'bad.yaml');
    writeFileSync(badFile, 'terminals:\n  - sn: 1\n');
    const bad = await cli('device', 'import', badFile, '--lang', 'en');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('terminalId');
  });
});
