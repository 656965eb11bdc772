import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { simulate } from '../../src/simulate/simulate.js';
import { multipartBody, type TestApp, testApp } from '../server/test-app.js';

// A merchant whose provider adds 3 元 to every credit-card swipe, stored through the API; the CLI then works on
// the same SQLite file.
let t: TestApp;
let dir: string;
let m: string;
let surcharges: { id: string; overchargeFen: number; lossFen: number }[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-case-findings-'));
  const result = simulate({
    out: dir,
    merchants: 1,
    terminals: 1,
    days: 10,
    perDay: 20,
    start: '2026-09-01',
    seed: 'posguard-case-findings',
    scenarios: ['fixed-surcharge'],
    preset: 'generic',
  });
  const sim = join(dir, result.merchants[0]?.merchantId ?? '');
  t = await testApp();
  await t.addUser('owner@example.com');
  const owner = await t.login('owner@example.com');
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/merchants',
    headers: { cookie: owner },
    payload: { name: '鸿运便利店' },
  });
  m = String((JSON.parse(created.body) as { id: number }).id);
  for (const [file, kind] of [
    ['settlement.csv', 'settlement'],
    ['terminal.csv', 'terminal'],
  ] as const) {
    const upload = multipartBody(file, readFileSync(join(sim, file)), { kind });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${m}/statements`,
      headers: { cookie: owner, ...upload.headers },
      payload: upload.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  const plan = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/merchants/${m}/plan`,
    headers: { cookie: owner, 'content-type': 'application/yaml' },
    payload: readFileSync(join(sim, 'plan.yaml'), 'utf8'),
  });
  expect(plan.statusCode, plan.body).toBeLessThan(300);
  const audit = await t.app.inject({
    method: 'GET',
    url: `/api/v1/merchants/${m}/audit`,
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
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  runCli([...args, '--db', join(t.dir, 'test.db'), '--merchant', m, '--lang', 'en'], { cwd: dir });

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
