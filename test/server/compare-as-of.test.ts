import { afterEach, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/compare/compare-plans.js';
import type { DialectName } from '../../src/storage/database.js';
import { DIALECTS } from '../storage/test-storage.js';
import { type OwnedMerchant, ownerWithMerchant } from './merchant-harness.js';
import { type TestApp, testApp } from './test-app.js';

/** One day of a generic cash-register journal: two WeChat sales of ¥1,000.00 on one terminal. */
const JOURNAL = [
  '交易时间,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,用户标识,交易类型,交易状态,交易金额,原凭证号,原参考号,原订单号,备注',
  '2026-09-01 10:00:00,822807654115098,92214939,000001,000001,090110000001,SO20260901-0000001,,,微信,186****8878,消费,成功,1000.00,,,,',
  '2026-09-01 11:00:00,822807654115098,92214939,000001,000002,090110000002,SO20260901-0000002,,,微信,186****8878,消费,成功,1000.00,,,,',
].join('\r\n');

let t: TestApp;
afterEach(async () => t.close());

async function merchantWithJournal(dialect: DialectName): Promise<OwnedMerchant> {
  t = await testApp(dialect);
  const merchant = await ownerWithMerchant(t, { name: 'M', merchantId: '822807654115098' });
  const res = await merchant.upload('terminal.csv', JOURNAL, { kind: 'terminal' });
  expect(res.statusCode, res.body).toBe(201);
  return merchant;
}

describe.each(DIALECTS)('GET …/compare?asOf on %s', (dialect: DialectName) => {
  it('prices the first year from the chosen switch date and says whether each plan is complete', async () => {
    const { id, get } = await merchantWithJournal(dialect);
    const res = await get(`/api/v1/merchants/${id}/compare?asOf=2026-11-01`);
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json<Comparison>();
    expect(c.plans.length).toBeGreaterThan(1);
    for (const p of c.plans) {
      expect(p.startDate).toBe('2026-11-01');
      expect(p.uncoveredDays).toBe(0);
      expect(p.complete).toBe(true);
      expect(p.yearlyChargesFen).toBe(0);
    }
    const leshua = c.plans.find((p) => p.provider === '乐刷（示例）');
    // WeChat at 0.38%: ¥1,000.00 × 0.38% = 380 fen a sale, 760 fen in a September journal, which covers the
    // month's 30 days (not just the one day with sales). 2026-11-01 … 2027-10-31 has 365 days (no 29 February):
    // 760 × 365 ÷ 30 = 277,400 ÷ 30 = 9,246.67 → 9,247 fen of fees a year;
    // SIM ¥99/year × 1 terminal = 9,900 fen; deposit ¥99 × 1 terminal = 9,900 fen; no charges.
    expect(c.history.period).toEqual({ from: '2026-09-01', to: '2026-09-30', days: 30 });
    expect(leshua?.yearlyFeesFen).toBe(9_247);
    expect(leshua?.yearlyFen).toBe(9_247 + 9_900 + 9_900);

    // Another switch date moves the first year with it (the priced year is 365 days, as compare counts it).
    const leap = (await get(`/api/v1/merchants/${id}/compare?asOf=2027-03-01`)).json<Comparison>();
    const leshuaLeap = leap.plans.find((p) => p.provider === '乐刷（示例）');
    expect(leshuaLeap?.startDate).toBe('2027-03-01');
    expect(leshuaLeap?.yearlyFeesFen).toBe(9_247);
  });

  it('refuses a switch date that is not a real YYYY-MM-DD day with 400', async () => {
    const { id, get } = await merchantWithJournal(dialect);
    for (const bad of ['2026-02-30', '2026-13-01', '20261101', 'tomorrow', '2026-11-1']) {
      const res = await get(`/api/v1/merchants/${id}/compare?asOf=${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toContain('asOf');
    }
  });
});
