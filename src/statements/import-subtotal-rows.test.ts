import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { statementAuditor } from '../../test/cli/audit-fixtures.js';
import { importFiles } from './import.js';

// A statement that closes each day with a subtotal row (2026-10-13 小计, 本日合计) and the file with 合计: the
// subtotals are not transactions and no rows to reject.
const MERCHANT = '822700000000001';
const HEAD = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const sale = (time: string, settle: string, ref: string) =>
  `${time},${settle},${MERCHANT},70000001,${ref},贷记卡,刷卡,消费,1000.00,6.00,994.00`;
const utf8 = (lines: readonly string[]) => new TextEncoder().encode([...lines, ''].join('\n'));
const STATEMENT = utf8([
  'XX支付结算明细',
  HEAD,
  sale('2026-10-12 15:30:00', '2026-10-13', '700000000001'),
  '2026-10-13 小计,,,,,,,,1000.00,6.00,994.00',
  sale('2026-10-13 15:30:00', '2026-10-14', '700000000002'),
  ',本日合计,,,,,,,1000.00,6.00,994.00',
  sale('2026-10-14 15:30:00', '2026-10-15', '700000000003'),
  '日计,,,,,,,,1000.00,6.00,994.00',
  '合计,,,,,,,,3000.00,18.00,2982.00',
]);
const PLAN = [
  `merchantId: "${MERCHANT}"`,
  'periods:',
  '  - from: 2026-09-01',
  '    rates:',
  '      - { channel: card, card: credit, rate: 0.60% }',
  '',
].join('\n');

const audit = statementAuditor('posguard-subtotals-');

describe('subtotal rows of a statement', () => {
  it('are skipped and counted in a notice, not rejected; the file totals are still checked', async () => {
    const result = await importFiles([{ name: 's.csv', bytes: STATEMENT }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => r.refNo)).toEqual(['700000000001', '700000000002', '700000000003']);
    const notes = result.warnings.filter((w) => w.code === 'rows.subtotals');
    expect(notes.map((w) => [w.message, w.messageEn])).toEqual([
      [
        '跳过 3 行小计（如第 4 行“2026-10-13 小计”），未作为交易导入',
        'skipped 3 subtotal rows (such as row 4, "2026-10-13 小计"); not imported as transactions',
      ],
    ]);
    // 合计 3000.00 / 18.00 / 2982.00 is the sum of the three sales: no mismatch.
    expect(result.warnings.filter((w) => w.code === 'totals.mismatch')).toEqual([]);
  });

  it('leave the audit clean: exit code 0 with no finding', async () => {
    const { exitCode, report } = await audit(STATEMENT, PLAN);
    expect(report.findings).toEqual([]);
    expect(report.rejected ?? []).toEqual([]);
    expect(exitCode).toBe(0);
  });

  it('are skipped on every worksheet of a workbook', async () => {
    const wb = new ExcelJS.Workbook();
    for (const [name, day, ref] of [
      ['10月', 12, '700000000001'],
      ['11月', 2, '700000000002'],
    ] as const) {
      const ws = wb.addWorksheet(name);
      ws.addRow(HEAD.split(','));
      const month = name === '10月' ? 10 : 11;
      ws.addRow([
        new Date(Date.UTC(2026, month - 1, day, 15, 30)),
        new Date(Date.UTC(2026, month - 1, day + 1)),
        MERCHANT,
        '70000001',
        ref,
        '贷记卡',
        '刷卡',
        '消费',
        1000,
        6,
        994,
      ]);
      ws.addRow([`2026-${month}-${day + 1} 小计`, '', '', '', '', '', '', '', 1000, 6, 994]);
    }
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const result = await importFiles([{ name: 's.xlsx', bytes }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.time])).toEqual([
      ['700000000001', '2026-10-12T15:30:00+08:00'],
      ['700000000002', '2026-11-02T15:30:00+08:00'],
    ]);
    expect(result.warnings.filter((w) => w.code === 'rows.subtotals')).toHaveLength(2);
  });
});
