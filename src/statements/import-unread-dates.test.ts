import { describe, expect, it } from 'vitest';
import { auditRecords } from '../audit/audit.js';
import { parsePlan } from '../plans/parse-plan.js';
import { importFiles } from './import.js';

// A settlement date or completion time the import cannot read used to reject the whole row — and with it the fee
// it carried: the ¥7.20 line below (0.72 % where the contract says 0.60 %) was listed as rejected and its 跳点
// never reported. Those dates only date the payout and the coverage; the row is now kept without them, and one
// warning per column names the rows.

const M = '898440153991234';
const STATEMENT = [
  '交易时间,结算日期,完成时间,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  `2026-11-02 10:00:00,2026-11-03,2026-11-02 10:00:05,${M},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.00,994.00`,
  `2026-11-02 11:00:00,2026-13-45,2026-11-02 11:00:05,${M},12345678,100000000002,贷记卡,刷卡,消费,1000.00,7.20,992.80`,
  `2026-11-02 12:00:00,待定,2026-11-02 12:00:05,${M},12345678,100000000003,贷记卡,刷卡,消费,500.00,3.00,497.00`,
  `2026-11-02 13:00:00,2026-11-03,昨天下午,${M},12345678,100000000004,贷记卡,刷卡,消费,200.00,1.20,198.80`,
].join('\n');

const importStatement = () => importFiles([{ name: '结算明细.csv', bytes: Buffer.from(STATEMENT) }]);

describe('a statement row whose settlement date or completion time cannot be read', () => {
  it('is kept without that date, its money intact', async () => {
    const result = await importStatement();
    expect(result.rejected).toEqual([]);
    expect(
      result.records.map((r) => [r.refNo, r.amountFen, r.feeFen, r.settleDate, r.completedAt !== undefined]),
    ).toEqual([
      ['100000000001', 100000, 600, '2026-11-03', true],
      ['100000000002', 100000, 720, undefined, true],
      ['100000000003', 50000, 300, undefined, true],
      ['100000000004', 20000, 120, '2026-11-03', false],
    ]);
  });

  it('says once per column which rows lost which date', async () => {
    const result = await importStatement();
    const unread = result.warnings.filter((w) => w.code === 'date.unread');
    expect(unread.map((w) => w.message)).toEqual([
      '“结算日期”列有 2 行读不出日期（第 3、4 行：“2026-13-45”、“待定”），这些行照常导入并核对手续费，只是不记录结算日期（不用于核对到账和覆盖日期）',
      '“完成时间”列有 1 行读不出日期（第 5 行：“昨天下午”），这些行照常导入并核对手续费，只是不记录完成时间',
    ]);
    expect(unread[1]?.messageEn).toBe(
      'column "完成时间": 1 row holds no readable date (row 5: "昨天下午"); they are imported and their fees checked, without a completion time',
    );
  });

  it('still has its overcharge found: ¥1,000.00 at 0.72 % is ¥1.20 over the contract’s 0.60 %', async () => {
    const { records } = await importStatement();
    const parsed = parsePlan(
      'periods:\n  - from: 2026-01-01\n    rates:\n      - { card: credit, rate: 0.60% }\n',
      'plan.yaml',
    );
    if (!parsed.ok) throw new Error('plan');
    const report = auditRecords({ terminal: [], settlement: records, bank: [], plans: [parsed.plan] });
    expect(
      report.findings.filter((f) => f.kind === 'fee_overcharge').map((f) => [f.refNo, f.overchargeFen]),
    ).toEqual([['100000000002', 120]]);
  });
});
