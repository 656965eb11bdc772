// Bank exports whose sides are written in other ways than 借方/贷方 columns: one signed amount column (a negative
// amount is money out), a 借贷标志 column of codes (1/2 cannot be told apart; D/C can), and lines that move no
// money at all (查询 0.00/0.00, a `-` placeholder): none of these may come in as a payout.
import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

const bank = async (lines: string[]) =>
  importFiles([{ name: 'bank.csv', bytes: Buffer.from(lines.join('\r\n')) }], { kind: 'bank' });

describe('one signed amount column, no side column', () => {
  it('skips a negative amount paid to someone else as a debit, and keeps the credits', async () => {
    const r = await bank([
      '交易日期,交易金额,余额,对方户名,摘要',
      '2026-11-04,+1227.77,5000.00,拉卡拉支付股份有限公司,T1结算',
      '2026-11-04,-500.00,4500.00,张三,房租',
      '2026-11-05,198.80,4698.80,乐刷科技有限公司,D0结算',
    ]);
    expect(r.records.map((x) => [x.source.row, x.type, x.amountFen])).toEqual([
      [2, 'payout', 122777],
      [4, 'payout', 19880],
    ]);
    expect(r.files[0]?.totals?.amountFen).toBe(122777 + 19880);
    expect(r.files[0]?.warnings.map((w) => w.code)).toContain('bank.debits-skipped');
    expect(r.files[0]?.skippedDebitDates).toEqual({ first: '2026-11-04', last: '2026-11-04' });
  });

  it('imports a provider charge debited from the account as a negative deduction, a 冲正 as a negative payout', async () => {
    const r = await bank([
      '交易日期,交易金额,余额,对方户名,摘要',
      '2026-11-04,99.40,5000.00,汇通支付有限公司,T1结算',
      '2026-11-05,-99.00,4901.00,汇通支付有限公司,流量费代扣',
      '2026-11-05,-99.40,4801.60,汇通支付有限公司,冲正 T1结算',
    ]);
    expect(r.records.map((x) => [x.source.row, x.type, x.amountFen])).toEqual([
      [2, 'payout', 9940],
      [3, 'deduction', -9900],
      [4, 'payout', -9940],
    ]);
  });
});

describe('a 借贷标志 column written as codes', () => {
  const coded = (codes: [string, string]) => [
    '交易日期,借贷标志,交易金额,对方户名,摘要',
    `2026-11-05,${codes[0]},500.00,通联支付,结算`,
    `2026-11-05,${codes[1]},600.00,张三,房租`,
  ];

  it('refuses rows whose side is a bare digit, saying how to map the codes', async () => {
    const r = await bank(coded(['1', '2']));
    expect(r.records).toEqual([]);
    expect(r.rejected.map((x) => [x.row, x.column])).toEqual([
      [2, '借贷标志'],
      [3, '借贷标志'],
    ]);
    expect(r.rejected[0]?.reason).toContain('values: { direction: { "1": out } }');
    expect(r.rejected[0]?.reasonEn).toContain('--mapping');
  });

  it('reads D/C letters: C is money in, D money out', async () => {
    const r = await bank(coded(['C', 'D']));
    expect(r.records.map((x) => [x.source.row, x.type, x.amountFen])).toEqual([[2, 'payout', 50000]]);
    expect(r.files[0]?.warnings.map((w) => w.code)).toContain('bank.debits-skipped');
  });
});

describe('a bank line that moves no money', () => {
  it('skips a `-` placeholder credit beside an empty debit, counted in a note, not rejected', async () => {
    const r = await bank([
      '交易日,借方金额（支出）,贷方金额（收入）,余额,摘要,对方户名',
      '20261104,,"1,227.77","5,000.00",T1结算款,拉卡拉支付股份有限公司',
      '20261105,,-,"5,000.00",余额调整,',
      '20261105,—,--,"5,000.00",余额调整,',
    ]);
    expect(r.rejected).toEqual([]);
    expect(r.records.map((x) => [x.source.row, x.amountFen])).toEqual([[2, 122777]]);
    const note = r.files[0]?.warnings.find((w) => w.code === 'bank.no-money-skipped');
    expect(note?.message).toContain('跳过 2 行没有收支金额的流水');
  });

  it('skips 0.00 in and 0.00 out (查询) rather than importing a ¥0.00 payout', async () => {
    const r = await bank([
      '交易时间,收入(元),支出(元),余额(元),对方户名,摘要',
      '2026年11月4日 07:10:20,"1,227.77元",,5000.00,拉卡拉支付股份有限公司,T1结算',
      '2026年11月5日 09:10:20,0.00,0.00,5000.00,张三,查询',
    ]);
    expect(r.records.map((x) => [x.source.row, x.amountFen])).toEqual([[2, 122777]]);
    expect(r.files[0]?.totals?.amountFen).toBe(122777);
    expect(r.files[0]?.warnings.map((w) => w.code)).toContain('bank.no-money-skipped');
  });
});
