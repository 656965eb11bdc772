import { describe, expect, it } from 'vitest';
import type { Finding } from '../audit/report-types.js';
import { FINDING_KINDS } from '../audit/report-types.js';
import {
  auditReport,
  finding,
  overchargedSale,
  planOf,
  rateChange,
} from '../../test/explain/explain-fixtures.js';
import { attachDiagnoses } from './attach-diagnoses.js';
import { complaintFacts, complaintLetter } from './complaint-letter.js';
import { parseDevices } from './parse-devices.js';

// What the letter tells people: display names, never the plan's or the audit's codes; a diagnosis's share of
// all the merchant's amount mismatches; one period with the report; contract → charged when set against it.

const M = '822173154117216';
const plan = planOf(
  [
    'merchant: 鸿运便利店',
    `merchantId: "${M}"`,
    'provider: 汇通支付',
    'periods:',
    '  - from: 2026-09-01',
    '    rates:',
    '      - { channel: nfc, maxAmount: 1000, rate: 0.38% }',
    '      - { channel: unionpay-qr, maxAmount: 1000, rate: 0.38% }',
    '      - { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }',
    '      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.60% }',
    '      - { channel: [wechat, alipay], rate: 0.38% }',
  ].join('\n'),
);
const creditRule = {
  text: '2026-09-01 起 刷卡/闪付/银联二维码 贷记卡：0.60%',
  textEn: 'from 2026-09-01 card/NFC/UnionPay QR, credit card: 0.60%',
  line: 11,
};
const wechatRule = {
  text: '2026-09-01 起 微信/支付宝：0.38%',
  textEn: 'from 2026-09-01 WeChat/Alipay: 0.38%',
  line: 12,
};

/** A sale overcharged against the contract, its fees by hand in fen. */
const sale = (
  id: string,
  day: string,
  terminalId: string,
  channel: 'card' | 'wechat',
  amountFen: number,
  expectedFeeFen: number,
  chargedFeeFen: number,
): Finding =>
  overchargedSale({
    id,
    merchantId: M,
    refNo: `${day.replaceAll('-', '').slice(2)}${id.padStart(6, '0')}`,
    terminalId,
    time: `${day}T10:00:00+08:00`,
    channel,
    card: channel === 'card' ? 'credit' : 'unknown',
    amountFen,
    expectedFeeFen,
    chargedFeeFen,
    basis: 'plan',
    rule: channel === 'card' ? creditRule : wechatRule,
  });

/** A sale settled ¥1.00 short of the journal's ¥100.00. */
const mismatch = (id: string, day: string, terminalId: string): Finding =>
  finding('amount_mismatch', {
    id,
    merchantId: M,
    refNo: `m${id}`,
    terminalId,
    time: `${day}T11:00:00+08:00`,
    channel: 'card',
    card: 'credit',
    amountFen: 10_000,
    lossFen: 100,
    basis: 'plan',
  });

function buildReport() {
  const findings: Finding[] = [
    // ¥1,000.00 credit at 0.63 % from 2026-10-21: ¥6.30 charged, ¥6.00 due.
    sale('1', '2026-10-25', 'T1', 'card', 100_000, 600, 630),
    sale('2', '2026-10-26', 'T2', 'card', 100_000, 600, 630),
    // From 2026-11-10 0.63 % + ¥3.00: ¥9.30 charged, ¥6.00 due.
    sale('3', '2026-11-12', 'T1', 'card', 100_000, 600, 930),
    sale('4', '2026-11-13', 'T2', 'card', 100_000, 600, 930),
    // ¥200.00 WeChat at 0.68 % from 2026-10-31: ¥1.36 charged, ¥0.76 due.
    sale('5', '2026-11-02', 'T1', 'wechat', 20_000, 76, 136),
    sale('6', '2026-11-03', 'T2', 'wechat', 20_000, 76, 136),
    // Two mismatches on T1 (a device fault), three on T2 after its update of 2026-10-31: five in all.
    mismatch('7', '2026-10-05', 'T1'),
    mismatch('8', '2026-10-09', 'T1'),
    mismatch('9', '2026-11-01', 'T2'),
    mismatch('10', '2026-11-05', 'T2'),
    mismatch('11', '2026-11-20', 'T2'),
    // The payout of the last sales day, settled the day after it: ¥50.00 short.
    finding('payout_mismatch', { id: '12', merchantId: M, settleDate: '2026-11-27', lossFen: 5000 }),
  ];
  const report = auditReport(
    findings,
    [
      rateChange({
        merchantId: M,
        channel: 'card',
        card: 'credit',
        date: '2026-10-21',
        beforeRate: '0.60%',
        afterRate: '0.63%',
        transactions: 2,
      }),
      rateChange({
        merchantId: M,
        channel: 'wechat',
        card: 'unknown',
        date: '2026-10-31',
        beforeRate: '0.38%',
        afterRate: '0.68%',
        transactions: 2,
      }),
      rateChange({
        merchantId: M,
        channel: 'card',
        card: 'credit',
        date: '2026-11-10',
        beforeRate: '0.63%',
        afterRate: '0.63%',
        afterFixedFen: 300,
        transactions: 2,
      }),
    ],
    { merchantId: M },
  );
  // The statements settle sales traded 2026-10-01 to 2026-11-26: the report's 核对期间.
  report.effectiveRates = [
    { date: '2026-10-01', channel: 'card', card: 'credit', amountFen: 100_000, feeFen: 600 },
    { date: '2026-11-26', channel: 'card', card: 'credit', amountFen: 100_000, feeFen: 930 },
  ];
  const devices = parseDevices(
    [
      `merchantId: "${M}"`,
      'terminals:',
      '  - terminalId: "T2"',
      '    versions:',
      '      - { from: 2026-06-01, firmware: V2.1.3 }',
      '      - { from: 2026-10-31, firmware: V2.2.0 }',
    ].join('\n'),
  );
  if (!devices.ok) throw new Error(devices.en);
  return attachDiagnoses(report, { plans: [plan], devices: [devices.value] });
}

describe('the complaint letter’s wording', () => {
  const report = buildReport();
  const zh = complaintLetter(report, { plans: [plan], date: '2026-12-08' });
  const en = complaintLetter(report, { plans: [plan], date: '2026-12-08', lang: 'en' });

  it('names channels, cards and finding kinds in English, never their codes', () => {
    expect(en).toContain(
      [
        'The acquiring contract between us sets these fees:',
        '  · NFC (≤ ¥1,000.00): 0.38%',
        '  · UnionPay QR (≤ ¥1,000.00): 0.38%',
        '  · card/NFC/UnionPay QR, debit card: 0.55%, cap ¥20.00',
        '  · card/NFC/UnionPay QR, credit card: 0.60%',
        '  · WeChat/Alipay: 0.38%',
      ].join('\n'),
    );
    expect(en).toContain('WeChat promotional rate ended: 0.38% → 0.68%');
    expect(en).toContain('the contract says from 2026-09-01 card/NFC/UnionPay QR, credit card: 0.60%');
    expect(en).toContain('Since then it has 3 errors (settled amount differs from the journal), none before');
    // Channel codes as plans spell them (the names are NFC, WeChat …); a card type only as “… card”.
    expect(en).not.toMatch(/unionpay-qr|\bnfc\b|\bwechat\b|\balipay\b/);
    expect(en).not.toMatch(/\b(debit|credit)\b(?! card)/);
    for (const kind of FINDING_KINDS) {
      expect(en).not.toContain(kind);
      expect(zh).not.toContain(kind);
    }
    expect(zh).not.toMatch(/unionpay-qr|wechat|alipay|\bnfc\b/);
  });

  it('counts a terminal’s mismatches against all of the merchant’s, those a software update explains too', () => {
    expect(zh).toContain('终端 T1 有 2 笔交易的结算金额与终端金额不符（占全部金额不符 2/5）');
    expect(en).toContain('(2/5 of all mismatches)');
    expect(report.summary.findingsByKind.amount_mismatch).toBe(5);
  });

  it('states the report’s 核对期间, not the findings’ own range', () => {
    expect(complaintFacts(report, { plans: [plan], date: '2026-12-08' }).period).toEqual({
      from: '2026-10-01',
      to: '2026-11-26',
      basis: 'sales',
    });
    expect(zh).toContain('核对期间 2026-10-01 至 2026-11-26（对账单中已结算交易的交易日期），共 12 笔');
    expect(en).toContain(
      'over 2026-10-01 to 2026-11-26 (trade dates of the sales the statements settle): 12',
    );
    expect(zh).not.toContain('至 2026-11-27');
  });

  it('sets each rate change against the contract: contract terms → charged terms', () => {
    expect(zh).toContain(
      [
        '贵司实际收取的费率与合同不符：',
        '  · 2026-10-21 起 贷记卡：合同 0.60% → 实收 0.63%',
        '  · 2026-10-31 起 微信：合同 0.38% → 实收 0.68%',
        '  · 2026-11-10 起 贷记卡：合同 0.60% → 实收 0.63% + 每笔 ¥3.00',
        '',
      ].join('\n'),
    );
    expect(en).toContain(
      '  · from 2026-11-10, credit card: contract 0.60% → charged 0.63% + ¥3.00 per transaction\n',
    );
    expect(en).toContain('  · from 2026-10-31, WeChat: contract 0.38% → charged 0.68%\n');
    expect(zh).not.toContain('0.63%→0.63%');
  });

  it('keeps the provider’s before → after when no contract governs (fees inferred)', () => {
    const inferred = complaintLetter(
      {
        ...report,
        findings: report.findings.map((f) => ({ ...f, basis: 'inferred' as const })),
      },
      { date: '2026-12-08' },
    );
    expect(inferred).toContain('2026-11-10 起 贷记卡：0.63%→0.63%，固定 ¥0.00→¥3.00');
    expect(inferred).not.toContain('合同 0.60%');
  });
});
