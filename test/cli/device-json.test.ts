import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliMerchantForTests } from '../cases/merchant-harness.js';

const shop = cliMerchantForTests('posguard-device-json-');
const { cli } = shop;

interface Terminal {
  terminalId: string;
  sn: string | null;
  model: string | null;
  provider: string | null;
  versions: { from: string; firmware?: string; app?: string }[];
  current: { firmware?: string } | null;
  sim: { iccid?: string; feeFen?: number; every?: string } | null;
  inspectionIntervalDays: number;
  inspection: { status: string; lastInspection: string | null; nextDue: string | null };
  inspections: { date: string; note: string | null; userId: number | null }[];
  findings?: unknown;
  /** device import only: whether the import created, updated or left the terminal unchanged. */
  status?: string;
}

/** `device list --format json`, each terminal without the findings list adds, by terminal id. */
async function listed(): Promise<{ today: string; byId: Map<string, Terminal> }> {
  const list = await cli('device', 'list', '--format', 'json');
  const parsed = JSON.parse(list.stdout) as { today: string; devices: Terminal[] };
  return {
    today: parsed.today,
    byId: new Map(parsed.devices.map(({ findings: _f, ...d }) => [d.terminalId, d])),
  };
}

describe('posguard device import|inspect --format json', () => {
  it('print what was stored, in the shape device list --format json gives a terminal', async () => {
    const file = join(shop.dir, 'devices.yaml');
    writeFileSync(
      file,
      `terminals:
  - terminalId: "74826033"
    sn: NL0329A349312
    model: N910
    vendor: 新大陆
    provider: 乐刷
    versions:
      - { from: 2025-01-03, firmware: V2.1.3, app: 5.3.1 }
    sim: { iccid: "89860012345678901234", plan: 流量卡, fee: "18.50", every: year }
    lastInspection: 2025-03-01
    inspectionIntervalDays: 30
  - terminalId: "40988071"
    sn: LD1366A772971
    model: A8
    vendor: 联迪
    versions:
      - { from: 2025-01-03, firmware: V1.8.6, app: 3.0.8 }
`,
    );
    const imported = await cli('device', 'import', file, '--format', 'json');
    expect(imported.exitCode, imported.stderr).toBe(0);
    const first = JSON.parse(imported.stdout) as {
      today: string;
      created: number;
      updated: number;
      terminals: Terminal[];
    };
    expect(first.created).toBe(2);
    expect(first.updated).toBe(0);
    expect(first.terminals.map((d) => d.terminalId)).toEqual(['74826033', '40988071']);
    const [newland, landi] = first.terminals;
    expect(newland?.sn).toBe('NL0329A349312');
    expect(newland?.provider).toBe('乐刷');
    expect(newland?.sim).toMatchObject({ iccid: '89860012345678901234', feeFen: 1850, every: 'year' });
    expect(newland?.inspectionIntervalDays).toBe(30);
    expect(newland?.inspection).toMatchObject({ status: 'overdue', lastInspection: '2025-03-01' });
    expect(newland?.inspections.map((i) => i.date)).toEqual(['2025-03-01']);
    expect(landi?.inspection.status).toBe('never');
    let list = await listed();
    expect(first.today).toBe(list.today);
    expect(first.terminals.map((d) => d.status)).toEqual(['created', 'created']);
    for (const { status: _status, ...d } of first.terminals) expect(d).toEqual(list.byId.get(d.terminalId));

    // A second import merges into what is stored; the JSON shows the merged terminal, not the file's lines.
    writeFileSync(
      file,
      `terminals:
  - terminalId: "74826033"
    versions:
      - { from: 2025-05-20, firmware: V2.2.0, app: 5.4.0 }
`,
    );
    const again = await cli('device', 'import', file, '--format', 'json', '--lang', 'en');
    expect(again.exitCode, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as { created: number; updated: number; terminals: Terminal[] };
    expect(second.created).toBe(0);
    expect(second.updated).toBe(1);
    expect(second.terminals).toHaveLength(1);
    expect(second.terminals[0]?.status).toBe('updated');
    expect(second.terminals[0]?.sn).toBe('NL0329A349312');
    expect(second.terminals[0]?.versions.map((v) => v.firmware)).toEqual(['V2.1.3', 'V2.2.0']);
    expect(second.terminals[0]?.current?.firmware).toBe('V2.2.0');

    const inspected = await cli(
      'device',
      'inspect',
      '40988071',
      '--date',
      '2025-06-01',
      '--note',
      '  外观正常 ',
      '--format',
      'json',
    );
    expect(inspected.exitCode, inspected.stderr).toBe(0);
    const record = JSON.parse(inspected.stdout) as {
      today: string;
      recorded: { date: string; note: string | null; userId: number };
      device: Terminal;
    };
    expect(record.recorded).toMatchObject({ date: '2025-06-01', note: '外观正常' });
    expect(record.device.inspections).toContainEqual(record.recorded);
    // Judged on today like device list: 90 days after 2025-06-01 has passed, so a script sees it overdue
    // even though the inspection was just recorded.
    expect(record.device.inspection).toMatchObject({
      status: 'overdue',
      lastInspection: '2025-06-01',
      nextDue: '2025-08-30',
    });
    list = await listed();
    expect(record.today).toBe(list.today);
    expect(record.device).toEqual(list.byId.get('40988071'));

    // Without --format the lines stay as they were.
    const table = await cli('device', 'inspect', '40988071', '--date', '2025-06-02');
    expect(table.stdout).toBe('已记录终端 40988071 于 2025-06-02 的巡检，下次：2025-08-31\n');
    const refused = await cli('device', 'inspect', '40988071', '--format', 'csv');
    expect(refused.exitCode).toBe(2);
  });
});
