import { afterEach, describe, expect, it } from 'vitest';
import { ownerWithMerchant } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

describe('a date range whose from is after its to', () => {
  it('is refused with 400 and a message in both languages, not answered with an empty audit', async () => {
    t = await testApp();
    const { id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    await upload('settle.csv', settlementCsv(OVERCHARGED));
    // The user swapped the two dates: October's overcharges must not look like "no findings".
    for (const path of ['audit', 'report.html', 'findings.csv', 'evidence.zip']) {
      const res = await get(`/api/v1/merchants/${id}/${path}?from=2026-10-31&to=2026-10-01`);
      expect(res.statusCode, path).toBe(400);
      const error = res.json().error as { code: string; message: string; details: { en: string } };
      expect(error.code).toBe('invalid_request');
      expect(error.message).toContain('起始日期 2026-10-31 晚于结束日期 2026-10-01');
      expect(error.details.en).toContain('from 2026-10-31 is later than to 2026-10-01');
    }
    // One day (from = to) is a range, and holds the three overcharged lines of 2026-10-08:
    // 3 × (¥6.80 − ¥6.00) = 240 fen.
    const day = await get(`/api/v1/merchants/${id}/audit?from=2026-10-08&to=2026-10-08`);
    expect(day.statusCode).toBe(200);
    expect(day.json().summary.overchargeFen).toBe(240);
  });
});
