import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';
import { importFiles } from './import.js';

// Adjustments (调账, 差错调整) and a balance inquiry (余额查询) on card lines, with a reference and a terminal.
const MERCHANT = '822000000000077';
const gbk = (lines: readonly string[]) => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
const STATEMENT = gbk([
  '交易时间,商户号,终端号,参考号,卡类型,交易类型,交易金额,手续费,结算金额',
  `2026-11-03 10:00:00,${MERCHANT},74826033,300000000000,贷记卡,消费,100.00,0.60,99.40`,
  `2026-11-03 10:14:00,${MERCHANT},74826033,300000000014,贷记卡,调账,100.00,0.60,99.40`,
  `2026-11-03 10:15:00,${MERCHANT},74826033,300000000015,贷记卡,差错调整,-5.00,0.00,-5.00`,
  `2026-11-03 10:17:00,${MERCHANT},74826033,300000000017,贷记卡,余额查询,0.00,0.00,0.00`,
  `2026-11-03 10:18:00,${MERCHANT},74826033,300000000018,贷记卡,余额查询,0.00,0.00,0.00`,
]);
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');

const audit = statementAuditor('posguard-adjustment-types-');

describe('adjustment and inquiry lines of a settlement statement', () => {
  it('reads a card adjustment that pays as a sale settled late, one that takes money as a deduction', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.source.row, r.type, r.settledFen])).toEqual([
      [2, 'sale', 9940],
      [3, 'sale', 9940],
      [4, 'deduction', -500],
    ]);
    expect(result.warnings.filter((w) => w.code === 'value.unknown').map((w) => w.message)).toEqual([
      '“交易类型”列有未识别的值“调账”（1 行），已按消费处理',
      '“交易类型”列有未识别的值“差错调整”（1 行），已按扣费处理',
    ]);
  });

  it('skips balance inquiries with a count', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.warnings.filter((w) => w.code === 'rows.inquiries').map((w) => w.message)).toEqual([
      '跳过 2 行查询（“交易类型”为 余额查询：2 行），查询没有资金变动，不是交易',
    ]);
    expect(result.warnings.filter((w) => w.code === 'rows.type-skipped')).toEqual([]);
  });

  it('prices only the sale: the 差错调整 is a ¥5.00 deduction nobody agreed to', async () => {
    const { report } = await audit(STATEMENT, PLAN);
    expect(report.findings.map((f) => [f.kind, f.amountFen, f.lossFen])).toEqual([
      ['unplanned_deduction', -500, 500],
    ]);
    expect(report.summary.findingsByKind.no_rule).toBe(0);
  });
});
