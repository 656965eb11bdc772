import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { type ApiMerchant, apiMerchant } from '../cases/merchant-harness.js';
import type { TestApp } from '../server/test-app.js';

let shop: ApiMerchant;
let t: TestApp;
let sim: string;
let owner: string;
let m: number;

beforeAll(async () => {
  shop = await apiMerchant(
    'posguard-compare-api-',
    {
      terminals: 2,
      days: 20,
      perDay: 15,
      seed: 'posguard-compare-api',
      scenarios: ['network-resubmit', 'refund-fee'],
    },
    { name: 'M', statements: ['terminal'], plan: false },
  );
  ({ t, sim, owner, merchantId: m } = shop);
  await t.addUser('other@example.com');
});

afterAll(async () => {
  await shop.close();
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
