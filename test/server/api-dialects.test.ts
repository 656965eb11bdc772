import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { engineAuditOf, ownerWithMerchant } from './merchant-harness.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from './sample-data.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

describe.each(DIALECTS)('the API on %s', (dialect: DialectName) => {
  it('imports once, stays idempotent, and audits exactly like auditRecords', async () => {
    t = await testApp(dialect);
    const { id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    const csv = settlementCsv(OVERCHARGED);
    const first = await upload('settle.csv', csv);
    const second = await upload('settle.csv', csv);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().importId).toBe(first.json().importId);
    const records = await get(`/api/v1/merchants/${id}/records`);
    expect(records.json().records).toHaveLength(4);

    const audit = await get(`/api/v1/merchants/${id}/audit`);
    expect(audit.json()).toEqual(await engineAuditOf(csv));
    expect(audit.json().summary.overchargeFen).toBe(240);

    // And exactly what the CLI prints for the same file and plan.
    writeFileSync(join(t.dir, 'settle.csv'), csv);
    writeFileSync(join(t.dir, 'plan.yaml'), PLAN_YAML);
    const cli = await runCli(
      ['audit', '--settlement', 'settle.csv', '--plan', 'plan.yaml', '--format', 'json'],
      { cwd: t.dir },
    );
    expect(audit.json()).toEqual(JSON.parse(cli.stdout));
  });

  it('stores the same file once when two uploads of it arrive at the same time', async () => {
    t = await testApp(dialect);
    const { id, upload, get } = await ownerWithMerchant(t);
    const csv = settlementCsv(OVERCHARGED);
    // A browser retrying a slow upload, or two tabs: the second request starts before the first commits.
    const send = () => upload('settle.csv', csv);
    const answers = await Promise.all([send(), send(), send()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((a) => a.json().importId)).size).toBe(1);
    const merchant = await get(`/api/v1/merchants/${id}`);
    // OVERCHARGED has 4 lines: stored once, not three times.
    expect(merchant.json().records).toBe(4);
    expect(merchant.json().imports).toHaveLength(1);
  });

  it('answers out-of-range ids, impossible dates, NUL text and a cut-off upload with 4xx, never 500', async () => {
    t = await testApp(dialect);
    const { cookie, id, upload, get } = await ownerWithMerchant(t);
    const csv = settlementCsv(OVERCHARGED);
    await upload('settle.csv', csv);
    const { payload, headers } = multipartBody('settle.csv', csv);
    // 2^31 does not fit PostgreSQL's integer ids; SQLite took it. Both must answer alike, without a 500.
    const big = 2 ** 31;
    const requests: {
      method: 'GET' | 'POST' | 'DELETE';
      url: string;
      payload?: unknown;
      headers?: Record<string, string>;
    }[] = [
      { method: 'GET', url: `/api/v1/merchants/${big}/audit` },
      { method: 'GET', url: `/api/v1/merchants/${id}/records?after=${big}` },
      { method: 'GET', url: `/api/v1/merchants/${id}/imports/${big}/file` },
      { method: 'GET', url: `/api/v1/merchants/${id}/cases/${big}` },
      { method: 'DELETE', url: `/api/v1/tokens/${big}` },
      { method: 'GET', url: `/api/v1/audit-log?before=${big}` },
      { method: 'GET', url: `/api/v1/merchants/${id}/audit?from=2026-13-45` },
      { method: 'GET', url: `/api/v1/merchants/${id}/audit?from=2026-02-30` },
      { method: 'GET', url: `/api/v1/merchants/${id}/findings.csv?to=2026-99-99` },
      { method: 'GET', url: `/api/v1/merchants/${id}/report.html?to=2026-02-31` },
      { method: 'POST', url: '/api/v1/merchants', payload: { name: 'a\u0000b' } },
      { method: 'POST', url: '/api/v1/merchants', payload: { name: 'M2', merchantId: '\u0000' } },
      // The browser went away mid-upload: the multipart body ends before its closing boundary.
      {
        method: 'POST',
        url: `/api/v1/merchants/${id}/statements`,
        payload: payload.subarray(0, payload.length - 20),
        headers: headers,
      },
    ];
    const answers: [string, number][] = [];
    for (const r of requests) {
      const res = await t.app.inject({
        method: r.method,
        url: r.url,
        headers: { cookie, ...(r.headers ?? {}) },
        ...(r.payload === undefined ? {} : { payload: r.payload as string }),
      });
      answers.push([`${r.method} ${r.url}`, res.statusCode]);
      if (res.statusCode >= 400) expect(res.json().error.code, r.url).toEqual(expect.any(String));
    }
    expect(answers.filter(([, status]) => status >= 500 || status < 400)).toEqual([]);
    // Nothing of the cut-off upload was stored.
    const merchant = await get(`/api/v1/merchants/${id}`);
    expect(merchant.json().imports).toHaveLength(1);
  });

  it('stores a line once when a later export overlaps an earlier one, and keeps a real double settlement', async () => {
    t = await testApp(dialect);
    const { id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    const [first, second, third, fourth] = OVERCHARGED;
    if (first === undefined || second === undefined || third === undefined || fourth === undefined)
      throw new Error('sample');
    // Mid-month the merchant downloads lines 1–2; at month end the whole month (1–4) again: 1–2 overlap.
    const early = await upload('结算明细-10月上.csv', settlementCsv([first, second]));
    expect(early.json().landings[0].stored).toBe(2);
    const month = await upload('结算明细-10月.csv', settlementCsv([first, second, third, fourth]));
    expect(month.statusCode).toBe(201);
    expect(month.json().landings[0]).toMatchObject({ stored: 2, alreadyStored: 2 });
    const audit = (await get(`/api/v1/merchants/${id}/audit`)).json();
    expect(audit.summary.settlementRecords).toBe(4);
    expect(audit.summary.findingsByKind.duplicate_settlement).toBe(0);
    // Three credit sales of ¥1,000.00 at 0.68% instead of 0.60%: 680 − 600 = 80 fen each, 240 fen in all.
    expect(audit.summary.overchargeFen).toBe(240);
    // A later file that lists line 3 twice: one copy is the overlap, the other a real second settlement.
    const again = await upload('结算明细-补.csv', settlementCsv([third, third]));
    expect(again.json().landings[0]).toMatchObject({ stored: 1, alreadyStored: 1 });
    const after = (await get(`/api/v1/merchants/${id}/audit`)).json();
    expect(after.summary.findingsByKind.duplicate_settlement).toBe(1);
  });
});
