import { describe, expect, it } from 'vitest';
import { attachDiagnoses } from '../explain/attach-diagnoses.js';
import { importFiles } from '../statements/import.js';
import { auditRecords } from './audit.js';
import type { AuditReport } from './report-types.js';
import { plan, rec, rule } from './test-records.js';

// 1,000.00 credit at 0.60% = 6.00; a 400.00 refund of it, proportional: 6.00 × 400 ÷ 1000 = 2.40 due back.
const sale = rec(
  'settlement',
  {
    refNo: 'S1',
    amountFen: 100000,
    feeFen: 600,
    settledFen: 99400,
    settleDate: '2026-10-13',
    time: '2026-10-12 09:00:00',
  },
  2,
  's.csv',
);
const refundWith = (feeFen: number) =>
  rec(
    'settlement',
    {
      type: 'refund',
      refNo: 'R1',
      originalRefNo: 'S1',
      amountFen: -40000,
      feeFen,
      settledFen: -40000 - feeFen,
      settleDate: '2026-10-14',
      time: '2026-10-13 12:00:00',
    },
    3,
    's.csv',
  );
const run = (refundFee: 'none' | 'proportional' | 'full', feeFen: number): AuditReport =>
  auditRecords({
    terminal: [],
    settlement: [sale, refundWith(feeFen)],
    bank: [],
    plans: [plan([rule({ ratePpm: 6000 })], { refundFee })],
    options: { today: '2026-10-30' },
  });
const refundFindings = (report: AuditReport) =>
  report.findings
    .filter((f) => f.kind === 'refund_fee_mismatch')
    .map((f) => [f.refNo, f.expectedFeeFen, f.chargedFeeFen, f.overchargeFen, f.lossFen]);

describe('a fee charged on a refund (a positive feeFen on the refund line)', () => {
  it('loses the fee due back and the fee charged under proportional: 2.40 + 2.40 = 4.80 (QA defect 5)', () => {
    const report = run('proportional', 240);
    expect(refundFindings(report)).toEqual([['R1', -240, 240, 480, 480]]);
    expect(report.summary.lossFen).toBe(480);
    const finding = report.findings.find((f) => f.kind === 'refund_fee_mismatch');
    expect(finding?.message).toContain(
      '应退 ¥2.40，实际未退，反而在退货时收取手续费 ¥2.40：少退 ¥2.40，另收 ¥2.40，共 ¥4.80',
    );
    expect(finding?.message).not.toContain('实退');
    expect(finding?.messageEn).toContain(
      'due back ¥2.40; none was returned and a fee of ¥2.40 was charged on the refund instead: ¥2.40 short plus ¥2.40 charged, ¥4.80 in all',
    );
  });

  it('loses the fee charged under none: 2.40, worded as charged, not as 多退', () => {
    const report = run('none', 240);
    expect(refundFindings(report)).toEqual([['R1', 0, 240, 240, 240]]);
    expect(report.summary.lossFen).toBe(240);
    const finding = report.findings.find((f) => f.kind === 'refund_fee_mismatch');
    expect(finding?.message).toContain('应退 ¥0.00，退货时却收取手续费 ¥2.40，多收 ¥2.40');
    expect(finding?.message).not.toMatch(/多退|少退|实退/);
    expect(finding?.messageEn).toContain('due back ¥0.00; a fee of ¥2.40 was charged on the refund');
  });

  it('loses the whole fee due back and the fee charged under full: 6.00 + 2.40 = 8.40', () => {
    const report = run('full', 240);
    expect(refundFindings(report)).toEqual([['R1', -600, 240, 840, 840]]);
    expect(report.findings.find((f) => f.kind === 'refund_fee_mismatch')?.message).toContain(
      '应退 ¥6.00，实际未退，反而在退货时收取手续费 ¥2.40：少退 ¥6.00，另收 ¥2.40，共 ¥8.40',
    );
  });
});

describe('the QA defect 5 statement, imported and audited', () => {
  const csv = [
    '交易时间,结算日期,商户号,终端号,参考号,原参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
    '2026-10-12 09:00:00,2026-10-13,822000000000009,10000009,000000900001,,622588******0001,贷记卡,刷卡,消费,1000.00,6.00,994.00',
    '2026-10-13 12:00:00,2026-10-14,822000000000009,10000009,000000900007,000000900001,622588******0001,贷记卡,刷卡,退货,-400.00,2.40,-402.40',
  ].join('\n');

  it('loses ¥4.80 under proportional and ¥2.40 under none', async () => {
    const { records } = await importFiles([{ name: 's.csv', bytes: Buffer.from(csv, 'utf8') }]);
    const lossUnder = (refundFee: 'none' | 'proportional') =>
      auditRecords({
        terminal: [],
        settlement: records,
        bank: [],
        plans: [plan([rule({ ratePpm: 6000 })], { refundFee })],
        options: { today: '2026-10-30' },
      }).summary.lossFen;
    expect(lossUnder('proportional')).toBe(480);
    expect(lossUnder('none')).toBe(240);
  });
});

describe('the diagnosis of refunds charged a fee', () => {
  it('says the refund was charged a fee, not that it returned too little', () => {
    const report = attachDiagnoses(run('proportional', 240));
    const diagnosis = report.diagnoses?.find(
      (d) => d.findingIds.length === 1 && d.cause === 'unagreed_charge',
    );
    expect(diagnosis?.title).toBe('退货未按合同处理手续费：少退或另收');
    expect(diagnosis?.evidence[0]).toMatch(/^1 笔退货没有退还手续费，反而另收手续费 ¥2\.40，共损失 ¥4\.80，/);
    expect(diagnosis?.evidence.join('\n')).not.toContain('少退手续费');
    expect(diagnosis?.evidenceEn[0]).toMatch(
      /^1 refund returned no fee and was charged ¥2\.40 in fees instead, ¥4\.80 lost, /,
    );
    expect(diagnosis?.lossFen).toBe(480);
  });

  it('still says a refund that returned part of the fee returned too little', () => {
    const report = attachDiagnoses(run('proportional', -100));
    const diagnosis = report.diagnoses?.find((d) => d.cause === 'unagreed_charge');
    expect(diagnosis?.title).toBe('退货未按合同退还手续费');
    expect(diagnosis?.evidence[0]).toMatch(/^1 笔退货少退手续费 ¥1\.40，/);
    expect(diagnosis?.lossFen).toBe(140);
  });
});
