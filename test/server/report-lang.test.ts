import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnedMerchant, ownerWithMerchant } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

// The HTML report and the findings CSV are in the language the request prefers (Accept-Language) when no ?lang=
// is given, as evidence.zip, the alerts and the errors are; ?lang= still wins, and with neither they are Chinese.

let t: TestApp;
let owner: OwnedMerchant;

beforeAll(async () => {
  t = await testApp('sqlite');
  owner = await ownerWithMerchant(t);
  expect((await owner.putPlan()).statusCode).toBe(200);
  // Three credit sales of ¥1,000.00 charged ¥6.80 where 0.60 % gives ¥6.00: 80 fen over each, 240 fen in all.
  // A fifth line whose amount is no number: rejected, with its reason in both languages.
  const broken = { ...OVERCHARGED[0], ref: '100000000009', amount: 'abc', fee: '6.00', settled: '994.00' };
  const up = await owner.upload(
    'settlement.csv',
    settlementCsv([...OVERCHARGED, broken] as typeof OVERCHARGED),
  );
  expect(up.statusCode, up.body).toBe(201);
});
afterAll(async () => t.close());

function get(path: string, acceptLanguage?: string): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'GET',
    url: `/api/v1/merchants/${owner.id}/${path}`,
    headers: {
      cookie: owner.cookie,
      ...(acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage }),
    },
  });
}

/** The CSV's header row and its data rows, the BOM dropped. */
function csvRows(res: LightMyRequestResponse): string[] {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('text/csv');
  expect(res.body.startsWith('\uFEFF')).toBe(true);
  return res.body.slice(1).trim().split(/\r?\n/);
}

/** The `lang` attribute of the report's <html> element. */
function htmlLang(res: LightMyRequestResponse): string | undefined {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('text/html');
  return /<html[^>]*\slang="([^"]+)"/.exec(res.body)?.[1];
}

describe('report.html and findings.csv follow Accept-Language', () => {
  it('findings.csv: English to an English browser, Chinese to a Chinese one and by default; ?lang= wins', async () => {
    const chinese = csvRows(await get('findings.csv'));
    const english = csvRows(await get('findings.csv', 'en-US,en;q=0.9'));
    // The same three overcharged sales either way: a header and three rows of 80 fen over.
    expect(chinese).toHaveLength(4);
    expect(english).toHaveLength(4);
    expect(chinese[0]).not.toBe(english[0]);
    expect(chinese[0]).toMatch(/[\u4e00-\u9fff]/);
    expect(english[0]).not.toMatch(/[\u4e00-\u9fff]/);
    // As ?lang= words them: the header follows the request's language, not a fixed zh.
    expect(english).toEqual(csvRows(await get('findings.csv?lang=en')));
    expect(chinese).toEqual(csvRows(await get('findings.csv?lang=zh')));
    expect(csvRows(await get('findings.csv', 'zh-CN,zh;q=0.9,en;q=0.8'))).toEqual(chinese);
    // ?lang= over the header, both ways.
    expect(csvRows(await get('findings.csv?lang=zh', 'en'))).toEqual(chinese);
    expect(csvRows(await get('findings.csv?lang=en', 'zh-CN'))).toEqual(english);
    // Each data row carries the 0.80 overcharge of its sale, whatever the language.
    for (const row of [...chinese.slice(1), ...english.slice(1)]) expect(row).toContain('0.80');
  });

  it('report.html: <html lang> and its words follow the request, the money the same', async () => {
    const zhDefault = await get('report.html');
    const en = await get('report.html', 'en-GB,en;q=0.8');
    expect(htmlLang(zhDefault)).toBe('zh-CN');
    expect(htmlLang(en)).toBe('en');
    expect(htmlLang(await get('report.html', 'zh-TW,zh;q=0.9'))).toBe('zh-CN');
    expect(htmlLang(await get('report.html?lang=zh', 'en'))).toBe('zh-CN');
    expect(htmlLang(await get('report.html?lang=en'))).toBe('en');
    // ¥2.40 overcharged in all (3 × 80 fen), in both.
    expect(zhDefault.body).toContain('2.40');
    expect(en.body).toContain('2.40');
  });

  it('the audit JSON follows it too, as the dashboard and evidence.zip do', async () => {
    type Audit = { rejected: { reason: string }[]; summary: { overchargeFen: number } };
    const zh = (await get('audit')).json<Audit>();
    const en = (await get('audit', 'en')).json<Audit>();
    expect(zh.summary.overchargeFen).toBe(240);
    expect(en.summary.overchargeFen).toBe(240);
    expect(zh.rejected).toHaveLength(1);
    expect(zh.rejected[0]?.reason).toMatch(/[\u4e00-\u9fff]/);
    expect(en.rejected[0]?.reason).not.toMatch(/[\u4e00-\u9fff]/);
    expect(en.rejected).toEqual((await get('audit?lang=en')).json<Audit>().rejected);
    expect(zh.rejected).toEqual((await get('audit?lang=zh', 'en')).json<Audit>().rejected);
  });
});
