import { afterEach, describe, expect, it } from 'vitest';
import { buildStoredZip } from '../fixtures/zip-writer.js';
import { ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { multipartBody, type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

/** A file with no time or amount column: no reader knows it. */
const NOT_A_STATEMENT = '编号,备注\r\n1,你好\r\n2,再见\r\n';

describe('a ZIP upload', () => {
  it("names records and findings `<upload name>/<member>`, never the server's spool folder", async () => {
    t = await testApp();
    const { id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    const zip = buildStoredZip([
      { name: '结算明细_202610.csv', data: Buffer.from(settlementCsv(OVERCHARGED)) },
    ]);
    const res = await upload('对账单_202610.zip', zip, { kind: 'settlement' });
    expect(res.statusCode, res.body).toBe(201);
    const expected = '对账单_202610.zip/结算明细_202610.csv';

    const records = (await get(`/api/v1/merchants/${id}/records?limit=10`)).json().records as {
      source: { file: string; row: number };
    }[];
    expect(records).toHaveLength(4);
    expect(records.map((r) => r.source)).toEqual([2, 3, 4, 5].map((row) => ({ file: expected, row })));

    const audit = (await get(`/api/v1/merchants/${id}/audit`)).json();
    // Three credit sales of ¥1,000.00 charged ¥6.80 where 0.60% is ¥6.00.
    expect(audit.summary.overchargeFen).toBe(240);
    const cited = JSON.stringify(audit.findings);
    expect(cited).toContain(expected);
    expect(cited).not.toContain('posguard-upload-');
    for (const path of ['findings.csv?lang=en', 'report.html']) {
      const body = (await get(`/api/v1/merchants/${id}/${path}`)).body;
      expect(body, path).not.toContain('posguard-upload-');
      expect(body, path).toContain('结算明细_202610.csv');
    }
  });
});

describe('an unreadable upload', () => {
  const send = async (fileName: string, content: string, url: string, headers: Record<string, string>) => {
    t = await testApp();
    const { cookie, id } = await ownerWithMerchant(t, SAMPLE_MERCHANT);
    const body = multipartBody(fileName, content);
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements${url}`,
      headers: { ...body.headers, ...headers, cookie },
      payload: body.payload,
    });
  };

  it('answers in Chinese for a zh-CN browser, English alongside, naming the form field not the CLI', async () => {
    const res = await send('random.csv', NOT_A_STATEMENT, '', {
      'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
    });
    expect(res.statusCode).toBe(422);
    const { error } = res.json();
    expect(error.code).toBe('unreadable_file');
    expect(error.message).toBe(error.details.zh);
    expect(error.message).toMatch(/^random\.csv：找不到表头/);
    expect(error.details.en).toMatch(/^random\.csv: no header row found/);
    for (const text of [error.details.zh, error.details.en]) {
      expect(text).toContain('preset');
      expect(text).not.toContain('--');
      expect(text).not.toContain('posguard-upload-');
    }
  });

  it('answers in English for ?lang=en or an English browser, Chinese alongside', async () => {
    const byQuery = await send('random.csv', NOT_A_STATEMENT, '?lang=en', { 'accept-language': 'zh-CN' });
    expect(byQuery.json().error.message).toMatch(/^random\.csv: no header row found/);
    expect(byQuery.json().error.message).toContain("the upload form's `preset` field");
    expect(byQuery.json().error.details.zh).toMatch(/^random\.csv：找不到表头/);
    await t.close();
    const byHeader = await send('random.csv', NOT_A_STATEMENT, '', {
      'accept-language': 'en-US,en;q=0.9,zh;q=0.5',
    });
    expect(byHeader.json().error.message).toBe(byHeader.json().error.details.en);
  });

  it('names an unknown preset in the chosen language too', async () => {
    t = await testApp();
    const { cookie, id } = await ownerWithMerchant(t, SAMPLE_MERCHANT);
    const body = multipartBody('s.csv', settlementCsv(OVERCHARGED), { preset: 'no-such-bank' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/merchants/${id}/statements`,
      headers: { ...body.headers, cookie, 'accept-language': 'zh-CN' },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.message).toBe(error.details.zh);
    expect(error.details.en).not.toBe(error.details.zh);
  });
});
