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
    // Each subtotal states its day's 1000.00 / 6.00 / 994.00 (2026-10-13 小计 the day settled 2026-10-13).
    expect(result.warnings.filter((w) => w.code === 'subtotals.mismatch')).toEqual([]);
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

// Each subtotal is checked against the rows it covers, as the file's 合计 is against all of them.
describe('subtotal figures checked against the rows they cover', () => {
  const row = (time: string, settle: string, ref: string, type: string, money: string) =>
    `${time},${settle},${MERCHANT},70000001,${ref},贷记卡,刷卡,${type},${money}`;
  // 2026-10-12: 1000.00 + 500.00 − 200.00 (a refund) = 1300.00; fees 6.00 + 3.00 − 1.20 = 7.80; settled
  // 994.00 + 497.00 − 198.80 = 1292.20. 2026-10-13: 2000.00 + 300.00 = 2300.00; 12.00 + 1.80 = 13.80;
  // 1988.00 + 298.20 = 2286.20. The file: 3600.00, 21.60, 3578.40.
  const statement = (refund: string, secondDay: string) =>
    utf8([
      HEAD,
      row('2026-10-12 09:00:00', '2026-10-13', '700000000011', '消费', '1000.00,6.00,994.00'),
      row('2026-10-12 15:30:00', '2026-10-13', '700000000012', '消费', '500.00,3.00,497.00'),
      row('2026-10-12 16:00:00', '2026-10-13', '700000000013', '退货', refund),
      '2026-10-12 小计,,,,,,,,1300.00,7.80,1292.20',
      row('2026-10-13 10:00:00', '2026-10-14', '700000000014', '消费', '2000.00,12.00,1988.00'),
      row('2026-10-13 11:00:00', '2026-10-14', '700000000015', '消费', '300.00,1.80,298.20'),
      `2026-10-13 小计,,,,,,,,${secondDay}`,
      '合计,,,,,,,,3600.00,21.60,3578.40',
    ]);
  const mismatches = (warnings: { code: string; message: string; messageEn: string }[]) =>
    warnings.filter((w) => w.code === 'subtotals.mismatch').map((w) => [w.message, w.messageEn]);

  it.each([
    ['written negative', '-200.00,-1.20,-198.80'],
    ['written positive, its type saying it goes back', '200.00,1.20,198.80'],
  ])('two daily subtotals that agree add no warning (a refund %s)', async (_, refund) => {
    const result = await importFiles([{ name: 's.csv', bytes: statement(refund, '2300.00,13.80,2286.20') }]);
    expect(result.rejected).toEqual([]);
    expect(result.records).toHaveLength(5);
    expect(mismatches(result.warnings)).toEqual([]);
    expect(result.warnings.filter((w) => w.code === 'totals.mismatch')).toEqual([]);
  });

  it('a subtotal stating more than its rows (a row taken out, the 合计 redone) is warned of with both figures', async () => {
    // Row 8 states 2500.00 / 15.00 / 2485.00: a 200.00 sale (fee 1.20) gone from the rows, which sum 2300.00 /
    // 13.80 / 2286.20. The file's 合计 matches the rows: only the subtotal shows it.
    const result = await importFiles([
      { name: 's.csv', bytes: statement('-200.00,-1.20,-198.80', '2500.00,15.00,2485.00') },
    ]);
    expect(result.warnings.filter((w) => w.code === 'totals.mismatch')).toEqual([]);
    expect(mismatches(result.warnings)).toEqual([
      [
        's.csv 有 1 行小计与其所计的明细不符：第 8 行“2026-10-13 小计”（“交易金额”小计 ¥2,500.00，明细加总 ¥2,300.00；“手续费”小计 ¥15.00，明细加总 ¥13.80；“结算金额”小计 ¥2,485.00，明细加总 ¥2,286.20）。可能有行缺失、被拒绝或被改动',
        's.csv: 1 subtotal row does not match the rows it covers: row 8 ("2026-10-13 小计": amount ("交易金额") subtotal ¥2,500.00 ≠ ¥2,300.00 summed from the rows; fee ("手续费") subtotal ¥15.00 ≠ ¥13.80 summed from the rows; settled ("结算金额") subtotal ¥2,485.00 ≠ ¥2,286.20 summed from the rows). Rows may be missing, rejected or altered',
      ],
    ]);
  });

  it('a subtotal after a rejected row says its check could not be completed', async () => {
    // Row 3's amount cannot be read: the subtotal's 1500.00 / 9.00 / 1491.00 includes it, the rows read sum to
    // 1000.00 / 6.00 / 994.00.
    const result = await importFiles([
      {
        name: 's.csv',
        bytes: utf8([
          HEAD,
          row('2026-10-12 09:00:00', '2026-10-13', '700000000021', '消费', '1000.00,6.00,994.00'),
          row('2026-10-12 10:00:00', '2026-10-13', '700000000022', '消费', '五百元,3.00,497.00'),
          '2026-10-12 小计,,,,,,,,1500.00,9.00,1491.00',
        ]),
      },
    ]);
    expect(result.rejected.map((r) => r.row)).toEqual([3]);
    expect(mismatches(result.warnings)).toEqual([
      [
        's.csv 有 1 行小计与其所计的明细不符：第 4 行“2026-10-12 小计”（“交易金额”小计 ¥1,500.00，明细加总 ¥1,000.00；“手续费”小计 ¥9.00，明细加总 ¥6.00；“结算金额”小计 ¥1,491.00，明细加总 ¥994.00，其间有 1 行被拒绝，无法完成核对）。可能有行缺失、被拒绝或被改动',
        's.csv: 1 subtotal row does not match the rows it covers: row 4 ("2026-10-12 小计": amount ("交易金额") subtotal ¥1,500.00 ≠ ¥1,000.00 summed from the rows; fee ("手续费") subtotal ¥9.00 ≠ ¥6.00 summed from the rows; settled ("结算金额") subtotal ¥1,491.00 ≠ ¥994.00 summed from the rows; 1 row among them rejected, so the check could not be completed). Rows may be missing, rejected or altered',
      ],
    ]);
  });

  it('subtotals that name their day, listed below all the rows, are checked against the rows of that day', async () => {
    // 2026-10-12: 1000.00 + 500.00 = 1500.00 (fees 9.00, settled 1491.00); 2026-10-13: 2000.00 (12.00, 1988.00).
    // The second subtotal states 2100.00: only it disagrees, against its day's 2000.00, not the nothing read since
    // the first subtotal.
    const rows = [
      HEAD,
      row('2026-10-12 09:00:00', '2026-10-13', '700000000031', '消费', '1000.00,6.00,994.00'),
      row('2026-10-12 15:30:00', '2026-10-13', '700000000032', '消费', '500.00,3.00,497.00'),
      row('2026-10-13 10:00:00', '2026-10-14', '700000000033', '消费', '2000.00,12.00,1988.00'),
      '2026-10-12 小计,,,,,,,,1500.00,9.00,1491.00',
    ];
    const agreeing = await importFiles([
      { name: 's.csv', bytes: utf8([...rows, '2026-10-13 小计,,,,,,,,2000.00,12.00,1988.00']) },
    ]);
    expect(mismatches(agreeing.warnings)).toEqual([]);
    const result = await importFiles([
      { name: 's.csv', bytes: utf8([...rows, '2026-10-13 小计,,,,,,,,2100.00,12.00,1988.00']) },
    ]);
    expect(mismatches(result.warnings).map(([zh]) => zh)).toEqual([
      's.csv 有 1 行小计与其所计的明细不符：第 6 行“2026-10-13 小计”（“交易金额”小计 ¥2,100.00，明细加总 ¥2,000.00）。可能有行缺失、被拒绝或被改动',
    ]);
  });

  it('a 当日合计 on a dated row is checked against the rows of the date in its 交易日期 cell', async () => {
    // 2026-11-03: 100.00 (fee 0.60, settled 99.40); 2026-11-04: 200.00 (1.20, 198.80). Both subtotals come last:
    // the first agrees with its day, the second states 250.00 against its day's 200.00.
    const result = await importFiles([
      {
        name: 's.csv',
        bytes: utf8([
          '交易日期,交易时间,终端号,参考号,卡类型,交易类型,交易金额,手续费,结算金额',
          '2026-11-03,09:00:00,74826033,500000000011,贷记卡,消费,100.00,0.60,99.40',
          '2026-11-04,09:00:00,74826033,500000000012,贷记卡,消费,200.00,1.20,198.80',
          '2026-11-03,,,,,当日小计,100.00,0.60,99.40',
          '2026-11-04,,,,,当日合计,250.00,1.20,198.80',
        ]),
      },
    ]);
    expect(result.rejected).toEqual([]);
    expect(mismatches(result.warnings).map(([zh]) => zh)).toEqual([
      's.csv 有 1 行小计与其所计的明细不符：第 5 行“当日合计”（“交易金额”小计 ¥250.00，明细加总 ¥200.00）。可能有行缺失、被拒绝或被改动',
    ]);
  });
});
