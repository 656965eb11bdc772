import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingCsvHeader } from '../../src/audit/render-csv.js';
import { ownerWithMerchant } from '../server/merchant-harness.js';
import { OVERCHARGED, PLAN_YAML, settlementCsv } from '../server/sample-data.js';
import { type TestApp, testApp } from '../server/test-app.js';
import { pdfText, unzip } from './explain-fixtures.js';

// The dashboard's evidence pack comes in the language the dashboard shows (?lang=, else the browser's
// Accept-Language), as `posguard evidence --lang en` does: report.html, report.pdf and findings.csv in that
// language; the letter to send stays zh-CN, its English rendering beside it.

const root = mkdtempSync(join(tmpdir(), 'posguard-evidence-api-lang-'));
let t: TestApp;
let cookie: string;
let url: string;

beforeAll(async () => {
  t = await testApp();
  const owner = await ownerWithMerchant(t, { name: '测试小店', merchantId: '898440153991234' });
  expect((await owner.putPlan()).statusCode).toBe(200);
  const up = await owner.upload('settle.csv', settlementCsv(OVERCHARGED));
  expect(up.statusCode, up.body).toBe(201);
  cookie = owner.cookie;
  url = `/api/v1/merchants/${owner.id}/evidence.zip`;
});

afterAll(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

async function pack(query: string, headers: Record<string, string>): Promise<Map<string, Buffer>> {
  const res = await t.app.inject({ method: 'GET', url: `${url}${query}`, headers: { ...headers, cookie } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('application/zip');
  return unzip(res.rawPayload);
}

const text = (files: Map<string, Buffer>, name: string) =>
  (files.get(name)?.toString('utf8') ?? '').replace(/^\uFEFF/, '');

/** The pack is English: report, findings and PDF; the zh-CN letter to send and its English rendering. */
function expectEnglish(files: Map<string, Buffer>): void {
  const html = text(files, 'report.html');
  expect(html).toContain('<title>POS fee audit report</title>');
  expect(html).not.toContain('POS 跳点审计报告');
  expect(text(files, 'findings.csv').split('\r\n')[0]).toBe(findingCsvHeader('en').join(','));
  const pdf = pdfText(files.get('report.pdf') ?? Buffer.alloc(0), root);
  // Worked by hand: three credit sales of ¥1,000.00 charged ¥6.80 against 0.60% = ¥6.00 → ¥2.40.
  expect(pdf).toContain('Totalloss:¥2.40');
  expect(pdf).not.toContain('合计损失');
  expect(text(files, 'complaint-letter.en.txt')).toContain('To the customer service');
  expect(text(files, 'complaint-letter.txt')).toContain('合计多收手续费 ¥2.40');
}

function expectChinese(files: Map<string, Buffer>): void {
  const html = text(files, 'report.html');
  expect(html).toContain('<title>POS 跳点审计报告</title>');
  expect(html).not.toContain('POS fee audit report');
  expect(text(files, 'findings.csv').split('\r\n')[0]).toBe(findingCsvHeader('zh').join(','));
  const pdf = pdfText(files.get('report.pdf') ?? Buffer.alloc(0), root);
  expect(pdf).toContain('合计损失：¥2.40');
  expect(pdf).not.toContain('Totalloss');
  expect(text(files, 'complaint-letter.txt')).toContain('合计多收手续费 ¥2.40');
}

describe('GET /api/v1/merchants/:id/evidence.zip in the request’s language', () => {
  it('builds the whole pack in English with ?lang=en, even from a zh-CN browser', async () => {
    expectEnglish(await pack('?lang=en&date=2026-11-01', { 'accept-language': 'zh-CN,zh;q=0.9' }));
  });

  it('builds it in Chinese with no lang from a zh-CN browser', async () => {
    expectChinese(await pack('?date=2026-11-01', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }));
  });

  it('takes the browser’s language when no lang is given: English for an English browser', async () => {
    expectEnglish(await pack('', { 'accept-language': 'en-US,en;q=0.9' }));
  });

  it('builds it in Chinese with ?lang=zh from an English browser', async () => {
    expectChinese(await pack('?lang=zh', { 'accept-language': 'en-US' }));
  });

  it('signs the letter with the merchant as registered when the plan names none (the server keeps no title lines)', async () => {
    const owner = await ownerWithMerchant(
      t,
      { name: '鸿运便利店', merchantId: '898440153995678' },
      'hongyun@example.com',
    );
    const plan = PLAN_YAML.replace(/^merchant: .*\n/, '').replace('898440153991234', '898440153995678');
    expect((await owner.putPlan(plan)).statusCode).toBe(200);
    const lines = OVERCHARGED.map((l) => ({ ...l, merchant: '898440153995678' }));
    expect((await owner.upload('settle.csv', settlementCsv(lines))).statusCode).toBe(201);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/merchants/${owner.id}/evidence.zip`,
      headers: { cookie: owner.cookie },
    });
    expect(res.statusCode, res.body).toBe(200);
    const files = await unzip(res.rawPayload);
    expect(text(files, 'complaint-letter.txt')).toContain('鸿运便利店');
    expect(text(files, 'complaint-letter.txt')).not.toContain('（商户名称）');
    expect(text(files, 'complaint-letter.en.txt')).toContain('鸿运便利店');
  });

  it('refuses a language it does not have', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${url}?lang=fr`, headers: { cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
  });
});
