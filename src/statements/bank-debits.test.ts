// Bank debit lines at import: ordinary spending is skipped (counted, its dates kept as the file's coverage); a
// reversal of a payout — a red-ink credit or a 冲正 debit — comes in as a negative payout for the audit to cancel.
import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

/** 工商银行 企业网银 历史明细, as exported (title lines, 借/贷 flag, thousands commas, two memo columns). */
const icbcCorp = (rows: string[]) =>
  [
    '中国工商银行账户历史明细',
    '账号：1202020409900123456',
    '户名：鸿运便利店',
    '起止日期：2026-08-01 至 2026-08-21',
    '凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额,个性化信息',
    ...rows,
  ].join('\r\n');

const row = (
  no: number,
  time: string,
  side: '借' | '贷',
  debit: string,
  credit: string,
  memo: string,
  cp: string,
) =>
  `${no},1202020409900123456,4100****1003,${time},${side},${debit},${credit},102100099996,${memo},,${cp},"50,000.00",`;

const PAYOUT = row(
  10001,
  '2026-08-05 07:19:23',
  '贷',
  '',
  '"1,713.69"',
  '汇通支付T1结算款2026-08-04',
  '汇通支付有限公司',
);

/** The 冲正 of PAYOUT, as a red-ink credit (贷, negative 贷方发生额) or as a debit (借, 借方发生额). */
const reversal = (side: '借' | '贷', debit: string, credit: string) =>
  row(
    10002,
    '2026-08-05 16:30:00',
    side,
    debit,
    credit,
    '冲正 汇通支付T1结算款2026-08-04',
    '汇通支付有限公司',
  );
const REVERSAL_DEBIT = reversal('借', '"1,713.69"', '');

async function importBank(text: string) {
  return importFiles([{ name: 'bank.csv', bytes: Buffer.from(text) }], { kind: 'bank' });
}

describe('bank debits at import', () => {
  it('keeps the sign of a red-ink credit (贷方发生额 -1,713.69, 冲正)', async () => {
    const result = await importBank(icbcCorp([PAYOUT, reversal('贷', '', '"-1,713.69"')]));
    expect(result.records.map((r) => [r.type, r.amountFen, r.source.row])).toEqual([
      ['payout', 171369, 6],
      ['payout', -171369, 7],
    ]);
  });

  it('imports a 冲正 debit as a negative payout and still skips, counts and dates ordinary debits', async () => {
    const result = await importBank(
      icbcCorp([
        row(10000, '2026-08-03 15:58:18', '借', '"2,591.00"', '', '货款', '某某物业管理有限公司'),
        PAYOUT,
        REVERSAL_DEBIT,
        row(10003, '2026-08-21 16:00:29', '借', '194.00', '', '房租', '供货商李某'),
      ]),
    );
    expect(result.records.map((r) => [r.type, r.amountFen, r.label, r.source.row])).toEqual([
      ['payout', 171369, '汇通支付T1结算款2026-08-04', 7],
      ['payout', -171369, '冲正 汇通支付T1结算款2026-08-04', 8],
    ]);
    const [file] = result.files;
    // The two ordinary debits: skipped and counted, and the file spans their dates too (08-03 to 08-21).
    expect(file?.skipped).toBe(2);
    expect(file?.skippedDebitDates).toEqual({ first: '2026-08-03', last: '2026-08-21' });
    expect(result.warnings.find((w) => w.code === 'bank.debits-skipped')?.message).toContain('跳过 2 笔支出');
  });

  it('leaves skippedDebitDates out when no debit was skipped', async () => {
    const result = await importBank(icbcCorp([PAYOUT]));
    expect(result.files[0]?.skippedDebitDates).toBeUndefined();
  });

  it('checks a totals row of the credit column without the reversing debits', async () => {
    const result = await importBank(
      icbcCorp([PAYOUT, REVERSAL_DEBIT, '合计,,,,,"1,713.69","1,713.69",,,,,,']),
    );
    expect(result.records).toHaveLength(2);
    expect(result.warnings.filter((w) => w.code === 'totals.mismatch')).toEqual([]);
  });
});

describe('bank debits marked by a direction column', () => {
  it('imports a 冲正 line flagged 借 as a negative payout and skips the other 借 lines', async () => {
    const text = [
      '交易时间,借贷标志,交易金额,摘要,对方户名',
      '2026-08-05 07:19:23,贷,994.00,汇通支付T1结算款2026-08-04,汇通支付有限公司',
      '2026-08-05 16:30:00,借,994.00,冲正 汇通支付T1结算款2026-08-04,汇通支付有限公司',
      '2026-08-07 16:00:29,借,194.00,房租,供货商李某',
    ].join('\n');
    const result = await importBank(text);
    expect(result.records.map((r) => [r.amountFen, r.source.row])).toEqual([
      [99400, 2],
      [-99400, 3],
    ]);
    expect(result.files[0]?.skippedDebitDates).toEqual({ first: '2026-08-07', last: '2026-08-07' });
  });
});
