import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiMerchant, apiMerchant, cliOn, type MerchantCli } from './merchant-harness.js';

// A merchant whose provider adds 3 元 to every credit-card swipe, stored through the API; the CLI then works on
// the same SQLite file.
let shop: ApiMerchant;
let cli: MerchantCli;
let surcharges: { id: string; overchargeFen: number; lossFen: number }[];

beforeAll(async () => {
  shop = await apiMerchant(
    'posguard-case-findings-',
    { terminals: 1, days: 10, perDay: 20, seed: 'posguard-case-findings', scenarios: ['fixed-surcharge'] },
    { name: '鸿运便利店', statements: ['settlement', 'terminal'], plan: true },
  );
  const { t, owner, merchantId } = shop;
  cli = cliOn({ db: join(t.dir, 'test.db'), merchant: String(merchantId), cwd: shop.dir, lang: 'en' });
  const audit = await t.app.inject({
    method: 'GET',
    url: `/api/v1/merchants/${merchantId}/audit`,
    headers: { cookie: owner },
  });
  surcharges = (
    JSON.parse(audit.body) as {
      findings: { id: string; kind: string; overchargeFen: number; lossFen: number }[];
    }
  ).findings.filter((f) => f.kind === 'fee_overcharge');
  expect(surcharges.length).toBeGreaterThanOrEqual(3);
});

afterAll(async () => {
  await shop.close();
});

describe('a case and the findings it cites', () => {
  it('claims what the cited findings add up to, and refuses a finding id the audit does not have', async () => {
    const [a, b] = surcharges;
    const opened = await cli(
      'case',
      'open',
      '--title',
      '贷记卡每笔加收 3 元',
      '--finding',
      a?.id ?? '',
      b?.id ?? '',
      '--format',
      'json',
    );
    expect(opened.exitCode, opened.stderr).toBe(0);
    // Two swipes, 3.00 元 added to each and lost: 2 × 300 分 = 600 分.
    expect(JSON.parse(opened.stdout)).toMatchObject({ amountClaimedFen: 600, findingIds: [a?.id, b?.id] });
    const typo = await cli('case', 'open', '--title', 'x', '--finding', 'fee_overcharge:nope');
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('fee_overcharge:nope');
    // An explicit --claimed stands.
    const c = surcharges[2];
    const explicit = await cli(
      'case',
      'open',
      '--title',
      'y',
      '--finding',
      c?.id ?? '',
      '--claimed',
      '5',
      '--format',
      'json',
    );
    expect(explicit.exitCode, explicit.stderr).toBe(0);
    expect(JSON.parse(explicit.stdout)).toMatchObject({ amountClaimedFen: 500 });
  });

  it('refuses a second unclosed case citing the same finding, and allows it once the first is closed', async () => {
    const [a, , , d] = surcharges;
    const dup = await cli('case', 'open', '--title', '又一个', '--finding', d?.id ?? 'none', a?.id ?? '');
    expect(dup.exitCode).toBe(2);
    expect(dup.stderr).toMatch(/case #\d+ \(open\) already cites finding/);
    expect(dup.stderr).toContain(a?.id);
    const list = JSON.parse((await cli('case', 'list', '--format', 'json')).stdout) as {
      cases: { id: number; findingIds: string[] }[];
    };
    const first = list.cases.find((x) => x.findingIds.includes(a?.id ?? ''));
    expect((await cli('case', 'move', String(first?.id), 'closed', '--note', '放弃')).exitCode).toBe(0);
    const again = await cli('case', 'open', '--title', '重新投诉', '--finding', a?.id ?? '');
    expect(again.exitCode, again.stderr).toBe(0);
  });
});
