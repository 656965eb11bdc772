import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectionStatus } from '../../src/devices/inspection-status.js';
import { parseDevicesFile } from '../../src/devices/parse-devices-file.js';
import { devicesDue } from '../../src/storage/devices-repo.js';
import { type ApiMerchant, apiMerchant } from '../cases/merchant-harness.js';
import type { TestApp } from '../server/test-app.js';

let shop: ApiMerchant;
let t: TestApp;
let owner: string;
let staff: string;
let other: string;
let m: number;
let sim: string;
let truth: { findings: { kind: string; terminalId?: string; lossFen: number }[] };

interface Device {
  terminalId: string;
  sn: string;
  model: string;
  vendor: string;
  versions: { from: string; firmware: string; app: string }[];
  inspection: { status: string; nextDue: string | null; daysLeft: number | null };
  findings: { findings: number; lossFen: number; byKind: Record<string, number> };
  sim: { iccid?: string; feeFen?: number } | null;
  inspectionIntervalDays: number;
}

async function devices(cookie: string, query = ''): Promise<Device[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/merchants/${m}/devices${query}`,
    headers: { cookie },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (JSON.parse(res.body) as { devices: Device[] }).devices;
}

beforeAll(async () => {
  shop = await apiMerchant(
    'posguard-devices-',
    { terminals: 2, days: 20, perDay: 15, seed: 'posguard-devices', scenarios: ['keypad-fault'] },
    { name: '鸿运便利店', statements: ['settlement', 'terminal'], plan: true },
  );
  ({ t, sim, owner, merchantId: m } = shop);
  truth = JSON.parse(readFileSync(join(sim, 'truth.json'), 'utf8')) as typeof truth;
  await t.addUser('other@example.com');
  const staffId = await t.addUser('staff@example.com', 'staff');
  other = await t.login('other@example.com');
  staff = await t.login('staff@example.com');
  await t.storage.db
    .insertInto('memberships')
    .values({ user_id: staffId, merchant_id: m, role: 'staff', created_at: t.clock.now.toISOString() })
    .execute();
});

afterAll(async () => {
  await shop.close();
});

describe('devices', () => {
  it('imports the simulator devices.yaml and lists each terminal with its version history', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/import`,
      headers: { cookie: owner, 'content-type': 'application/yaml' },
      payload: readFileSync(join(sim, 'devices.yaml'), 'utf8'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ created: 2, updated: 0 });
    const list = await devices(owner);
    expect(list).toHaveLength(2);
    const yaml = readFileSync(join(sim, 'devices.yaml'), 'utf8');
    for (const d of list) {
      expect(yaml).toContain(`terminalId: "${d.terminalId}"`);
      expect(yaml).toContain(`sn: ${d.sn}`);
      expect(d.versions.length).toBeGreaterThan(0);
      expect(d.inspectionIntervalDays).toBe(90);
      expect(d.inspection.status).toBe('never');
    }
    // Importing the same file again changes nothing and never duplicates.
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/import`,
      headers: { cookie: owner, 'content-type': 'application/yaml' },
      payload: yaml,
    });
    expect(JSON.parse(again.body)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await devices(owner, '?findings=false')).toHaveLength(2);
  });

  it('counts the keypad-fault terminal’s amount_mismatch findings on that terminal only', async () => {
    const expected = truth.findings.filter((f) => f.kind === 'amount_mismatch');
    expect(expected.length).toBeGreaterThan(0);
    const faulty = expected[0]?.terminalId ?? '';
    expect(expected.every((f) => f.terminalId === faulty)).toBe(true);
    const list = await devices(owner);
    const bad = list.find((d) => d.terminalId === faulty);
    const good = list.find((d) => d.terminalId !== faulty);
    expect(bad?.findings.byKind['amount_mismatch']).toBe(expected.length);
    expect(bad?.findings.lossFen).toBe(expected.reduce((a, f) => a + f.lossFen, 0));
    expect(good?.findings.byKind['amount_mismatch'] ?? 0).toBe(0);
  });

  it('records inspections and reports due / overdue against a 90-day interval', async () => {
    const [first] = await devices(owner);
    const id = first?.terminalId ?? '';
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/${id}/inspections`,
      headers: { cookie: owner },
      payload: { date: '2026-07-01', note: '键盘、打印正常' },
    });
    expect(res.statusCode, res.body).toBe(201);
    // 2026-07-01 + 90 days = 2026-09-29.
    const on = async (today: string) =>
      (await devices(owner, `?today=${today}&findings=false`)).find((d) => d.terminalId === id);
    expect((await on('2026-09-21'))?.inspection).toMatchObject({
      status: 'ok',
      nextDue: '2026-09-29',
      daysLeft: 8,
    });
    expect((await on('2026-09-22'))?.inspection).toMatchObject({ status: 'due', daysLeft: 7 });
    expect((await on('2026-09-29'))?.inspection).toMatchObject({ status: 'due', daysLeft: 0 });
    expect((await on('2026-09-30'))?.inspection).toMatchObject({ status: 'overdue', daysLeft: -1 });
    // The clock's Shanghai date is the default: 2026-10-01T04:00Z is 2026-10-01 in Shanghai.
    expect(
      (await devices(owner, '?findings=false')).find((d) => d.terminalId === id)?.inspection.status,
    ).toBe('overdue');
    const due = await devicesDue(t.storage.db, '2026-09-21');
    expect(due.map((d) => d.terminalId)).not.toContain(id);
    expect(due).toHaveLength(1);
    expect((await devicesDue(t.storage.db, '2026-09-30')).map((d) => d.terminalId)).toContain(id);
    const unknown = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/99999999/inspections`,
      headers: { cookie: owner },
      payload: {},
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('lets staff read but not write, and hides the registry from other tenants', async () => {
    expect(await devices(staff, '?findings=false')).toHaveLength(2);
    const write = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/import`,
      headers: { cookie: staff, 'content-type': 'application/yaml' },
      payload: 'terminals: []\n',
    });
    expect(write.statusCode).toBe(403);
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${m}/devices`,
      headers: { cookie: other },
    });
    expect(read.statusCode).toBe(404);
  });

  it('rejects a bad devices file with 400 naming the place', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/devices/import`,
      headers: { cookie: owner, 'content-type': 'application/yaml' },
      // 2026/01/01 is read as 2026-01-01; 2026-02-30 does not exist.
      payload: 'terminals:\n  - terminalId: "1"\n    lastInspection: 2026-02-30\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('terminals.0.lastInspection');
  });
});

describe('devices file and inspection schedule', () => {
  it('keeps SN, ICCID and versions as written and reads the SIM fee in 元', () => {
    const parsed = parseDevicesFile(
      [
        'terminals:',
        '  - terminalId: 00012345',
        '    sn: 0012',
        '    provider: 乐刷',
        '    versions: [{ from: 2026-05-04, firmware: V2.10, app: 3.10 }]',
        '    sim: { iccid: 89860012345678901234, plan: 年卡, fee: 99.5, every: year }',
        '    lastInspection: 2026-08-01',
        '    inspectionIntervalDays: 30',
      ].join('\n'),
    );
    expect(parsed).toEqual({
      ok: true,
      file: {
        terminals: [
          {
            terminalId: '00012345',
            sn: '0012',
            provider: '乐刷',
            versions: [{ from: '2026-05-04', firmware: 'V2.10', app: '3.10' }],
            sim: { iccid: '89860012345678901234', plan: '年卡', every: 'year', feeFen: 9950 },
            lastInspection: '2026-08-01',
            inspectionIntervalDays: 30,
          },
        ],
      },
    });
  });

  it('refuses a terminal listed twice', () => {
    const parsed = parseDevicesFile('terminals:\n  - terminalId: "1"\n  - terminalId: "1"\n');
    expect(parsed.ok).toBe(false);
  });

  it('computes next due dates across month and year ends', () => {
    expect(inspectionStatus('2026-11-15', 90, '2027-02-13')).toEqual({
      status: 'due',
      lastInspection: '2026-11-15',
      nextDue: '2027-02-13',
      daysLeft: 0,
    });
    expect(inspectionStatus(null, 90, '2027-02-13').status).toBe('never');
    expect(inspectionStatus('2026-01-31', 30, '2026-02-01')).toMatchObject({
      status: 'ok',
      nextDue: '2026-03-02',
      daysLeft: 29,
    });
  });
});
