import { describe, expect, it } from 'vitest';
import { auditReport, planOf } from '../../test/explain/explain-fixtures.js';
import type { AuditReport, Finding } from '../audit/report-types.js';
import { complaintLetter, complaintLetters } from './complaint-letter.js';

const M = '822000000000009';

/** A one-merchant report of these findings, as the audit writes it. */
const reportOf = (findings: Finding[]): AuditReport => auditReport(findings, [], { merchantId: M });

describe('the complaint letter’s largest losses', () => {
  it('names a sale without 参考号 or 订单号 by the line it is on, not as a settlement day', () => {
    // A cashier's sale never settled: ¥300.00 − fee ¥1.80 = ¥298.20 due.
    const missing: Finding = {
      id: 'f-1',
      kind: 'missing_settlement',
      merchantId: M,
      terminalId: '10000001',
      time: '2026-10-14T15:00:00+08:00',
      amountFen: 30000,
      overchargeFen: 0,
      lossFen: 29820,
      message: '',
      messageEn: '',
      source: [{ file: 'terminal.csv', row: 14 }],
    };
    const zh = complaintLetter(reportOf([missing]), { date: '2026-10-20' });
    expect(zh).toContain('  terminal.csv 第 14 行  2026-10-14  终端 10000001  金额 ¥300.00  损失 ¥298.20');
    expect(zh).not.toContain('结算日 2026-10-14');
    const en = complaintLetter(reportOf([missing]), { date: '2026-10-20', lang: 'en' });
    expect(en).toContain(
      '  terminal.csv row 14  2026-10-14  terminal 10000001  amount ¥300.00  lost ¥298.20',
    );
  });
});

/** A credit sale of ¥1,000.00 charged ¥6.30 against ¥6.00 due (0.60%): ¥0.30 lost. */
const overcharged = (id: string, merchantId: string, basis: 'plan' | 'inferred'): Finding => ({
  id,
  kind: 'fee_overcharge',
  merchantId,
  refNo: `00000000${id.slice(-4).padStart(4, '0')}`,
  time: '2026-10-14T10:00:00+08:00',
  channel: 'card',
  card: 'credit',
  amountFen: 100_000,
  expectedFeeFen: 600,
  chargedFeeFen: 630,
  overchargeFen: 30,
  lossFen: 30,
  basis,
  message: '',
  messageEn: '',
  source: [{ file: 'settlement.csv', row: 2 }],
});

describe('the complaint letter without a plan (fees due inferred from what the provider charged before)', () => {
  it('says the fees due are the provider’s own earlier rates and mentions no contract or attached plan', () => {
    const report = reportOf([overcharged('f-1', M, 'inferred')]);
    const zh = complaintLetter(report, { date: '2026-10-20' });
    expect(zh).toContain('按贵司此前实际收取的费率计算');
    expect(zh).not.toContain('合同');
    expect(zh).not.toContain('费率方案');
    expect(zh).toContain('共 1 笔交易/款项多扣手续费或结算有误');
    expect(zh).toContain('恢复此前实际执行的费率');
    const en = complaintLetter(report, { date: '2026-10-20', lang: 'en' });
    expect(en).toContain('at the rates you yourself charged us before the change');
    expect(en).not.toMatch(/contract|fee plan/);
  });

  it('words the letter the same when a plan is given but every finding was inferred', () => {
    const plan = planOf(
      'merchantId: "822000000000001"\nperiods: [{ from: 2026-01-01, rates: [{ rate: 0.60% }] }]',
    );
    const zh = complaintLetter(reportOf([overcharged('f-1', M, 'inferred')]), {
      plans: [plan],
      date: '2026-10-20',
    });
    expect(zh).toContain('按贵司此前实际收取的费率计算');
    expect(zh).not.toContain('合同');
  });

  it('words each merchant’s letter by its own basis when only some merchants have plans', () => {
    const A = '822000000000001';
    const B = '822000000000002';
    const plan = planOf(
      `merchant: 甲店\nmerchantId: "${A}"\nperiods: [{ from: 2026-01-01, rates: [{ channel: card, card: credit, rate: 0.60% }] }]`,
    );
    const report = auditReport([overcharged('f-0001', A, 'plan'), overcharged('f-0002', B, 'inferred')], [], {
      merchantId: A,
    });
    report.merchants.push({ merchantId: B, summary: report.summary });
    const letters = complaintLetters(report, { plans: [plan], date: '2026-10-20' });
    const a = letters.find((l) => l.merchantId === A);
    const b = letters.find((l) => l.merchantId === B);
    expect(a?.letter).toContain('本商户与贵司签订的收单服务合同约定的手续费为：');
    expect(a?.letter).toContain('与合同不符');
    expect(a?.letter).not.toContain('此前实际收取的费率计算');
    expect(b?.letter).toContain('按贵司此前实际收取的费率计算');
    expect(b?.letter).not.toContain('合同');
    expect(b?.letter).not.toContain('0.60%（');
    expect(b?.letterEn).toContain('at the rates you yourself charged us before the change');
    expect(b?.letterEn).not.toMatch(/contract|fee plan/);
    expect(a?.letterEn).toContain('The acquiring contract between us sets these fees:');
  });
});
