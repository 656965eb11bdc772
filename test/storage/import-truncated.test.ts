import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/statements/import.js';
import { restoreBackup, writeBackup } from '../../src/storage/backup.js';
import type { DialectName, Storage } from '../../src/storage/database.js';
import { saveImport } from '../../src/storage/imports-repo.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';
import { OVERCHARGED, settlementCsv } from '../server/sample-data.js';
import { storageBefore } from './storage-before.js';
import { DIALECTS, freshStorage } from './test-storage.js';

// imports.truncated keeps a statement file cut off mid-row (FileImportSummary.truncated) with its stored import,
// so the audit of stored records leaves the file's last day out of its coverage as `posguard audit` does.

const AT = '2026-12-08T02:00:00.000Z';
const MIGRATION = '0011-import-truncated';
const CUT_WARNING = {
  code: 'file.truncated',
  file: 'cut.csv',
  message: 'cut.csv 似乎不完整（被截断）：…',
  messageEn: 'cut.csv appears cut off: …',
};

async function ownerAndMerchant(storage: Storage): Promise<{ owner: number; merchant: number }> {
  const u = await createUser(storage.db, {
    email: 'o@example.com',
    passwordHash: 'x',
    role: 'owner',
    mustChangePassword: false,
    at: AT,
  });
  const m = await createMerchant(storage.db, u.id, {
    name: '测试小店',
    merchantId: '898440153991234',
    at: AT,
  });
  return { owner: u.id, merchant: m.id };
}

const truncatedByFile = (storage: Storage) =>
  storage.db.selectFrom('imports').select(['file_name', 'truncated']).orderBy('id').execute();

describe.each(DIALECTS)('imports.truncated on %s', (dialect: DialectName) => {
  it('marks the imports stored before it that carry the cut-off warning, and only those', async () => {
    const { storage, dir, cleanup } = await storageBefore(dialect, MIGRATION);
    try {
      const { owner, merchant } = await ownerAndMerchant(storage);
      const stored = (file: string, warnings: unknown) => ({
        merchant_id: merchant,
        file_name: file,
        sha256: `sha-${file}`,
        bytes: 100,
        preset: 'generic',
        encoding: 'gbk',
        kind: 'settlement',
        rows: 2,
        stored: 2,
        rejected_json: '[]',
        warnings_json: JSON.stringify(warnings),
        skipped_debit_dates_json: null,
        created_by: owner,
        created_at: AT,
      });
      // Rows as the code before the migration wrote them: no truncated column to fill.
      await storage.db
        .insertInto('imports')
        .values([
          stored('cut.csv', [CUT_WARNING]),
          stored('whole.csv', [
            { code: 'file.title', file: 'whole.csv', message: '标题行', messageEn: 'title' },
          ]),
          // A file of several merchants' lines keeps its warnings for the uploader only: still cut off.
          stored('agent-cut.csv', { uploaderOnly: true, rows: [{ ...CUT_WARNING, file: 'agent-cut.csv' }] }),
        ])
        .execute();
      const { applied } = await migrateToLatest(storage, { backupDir: dir });
      // Later migrations, if any, follow it.
      expect(applied[0]).toBe(MIGRATION);
      expect(await truncatedByFile(storage)).toEqual([
        { file_name: 'cut.csv', truncated: 1 },
        { file_name: 'whole.csv', truncated: 0 },
        { file_name: 'agent-cut.csv', truncated: 1 },
      ]);
    } finally {
      await cleanup();
    }
  });

  it('stores a cut-off upload as truncated, and a backup restores it so, onto SQLite and this dialect', async () => {
    const { storage, dir, cleanup } = await freshStorage(dialect);
    try {
      const { owner, merchant } = await ownerAndMerchant(storage);
      const whole = settlementCsv(OVERCHARGED);
      // The last row cut inside its 卡号 cell, no final newline: the download stopped there.
      const cut = whole.slice(0, whole.trimEnd().lastIndexOf('622202******0123') + 6);
      const result = await importFiles([
        { name: 'whole.csv', bytes: Buffer.from(whole) },
        { name: 'cut.csv', bytes: Buffer.from(cut) },
      ]);
      expect(result.files.map((f) => [f.file, f.truncated])).toEqual([
        ['whole.csv', undefined],
        ['cut.csv', true],
      ]);
      for (const summary of result.files) {
        const records = result.records.filter((r) => r.source.file === summary.file);
        await saveImport(storage.db, owner, { merchantId: merchant, summary, records, at: AT });
      }
      const expected = [
        { file_name: 'whole.csv', truncated: 0 },
        { file_name: 'cut.csv', truncated: 1 },
      ];
      expect(await truncatedByFile(storage)).toEqual(expected);

      const file = join(dir, 'backup.jsonl.gz');
      await writeBackup(storage, file);
      for (const targetDialect of new Set<DialectName>(['sqlite', dialect])) {
        const target = await freshStorage(targetDialect);
        try {
          await restoreBackup(target.storage, file);
          expect(await truncatedByFile(target.storage)).toEqual(expected);
        } finally {
          await target.cleanup();
        }
      }
    } finally {
      await cleanup();
    }
  });
});
