import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DevicesFile, parseDevicesFile } from '../../src/devices/parse-devices-file.js';
import { listAuditLog } from '../../src/storage/audit-log-repo.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import type { Database } from '../../src/storage/schema.js';
import { type DevicesImported, importDevices, listDevices } from '../../src/storage/devices-repo.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { createUser } from '../../src/storage/users-repo.js';
import { cliMerchantForTests } from '../cases/merchant-harness.js';
import { DIALECTS, freshStorage } from '../storage/test-storage.js';

// `device import` says of each terminal whether it was created, updated or left unchanged, on SQLite and on
// PostgreSQL, and the CLI passes that on per terminal and in its totals.

const AT = '2026-10-01T04:00:00.000Z';

function devicesFile(yaml: string): DevicesFile {
  const parsed = parseDevicesFile(yaml);
  if (!parsed.ok) throw new Error(parsed.en);
  return parsed.file;
}

const FIRST = `terminals:
  - terminalId: "74826033"
    sn: NL0329A349312
    model: N910
    vendor: 新大陆
    versions:
      - { from: 2025-01-03, firmware: V2.1.3, app: 5.3.1 }
    sim: { iccid: "89860012345678901234", plan: 流量卡, fee: "18.50", every: year }
    lastInspection: 2025-03-01
  - terminalId: "40988071"
    sn: LD1366A772971
`;

describe.each(DIALECTS)('devices import on %s', (dialect: DialectName) => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let owner: number;
  let m: number;
  const actor = (at: string) => ({ userId: owner, at, address: 'test' });
  const rows = async () =>
    new Map(
      (await storage.db.selectFrom('devices').selectAll().where('merchant_id', '=', m).execute()).map((r) => [
        r.terminal_id,
        r,
      ]),
    );

  beforeEach(async () => {
    ({ storage, cleanup } = await freshStorage(dialect));
    owner = (
      await createUser(storage.db, {
        email: 'o@example.com',
        passwordHash: 'x',
        role: 'owner',
        mustChangePassword: false,
        at: AT,
      })
    ).id;
    m = (await createMerchant(storage.db, owner, { name: '鸿运便利店', at: AT })).id;
  });
  afterEach(async () => cleanup());

  // Row locks are PostgreSQL's (SQLite locks the whole file): defined there only, so no run reports a skip.
  const lockTest = (name: string, fn: () => Promise<void>) => {
    if (dialect === 'postgres') it(name, fn);
  };

  it('reports created, then unchanged for the same file, writing nothing the second time', async () => {
    const first = await importDevices(storage.db, actor(AT), m, devicesFile(FIRST));
    expect(first).toEqual({
      created: 2,
      updated: 0,
      unchanged: 0,
      terminals: ['74826033', '40988071'],
      statuses: [
        { terminalId: '74826033', status: 'created' },
        { terminalId: '40988071', status: 'created' },
      ],
    });
    const before = await rows();
    const later = '2026-10-02T04:00:00.000Z';
    const again = await importDevices(storage.db, actor(later), m, devicesFile(FIRST));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(again.statuses.map((s) => s.status)).toEqual(['unchanged', 'unchanged']);
    // Unchanged means untouched: same rows (updated_at included), no second inspection.
    expect(await rows()).toEqual(before);
    const stored = await listDevices(storage.db, owner, m, '2026-10-02');
    expect(stored.find((d) => d.terminalId === '74826033')?.inspections.map((i) => i.date)).toEqual([
      '2025-03-01',
    ]);
    // 18.50 元 = 1,850 分, kept as it was.
    expect(stored.find((d) => d.terminalId === '74826033')?.sim).toMatchObject({ feeFen: 1850 });
    const log = (await listAuditLog(storage.db, owner, { limit: 10 })).filter(
      (l) => l.action === 'devices.import',
    );
    expect(log.map((l) => l.details)).toMatchObject([
      { created: 0, updated: 0, unchanged: 2 },
      { created: 2, updated: 0, unchanged: 0 },
    ]);
  });

  it('tells a new version, a changed field or a new inspection (updated) from a rewritten same file (unchanged)', async () => {
    await importDevices(storage.db, actor(AT), m, devicesFile(FIRST));
    const before = await rows();
    const later = '2026-10-02T04:00:00.000Z';
    const result = await importDevices(
      storage.db,
      actor(later),
      m,
      devicesFile(`terminals:
  - terminalId: "11110000"
  - terminalId: "74826033"
    sn: NL0329A349312
    versions:
      - { from: 2025-01-03, app: 5.3.1, firmware: V2.1.3 }
    sim: { every: year, fee: "18.5", plan: 流量卡, iccid: "89860012345678901234" }
  - terminalId: "40988071"
    versions:
      - { from: 2025-05-20, firmware: V1.8.6 }
`),
    );
    // 74826033: the same facts, keys in another order and 18.5 for 18.50 — nothing new. 40988071: a version.
    expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(result.statuses).toEqual([
      { terminalId: '11110000', status: 'created' },
      { terminalId: '74826033', status: 'unchanged' },
      { terminalId: '40988071', status: 'updated' },
    ]);
    const after = await rows();
    expect(after.get('74826033')).toEqual(before.get('74826033'));
    expect(after.get('40988071')?.updated_at).toBe(later);
    expect(after.get('40988071')?.sn).toBe('LD1366A772971');

    const each = async (yaml: string) =>
      (await importDevices(storage.db, actor(later), m, devicesFile(yaml))).statuses[0]?.status;
    expect(await each('terminals:\n  - terminalId: "74826033"\n    lastInspection: 2025-06-01\n')).toBe(
      'updated',
    );
    expect(await each('terminals:\n  - terminalId: "74826033"\n    lastInspection: 2025-06-01\n')).toBe(
      'unchanged',
    );
    expect(await each('terminals:\n  - terminalId: "74826033"\n    model: N910P\n')).toBe('updated');
    expect(await each('terminals:\n  - terminalId: "74826033"\n    inspectionIntervalDays: 90\n')).toBe(
      'unchanged',
    );
    expect(await each('terminals:\n  - terminalId: "74826033"\n    inspectionIntervalDays: 30\n')).toBe(
      'updated',
    );
    expect(
      await each('terminals:\n  - terminalId: "74826033"\n    sim: { iccid: "89860012345678901234" }\n'),
    ).toBe('updated');
  });

  // Two imports of one terminal at once: only PostgreSQL runs them side by side (the SQLite driver queues
  // transactions on its one connection). Another transaction (standing for the other import) holds the row;
  // the import must wait for it, then work from what it committed.
  async function importWhileHeld(
    file: string,
    hold: (trx: Transaction<Database>) => Promise<void>,
    thenWrite: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<{ ok: DevicesImported } | { error: unknown } | undefined> {
    let pending: Promise<{ ok: DevicesImported } | { error: unknown }> | undefined;
    await storage.db.transaction().execute(async (trx) => {
      await hold(trx);
      pending = importDevices(storage.db, actor('2026-10-02T04:00:00.000Z'), m, devicesFile(file)).then(
        (ok) => ({ ok }),
        (error: unknown) => ({ error }),
      );
      await blockedOnDevices(storage);
      await thenWrite(trx);
    });
    return pending;
  }

  lockTest(
    'registers a terminal another import is registering at the same moment, without failing on the key',
    async () => {
      const outcome = await importWhileHeld(
        'terminals:\n  - terminalId: "22223333"\n    sn: X1\n    versions:\n      - { from: 2025-09-01, firmware: V1 }\n',
        async (trx) => {
          await trx
            .insertInto('devices')
            .values({
              merchant_id: m,
              terminal_id: '22223333',
              sn: 'X1',
              model: null,
              vendor: null,
              provider: null,
              versions_json: '[]',
              sim_json: null,
              inspection_interval_days: 90,
              created_at: AT,
              updated_at: AT,
            })
            .execute();
        },
        async () => undefined,
      );
      // Reading "not there yet" and inserting would fail on the (merchant, terminal) key once the other commits.
      expect(outcome).toMatchObject({ ok: { statuses: [{ terminalId: '22223333', status: 'updated' }] } });
      expect((await rows()).get('22223333')?.versions_json).toBe('[{"from":"2025-09-01","firmware":"V1"}]');
    },
  );

  lockTest('merges into the versions another import of the same terminal committed meanwhile', async () => {
    await importDevices(storage.db, actor(AT), m, devicesFile(FIRST));
    const where = (trx: Transaction<Database>) =>
      trx.selectFrom('devices').where('merchant_id', '=', m).where('terminal_id', '=', '74826033');
    let versions: unknown[] = [];
    const outcome = await importWhileHeld(
      'terminals:\n  - terminalId: "74826033"\n    versions:\n      - { from: 2025-09-01, firmware: V2.3.0 }\n',
      // The other import has read the row (locking it) and is about to add V2.2.0.
      async (trx) => {
        const row = await where(trx).select('versions_json').forUpdate().executeTakeFirstOrThrow();
        versions = [
          ...(JSON.parse(row.versions_json) as unknown[]),
          { from: '2025-06-01', firmware: 'V2.2.0' },
        ];
      },
      async (trx) => {
        await trx
          .updateTable('devices')
          .set({ versions_json: JSON.stringify(versions) })
          .where('merchant_id', '=', m)
          .where('terminal_id', '=', '74826033')
          .execute();
      },
    );
    expect(outcome).toMatchObject({ ok: { statuses: [{ terminalId: '74826033', status: 'updated' }] } });
    // An import that had read the row before the other committed would write V2.1.3 and V2.3.0 only.
    const stored = JSON.parse((await rows()).get('74826033')?.versions_json ?? '[]') as {
      firmware: string;
    }[];
    expect(stored.map((v) => v.firmware)).toEqual(['V2.1.3', 'V2.2.0', 'V2.3.0']);
  });
});

/** Waits until some session waits for a lock on a statement about devices (the import held up), up to 10 s. */
async function blockedOnDevices(storage: Storage): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const waiting = await sql<{ n: string }>`
      select count(*) as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and query like '%"devices"%'`.execute(
      storage.db,
    );
    if (Number(waiting.rows[0]?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import never waited for the other transaction');
}

describe('posguard device import says what became of each terminal', () => {
  const shop = cliMerchantForTests('posguard-device-import-status-');
  const { cli } = shop;

  interface Terminal {
    terminalId: string;
    status: string;
    sn: string | null;
    findings?: unknown;
  }

  it('in JSON per terminal and in totals, and in the table in zh-CN and English', async () => {
    const file = join(shop.dir, 'devices.yaml');
    writeFileSync(file, FIRST);
    const first = await cli('device', 'import', file);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toBe('74826033  新增\n40988071  新增\n新增 2 台，更新 0 台，未变 0 台\n');

    writeFileSync(
      file,
      `${FIRST}  - terminalId: "55556666"\n`.replace('sn: LD1366A772971', 'sn: LD1366A772971\n    model: A8'),
    );
    const json = await cli('device', 'import', file, '--format', 'json');
    expect(json.exitCode, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as {
      today: string;
      created: number;
      updated: number;
      unchanged: number;
      terminals: Terminal[];
    };
    expect(out).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(out.terminals.map((d) => [d.terminalId, d.status])).toEqual([
      ['74826033', 'unchanged'],
      ['40988071', 'updated'],
      ['55556666', 'created'],
    ]);
    // Beside its status, each terminal is what `device list --format json` gives, less the findings list adds.
    const list = JSON.parse((await cli('device', 'list', '--format', 'json')).stdout) as {
      devices: Terminal[];
    };
    const listed = new Map(list.devices.map(({ findings: _f, ...d }) => [d.terminalId, d]));
    for (const { status: _s, ...d } of out.terminals) expect(d).toEqual(listed.get(d.terminalId));

    const en = await cli('device', 'import', file, '--lang', 'en');
    expect(en.exitCode, en.stderr).toBe(0);
    expect(en.stdout).toBe(
      '74826033  unchanged\n40988071  unchanged\n55556666  unchanged\n0 created, 0 updated, 3 unchanged\n',
    );
  });
});
