import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describePlan, describeRule } from './describe-plan.js';
import { parsePlan } from './parse-plan.js';

const EXAMPLE = readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8');
const parsed = parsePlan(EXAMPLE, 'examples/plan.yaml');
if (!parsed.ok) throw new Error('examples/plan.yaml must be valid');
const plan = parsed.plan;

describe('describePlan', () => {
  it('summarises the example plan in Chinese', () => {
    const text = describePlan(plan, 'zh');
    expect(text).toContain('商户: 鸿运便利店（822584053110001）');
    expect(text).toContain('服务商: leshua');
    expect(text).toContain('结算周期: T1（交易后第 1 个工作日到账）');
    expect(text).toContain('2026-09-01 至 2026-11-30，通知于 2026-08-01');
    expect(text).toContain('    - 刷卡/闪付/银联二维码 借记卡 0.55%，封顶 ¥20.00\n');
    expect(text).toContain('    - 闪付 ≤ ¥1,000.00 0.38%\n');
    expect(text).toContain('流量费（又称：SIM卡服务费、通讯费）: ¥99.00 每年，自 2027-09-01 起');
    expect(text).toContain('退货手续费: 退货不退手续费');
    expect(text).toContain('调价通知期: 提前 30 天');
  });

  it('summarises it in English', () => {
    const text = describePlan(plan, 'en');
    expect(text).toContain('Merchant: 鸿运便利店 (822584053110001)');
    expect(text).toContain('    - card/NFC/UnionPay QR, debit card: 0.55%, cap ¥20.00\n');
    expect(text).toContain('    - NFC (≤ ¥1,000.00): 0.38%\n');
    expect(text).toContain('    - UnionPay QR (≤ ¥1,000.00): 0.38%\n');
    expect(text).toContain('    - WeChat/Alipay: 0.38%\n');
    // The plan's codes are for files: never in the English a person reads.
    expect(text).not.toMatch(/unionpay-qr|\bnfc\b|\bwechat\b|\balipay\b|\b(debit|credit)\b(?! card)/);
    expect(text).toContain('Rate-change notice: 30 days in advance');
  });

  it('words fixed fees, minimums and lower bounds', () => {
    const rule = { ratePpm: 29900, fixedFen: 300, minFen: 50, minAmountFen: 100000, line: 0, index: 0 };
    expect(describeRule(rule, 'zh')).toBe('所有渠道 > ¥1,000.00 2.99% + 每笔 ¥3.00，最低 ¥0.50');
    expect(describeRule(rule, 'en')).toBe(
      'any channel (> ¥1,000.00): 2.99% + ¥3.00 per transaction, minimum ¥0.50',
    );
  });
});
