import { describe, expect, it } from 'vitest';
import { describeTransaction } from '../audit/finding-builder.js';
import { rec } from '../audit/test-records.js';
import { channelCardWords } from './vocabulary.js';

describe('channelCardWords', () => {
  it('names a wallet payment by its wallet, never as 未知卡种', () => {
    expect(channelCardWords('wechat', 'unknown')).toEqual({ zh: '微信', en: 'WeChat' });
    expect(channelCardWords('alipay', 'unknown')).toEqual({ zh: '支付宝', en: 'Alipay' });
  });

  it('names a card payment by channel and card, and a card whose channel nobody stated by its card', () => {
    expect(channelCardWords('card', 'credit')).toEqual({ zh: '刷卡贷记卡', en: 'credit card' });
    expect(channelCardWords('nfc', 'debit')).toEqual({ zh: '闪付借记卡', en: 'NFC (debit card)' });
    expect(channelCardWords('unknown', 'debit')).toEqual({ zh: '借记卡', en: 'debit card' });
    expect(channelCardWords('unknown', 'unknown')).toEqual({ zh: '未知渠道', en: 'unknown channel' });
    expect(channelCardWords('mystery', 'credit')).toEqual({
      zh: 'mystery贷记卡',
      en: 'mystery (credit card)',
    });
  });

  it('is how a finding names the transaction', () => {
    const sale = rec('settlement', {
      time: '2026-10-08 12:00:01',
      refNo: '100000000001',
      channel: 'wechat',
      card: 'unknown',
      amountFen: 21900,
    });
    expect(describeTransaction(sale)).toEqual({
      zh: '2026-10-08 12:00:01 参考号 100000000001 微信 ¥219.00',
      en: '2026-10-08 12:00:01 ref 100000000001 WeChat ¥219.00',
    });
  });
});
