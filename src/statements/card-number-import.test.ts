import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// 6225881234567898 and 6222021234567890128 pass the Luhn check (check digits 8 and 8).
const PAN = '6225881234567898';
const PAN19 = '6222021234567890128';

/** No field of any record, rejection or warning holds more than 6 + 4 digits of the card. */
function expectNoFullCard(value: unknown): void {
  const text = JSON.stringify(value).replace(/[０-９]/g, (d) =>
    String.fromCharCode(d.charCodeAt(0) - 0xfee0),
  );
  for (const pan of [PAN, PAN19]) {
    expect(text.replace(/[\s-]/g, '')).not.toContain(pan);
    expect(text).not.toContain(pan.slice(6, 12));
  }
}

describe('import never stores a full card number, whatever its spelling', () => {
  it('masks a card-number column written with spaces, dashes, full-width digits or words around it', async () => {
    const text = [
      '交易时间,终端号,卡号,交易金额,手续费',
      `2026-10-01 10:00:00,T1,6225 8812 3456 7898,100.00,0.60`,
      `2026-10-01 10:01:00,T1,6225-8812-3456-7898,100.00,0.60`,
      `2026-10-01 10:02:00,T1,６２２５８８１２３４５６７８９８,100.00,0.60`,
      `2026-10-01 10:03:00,T1,6225 8812 3456 7898 借记卡,100.00,0.60`,
      `2026-10-01 10:04:00,T1,6222 0212 3456 7890 128,100.00,0.60`,
    ].join('\n');
    const result = await importFiles([{ name: 'cards.csv', bytes: Buffer.from(text) }], {
      kind: 'settlement',
    });
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => r.cardNo)).toEqual([
      '622588******7898',
      '622588******7898',
      '622588******7898',
      '6225 88** **** 7898 借记卡',
      '622202*********0128',
    ]);
    // 100.00 yuan each: 10000 fen, the row kept.
    expect(result.records.map((r) => r.amountFen)).toEqual([10000, 10000, 10000, 10000, 10000]);
    expectNoFullCard(result);
  });

  it('keeps a card number Excel wrote in E-notation masked when all its digits are there, and never quotes it', async () => {
    const text = [
      '交易时间,终端号,卡号,交易金额,手续费',
      '2026-10-01 10:00:00,T1,6.225881234567898E+15,100.00,0.60',
      '2026-10-01 10:05:00,T1,6.22588E+15,200.00,1.20',
    ].join('\n');
    const result = await importFiles([{ name: 'e.csv', bytes: Buffer.from(text) }], { kind: 'settlement' });
    expect(result.rejected).toEqual([]);
    // 100.00 and 200.00 yuan: 10000 and 20000 fen; the cut-off number (digits lost) is not kept.
    expect(result.records.map((r) => [r.cardNo, r.amountFen])).toEqual([
      ['622588******7898', 10000],
      [undefined, 20000],
    ]);
    expect(result.files[0]?.warnings.map((w) => w.code)).toContain('card.number-cell');
    expectNoFullCard(result);
  });

  it('masks a card number spelled out in a bank statement’s 摘要 and 备注, full-width too', async () => {
    const text = [
      '记账日期,交易时间,摘要,收入金额,支出金额,对方户名',
      `20261002,10:15:00,退款至卡 6225 8812 3456 7898,"1,227.15",,某某支付有限公司`,
      `20261002,10:20:00,结算款 卡号６２２５８８１２３４５６７８９８,300.00,,张三 6222-0212-3456-7890-128`,
    ].join('\n');
    const result = await importFiles([{ name: 'bank.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.files[0]?.preset).toBe('bank-generic');
    expect(result.records.map((r) => [r.label, r.counterparty, r.amountFen])).toEqual([
      // 1,227.15 yuan = 122715 fen; 300.00 yuan = 30000 fen.
      ['退款至卡 6225 88** **** 7898', '某某支付有限公司', 122715],
      ['结算款 卡号６２２５８８******７８９８', '张三 6222-02**-****-***0-128', 30000],
    ]);
    expectNoFullCard(result);
  });

  it('masks a card number a rejected row’s reason quotes', async () => {
    const text = [
      '交易时间,终端号,卡号,交易金额,手续费',
      '2026-10-01 10:00:00,T1,,6225 8812 3456 7898,0.60',
    ].join('\n');
    const result = await importFiles([{ name: 'r.csv', bytes: Buffer.from(text) }], { kind: 'settlement' });
    expect(result.rejected).toHaveLength(1);
    expectNoFullCard(result);
  });
});
