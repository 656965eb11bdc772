import { describe, expect, it } from 'vitest';
import {
  auditReport,
  finding,
  MERCHANT_NO,
  overchargedSale,
  planOf,
  rateChange,
} from '../../test/explain/explain-fixtures.js';
import { attachDiagnoses } from './attach-diagnoses.js';
import { complaintLetter } from './complaint-letter.js';
import { diagnosisHtml, diagnosisLines } from './render-diagnoses.js';

// The letter and the diagnoses state what the audit knows, nothing more: without a plan nobody can say a charge
// was never agreed; a refund's fee not returned is no charge never agreed; a sale that looks charged twice is the
// cardholder's money, not the merchant's; and a rate change's count in the table is explained beside its findings.

const plan = planOf(
  [
    'merchant: 鸿运便利店',
    `merchantId: "${MERCHANT_NO}"`,
    'provider: 汇通支付',
    'refundFee: proportional',
    'periods:',
    '  - from: 2026-09-01',
    '    rates:',
    '      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }',
    '      - { channel: [wechat, alipay], rate: 0.38% }',
  ].join('\n'),
);

/** A ¥99.00 流量费 taken from the payout of 2026-10-08, priced with no plan (basis inferred). */
const simFee = () =>
  finding('unplanned_deduction', {
    settleDate: '2026-10-08',
    time: '2026-10-08T00:30:00+08:00',
    amountFen: -9900,
    lossFen: 9900,
    basis: 'inferred',
    label: '流量费',
    message:
      '2026-10-08 从结算款中扣除“流量费” ¥99.00；¥99.00 未见约定（没有费率方案，无从证明商户同意过此项收费）',
    messageEn: '2026-10-08: "流量费" ¥99.00 deducted from the payout',
    source: [{ file: 'settlement.csv', row: 370 }],
  });

/** The zh and en letters of a report, diagnosed first as the CLI does. */
function letters(report: ReturnType<typeof auditReport>, withPlan: boolean) {
  const plans = withPlan ? [plan] : [];
  attachDiagnoses(report, { plans });
  return {
    zh: complaintLetter(report, { plans, date: '2026-12-08', lang: 'zh' }),
    en: complaintLetter(report, { plans, date: '2026-12-08', lang: 'en' }),
  };
}

describe('a deduction audited without a plan', () => {
  it('is not called a charge the merchant never agreed to nor one never announced, in zh and en', () => {
    const { zh, en } = letters(auditReport([simFee()]), false);
    for (const claim of ['未经商户同意', '没有任何收费通知', '商户没有同意过', '1 笔未约定的扣款'])
      expect(zh).not.toContain(claim);
    for (const claim of ['never agreed', 'no fee notice announced', 'deduction not agreed'])
      expect(en).not.toContain(claim);
    expect(zh).toContain('1 笔未见约定的扣款，合计 ¥99.00：2026-10-08 扣除“流量费” ¥99.00');
    expect(zh).toContain('无从判断商户是否同意过、是否事先收到过收费通知');
    expect(en).toContain('1 deduction with no agreement shown, ¥99.00 in all');
    expect(en).toContain(
      'whether the merchant agreed to them or was told of them beforehand is not known here',
    );
  });

  it('asks the provider to show the agreement or the notice it rests on', () => {
    const { zh, en } = letters(auditReport([simFee()]), false);
    expect(zh).toContain(
      '  一、核实上述交易，书面说明多扣及差错的原因；对上述扣款，出示本商户同意该项收费的协议或事先发出的收费通知；',
    );
    expect(en).toContain(
      'for the deductions above, show the agreement by which we accepted the charge or the fee notice you gave us beforehand;',
    );
    // The refund asked is still the loss: ¥99.00.
    expect(zh).toContain('共计 ¥99.00');
  });

  it('still cites the contract when a plan was given', () => {
    const report = auditReport([{ ...simFee(), basis: 'plan' }]);
    const { zh } = letters(report, true);
    expect(zh).toContain('合同约定的收费项目中没有这些扣款；未经商户同意的扣费应当退还');
    expect(zh).not.toContain('出示本商户同意该项收费的协议');
    expect(report.diagnoses?.find((d) => d.cause === 'unagreed_charge')?.tag).toBeUndefined();
  });
});

describe('a refund whose fee was returned short', () => {
  // A ¥100.00 refund of a sale at 0.38 %: ¥0.38 is due back, ¥0.10 came back, ¥0.28 lost.
  const refund = () =>
    finding('refund_fee_mismatch', {
      refNo: '101200000001',
      time: '2026-10-12T10:00:00+08:00',
      channel: 'wechat',
      card: 'unknown',
      amountFen: -10000,
      expectedFeeFen: -38,
      chargedFeeFen: -10,
      lossFen: 28,
      basis: 'plan',
    });

  it('is tagged as a fee not returned as the contract says, not as a charge never agreed, in zh and en', () => {
    const report = auditReport([refund()]);
    attachDiagnoses(report, { plans: [plan] });
    const zh = diagnosisLines(report.diagnoses ?? [], 'zh').join('\n');
    const en = diagnosisLines(report.diagnoses ?? [], 'en').join('\n');
    expect(zh).toContain('[退货未按合同退还手续费 · 把握大]  损失 ¥0.28');
    expect(zh).not.toContain('未约定的收费');
    expect(en).toContain('[fee not returned on refunds as the contract says · high confidence]  loss ¥0.28');
    expect(en).not.toContain('charge never agreed');
    expect(diagnosisHtml(report.diagnoses ?? [], 'zh')).toContain('退货未按合同退还手续费 · 把握大');
  });
});

describe('suspected duplicate charges in the letter', () => {
  // A sale overcharged ¥0.40 and a reversed sale still settled with ¥1.55 kept: ¥1.95 owed. Two sales that look
  // charged twice (¥66.00 and ¥75.00) lost the merchant nothing.
  const report = () =>
    auditReport([
      overchargedSale({
        id: 'o-1',
        refNo: '101100000001',
        time: '2026-10-11T10:00:00+08:00',
        channel: 'card',
        card: 'credit',
        amountFen: 100000,
        expectedFeeFen: 600,
        chargedFeeFen: 640,
        basis: 'plan',
      }),
      finding('void_settled', {
        refNo: '100500000002',
        time: '2026-10-05T17:48:21+08:00',
        terminalId: 'T1',
        channel: 'wechat',
        card: 'unknown',
        amountFen: 41000,
        chargedFeeFen: 155,
        lossFen: 155,
        cancelledBy: 'reversal',
        basis: 'plan',
        messageEn: 'sale 100500000002 was reversed on the terminal and still settled',
      }),
      finding('suspected_duplicate_charge', {
        refNo: '100300000003',
        time: '2026-10-03T17:33:08+08:00',
        terminalId: 'T1',
        channel: 'card',
        card: 'credit',
        amountFen: 6600,
        basis: 'plan',
        messageEn:
          'same terminal, payer and amount only 46 s after the previous sale — possibly charged twice',
      }),
      finding('suspected_duplicate_charge', {
        refNo: '101100000004',
        time: '2026-10-11T16:49:08+08:00',
        terminalId: 'T1',
        channel: 'nfc',
        card: 'debit',
        amountFen: 7500,
        basis: 'plan',
        messageEn:
          'same terminal, payer and amount only 8 s after the previous sale — possibly charged twice',
      }),
    ]);

  /** The letter's 主要问题 / Main problems section, up to the next blank line. */
  const problems = (letter: string, heading: string) => {
    const start = letter.indexOf(heading);
    return letter.slice(start, letter.indexOf('\n\n', start));
  };

  it('keeps them out of the problems the refund is asked for, and asks for ¥1.95 only', () => {
    const { zh, en } = letters(report(), true);
    const zhProblems = problems(zh, '主要问题：');
    expect(zhProblems).toContain('冲正未生效');
    expect(zhProblems).not.toContain('疑似重复扣款');
    expect(zhProblems).not.toContain('¥141.00');
    expect(problems(en, 'Main problems:')).not.toContain('suspected duplicate charges:');
    expect(zh).toContain('共计 ¥1.95');
    expect(en).toContain('refund ¥1.95 overcharged');
  });

  it('tells them apart as the cardholder’s matter: check them, refund the cardholder, not part of the sum asked', () => {
    const { zh, en } = letters(report(), true);
    expect(zh).toContain(
      '另有 2 笔交易疑似重复刷卡（同一终端、同一付款人、同一金额，间隔很短），交易金额共 ¥141.00，参考号 100300000003、101100000004。如确属重复扣款，多扣的是持卡人的钱：请贵司核实，确属重复的，退还持卡人。这些交易不是本商户的损失，不计入本函请求退还的金额。',
    );
    expect(en).toContain('We also found 2 suspected duplicate charges');
    expect(en).toContain('refund the cardholder where one was a duplicate');
    expect(en).toContain('not part of the sum this letter asks for');
    // The refund request comes after them and names the merchant's own loss only.
    expect(zh.indexOf('另有 2 笔交易疑似重复刷卡')).toBeLessThan(zh.indexOf('现请求贵司'));
  });
});

describe('a rate change counting more sales than its findings', () => {
  // The table counts 6 credit sales since the raise; 2 were overcharged beyond the tolerance (¥0.40 and ¥0.30);
  // the other 4 are no finding.
  it('says the others were overcharged within the tolerance or not at all, in zh and en', () => {
    const sale = (id: string, day: string, charged: number) =>
      overchargedSale({
        id,
        refNo: `10${id}`,
        terminalId: 'T1',
        time: `${day}T10:00:00+08:00`,
        channel: 'card',
        card: 'credit',
        amountFen: 100000,
        expectedFeeFen: 600,
        chargedFeeFen: charged,
        basis: 'plan',
      });
    const report = auditReport(
      [sale('000001', '2026-10-11', 640), sale('000002', '2026-10-12', 630)],
      [
        rateChange({
          channel: 'card',
          card: 'credit',
          date: '2026-10-11',
          beforeRate: '0.60%',
          afterRate: '0.63%',
          transactions: 6,
        }),
      ],
    );
    attachDiagnoses(report, { plans: [plan] });
    const change = report.diagnoses?.find((d) => d.cause === 'provider_rate_change');
    expect(change?.evidence).toContain('此后 2 笔交易多扣 ¥0.70，2026-10-11 至 2026-10-12');
    expect(change?.evidence).toContain(
      '费率变化表中的 6 笔是此后这类交易的全部笔数：其余 4 笔多收不超过容差 ¥0.01（或未多收），不计为多扣',
    );
    expect(change?.evidenceEn).toContain(
      "The rate change table's 6 transactions are all such transactions since: the other 4 were overcharged no more than the ¥0.01 tolerance (or not at all), so are not counted",
    );
  });
});
