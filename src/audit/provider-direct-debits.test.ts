// A charge the provider debits straight from the merchant's bank account (流量费代扣 -99.00) is on no statement:
// the audit names it (date, amount, memo) instead of calling it an unmatched reversal or a skipped debit, and it
// never cancels a payout of the same amount.
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

async function audit(lines: string[]) {
  const imported = await importFiles([{ name: 'bank.csv', bytes: Buffer.from(lines.join('\r\n')) }], {
    kind: 'bank',
  });
  return auditRecords({
    settlement,
    terminal: [],
    bank: imported.records,
    plans: [contract],
    bankDebitDates: skippedDebitDatesOf(imported.files),
  });
}

const CHARGE_ZH =
  '1 笔收单机构直接从银行账户扣款（共 -¥99.00），不在结算单中，请对照合同核对是否约定了这些费用：2026-11-05 -¥99.00 汇通支付有限公司 流量费代扣（bank.csv 第 3 行）';
const CHARGE_EN =
  '1 charge(s) the provider debited straight from the bank account (-¥99.00 in all), not on the statements; check them against the contract: 2026-11-05 -¥99.00 汇通支付有限公司 流量费代扣 (bank.csv row 3)';

describe("a provider's direct debit from the bank account", () => {
  it('is named with its date, amount and memo from a signed amount column', async () => {
    const report = await audit([
      '交易日期,交易金额,余额,对方户名,摘要',
      '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
      '2026-11-05,-99.00,4901.00,汇通支付有限公司,流量费代扣',
      '2026-11-05,198.80,5099.80,汇通支付有限公司,T1结算',
    ]);
    const text = report.warnings.join('\n');
    expect(text).toContain(CHARGE_ZH);
    expect(text).toContain(CHARGE_EN);
    expect(text).not.toContain('冲正或退回');
    expect(report.findings.filter((f) => f.kind === 'payout_mismatch')).toEqual([]);
  });

  it('is named from a 借 line of a 借贷标志 export', async () => {
    const report = await audit([
      '交易日期,借贷标志,交易金额,余额,对方户名,摘要',
      '2026-11-04,贷,99.40,5000.00,汇通支付有限公司,T1结算',
      '2026-11-05,借,99.00,4901.00,汇通支付有限公司,流量费代扣',
      '2026-11-05,贷,198.80,5099.80,汇通支付有限公司,T1结算',
    ]);
    expect(report.warnings.join('\n')).toContain(CHARGE_ZH);
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
    expect(report.warnings.join('\n')).toContain(
      '2026-11-04 -¥99.40 汇通支付有限公司 服务费代扣（bank.csv 第 3 行）',
    );
  });
});
