import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/start-server.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-start-'));
  dirs.push(dir);
  return dir;
}

async function login(
  server: Awaited<ReturnType<typeof startServer>>,
  email: string,
  password: string,
): Promise<string> {
  const res = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  expect(res.statusCode).toBe(200);
  const set = res.headers['set-cookie'];
  return String(Array.isArray(set) ? set[0] : set).split(';')[0] ?? '';
}

describe('startServer', () => {
  it('creates the owner from the environment and seeds a demo merchant with findings, once', async () => {
    const dir = tempDir();
    const said: string[] = [];
    const env = { POSGUARD_ADMIN_EMAIL: 'Boss@Example.com', POSGUARD_ADMIN_PASSWORD: 'Very-Secret-2026' };
    const dbFile = join(dir, 'posguard.db');
    const server = await startServer({ dbFile, port: 0, env, say: (l) => said.push(l), logger: false });
    try {
      expect(said.join('\n')).toContain('boss@example.com');
      expect(said.join('\n')).not.toContain('Very-Secret-2026');
      const cookie = await login(server, 'boss@example.com', 'Very-Secret-2026');
      const merchants = (
        await server.app.inject({ method: 'GET', url: '/api/v1/merchants', headers: { cookie } })
      ).json();
      expect(merchants.merchants).toHaveLength(1);
      const demo = merchants.merchants[0];
      expect(demo.name.endsWith('（演示数据）')).toBe(true);
      expect(demo.demo).toBe(true);
      const audit = await server.app.inject({
        method: 'GET',
        url: `/api/v1/merchants/${demo.id}/audit`,
        headers: { cookie },
      });
      expect(audit.statusCode).toBe(200);
      const report = audit.json();
      expect(report.schemaVersion).toBe(1);
      expect(report.findings.length).toBeGreaterThan(0);
      expect(report.summary.overchargeFen).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    const again: string[] = [];
    const second = await startServer({ dbFile, port: 0, env, say: (l) => again.push(l), logger: false });
    try {
      expect(again).toEqual([]);
      const cookie = await login(second, 'boss@example.com', 'Very-Secret-2026');
      const merchants = (
        await second.app.inject({ method: 'GET', url: '/api/v1/merchants', headers: { cookie } })
      ).json();
      expect(merchants.merchants).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('prints a generated password once, flags it for change, and skips the demo with POSGUARD_DEMO=0', async () => {
    const dir = tempDir();
    const said: string[] = [];
    const server = await startServer({
      dbFile: join(dir, 'p.db'),
      port: 0,
      env: { POSGUARD_DEMO: '0' },
      say: (l) => said.push(l),
      logger: false,
    });
    try {
      const line = said.find((l) => l.includes('initial password'));
      const password = line?.split(': ').pop() ?? '';
      expect(password.length).toBeGreaterThanOrEqual(10);
      const cookie = await login(server, 'admin@posguard.local', password);
      const me = (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json();
      expect(me.passwordChangeDue).toBe(true);
      expect(me.merchants).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('refuses an admin password that breaks the policy', async () => {
    const dir = tempDir();
    await expect(
      startServer({
        dbFile: join(dir, 'x.db'),
        port: 0,
        env: { POSGUARD_ADMIN_PASSWORD: 'short', POSGUARD_DEMO: '0' },
        say: () => undefined,
        logger: false,
      }),
    ).rejects.toThrow(/policy/);
  });
});
