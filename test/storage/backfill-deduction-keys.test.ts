// Deductions pushed before a record without an identifier had a natural key (day, label, amount) were stored
// without one; migration 0008 fills it in, so their statement imported afterwards does not store them twice.
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { configureMonitor } from '../../src/monitor/monitor-settings.js';
import { naturalKey } from '../../src/monitor/natural-key.js';
import type { PosRecord } from '../../src/records/index.js';
import { buildApp } from '../../src/server/app.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { backfillDeductionKeysMigration } from '../../src/storage/migrations/0008-backfill-deduction-keys.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { recordToRow } from '../../src/storage/record-row.js';
import { createUser } from '../../src/storage/users-repo.js';
import {
  DEDUCTION_HEADER,
  DEDUCTION_LINES,
  DEDUCTION_MERCHANT,
  DEDUCTION_PUSHES,
} from '../monitor/deduction-fixtures.js';
import { merchantRoutes, PASSWORD, PLAN_YAML } from '../monitor/monitor-harness.js';
import { storageBefore } from './storage-before.js';
import { DIALECTS } from './test-storage.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const MIGRATION = '0008-backfill-deduction-keys';
const MERCHANT = DEDUCTION_MERCHANT;
const AT = '2026-10-10T02:00:00.000Z';

/** The deposit and two SIM fees the provider took out of 10-09's payout; none in the plan, no reference numbers. */
const STATEMENT = `${[
  '商户结算明细',
  '导出时间：2026-10-09 09:00:01',
  DEDUCTION_HEADER,
  ...DEDUCTION_LINES,
].join('\r\n')}\r\n`;

const PUSHES = DEDUCTION_PUSHES;

/** An owner signed in to an app on `storage`, with the monitor's test plan on the merchant. */
async function appOn(storage: Storage, dir: string) {
  configureMonitor(storage.db, { worker: false, scheduler: false, publicUrl: 'https://posguard.example' });
  const app = await buildApp({ db: storage.db, now: () => new Date(AT), tmpDir: dir });
  cleanups.push(() => app.close());
  await createUser(storage.db, {
    email: 'owner@example.com',
    passwordHash: await hashPassword(PASSWORD),
    role: 'owner',
    mustChangePassword: false,
    at: AT,
  });
  const login = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'owner@example.com', password: PASSWORD },
  });
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/merchants',
    headers: { cookie },
    payload: { name: '测试小店', merchantId: MERCHANT },
  });
  expect(created.statusCode, created.body).toBe(201);
  const merchantId = created.json<{ id: number }>().id;
  const routes = merchantRoutes(app, cookie, merchantId);
  expect((await routes.putYaml('plan', PLAN_YAML)).statusCode).toBe(200);
  return { merchantId, ...routes };
}

async function pushedKeys(storage: Storage): Promise<(string | null)[]> {
  const rows = await storage.db
    .selectFrom('pushed_records')
    .select('natural_key')
    .orderBy('record_id')
    .execute();
  return rows.map((r) => r.natural_key);
}

describe.each(DIALECTS)('migration 0008 on %s', (dialect: DialectName) => {
  it('lets a statement find deductions pushed before their key existed: each stored, alerted and audited once', async () => {
    const { storage, dir, cleanup } = await storageBefore(dialect, MIGRATION);
    cleanups.push(cleanup);
    const a = await appOn(storage, dir);
    const push = await a.post('settlements', PUSHES);
    expect(push.statusCode, push.body).toBe(201);
    // As the code before keys for unnumbered records stored these pushes: no natural key.
    await storage.db.updateTable('pushed_records').set({ natural_key: null }).execute();
    expect(await pushedKeys(storage)).toEqual([null, null, null]);

    const outcome = await migrateToLatest(storage, { backupDir: dir });
    expect(outcome.applied[0]).toBe(MIGRATION);
    expect(await pushedKeys(storage)).toEqual([
      'settlement|deduction|-29900|day:2026-10-09/机具押金',
      'settlement|deduction|-9900|day:2026-10-09/流量费(SIM卡)',
      'settlement|deduction|-9900|day:2026-10-09/流量费(SIM卡)',
    ]);

    const upload = await a.uploadStatement('结算明细_20261009.csv', STATEMENT, { kind: 'settlement' });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(upload.json<{ landings: { stored: number }[] }>().landings[0]?.stored).toBe(0);
    const records = await storage.db
      .selectFrom('records')
      .select('amount_fen')
      .where('merchant_id', '=', a.merchantId)
      .orderBy('amount_fen')
      .execute();
    expect(records.map((r) => r.amount_fen)).toEqual([-29_900, -9900, -9900]);

    // 29,900 + 9,900 + 9,900 = 49,700 fen taken outside the plan, once: not 99,400.
    const alerts = await storage.db
      .selectFrom('monitor_alerts')
      .select('amount_fen')
      .where('merchant_id', '=', a.merchantId)
      .where('kind', '=', 'unplanned_deduction')
      .orderBy('amount_fen')
      .execute();
    expect(alerts.map((x) => x.amount_fen)).toEqual([9900, 9900, 29_900]);
    const audit = await a.get('audit');
    expect(audit.statusCode, audit.body).toBe(200);
    const unplanned = audit
      .json<{ findings: { kind: string; lossFen: number }[] }>()
      .findings.filter((f) => f.kind === 'unplanned_deduction')
      .map((f) => f.lossFen)
      .sort((x, y) => x - y);
    expect(unplanned).toEqual([9900, 9900, 29_900]);
    expect(unplanned.reduce((sum, fen) => sum + fen, 0)).toBe(49_700);
  });

  it('keys every keyless pushed record it can, in batches, leaves the rest, and changes nothing run again', async () => {
    const { storage, cleanup } = await storageBefore(dialect, MIGRATION);
    cleanups.push(cleanup);
    const user = await createUser(storage.db, {
      email: 'o@example.com',
      passwordHash: 'x',
      role: 'owner',
      mustChangePassword: false,
      at: AT,
    });
    const merchant = await createMerchant(storage.db, user.id, {
      name: '测试小店',
      merchantId: MERCHANT,
      at: AT,
    });
    const base = {
      kind: 'settlement',
      status: 'success',
      channel: 'other',
      card: 'unknown',
      source: { file: 'api', row: 1 },
    } as const;
    const deduction = (day: string, label: string, amountFen: number): PosRecord => ({
      ...base,
      type: 'deduction',
      time: `2026-10-${day}T09:30:00+08:00`,
      settleDate: `2026-10-${day}`,
      amountFen,
      label,
    });
    const sale = (time: string, amountFen: number): PosRecord => ({
      ...base,
      type: 'sale',
      channel: 'card',
      card: 'credit',
      time,
      amountFen,
    });
    // A deduction without a settle day: 17:00 UTC on 10-10 is 10-11 in Shanghai.
    const { settleDate: _settleDate, ...unsettled } = deduction('10', '流量费', -9900);
    const pushed: { record: PosRecord; key: string | null }[] = [
      { record: deduction('09', '机具押金', -29_900), key: null },
      { record: deduction('09', '流量费（SIM卡）', -9900), key: null },
      // A sale with no identifier has no key, then or now.
      { record: sale('2026-10-09T10:00:00+08:00', 5000), key: null },
      { record: deduction('10', '服务费', -3000), key: null },
      { record: { ...unsettled, time: '2026-10-10T17:00:00Z' }, key: null },
      // A record keyed when pushed keeps its key.
      {
        record: { ...sale('2026-10-09T11:00:00+08:00', 8000), refNo: '634300000009' },
        key: 'kept-as-pushed',
      },
      { record: { ...deduction('12', '结算', 120_000), type: 'payout' }, key: null },
    ];
    for (const { record, key } of pushed) {
      const inserted = await storage.db
        .insertInto('records')
        .values(recordToRow(record, merchant.id, null))
        .returning('id')
        .executeTakeFirstOrThrow();
      await storage.db
        .insertInto('pushed_records')
        .values({
          record_id: inserted.id,
          merchant_id: merchant.id,
          natural_key: key,
          claimed_import_id: null,
        })
        .execute();
    }
    // What a push of each record stores today.
    const expected = pushed.map(({ record, key }) => key ?? naturalKey(record) ?? null);
    expect(expected).toEqual([
      'settlement|deduction|-29900|day:2026-10-09/机具押金',
      'settlement|deduction|-9900|day:2026-10-09/流量费(SIM卡)',
      null,
      'settlement|deduction|-3000|day:2026-10-10/服务费',
      'settlement|deduction|-9900|day:2026-10-11/流量费',
      'kept-as-pushed',
      'settlement|payout|120000|day:2026-10-12/结算',
    ]);

    // Two rows a round: seven rows, one of them keyed already, take four rounds.
    const migration = backfillDeductionKeysMigration(2);
    await migration.up(storage.db as Kysely<unknown>);
    expect(await pushedKeys(storage)).toEqual(expected);
    await migration.up(storage.db as Kysely<unknown>);
    expect(await pushedKeys(storage)).toEqual(expected);
  });
});
