import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { openDatabase } from '../../src/storage/database.js';
import { createMerchant } from '../../src/storage/merchants-repo.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createUser } from '../../src/storage/users-repo.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

interface DbResult {
  file: string;
  bytes: number;
  sha256: string;
  database: { dialect: string; file?: string };
  rows: number;
  tables: Record<string, number>;
}

describe('backup and restore --format json', () => {
  it('name the file, its size and hash, and the rows of each table', async () => {
    const dir = tempDir('posguard-backup-json-');
    const storage = openDatabase({ dialect: 'sqlite', file: join(dir, 'posguard.db') });
    await migrateToLatest(storage);
    const owner = await createUser(storage.db, {
      email: 'o@example.com',
      passwordHash: 'x',
      role: 'owner',
      mustChangePassword: false,
      at: '2026-10-01T00:00:00Z',
    });
    for (const merchantId of ['898440153991234', '898440153995678'])
      await createMerchant(storage.db, owner.id, {
        name: '测试小店',
        merchantId,
        at: '2026-10-01T00:00:00Z',
      });
    await storage.close();

    const backup = await runCli(['backup', 'b.jsonl.gz', '--db', 'posguard.db', '--format', 'json'], {
      cwd: dir,
      env: {},
    });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const written = JSON.parse(backup.stdout) as DbResult;
    expect(written.file).toBe('b.jsonl.gz');
    expect(written.bytes).toBe(statSync(join(dir, 'b.jsonl.gz')).size);
    expect(written.sha256).toBe(sha256(join(dir, 'b.jsonl.gz')));
    expect(written.database).toEqual({ dialect: 'sqlite', file: 'posguard.db' });
    expect(written.tables['users']).toBe(1);
    expect(written.tables['merchants']).toBe(2);
    expect(written.rows).toBe(Object.values(written.tables).reduce((a, b) => a + b, 0));

    const restore = await runCli(
      ['restore', 'b.jsonl.gz', '--db', 'copy.db', '--format', 'json', '--lang', 'en'],
      {
        cwd: dir,
        env: {},
      },
    );
    expect(restore.exitCode, restore.stderr).toBe(0);
    const restored = JSON.parse(restore.stdout) as DbResult;
    expect(restored).toEqual({ ...written, database: { dialect: 'sqlite', file: 'copy.db' } });

    // The table output stays as it was.
    const table = await runCli(['backup', 'c.jsonl.gz', '--db', 'posguard.db'], { cwd: dir, env: {} });
    expect(table.stdout).toBe(`已备份 ${written.rows} 行到 c.jsonl.gz\n`);
  });
});

interface PackResult {
  out: string;
  bytes: number;
  sha256: string;
  date: string;
  merchants: string[];
  summary: { overchargeFen: number; lossFen: number; findings: number };
  entries: { name: string; size: number; sha256: string }[];
  inputs: { file: string; kind: string; sha256: string }[];
}

describe('evidence --format json', () => {
  it('names the pack written, its hash, the audit’s totals in fen and the manifest, with the exit code kept', async () => {
    const dir = tempDir('posguard-evidence-json-');
    const data = resolve('examples/822841054119608');
    const run = await runCli(
      ['evidence', data, '--out', 'packs/2026-11/', '--date', '2026-11-20', '--format', 'json'],
      { cwd: dir, env: {} },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const pack = JSON.parse(run.stdout) as PackResult;
    const zip = join(dir, 'packs/2026-11/posguard-evidence.zip');
    expect(pack.out).toBe('packs/2026-11/posguard-evidence.zip');
    expect(pack.bytes).toBe(statSync(zip).size);
    expect(pack.sha256).toBe(sha256(zip));
    expect(pack.date).toBe('2026-11-20');
    expect(pack.merchants).toEqual(['822841054119608']);

    const audit = await runCli(['audit', data, '--format', 'json'], { cwd: dir, env: {} });
    const report = JSON.parse(audit.stdout) as {
      summary: { lossFen: number; overchargeFen: number };
      findings: unknown[];
    };
    expect(pack.summary.lossFen).toBe(report.summary.lossFen);
    expect(pack.summary.overchargeFen).toBe(report.summary.overchargeFen);
    expect(Number.isSafeInteger(pack.summary.lossFen)).toBe(true);
    expect(pack.summary.findings).toBe(report.findings.length);

    const names = pack.entries.map((e) => e.name);
    for (const name of ['report.html', 'report.pdf', 'findings.csv', 'complaint-letter.txt'])
      expect(names).toContain(name);
    const settlement = pack.inputs.find((i) => i.kind === 'settlement');
    expect(settlement?.sha256).toBe(sha256(join(data, 'settlement.csv')));
  }, 60_000);
});
