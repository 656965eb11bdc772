import { describe, expect, it } from 'vitest';
import type { DeferredRaise, PlanPeriod } from '../plans/plan-types.js';
import { rule } from './test-records.js';
import { describeRule } from './describe-rule.js';

const period: PlanPeriod = { from: '2026-09-01', rates: [], line: 8, index: 0 };
// The plan's codes (unionpay-qr, nfc, wechat …) and a bare card type are for files, not for the English people read.
const CODES = /unionpay-qr|\bnfc\b|\bwechat\b|\balipay\b|\becny\b|\b(debit|credit|prepaid)\b(?! card)/;

describe('describeRule (audit evidence)', () => {
  it('names channels and cards in English, a comma between the two lists', () => {
    const r = rule({
      ratePpm: 5500,
      capFen: 2000,
      channels: ['card', 'nfc', 'unionpay-qr'],
      cards: ['debit'],
    });
    const d = describeRule(r, period);
    expect(d.textEn).toBe('from 2026-09-01 card/NFC/UnionPay QR, debit card: 0.55%, cap ¥20.00');
    expect(d.text).toBe('2026-09-01 起 刷卡/闪付/银联二维码 借记卡：0.55%，封顶 ¥20.00');
    expect(d.line).toBe(10);
    expect(d.textEn).not.toMatch(CODES);
  });

  it('puts an amount band in brackets after what the rule prices', () => {
    const d = describeRule(rule({ ratePpm: 3800, channels: ['nfc'], maxAmountFen: 100000 }), period);
    expect(d.textEn).toBe('from 2026-09-01 NFC (≤ ¥1,000.00): 0.38%');
    expect(d.text).toBe('2026-09-01 起 闪付 金额 ≤ ¥1,000.00：0.38%');
    const over = describeRule(
      rule({ ratePpm: 29900, fixedFen: 300, minFen: 50, minAmountFen: 100000 }),
      period,
    );
    expect(over.textEn).toBe(
      'from 2026-09-01 all sales (> ¥1,000.00): 2.99% + ¥3.00 per transaction, minimum ¥0.50',
    );
    expect(over.text).toBe('2026-09-01 起 金额 > ¥1,000.00：2.99% + ¥3.00/笔，最低 ¥0.50');
  });

  it('names wallets, e-CNY and card-only rules; all sales when the rule prices everything', () => {
    expect(describeRule(rule({ ratePpm: 3800, channels: ['wechat', 'alipay'] }), period).textEn).toBe(
      'from 2026-09-01 WeChat/Alipay: 0.38%',
    );
    expect(describeRule(rule({ ratePpm: 0, channels: ['ecny'] }), period).textEn).toBe(
      'from 2026-09-01 e-CNY: 0.00%',
    );
    expect(describeRule(rule({ ratePpm: 6000, cards: ['credit', 'prepaid'] }), period).textEn).toBe(
      'from 2026-09-01 credit card/prepaid card: 0.60%',
    );
    const all = describeRule(rule({ ratePpm: 6000 }), period);
    expect(all.textEn).toBe('from 2026-09-01 all sales: 0.60%');
    expect(all.text).toBe('2026-09-01 起 全部交易：0.60%');
  });

  it('keeps the names in the deferred-raise wording', () => {
    const later = rule({ ratePpm: 6300, channels: ['unionpay-qr'], cards: ['credit'] });
    const deferred: DeferredRaise = {
      period: { from: '2026-11-16', rates: [later], line: 12, index: 1 },
      rule: later,
      feeFen: 0,
      noticed: '2026-11-01',
      noticeDays: 30,
      effective: '2026-12-01',
    };
    const d = describeRule(
      rule({ ratePpm: 6000, channels: ['unionpay-qr'], cards: ['credit'] }),
      period,
      deferred,
    );
    expect(d.textEn).toBe(
      'from 2026-09-01 UnionPay QR, credit card: 0.60% (the raise from 2026-11-16 came with less than 30 days’ notice; this still applies before 2026-12-01)',
    );
    expect(d.textEn).not.toMatch(CODES);
    expect(d.text).not.toMatch(/[a-z]/);
  });
});
