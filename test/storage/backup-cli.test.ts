import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { openDatabase } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { TABLE_ORDER } from '../../src/storage/schema.js';
import { createUser } from '../../src/storage/users-repo.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function dump(file: string): Promise<Record<string, unknown[]>> {
  const storage = openDatabase({ dialect: 'sqlite', file });
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLE_ORDER) out[t] = await storage.db.selectFrom(t).selectAll().execute();
    return out;
  } finally {
    await storage.close();
  }
}

describe('posguard backup / restore', () => {
  it('round-trips a SQLite database through a backup file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-backup-'));
    dirs.push(dir);
    const source = join(dir, 'posguard.db');
    const storage = openDatabase({ dialect: 'sqlite', file: source });
    await migrateToLatest(storage);
    const u = await createUser(storage.db, {
      email: 'o@example.com',
      passwordHash: 'x',
      role: 'owner',
      mustChangePassword: false,
      at: '2026-10-01T00:00:00Z',
    });
    await createMerchant(storage.db, u.id, {
      name: '测试小店',
      merchantId: '898440153991234',
      at: '2026-10-01T00:00:00Z',
    });
    await storage.close();

    const backup = await runCli(['backup', 'b.jsonl.gz', '--db', 'posguard.db'], { cwd: dir });
    expect(backup).toMatchObject({ exitCode: 0, stderr: '' });
    expect(backup.stdout).toContain('b.jsonl.gz');
    const restore = await runCli(['restore', 'b.jsonl.gz', '--db', 'restored.db'], { cwd: dir });
    expect(restore).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await dump(join(dir, 'restored.db'))).toEqual(await dump(source));

    const again = await runCli(['restore', 'b.jsonl.gz', '--db', 'restored.db', '--lang', 'en'], {
      cwd: dir,
    });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toBe(
      'posguard: restore failed: cannot restore into a database that holds data (table users)\n',
    );
  });

  it('says clearly when the database or the backup file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posguard-backup-'));
    dirs.push(dir);
    const noDb = await runCli(['backup', 'b.jsonl.gz', '--db', 'none.db', '--lang', 'en'], { cwd: dir });
    expect(noDb).toMatchObject({
      exitCode: 2,
      stderr: 'posguard: no database file: ' + join(dir, 'none.db') + '\n',
    });
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
    const noFile = await runCli(['restore', 'missing.jsonl.gz', '--db', 'x.db', '--lang', 'en'], {
      cwd: dir,
    });
    expect(noFile).toMatchObject({
      exitCode: 2,
      stderr: 'posguard: no such backup file: missing.jsonl.gz\n',
    });
  });
});
