import { afterEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { ownerWithMerchant, SAMPLE_MERCHANT } from './merchant-harness.js';
import { OVERCHARGED, settlementCsv } from './sample-data.js';
import { type TestApp, testApp } from './test-app.js';

let t: TestApp;
afterEach(async () => t.close());

describe('a journal uploaded without merchant numbers', () => {
  it("is audited with the merchant's statement lines, as posguard audit does", async () => {
    t = await testApp();
    const { id, putPlan, upload, get } = await ownerWithMerchant(t);
    await putPlan();
    expect((await upload('settle.csv', settlementCsv(OVERCHARGED))).statusCode).toBe(201);
    // The cashier's export has the first sale and nothing else: no 商户号 column.
    const journal = [
      '交易时间,终端号,参考号,交易类型,交易金额',
      '2026-10-08 10:00:00,12345678,100000000001,消费,1000.00',
    ];
    const uploaded = await upload('journal.csv', journal.join('\n'), { kind: 'terminal' });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const report = (await get(`/api/v1/merchants/${id}/audit`)).json<AuditReport>();
    expect(report.summary.matched).toBe(1);
    expect(report.merchants.map((m) => m.merchantId)).toEqual([SAMPLE_MERCHANT.merchantId]);
    expect(report.summary.skippedChecks).not.toContain('missing_settlement');
    expect(report.warnings).toContain(
      `1 笔终端流水没有商户号，已按对账单中唯一的商户 ${SAMPLE_MERCHANT.merchantId} 核对 / 1 journal lines have no merchant number and were audited with the statements' only merchant, ${SAMPLE_MERCHANT.merchantId}`,
    );
  });
});
