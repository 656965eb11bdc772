// A charge the provider debits straight from the merchant's bank account (流量费代扣 -99.00) is on no statement:
// it is the merchant's unplanned_deduction (date, amount, counterparty and memo, from the bank file's row) instead
// of an unmatched reversal or a skipped debit, and it never cancels a payout of the same amount.
import { describe, expect, it } from 'vitest';
import { importFiles } from '../statements/import.js';
import { auditRecords, skippedDebitDatesOf } from './audit.js';
import { plan, rec, rule } from './test-records.js';

const contract = plan([rule({ ratePpm: 6000 })], { provider: '汇通支付' });

/** 11-03 ¥100.00 and 11-04 ¥200.00 at 0.60%, settled T1: 11-04 nets ¥99.40, 11-05 ¥198.80. */
const settlement = [
  ['2026-11-03 09:00:00', '2026-11-04', 10000, 60],
  ['2026-11-04 09:00:00', '2026-11-05', 20000, 120],
].map(([time, settleDate, amountFen, feeFen], i) =>
  rec(
    'settlement',
    {
      merchantId: 'M1',
      refNo: `R${i + 1}`,
      time: time as string,
      settleDate: settleDate as string,
      amountFen: amountFen as number,
      feeFen: feeFen as number,
      settledFen: (amountFen as number) - (feeFen as number),
    },
    i + 2,
    'settlement.csv',
  ),
);

async function audit(lines: string[], records = settlement) {
  const imported = await importFiles([{ name: 'bank.csv', bytes: Buffer.from(lines.join('\r\n')) }], {
    kind: 'bank',
  });
  return auditRecords({
    settlement: records,
    terminal: [],
    bank: imported.records,
    plans: [contract],
    bankDebitDates: skippedDebitDatesOf(imported.files),
  });
}

const FINDING_ZH =
  '2026-11-05 收单机构直接从银行账户扣款“流量费代扣” ¥99.00（对方户名 汇通支付有限公司），不在结算单中；费率方案未约定 ¥99.00';
const FINDING_EN =
  '2026-11-05: "流量费代扣" ¥99.00 debited by the provider straight from the bank account (counterparty 汇通支付有限公司), not on the statements; ¥99.00 is not agreed in the plan';

describe("a provider's direct debit from the bank account", () => {
  it('is an unplanned_deduction named with its date, amount, counterparty and memo from a signed amount column', async () => {
    const report = await audit([
      '交易日期,交易金额,余额,对方户名,摘要',
      '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
      '2026-11-05,-99.00,4901.00,汇通支付有限公司,流量费代扣',
      '2026-11-05,198.80,5099.80,汇通支付有限公司,T1结算',
    ]);
    expect(report.findings).toMatchObject([
      {
        kind: 'unplanned_deduction',
        merchantId: 'M1',
        amountFen: -9900,
        lossFen: 9900,
        overchargeFen: 0,
        basis: 'plan',
        label: '流量费代扣',
        message: FINDING_ZH,
        messageEn: FINDING_EN,
        source: [{ file: 'bank.csv', row: 3 }],
      },
    ]);
    expect(report.summary.lossFen).toBe(9900);
    expect(report.summary.findingsByKind.unplanned_deduction).toBe(1);
    expect(report.summary.findingsByKind.payout_mismatch).toBe(0);
    // Said once: as the finding, not again as a warning.
    const text = report.warnings.join('\n');
    expect(text).not.toContain('流量费代扣');
    expect(text).not.toContain('冲正或退回');
  });

  it('is named from a 借 line of a 借贷标志 export', async () => {
    const report = await audit([
      '交易日期,借贷标志,交易金额,余额,对方户名,摘要',
      '2026-11-04,贷,99.40,5000.00,汇通支付有限公司,T1结算',
      '2026-11-05,借,99.00,4901.00,汇通支付有限公司,流量费代扣',
      '2026-11-05,贷,198.80,5099.80,汇通支付有限公司,T1结算',
    ]);
    expect(report.findings.map((f) => [f.kind, f.lossFen, f.message])).toEqual([
      ['unplanned_deduction', 9900, FINDING_ZH],
    ]);
  });

  it('does not cancel a payout of the same amount, as a reversal would', async () => {
    // 11-04's payout is ¥99.40; a ¥99.40 service fee debited the same day takes back no payout.
    const report = await audit([
      '交易日期,借贷标志,交易金额,余额,对方户名,摘要',
      '2026-11-04,贷,99.40,5000.00,汇通支付有限公司,T1结算',
      '2026-11-04,借,99.40,4900.60,汇通支付有限公司,服务费代扣',
      '2026-11-05,贷,198.80,5099.40,汇通支付有限公司,T1结算',
    ]);
    expect(report.findings.filter((f) => f.kind === 'payout_mismatch')).toEqual([]);
    expect(report.findings.map((f) => [f.kind, f.lossFen, f.source])).toEqual([
      ['unplanned_deduction', 9940, [{ file: 'bank.csv', row: 3 }]],
    ]);
    expect(report.findings[0]?.message).toContain('2026-11-04 收单机构直接从银行账户扣款“服务费代扣” ¥99.40');
  });

  it('stays a warning, counted as no loss, when the run has several merchants and the debit names none', async () => {
    // M2's ¥300.00 at 0.60% settles 11-05 for ¥298.20, paid by a credit of its own.
    const m2 = rec(
      'settlement',
      {
        merchantId: 'M2',
        refNo: 'R9',
        time: '2026-11-04 10:00:00',
        settleDate: '2026-11-05',
        amountFen: 30000,
        feeFen: 180,
        settledFen: 29820,
      },
      4,
      'settlement.csv',
    );
    const report = await audit(
      [
        '交易日期,交易金额,余额,对方户名,摘要',
        '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
        '2026-11-05,-99.00,4901.00,汇通支付有限公司,流量费代扣',
        '2026-11-05,198.80,5099.80,汇通支付有限公司,T1结算',
        '2026-11-05,298.20,5398.00,汇通支付有限公司,T1结算',
      ],
      [...settlement, m2],
    );
    expect(report.findings).toEqual([]);
    expect(report.summary.lossFen).toBe(0);
    const text = report.warnings.join('\n');
    expect(text).toContain(
      '1 笔收单机构直接从银行账户扣款（共 -¥99.00），不在结算单中，无法确定是哪个商户的扣款，未计入损失，请对照合同核对是否约定了这些费用：2026-11-05 -¥99.00 汇通支付有限公司 流量费代扣（bank.csv 第 3 行）',
    );
    expect(text).toContain(
      '1 charge(s) the provider debited straight from the bank account (-¥99.00 in all), not on the statements; which merchant they were taken from cannot be told, so they are not counted as losses; check them against the contract: 2026-11-05 -¥99.00 汇通支付有限公司 流量费代扣 (bank.csv row 3)',
    );
  });
});
