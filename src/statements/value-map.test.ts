import { describe, expect, it } from 'vitest';
import { ValueMap } from './value-map.js';

const lookAll = (map: ValueMap, words: readonly string[]) => words.map((w) => [w, map.lookup(w)]);
const each = (words: readonly string[], value: string | undefined) => words.map((w) => [w, value]);

describe('ValueMap type: charges named in 交易类型', () => {
  const type = new ValueMap('type', undefined);

  it('reads a line that names a charge as a deduction (DOMAIN.md §1.4, §5)', () => {
    const charges = [
      '通道使用费',
      '秒到费',
      '提现手续费',
      '特约商户费',
      '畅享升级费',
      '升级费',
      '技术服务费',
      '短信费',
      '短信通知费',
      '手续费',
      'D0手续费',
      'T0加急费',
      'D0提现费',
      '秒到手续费',
      '其他费用',
      '会员续费',
      '终端管理费',
      '保险费',
      'SIM卡费',
      '流量卡扣费',
      '通讯服务费',
      '激活费',
      '机具租金',
      '年费',
      '押金',
      '手续费扣除',
      '费用扣收',
    ];
    expect(lookAll(type, charges)).toEqual(each(charges, 'deduction'));
  });

  it('keeps sales whose names hold 费 (消费, 缴费) or a fee word (扣款) as sales', () => {
    const sales = [
      '消费',
      '刷卡消费',
      'POS消费',
      '银行卡消费',
      '消费成功',
      '消费扣款',
      '扫码支付',
      '支付',
      '收款',
      '便民缴费',
      '话费充值',
    ];
    expect(lookAll(type, sales)).toEqual(each(sales, 'sale'));
  });

  it('keeps voids, reversals and refunds of sales as such, the fee line of a refund with them', () => {
    expect(
      lookAll(type, [
        '消费撤销',
        '撤销',
        '消费冲正',
        '消费充正',
        '退货',
        '退款成功',
        '退货手续费',
        '退款手续费',
      ]),
    ).toEqual([
      ['消费撤销', 'void'],
      ['撤销', 'void'],
      ['消费冲正', 'reversal'],
      ['消费充正', 'reversal'],
      ['退货', 'refund'],
      ['退款成功', 'refund'],
      ['退货手续费', 'refund'],
      ['退款手续费', 'refund'],
    ]);
  });

  it('reads payout wording without 费 as a payout', () => {
    const payouts = ['结算', '划款', '代付', '提现', 'D0提现', 'T1结算', '结算出款', '出款', '打款'];
    expect(lookAll(type, payouts)).toEqual(each(payouts, 'payout'));
  });

  it('reads a charge given back, waived or taken back as a rebate, never as a deduction', () => {
    const credits = [
      '手续费返还',
      '退手续费',
      '费用退回',
      '手续费退款',
      '押金返还',
      '押金退还',
      '流量费退回',
      '服务费返还',
      '年费退款',
      '激活返现',
      '手续费减免',
      '手续费补贴',
      '秒到费冲正',
      '通道使用费撤销',
    ];
    expect(lookAll(type, credits)).toEqual(each(credits, 'rebate'));
  });

  it('reads a promotion paid to the merchant as a rebate, and its taking back as a deduction', () => {
    const bonuses = ['交易返现', '活动奖励', '商户补贴', '达标返利', '红包'];
    expect(lookAll(type, bonuses)).toEqual(each(bonuses, 'rebate'));
    expect(lookAll(type, ['返现扣回', '奖励追收'])).toEqual([
      ['返现扣回', 'deduction'],
      ['奖励追收', 'deduction'],
    ]);
  });

  it('leaves words that name neither a charge nor a transaction unknown', () => {
    const unknown = ['费率调整', '免费', 'D0加急', '结算款退回', '调账'];
    expect(lookAll(type, unknown)).toEqual(each(unknown, undefined));
  });

  it('keeps holds skipped and completions as such', () => {
    expect(lookAll(type, ['预授权撤销', '追加预授权', '预授权完成', '预授权完成(请求)'])).toEqual([
      ['预授权撤销', 'skip'],
      ['追加预授权', 'skip'],
      ['预授权完成', 'preauth-complete'],
      ['预授权完成(请求)', 'preauth-complete'],
    ]);
  });

  it('lets a preset’s own values rule over the words', () => {
    const overridden = new ValueMap('type', { 手续费返还: 'payout', 秒到费: 'sale' });
    expect(lookAll(overridden, ['手续费返还', '秒到费', '通道使用费'])).toEqual([
      ['手续费返还', 'payout'],
      ['秒到费', 'sale'],
      ['通道使用费', 'deduction'],
    ]);
  });
});

describe('ValueMap channel: 支付方式 wording', () => {
  const channel = new ValueMap('channel', undefined);

  it('reads UnionPay cards swiped, inserted or named as cards, not as UnionPay QR', () => {
    const cards = [
      '银联刷卡',
      '银联卡',
      '银联IC卡',
      '银联借记卡',
      '银联信用卡',
      '银联插卡',
      '银行卡刷卡',
      'POS刷卡',
      'IC卡插卡',
      '磁条卡',
      '芯片卡',
      '借记卡',
      '信用卡',
      '刷卡',
    ];
    expect(lookAll(channel, cards)).toEqual(each(cards, 'card'));
  });

  it('reads contactless wording as NFC, 云闪付 aside', () => {
    const nfc = ['银联挥卡', '银联闪付', '闪付', '手机闪付', '挥卡', '非接', '云闪付NFC'];
    expect(lookAll(channel, nfc)).toEqual(each(nfc, 'nfc'));
  });

  it('reads UnionPay QR only from QR wording or 云闪付', () => {
    const qr = [
      '银联二维码',
      '银联扫码',
      '银联付款码',
      '银联扫码支付',
      '云闪付',
      '云闪付扫码',
      'UnionPay QR',
    ];
    expect(lookAll(channel, qr)).toEqual(each(qr, 'unionpay-qr'));
  });

  it('reads wallets by name, however paid', () => {
    expect(lookAll(channel, ['微信扫码', '微信付款码', '支付宝付款码', '数字人民币钱包'])).toEqual([
      ['微信扫码', 'wechat'],
      ['微信付款码', 'wechat'],
      ['支付宝付款码', 'alipay'],
      ['数字人民币钱包', 'ecny'],
    ]);
  });

  it('leaves a bare 银联 or a scan of no brand unknown, for the importer to warn about', () => {
    const unknown = ['银联', '扫码', 'POS扫码', '二维码', '会员卡余额'];
    expect(lookAll(channel, unknown)).toEqual(each(unknown, undefined));
  });
});
