import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PosRecord } from '../../src/records/index.js';
import { importFiles } from '../../src/statements/import.js';
import { AccessDenied } from '../../src/storage/access.js';
import { appendAudit, listAuditLog } from '../../src/storage/audit-log-repo.js';
import { restoreBackup, writeBackup } from '../../src/storage/backup.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { findImportBySha, listImports, saveImport } from '../../src/storage/imports-repo.js';
import { createMerchant, grantMembership, listMerchants } from '../../src/storage/merchants-repo.js';
import { latestPlan, savePlan } from '../../src/storage/plans-repo.js';
import { countRecords, listRecords, recordsForAudit } from '../../src/storage/records-repo.js';
import { migrateToLatest, migrationProvider } from '../../src/storage/migrate.js';
import { TABLE_ORDER } from '../../src/storage/schema.js';
import { createUser } from '../../src/storage/users-repo.js';
import { OVERCHARGED, settlementCsv } from '../server/sample-data.js';
import { DIALECTS, freshStorage } from './test-storage.js';

const AT = '2026-10-01T04:00:00.000Z';

async function user(
  storage: Storage,
  email: string,
  role: 'owner' | 'staff' | 'agent' = 'owner',
): Promise<number> {
  const u = await createUser(storage.db, {
    email,
    passwordHash: 'x',
    role,
    mustChangePassword: false,
    at: AT,
  });
  return u.id;
}

async function sample(lines = OVERCHARGED, name = 's.csv') {
  const result = await importFiles([{ name, bytes: Buffer.from(settlementCsv(lines)) }]);
  const summary = result.files[0];
  if (summary === undefined) throw new Error('no summary');
  return { summary, records: result.records };
}

async function dumpAll(storage: Storage): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLE_ORDER) {
    const rows = await storage.db.selectFrom(table).selectAll().execute();
    out[table] = rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

describe.each(DIALECTS)('storage on %s', (dialect: DialectName) => {
  let storage: Storage;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ storage, dir, cleanup } = await freshStorage(dialect));
  });
  afterEach(async () => cleanup());

  it('stores an import and its records, and gives the same records back', async () => {
    const owner = await user(storage, 'o@example.com');
    const m = await createMerchant(storage.db, owner, {
      name: '测试小店',
      merchantId: '898440153991234',
      at: AT,
    });
    const { summary, records } = await sample();
    const saved = await saveImport(storage.db, owner, { merchantId: m.id, summary, records, at: AT });
    expect(saved.duplicate).toBe(false);
    expect(saved.landings).toEqual([
      {
        merchantId: m.id,
        importId: saved.importId,
        stored: 4,
        duplicate: false,
        alreadyStored: 0,
        updated: 0,
      },
    ]);
    const back = await recordsForAudit(storage.db, owner, m.id);
    expect(back.settlement).toEqual(records);
    expect(await countRecords(storage.db, owner, m.id)).toBe(4);
    const imports = await listImports(storage.db, owner, m.id);
    expect(imports.map((i) => [i.file_name, i.sha256, i.rows, i.stored])).toEqual([
      ['s.csv', summary.sha256, 4, 4],
    ]);
  });

  it('keeps money beyond 32 bits exact (BIGINT comes back as a number)', async () => {
    const owner = await user(storage, 'o@example.com');
    const m = await createMerchant(storage.db, owner, { name: 'Big', at: AT });
    // ¥90,071,992,547,409.91 — the largest safe integer of fen.
    const big = Number.MAX_SAFE_INTEGER;
    const { summary, records } = await sample();
    const first = records[0] as PosRecord;
    const huge: PosRecord = { ...first, amountFen: big, feeFen: -big, settledFen: 2 ** 40 };
    await saveImport(storage.db, owner, { merchantId: m.id, summary, records: [huge], at: AT });
    const [stored] = await listRecords(storage.db, owner, m.id, { limit: 10 });
    expect(stored?.record.amountFen).toBe(big);
    expect(stored?.record.feeFen).toBe(-big);
    expect(stored?.record.settledFen).toBe(2 ** 40);
    expect(typeof stored?.record.amountFen).toBe('number');
  });

  it('adds nothing for the same file twice and returns the earlier import id', async () => {
    const owner = await user(storage, 'o@example.com');
    const m = await createMerchant(storage.db, owner, { name: 'A', at: AT });
    const { summary, records } = await sample();
    const first = await saveImport(storage.db, owner, { merchantId: m.id, summary, records, at: AT });
    const second = await saveImport(storage.db, owner, { merchantId: m.id, summary, records, at: AT });
    expect(second.importId).toBe(first.importId);
    expect(second.duplicate).toBe(true);
    expect(await countRecords(storage.db, owner, m.id)).toBe(4);
    expect((await findImportBySha(storage.db, owner, m.id, summary.sha256))?.id).toBe(first.importId);
  });

  it('rolls the whole import back when a record breaks a constraint midway (a full card number)', async () => {
    const owner = await user(storage, 'o@example.com');
    const m = await createMerchant(storage.db, owner, { name: 'A', at: AT });
    const { summary, records } = await sample();
    // Slip an unmasked card number past the importer: the database's own check must refuse it.
    const poisoned = records.map((r, i) => (i === 2 ? { ...r, cardNo: '6222021234567890123' } : r));
    await expect(
      saveImport(storage.db, owner, { merchantId: m.id, summary, records: poisoned, at: AT }),
    ).rejects.toThrow();
    expect(await countRecords(storage.db, owner, m.id)).toBe(0);
    expect(await listImports(storage.db, owner, m.id)).toEqual([]);
    const retry = await saveImport(storage.db, owner, { merchantId: m.id, summary, records, at: AT });
    expect(retry.duplicate).toBe(false);
    expect(await countRecords(storage.db, owner, m.id)).toBe(4);
  });

  it('rolls back when the import fails after its first records are written', async () => {
    const owner = await user(storage, 'o@example.com');
    const m = await createMerchant(storage.db, owner, { name: 'A', at: AT });
    const { summary, records } = await sample();
    const failing = saveImport(storage.db, owner, {
      merchantId: m.id,
      summary,
      records,
      at: AT,
      afterFirstInsert: async () => {
        throw new Error('disk full');
      },
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(await countRecords(storage.db, owner, m.id)).toBe(0);
    expect(await listImports(storage.db, owner, m.id)).toEqual([]);
  });

  it('splits an agent file across the merchants it names that the uploader can write, and reports the rest', async () => {
    const agent = await user(storage, 'agent@example.com', 'agent');
    const stranger = await user(storage, 'other@example.com');
    const a = await createMerchant(storage.db, agent, { name: 'A', merchantId: '111', at: AT });
    const b = await createMerchant(storage.db, agent, { name: 'B', merchantId: '222', at: AT });
    const c = await createMerchant(storage.db, stranger, { name: 'C', merchantId: '333', at: AT });
    const lines = OVERCHARGED.map((l, i) => ({ ...l, merchant: ['111', '222', '333', '222'][i] ?? '111' }));
    const { summary, records } = await sample(lines);
    const saved = await saveImport(storage.db, agent, { merchantId: a.id, summary, records, at: AT });
    expect(saved.landings.map((l) => [l.merchantId, l.stored])).toEqual([
      [a.id, 1],
      [b.id, 2],
    ]);
    expect(saved.unassigned).toEqual([{ merchantId: '333', records: 1 }]);
    expect(await countRecords(storage.db, agent, b.id)).toBe(2);
    expect(await countRecords(storage.db, stranger, c.id)).toBe(0);
    // Uploading the same file to B later adds nothing there.
    const again = await saveImport(storage.db, agent, { merchantId: b.id, summary, records, at: AT });
    expect(again.duplicate).toBe(true);
    expect(await countRecords(storage.db, agent, b.id)).toBe(2);
  });

  it('enforces tenancy in the repository functions themselves', async () => {
    const alice = await user(storage, 'alice@example.com');
    const bob = await user(storage, 'bob@example.com');
    const staff = await user(storage, 'staff@example.com', 'staff');
    const ma = await createMerchant(storage.db, alice, { name: 'A', at: AT });
    const { summary, records } = await sample();
    await saveImport(storage.db, alice, { merchantId: ma.id, summary, records, at: AT });
    await grantMembership(storage.db, alice, { merchantId: ma.id, userId: staff, role: 'staff', at: AT });

    const denied = async (p: Promise<unknown>, code: 'not_found' | 'forbidden') => {
      const error = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AccessDenied);
      expect((error as AccessDenied).code).toBe(code);
    };
    await denied(listRecords(storage.db, bob, ma.id, { limit: 10 }), 'not_found');
    await denied(recordsForAudit(storage.db, bob, ma.id), 'not_found');
    await denied(latestPlan(storage.db, bob, ma.id), 'not_found');
    await denied(savePlan(storage.db, bob, ma.id, { text: 'x', format: 'yaml', at: AT }), 'not_found');
    await denied(saveImport(storage.db, bob, { merchantId: ma.id, summary, records, at: AT }), 'not_found');
    await denied(
      grantMembership(storage.db, bob, { merchantId: ma.id, userId: bob, role: 'owner', at: AT }),
      'not_found',
    );
    await denied(savePlan(storage.db, staff, ma.id, { text: 'x', format: 'yaml', at: AT }), 'forbidden');
    await denied(saveImport(storage.db, staff, { merchantId: ma.id, summary, records, at: AT }), 'forbidden');
    await denied(createMerchant(storage.db, staff, { name: 'S', at: AT }), 'forbidden');
    expect(await listMerchants(storage.db, bob)).toEqual([]);
    expect((await listRecords(storage.db, staff, ma.id, { limit: 10 })).length).toBe(4);
  });

  it('keeps plan versions and the audit log append-only', async () => {
    const owner = await user(storage, 'o@example.com');
    const m = await createMerchant(storage.db, owner, { name: 'A', at: AT });
    await savePlan(storage.db, owner, m.id, { text: 'a: 1', format: 'yaml', at: AT });
    const v2 = await savePlan(storage.db, owner, m.id, { text: '{"a":2}', format: 'json', at: AT });
    expect(v2.version).toBe(2);
    expect((await latestPlan(storage.db, owner, m.id))?.text).toBe('{"a":2}');
    await appendAudit(storage.db, { userId: owner, merchantId: m.id, action: 'plan.set', at: AT });
    await expect(storage.db.updateTable('audit_log').set({ action: 'forged' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(storage.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    const lines = await listAuditLog(storage.db, owner, { limit: 10 });
    expect(lines.map((l) => l.action)).toEqual(['plan.set']);
  });

  it('backs up and restores every table exactly, onto SQLite and onto this dialect', async () => {
    const owner = await user(storage, 'o@example.com');
    const m = await createMerchant(storage.db, owner, {
      name: '测试小店',
      merchantId: '898440153991234',
      at: AT,
    });
    const { summary, records } = await sample();
    await saveImport(storage.db, owner, { merchantId: m.id, summary, records, at: AT });
    await savePlan(storage.db, owner, m.id, { text: 'periods: []', format: 'yaml', at: AT });
    await appendAudit(storage.db, {
      userId: owner,
      merchantId: m.id,
      action: 'import',
      details: { n: 4 },
      at: AT,
    });
    const file = join(dir, 'backup.jsonl.gz');
    const written = await writeBackup(storage, file);
    expect(written.rows['records']).toBe(4);
    const before = await dumpAll(storage);
    for (const targetDialect of new Set<DialectName>(['sqlite', dialect])) {
      const target = await freshStorage(targetDialect);
      try {
        await restoreBackup(target.storage, file);
        expect(await dumpAll(target.storage)).toEqual(before);
        // Ids continue after the restored ones.
        const next = await createMerchant(target.storage.db, owner, { name: 'Next', at: AT });
        expect(next.id).toBe(m.id + 1);
        await expect(restoreBackup(target.storage, file)).rejects.toThrow(/holds data/);
      } finally {
        await target.cleanup();
      }
    }
  });
});

describe.each(DIALECTS)('migrations on %s', (dialect: DialectName) => {
  it('backs the database up beside it before migrating one that holds data, and not an empty one', async () => {
    const { storage, dir, cleanup } = await freshStorage(dialect);
    try {
      // freshStorage migrated an empty database: nothing to back up, so no file was written.
      expect(readdirSync(dir).filter((f) => f.includes('before-migration'))).toEqual([]);
      const owner = await user(storage, 'o@example.com');
      await createMerchant(storage.db, owner, { name: 'A', at: AT });
      const withNext = {
        async getMigrations() {
          return {
            ...(await migrationProvider(storage.dialect).getMigrations()),
            '9999-test': {
              async up(db: Kysely<unknown>) {
                await db.schema.alterTable('merchants').addColumn('note', 'text').execute();
              },
            },
          };
        },
      };
      const outcome = await migrateToLatest(storage, {
        backupDir: dir,
        provider: withNext,
        now: () => new Date(AT),
      });
      expect(outcome.applied).toEqual(['9999-test']);
      expect(outcome.backupFile).toBeDefined();
      const target = await freshStorage('sqlite');
      try {
        const restored = await restoreBackup(target.storage, outcome.backupFile ?? '');
        expect(restored.rows).toMatchObject({ users: 1, merchants: 1, memberships: 1 });
      } finally {
        await target.cleanup();
      }
      expect(await migrateToLatest(storage, { backupDir: dir, provider: withNext })).toEqual({ applied: [] });
    } finally {
      await cleanup();
    }
  });
});
