import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/index.js';
import { importFiles } from './import.js';

const M = '822000000000001';
const HEADER = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';
const NO_SETTLED = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费';

const importCsv = (lines: string[], name = 's.csv') =>
  importFiles([{ name, bytes: Buffer.from(lines.join('\n'), 'utf8') }]);
const money = (records: PosRecord[]) =>
  records.map((r) => [r.refNo, r.type, r.amountFen, r.feeFen, r.settledFen]);
const codes = (warnings: { code: string }[]) => warnings.map((w) => w.code);
const yuan = (fen: number) =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
const sale = (ref: string, amount: string, fee: string, settled?: string) =>
  `2026-10-12 10:00:00,2026-10-13,${M},10000001,${ref},贷记卡,刷卡,消费,${amount},${fee}${settled === undefined ? '' : `,${settled}`}`;
const refund = (ref: string, amount: string, fee: string, settled?: string) =>
  `2026-10-13 12:00:00,2026-10-14,${M},10000001,${ref},贷记卡,刷卡,退货,${amount},${fee}${settled === undefined ? '' : `,${settled}`}`;

describe('a sale fee written as a negative number', () => {
  it('is the fee charged when the settled amount shows it withheld (QA defect 2)', async () => {
    // 1000.00 − 6.00 = 994.00; 2000.00 − 12.60 = 1987.40; 8000.00 − 44.00 = 7956.00.
    const result = await importCsv([
      HEADER,
      sale('000000210001', '1000.00', '-6.00', '994.00'),
      sale('000000210002', '2000.00', '-12.60', '1987.40'),
      sale('000000210003', '8000.00', '-44.00', '7956.00'),
    ]);
    expect(result.rejected).toEqual([]);
    expect(money(result.records)).toEqual([
      ['000000210001', 'sale', 100000, 600, 99400],
      ['000000210002', 'sale', 200000, 1260, 198740],
      ['000000210003', 'sale', 800000, 4400, 795600],
    ]);
    expect(result.files[0]?.totals).toEqual({ amountFen: 1100000, feeFen: 6260, settledFen: 1093740 });
    expect(codes(result.warnings)).toEqual(['fee.negative-withheld']);
    expect(result.warnings[0]?.message).toBe(
      '“手续费”列有 3 笔消费的手续费写成负数，结算金额 = 交易金额 − |手续费|：已按收取的手续费（取绝对值）读取',
    );
    expect(result.warnings[0]?.messageEn).toBe(
      'column "手续费" writes the fee of 3 sales as a negative number and the settled amount is the amount − |fee|: read as the fee charged (its absolute value)',
    );
  });

  it('keeps a fee the settled amount shows paid back, and warns when it fits neither sign', async () => {
    const result = await importCsv([
      HEADER,
      sale('1', '1000.00', '-6.00', '994.00'),
      // 1000.00 − 6.00 = 994.00 and 1000.00 + 6.00 = 1006.00, but 990.00 settled.
      sale('2', '1000.00', '-6.00', '990.00'),
      sale('3', '1000.00', '6.00', '990.00'),
      // A fee rebate on a sale: 500.00 + 1.50 = 501.50 paid.
      sale('4', '500.00', '-1.50', '501.50'),
    ]);
    expect(money(result.records)).toEqual([
      ['1', 'sale', 100000, 600, 99400],
      ['2', 'sale', 100000, 600, 99000],
      // A positive fee with a short settlement is a deduction the audit reports, not a sign in doubt.
      ['3', 'sale', 100000, 600, 99000],
      ['4', 'sale', 50000, -150, 50150],
    ]);
    expect(codes(result.warnings)).toEqual(['fee.negative-withheld', 'fee.sign-unclear']);
    expect(result.warnings[0]?.message).toContain('有 1 笔消费的手续费写成负数');
    expect(result.warnings[1]?.message).toBe(
      '“手续费”列有 1 行的手续费符号无法判断：结算金额既不是 交易金额 − 手续费 也不是 交易金额 + 手续费（第 3 行），已按消费收取、退货退还手续费读取，请核对这些行',
    );
    expect(result.warnings[1]?.messageEn).toBe(
      'column "手续费": the sign of the fee on 1 row cannot be told, as the settled amount is neither the amount − fee nor the amount + fee (row 3); read as charged on a sale and returned on a refund, check those rows',
    );
  });

  it('is the fee charged, with one warning, in a file without a settled column whose sale fees are all ≤ 0', async () => {
    const result = await importCsv([
      NO_SETTLED,
      sale('1', '1000.00', '-6.00'),
      sale('2', '2000.00', '0.00'),
      sale('3', '8000.00', '-44.00'),
    ]);
    expect(money(result.records)).toEqual([
      ['1', 'sale', 100000, 600, undefined],
      ['2', 'sale', 200000, 0, undefined],
      ['3', 'sale', 800000, 4400, undefined],
    ]);
    expect(codes(result.warnings)).toEqual(['fee.negative-assumed']);
    expect(result.warnings[0]?.message).toBe(
      '“手续费”列的消费手续费都是负数或零，没有结算金额可核对：按扣款写成负数理解，2 笔已按收取的手续费（取绝对值）读取',
    );
    expect(result.warnings[0]?.messageEn).toBe(
      'column "手续费" shows the fees of sales as negative numbers or zero with no settled amount to check them against: taken as deductions written negative, 2 fees read as charged (their absolute value)',
    );
  });

  it('says so when the sale fees of a file without a settled column start negative and turn positive', async () => {
    const result = await importCsv([NO_SETTLED, sale('1', '1000.00', '-6.00'), sale('2', '1000.00', '6.00')]);
    expect(money(result.records)).toEqual([
      ['1', 'sale', 100000, 600, undefined],
      ['2', 'sale', 100000, 600, undefined],
    ]);
    expect(codes(result.warnings)).toEqual(['fee.negative-assumed']);
    expect(result.warnings[0]?.message).toBe(
      '“手续费”列的消费手续费有正有负，没有结算金额可核对：最先出现的是负数，按扣款写成负数理解，1 笔负数已按收取的手续费（取绝对值）读取，1 笔正数照常读取；请核对该列的含义',
    );
    // Starting positive, the file charges positive: a negative fee later is kept as written (a fee returned).
    const positiveFirst = await importCsv([
      NO_SETTLED,
      sale('1', '1000.00', '6.00'),
      sale('2', '1000.00', '-6.00'),
    ]);
    expect(money(positiveFirst.records)).toEqual([
      ['1', 'sale', 100000, 600, undefined],
      ['2', 'sale', 100000, -600, undefined],
    ]);
    expect(positiveFirst.warnings).toEqual([]);
  });

  it('reads any fee with the settled amount = amount − fee as charged, whichever sign the file writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        async (amount, rawFee, negative) => {
          const fee = Math.min(rawFee, amount);
          const result = await importCsv([
            HEADER,
            sale('1', yuan(amount), yuan(negative ? -fee : fee), yuan(amount - fee)),
          ]);
          expect(money(result.records)).toEqual([['1', 'sale', amount, fee, amount - fee]]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the fee on a refund line', () => {
  it('is a fee charged when the settled amount is −(amount + fee) (QA defect 5), a fee returned when −(amount − fee)', async () => {
    const result = await importCsv([
      HEADER,
      sale('000000900001', '1000.00', '6.00', '994.00'),
      refund('000000900007', '-400.00', '2.40', '-402.40'),
      // Fees returned, however the fee and the amount are signed: |settled| = |amount| − |fee|.
      refund('1', '-400.00', '2.40', '-397.60'),
      refund('2', '-400.00', '-2.40', '-397.60'),
      refund('3', '400.00', '2.40', '397.60'),
    ]);
    expect(money(result.records)).toEqual([
      ['000000900001', 'sale', 100000, 600, 99400],
      ['000000900007', 'refund', -40000, 240, -40240],
      ['1', 'refund', -40000, -240, -39760],
      ['2', 'refund', -40000, -240, -39760],
      ['3', 'refund', -40000, -240, -39760],
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('keeps the returned-fee convention without a settled column, and warns when the settled amount fits neither', async () => {
    const noSettled = await importCsv([NO_SETTLED, refund('1', '-400.00', '2.40')]);
    expect(money(noSettled.records)).toEqual([['1', 'refund', -40000, -240, undefined]]);
    expect(noSettled.warnings).toEqual([]);
    const unclear = await importCsv([HEADER, refund('1', '-400.00', '2.40', '-400.00')]);
    expect(money(unclear.records)).toEqual([['1', 'refund', -40000, -240, -40000]]);
    expect(codes(unclear.warnings)).toEqual(['fee.sign-unclear']);
  });

  it('follows the settled amount for any refund and fee', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        fc.boolean(),
        async (amount, rawFee, charged, negativeFee) => {
          const fee = Math.min(rawFee, amount);
          const settled = charged ? -(amount + fee) : fee - amount;
          const result = await importCsv([
            HEADER,
            refund('1', yuan(-amount), yuan(negativeFee ? -fee : fee), yuan(settled)),
          ]);
          expect(money(result.records)).toEqual([['1', 'refund', -amount, charged ? fee : -fee, settled]]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
