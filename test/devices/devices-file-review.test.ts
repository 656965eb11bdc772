import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDevicesFile } from '../../src/devices/parse-devices-file.js';
import { addDays, todayInShanghai } from '../../src/time/shanghai.js';
import { cliMerchantForTests } from '../cases/merchant-harness.js';

describe('a messy devices.yaml', () => {
  it('refuses a day that does not exist instead of rolling it over into March', () => {
    const parsed = parseDevicesFile(
      'terminals:\n  - terminalId: "12345678"\n    lastInspection: 2026-02-30\n    versions: []\n',
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.en).toContain('terminals.0.lastInspection');
    const from = parseDevicesFile(
      'terminals:\n  - terminalId: "12345678"\n    versions:\n      - { from: 2026-04-31, firmware: V1 }\n',
    );
    expect(from.ok).toBe(false);
  });

  it('reads dates in the spellings people use, as YYYY-MM-DD', () => {
    const parsed = parseDevicesFile(
      [
        'terminals:',
        '  - terminalId: "1"',
        '    lastInspection: 2026/10/13',
        '    versions:',
        '      - { from: 2026年3月1日, firmware: V1.0.3 }',
        '      - { from: 2026.9.5, firmware: V1.1.0 }',
        '  - terminalId: "2"',
        '    lastInspection: "20260131"',
        '',
      ].join('\n'),
    );
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.file.terminals[0]?.lastInspection).toBe('2026-10-13');
    expect(parsed.file.terminals[0]?.versions.map((v) => v.from)).toEqual(['2026-03-01', '2026-09-05']);
    expect(parsed.file.terminals[1]?.lastInspection).toBe('2026-01-31');
  });

  it('takes an empty value, ~ or null as "not given", and keeps unquoted long SNs and ICCIDs digit for digit', () => {
    const parsed = parseDevicesFile(
      [
        'terminals:',
        '  - terminalId: 00012345',
        '    sn: 000012345678901234567890',
        '    model:',
        '    vendor: ~',
        '    provider: null',
        '    lastInspection:',
        '    sim: { iccid: 89860012345678901234, fee: 99.00 }',
        '    versions:',
        '',
      ].join('\n'),
    );
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.file.terminals).toEqual([
      {
        terminalId: '00012345',
        sn: '000012345678901234567890',
        versions: [],
        // 99.00 元 = 9,900 分
        sim: { iccid: '89860012345678901234', feeFen: 9_900 },
      },
    ]);
  });
});

describe('posguard device inspect dates', () => {
  const shop = cliMerchantForTests('posguard-device-dates-', 'en');
  const { cli } = shop;

  beforeAll(() => {
    writeFileSync(join(shop.dir, 'devices.yaml'), 'terminals:\n  - terminalId: "12345678"\n');
  });

  it('refuses --date 2026-02-30 and a date in the future, and reads 2026/11/30', async () => {
    expect((await cli('device', 'import', 'devices.yaml')).exitCode).toBe(0);
    const impossible = await cli('device', 'inspect', '12345678', '--date', '2026-02-30');
    expect(impossible.exitCode).toBe(2);
    expect(impossible.stderr).toContain('--date');
    const future = await cli('device', 'inspect', '12345678', '--date', addDays(todayInShanghai(), 365));
    expect(future.exitCode).toBe(2);
    expect(future.stderr).toContain('future');
    const later = addDays(todayInShanghai(), 30);
    writeFileSync(
      join(shop.dir, 'ahead.yaml'),
      `terminals:\n  - terminalId: "12345678"\n    lastInspection: ${later}\n`,
    );
    const ahead = await cli('device', 'import', 'ahead.yaml');
    expect(ahead.exitCode).toBe(2);
    expect(ahead.stderr).toContain(`lastInspection ${later}, after today`);
    const badToday = await cli('device', 'list', '--today', '2026-11-31');
    expect(badToday.exitCode).toBe(2);
    // 2026-11-30 + 90 days: December 31 → 2026-12-31 is day 31, January 31 more → 2027-01-31 is day 62,
    // February 28 more → 2027-02-28 is day 90.
    const slash = await cli('device', 'inspect', '12345678', '--date', '2026/11/30');
    expect(slash.exitCode, slash.stderr).toBe(0);
    expect(slash.stdout).toContain('on 2026-11-30; next: 2027-02-28');
    const list = await cli('device', 'list', '--today', '2027-02-21', '--format', 'json');
    const devices = (
      JSON.parse(list.stdout) as { devices: { inspection: { status: string; daysLeft: number } }[] }
    ).devices;
    // 2027-02-21 → 2027-02-28 is 7 days: within the 7-day window, so due.
    expect(devices[0]?.inspection).toMatchObject({ status: 'due', daysLeft: 7 });
  });
});
