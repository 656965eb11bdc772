import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely, MigrationProvider } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { addAlertChannel, listAlerts, raiseAlerts } from '../../src/storage/alerts-repo.js';
import { type DialectName, openDatabase, type Storage } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest, migrationProvider } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';
import { DIALECTS, freshStorage, PG_URL } from './test-storage.js';

const AT = '2026-12-06T02:00:00.000Z';
const URL = 'https://posguard.example';

async function ownerAndMerchant(storage: Storage): Promise<{ owner: number; merchant: number }> {
  const u = await createUser(storage.db, {
    email: 'o@example.com',
    passwordHash: 'x',
    role: 'owner',
    mustChangePassword: false,
    at: AT,
  });
  const m = await createMerchant(storage.db, u.id, { name: '测试小店', merchantId: '1900000001', at: AT });
  return { owner: u.id, merchant: m.id };
}

/** The migrations before 0007: a database as the code before alerts carried English left it. */
function before0007(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      const all = await migrationProvider(dialect).getMigrations();
      return Object.fromEntries(Object.entries(all).filter(([name]) => name < '0007'));
    },
  };
}

/** A database of one dialect (its own SQLite file, or its own PostgreSQL schema) migrated up to 0006. */
async function storageBefore0007(
  dialect: DialectName,
): Promise<{ storage: Storage; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-alert-en-'));
  let schema: string | undefined;
  let storage: Storage;
  if (dialect === 'sqlite') {
    storage = openDatabase({ dialect: 'sqlite', file: join(dir, 'before.db') });
  } else {
    schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    storage = openDatabase({ dialect: 'postgres', url: PG_URL, schema });
  }
  await migrateToLatest(storage, { backupDir: dir, provider: before0007(dialect) });
  return {
    storage,
    dir,
    cleanup: async () => {
      await storage.close();
      if (schema !== undefined) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
        await c.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each(DIALECTS)('monitor_alerts.message_en on %s', (dialect: DialectName) => {
  it('stores both wordings of an alert and reads each back in its language', async () => {
    const { storage, cleanup } = await freshStorage(dialect);
    try {
      const { owner, merchant } = await ownerAndMerchant(storage);
      await addAlertChannel(storage.db, owner, merchant, { type: 'webhook', target: `${URL}/hook`, at: AT });
      const zh = '2026-12-05 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥6.30，按费率方案应为 ¥6.00，多扣 ¥0.30';
      const en =
        '2026-12-05 credit card sale of ¥1,000.00 charged a fee of ¥6.30 where the plan gives ¥6.00: ¥0.30 overcharged';
      const raised = await storage.db.transaction().execute((trx) =>
        raiseAlerts(
          trx,
          merchant,
          [
            {
              kind: 'fee_overcharge',
              severity: 'high',
              dedupKey: 'fee_overcharge|2026-12-05|card|credit|r0.1',
              amountFen: 30,
              message: { zh, en },
              details: {},
            },
          ],
          [],
          AT,
          URL,
        ),
      );
      expect(raised.map((a) => [a.message, a.messageEn])).toEqual([[zh, en]]);
      const row = await storage.db
        .selectFrom('monitor_alerts')
        .select(['message', 'message_en', 'amount_fen'])
        .where('merchant_id', '=', merchant)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ message: zh, message_en: en, amount_fen: 30 });

      const inEnglish = await listAlerts(storage.db, owner, merchant, { limit: 10, lang: 'en' });
      expect(inEnglish.map((a) => [a.message, a.messageZh, a.messageEn])).toEqual([[en, zh, en]]);
      const inChinese = await listAlerts(storage.db, owner, merchant, { limit: 10, lang: 'zh' });
      expect(inChinese.map((a) => a.message)).toEqual([zh]);
      expect((await listAlerts(storage.db, owner, merchant, { limit: 10 })).map((a) => a.message)).toEqual([
        zh,
      ]);

      // The robots are sent the Chinese; the webhook's JSON carries the English beside it.
      const delivery = await storage.db
        .selectFrom('alert_deliveries')
        .select(['text', 'payload_json'])
        .where('merchant_id', '=', merchant)
        .executeTakeFirstOrThrow();
      expect(delivery.text).toContain(zh);
      expect(delivery.text).not.toContain(en);
      expect(JSON.parse(delivery.payload_json)).toMatchObject({ message: zh, messageEn: en });
    } finally {
      await cleanup();
    }
  });

  it('adds the column to alerts stored before it, which are read in Chinese when English is asked for', async () => {
    const { storage, dir, cleanup } = await storageBefore0007(dialect);
    try {
      const { owner, merchant } = await ownerAndMerchant(storage);
      const old = storage.db as Kysely<unknown> as Kysely<Record<string, Record<string, unknown>>>;
      // Rows as the code before the migration wrote them: no message_en column to fill.
      const row = (kind: string, key: string, message: string, details: Record<string, unknown>) => ({
        merchant_id: merchant,
        kind,
        severity: 'high',
        dedup_key: key,
        record_id: null,
        amount_fen: 29_900,
        message,
        details_json: JSON.stringify(details),
        created_at: AT,
      });
      await old
        .insertInto('monitor_alerts')
        .values([
          row(
            'missing_statement',
            'missing_statement|2026-12-01',
            '2026-12-01 有终端交易，但到 2026-12-02（T+1）仍未收到结算单',
            {},
          ),
          // An unplanned deduction kept its English in its details.
          row(
            'unplanned_deduction',
            'unplanned_deduction|rec:1',
            '2026-12-05 从结算款中扣除“机具押金” ¥299.00',
            {
              messageEn: '2026-12-05: "机具押金" ¥299.00 deducted from the payout',
            },
          ),
        ])
        .execute();
      const outcome = await migrateToLatest(storage, { backupDir: dir });
      expect(outcome.applied[0]).toBe('0007-alert-message-en');
      const stored = await storage.db
        .selectFrom('monitor_alerts')
        .select(['kind', 'message_en'])
        .orderBy('id')
        .execute();
      expect(stored).toEqual([
        { kind: 'missing_statement', message_en: null },
        { kind: 'unplanned_deduction', message_en: null },
      ]);
      const inEnglish = await listAlerts(storage.db, owner, merchant, { limit: 10, lang: 'en' });
      expect(inEnglish.map((a) => [a.kind, a.message])).toEqual([
        ['unplanned_deduction', '2026-12-05: "机具押金" ¥299.00 deducted from the payout'],
        ['missing_statement', '2026-12-01 有终端交易，但到 2026-12-02（T+1）仍未收到结算单'],
      ]);
    } finally {
      await cleanup();
    }
  });
});
