import { describe, expect, it } from 'vitest';
import { alertMessageIn, channelCardText } from './alert-text.js';
import { type KeyTotal, overchargeMessage } from './fee-overcharge.js';
import { rateChangeMessage } from './settlement-checks.js';

/** The money a text names, in order: both wordings of an alert must name the same amounts. */
const amountsIn = (text: string): string[] => text.match(/-?¥[\d,]+\.\d{2}/g) ?? [];

function total(fields: Partial<KeyTotal>): KeyTotal {
  return {
    date: '2026-10-08',
    channel: 'card',
    card: 'credit',
    lines: 1,
    overchargeFen: 80,
    chargedFen: 680,
    expectedFen: 600,
    first: { recordId: 1, refNo: 'R1', amountFen: 100_000, chargedFen: 680, expectedFen: 600 },
    ...fields,
  };
}

describe('fee_overcharge wording', () => {
  it('one line: the sale, the fee charged, the plan fee and the overcharge, the same in both languages', () => {
    const m = overchargeMessage(total({}));
    expect(m.zh).toBe(
      '2026-10-08 刷卡贷记卡 交易 ¥1,000.00 实扣手续费 ¥6.80，按费率方案应为 ¥6.00，多扣 ¥0.80',
    );
    expect(m.en).toBe(
      '2026-10-08 credit card sale of ¥1,000.00 charged a fee of ¥6.80 where the plan gives ¥6.00: ¥0.80 overcharged',
    );
    expect(amountsIn(m.en)).toEqual(amountsIn(m.zh));
  });

  it('several lines of a day: the count and the sums', () => {
    // Three WeChat sales: ¥20.40 charged where the plan gives ¥18.00, 240 fen over.
    const m = overchargeMessage(
      total({
        channel: 'wechat',
        card: 'unknown',
        lines: 3,
        overchargeFen: 240,
        chargedFen: 2040,
        expectedFen: 1800,
      }),
    );
    expect(m.zh).toBe('2026-10-08 微信 3 笔交易手续费高于费率方案：实扣 ¥20.40，应为 ¥18.00，合计多扣 ¥2.40');
    expect(m.en).toBe(
      '2026-10-08 WeChat: 3 sales charged fees above the plan: ¥20.40 charged where the plan gives ¥18.00, ¥2.40 overcharged in all',
    );
    expect(amountsIn(m.en)).toEqual(amountsIn(m.zh));
    expect(m.en).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('rate_change wording', () => {
  it('with a plan: the change and the overcharge of its days', () => {
    const m = rateChangeMessage({
      group: 'card|credit|r0.1',
      date: '2026-12-04',
      nth: 1,
      before: { rate: '0.60%', fixedFen: 0 },
      after: { rate: '0.63%', fixedFen: 0 },
      days: { '2026-12-04': 330, '2026-12-05': 330 },
      overchargeFen: 660,
    });
    expect(m.zh).toBe(
      '2026-12-04 起 刷卡贷记卡 实际扣费由 0.60% 变为 0.63%；按费率方案已多扣 ¥6.60（2026-12-04 至 2026-12-05）',
    );
    expect(m.en).toBe(
      'From 2026-12-04 the fee charged on credit card sales went from 0.60% to 0.63%; ¥6.60 overcharged against the plan so far (2026-12-04 to 2026-12-05)',
    );
  });

  it('without a plan: a fixed fee and a cap, the second change of the day, what it took less than before', () => {
    const m = rateChangeMessage({
      group: 'nfc|debit|*',
      date: '2026-12-04',
      nth: 2,
      before: { rate: '0.55%', fixedFen: 300, capFen: 2000 },
      after: { rate: '0.50%', fixedFen: 0 },
      extraFen: -1234,
      extraLines: 5,
    });
    expect(m.zh).toBe(
      '2026-12-04 起 闪付借记卡 实际扣费由 0.55% + ¥3.00/笔（封顶 ¥20.00） 变为 0.50%（当日第 2 次变化）；5 笔较按原扣费少收 ¥12.34',
    );
    expect(m.en).toBe(
      'From 2026-12-04 the fee charged on NFC (debit card) sales went from 0.55% + ¥3.00 a sale (capped at ¥20.00) to 0.50% (change no. 2 that day); 5 sales charged ¥12.34 less than the old fee',
    );
    expect(amountsIn(m.en)).toEqual(amountsIn(m.zh));
  });
});

describe('the names and the language a stored alert is read in', () => {
  it('names a card payment by its card, a wallet by itself, another channel with its card', () => {
    expect(channelCardText('card', 'debit')).toEqual({ zh: '刷卡借记卡', en: 'debit card' });
    // A wallet payment has no card type: it is 支付宝 / 微信, not 支付宝未知卡种, as the audit's findings say.
    expect(channelCardText('alipay', 'unknown')).toEqual({ zh: '支付宝', en: 'Alipay' });
    expect(channelCardText('wechat', 'unknown')).toEqual({ zh: '微信', en: 'WeChat' });
    expect(channelCardText('unionpay-qr', 'credit')).toEqual({
      zh: '银联二维码贷记卡',
      en: 'UnionPay QR (credit card)',
    });
  });

  it('falls back to the English kept in the details, then to the Chinese, for an alert stored without English', () => {
    expect(alertMessageIn('en', '中文', 'English')).toBe('English');
    expect(alertMessageIn('zh', '中文', 'English')).toBe('中文');
    expect(alertMessageIn('en', '中文', null, 'kept in details')).toBe('kept in details');
    expect(alertMessageIn('en', '中文', null, undefined)).toBe('中文');
    expect(alertMessageIn('en', '中文', null, 42)).toBe('中文');
  });
});
