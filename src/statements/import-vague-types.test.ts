import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';
import { importFiles } from './import.js';

// A statement whose adjustments are typed 调账 or 其他 and named only in 备注: a deposit taken (机具押金) and given
// back (押金退还), a fee given back (手续费返还), an unexplained credit, and a 差错调整 on a card sale.
const MERCHANT = '822000000000001';
const bytes = (lines: readonly string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');
const HEADER =
  '交易时间,结算日期,商户号,终端号,凭证号,参考号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,备注';
const STATEMENT = bytes([
  HEADER,
  `2026-10-01 10:12:00,2026-10-08,${MERCHANT},11110001,000001,100000000001,622848******1234,贷记卡,刷卡,消费,1010.00,6.06,1003.94,`,
  `2026-10-05 00:30:00,2026-10-08,${MERCHANT},,,,,,,调账,-99.00,0.00,-99.00,机具押金`,
  `2026-10-06 00:30:00,2026-10-08,${MERCHANT},,,,,,,调账,99.00,0.00,99.00,押金退还`,
  `2026-10-07 00:30:00,2026-10-08,${MERCHANT},,,,,,,其他,0.00,-5.00,5.00,手续费返还`,
  `2026-10-07 01:30:00,2026-10-08,${MERCHANT},,,,,,,差错调整,-2.00,0.00,-2.00,手续费返还`,
  `2026-10-07 02:30:00,2026-10-08,${MERCHANT},,,,,,,调账,50.00,0.00,50.00,`,
]);
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'rounding: half-up',
  'settlement: T1',
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: [card, nfc, unionpay-qr], card: credit, rate: 0.6% }',
  '      - { channel: [card, nfc, unionpay-qr], card: debit, rate: 0.55%, cap: 20 }',
  'charges: []',
  '',
].join('\n');

const audit = statementAuditor('posguard-vague-types-');

describe('a statement line typed 调账 or 其他', () => {
  it('takes rebate or deduction from its memo, and reads an unexplained credit as given back, not a sale', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.type, r.amountFen, r.settledFen ?? null, r.label ?? null])).toEqual([
      ['sale', 101000, 100394, null],
      ['deduction', -9900, -9900, '机具押金'],
      ['rebate', 9900, 9900, '押金退还'],
      ['rebate', 500, 500, '手续费返还'],
      // Words of money given back on a line that takes money: the sign decides, and the reading is warned.
      ['deduction', -200, -200, '手续费返还'],
      ['rebate', 5000, 5000, '调账'],
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown').map((w) => w.message)).toEqual([
      '“交易类型”列有未识别的值“差错调整”（1 行），已按扣费处理',
      '“交易类型”列有未识别的值“调账”（1 行），已按返还处理',
    ]);
  });

  it('keeps a card sale’s adjustment a sale, warned', async () => {
    const statement = bytes([
      HEADER,
      `2026-10-01 10:12:00,2026-10-08,${MERCHANT},11110001,000001,100000000001,622848******1234,贷记卡,刷卡,调账,100.00,0.60,99.40,`,
    ]);
    const result = await importFiles([{ name: 's.csv', bytes: statement }]);
    expect(result.records.map((r) => [r.type, r.amountFen])).toEqual([['sale', 10000]]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown').map((w) => w.message)).toEqual([
      '“交易类型”列有未识别的值“调账”（1 行），已按消费处理',
    ]);
  });

  it('prices no adjustment as a sale: the deposit taken is a loss its return makes good', async () => {
    const { report } = await audit(STATEMENT, PLAN);
    // ¥1,010.00 × 0.60% = ¥6.06, as charged. Taken: 机具押金 ¥99.00 and 差错调整 ¥2.00, neither in the plan.
    expect(report.findings.map((f) => [f.kind, f.amountFen, f.lossFen])).toEqual([
      ['unplanned_deduction', -9900, 9900],
      ['unplanned_deduction', -200, 200],
    ]);
    expect(report.summary.findingsByKind.no_rule).toBe(0);
    expect(report.summary.lossFen).toBe(10100);
    // Given back ¥99.00 + ¥5.00 + ¥50.00. The deposit's return makes good the deposit taken (¥99.00), the fee's
    // return the fee-named ¥2.00 taken back; nothing is left for the unexplained ¥50.00 to make good.
    expect(report.summary.returnedFen).toBe(15400);
    expect(report.summary.offsetFen).toBe(10100);
  });
});
