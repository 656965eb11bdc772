import { type Kysely, Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/statements/import.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { saveImport } from '../../src/storage/imports-repo.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest, migrationProvider } from '../../src/storage/migrate.js';
import { recordsForAudit } from '../../src/storage/records-repo.js';
import { createUser } from '../../src/storage/users-repo.js';
import { WECHAT_D3, wechatBill } from '../presets/discount-fixtures.js';
import { DIALECTS, freshStorage } from './test-storage.js';

const AT = '2026-10-10T04:00:00.000Z';

/** The fields of the old WeChat sale that are named alike in a records row and in a record. */
const OLD_SALE = {
  kind: 'settlement',
  type: 'sale',
  status: 'success',
  time: '2026-10-08T10:10:00+08:00',
  channel: 'wechat',
  card: 'unknown',
} as const;

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

describe.each(DIALECTS)('records.discount_fen on %s', (dialect: DialectName) => {
  it('stores a WeChat line’s merchant discount and gives the same records back', async () => {
    const { storage, cleanup } = await freshStorage(dialect);
    try {
      const { owner, merchant } = await ownerAndMerchant(storage);
      const { files, records } = await importFiles([
        { name: 'wechat_all.csv', bytes: wechatBill(WECHAT_D3) },
      ]);
      const summary = files[0];
      if (summary === undefined) throw new Error('no summary');
      expect(
        records.filter((r) => r.discountFen !== undefined).map((r) => [r.orderNo, r.discountFen]),
      ).toEqual([['ORD007', 1000]]);
      await saveImport(storage.db, owner, { merchantId: merchant, summary, records, at: AT });
      const back = await recordsForAudit(storage.db, owner, merchant);
      expect(back.settlement).toEqual(records);
    } finally {
      await cleanup();
    }
  });

  it('adds the column to a database of records stored before it, which come back without a discount', async () => {
    const { storage, dir, cleanup } = await freshStorage(dialect);
    try {
      const schema = storage.config.dialect === 'postgres' ? storage.config.schema : undefined;
      const migrator = new Migrator({
        db: storage.db as Kysely<unknown>,
        provider: migrationProvider(storage.dialect),
        ...(schema === undefined ? {} : { migrationTableSchema: schema }),
      });
      const down = await migrator.migrateTo('0005-shared-file-notes');
      expect(down.error).toBeUndefined();
      expect(down.results?.map((r) => [r.migrationName, r.direction, r.status]).at(-1)).toEqual([
        '0006-record-discount',
        'Down',
        'Success',
      ]);
      const { owner, merchant } = await ownerAndMerchant(storage);
      // A row as the code before the migration wrote it: no discount_fen column to fill.
      await (storage.db as Kysely<unknown> as Kysely<Record<string, Record<string, unknown>>>)
        .insertInto('records')
        .values({
          merchant_id: merchant,
          import_id: null,
          ...OLD_SALE,
          amount_fen: 6000,
          fee_fen: 23,
          source_file: 'old.csv',
          source_row: 2,
        })
        .execute();
      const outcome = await migrateToLatest(storage, { backupDir: dir });
      expect(outcome.applied[0]).toBe('0006-record-discount');
      const back = await recordsForAudit(storage.db, owner, merchant);
      expect(back.settlement).toEqual([
        {
          ...OLD_SALE,
          amountFen: 6000,
          feeFen: 23,
          source: { file: 'old.csv', row: 2 },
        },
      ]);
    } finally {
      await cleanup();
    }
  });
});
