import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { simulate } from '../../src/simulate/simulate.js';
import { openDatabase } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';

let dir: string;
let db: string;
let merchant: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-device-cli-'));
  db = join(dir, 'posguard.db');
  const storage = openDatabase({ dialect: 'sqlite', file: db });
  await migrateToLatest(storage);
  const at = '2026-10-01T04:00:00.000Z';
  const owner = await createUser(storage.db, {
    email: 'owner@example.com',
    passwordHash: 'x',
    role: 'owner',
    mustChangePassword: false,
    at,
  });
  const staff = await createUser(storage.db, {
    email: 'staff@example.com',
    passwordHash: 'x',
    role: 'staff',
    mustChangePassword: false,
    at,
  });
  const created = await createMerchant(storage.db, owner.id, { name: '鸿运便利店', at });
  await storage.db
    .insertInto('memberships')
    .values({ user_id: staff.id, merchant_id: created.id, role: 'staff', created_at: at })
    .execute();
  merchant = String(created.id);
  await storage.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, '--db', db, '--merchant', merchant], { cwd: dir });

describe('posguard device on a database file', () => {
  it('imports a simulated devices.yaml, records an inspection and lists who is due', async () => {
    const out = join(dir, 'sim');
    const result = simulate({
      out,
      merchants: 1,
      terminals: 2,
      days: 5,
      perDay: 5,
      start: '2026-09-01',
      seed: 'posguard-device-cli',
      scenarios: [],
      preset: 'generic',
    });
    const file = join(out, result.merchants[0]?.merchantId ?? '', 'devices.yaml');
    const imported = await cli('device', 'import', file);
    expect(imported.exitCode, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('已登记 2 台新终端');
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
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, 'terminals:\n  - sn: 1\n');
    const bad = await cli('device', 'import', badFile, '--lang', 'en');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('terminalId');
  });
});
