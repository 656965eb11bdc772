import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { simulate } from '../../src/simulate/simulate.js';
import { multipartBody, type TestApp, testApp } from '../server/test-app.js';

let t: TestApp;
let dir: string;
let sim: string;
let owner: string;
let m: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-compare-api-'));
  const result = simulate({
    out: dir,
    merchants: 1,
    terminals: 2,
    days: 20,
    perDay: 15,
    start: '2026-09-01',
    seed: 'posguard-compare-api',
    scenarios: ['network-resubmit', 'refund-fee'],
    preset: 'generic',
  });
  sim = join(dir, result.merchants[0]?.merchantId ?? '');
  t = await testApp();
  await t.addUser('owner@example.com');
  await t.addUser('other@example.com');
  owner = await t.login('owner@example.com');
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/merchants',
    headers: { cookie: owner },
    payload: { name: 'M' },
  });
  m = (JSON.parse(created.body) as { id: number }).id;
  const upload = multipartBody('terminal.csv', readFileSync(join(sim, 'terminal.csv')), { kind: 'terminal' });
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/merchants/${m}/statements`,
    headers: { cookie: owner, ...upload.headers },
    payload: upload.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
});

afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/merchants/:id/compare', () => {
  it('ranks the shipped catalogue over the stored journal exactly as `posguard compare` does over the file', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${m}/compare`,
      headers: { cookie: owner },
    });
    expect(res.statusCode, res.body).toBe(200);
    const api = JSON.parse(res.body) as {
      plans: { provider: string; totalFen: number; yearlyFen: number; rank: number }[];
    };
    const cli = await runCli(['compare', '--terminal', 'terminal.csv', '--format', 'json'], { cwd: sim });
    const file = JSON.parse(cli.stdout) as typeof api;
    expect(api.plans.map((p) => [p.rank, p.provider, p.totalFen, p.yearlyFen])).toEqual(
      file.plans.map((p) => [p.rank, p.provider, p.totalFen, p.yearlyFen]),
    );
    expect(api.plans.length).toBeGreaterThan(1);
  });

  it('is for members only', async () => {
    const other = await t.login('other@example.com');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${m}/compare`,
      headers: { cookie: other },
    });
    expect(res.statusCode).toBe(404);
  });
});
