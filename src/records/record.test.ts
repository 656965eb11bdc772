import { describe, expect, it } from 'vitest';
import { journalAmountAgrees, orderTotalFen, RECORD_FIELDS, RecordSchema, withDiscount } from './record.js';

// 6225881234567898 passes the Luhn check (its check digit is 8), as does 6222021234567890128.
const base = {
  kind: 'terminal',
  type: 'sale',
  status: 'success',
  time: '2026-10-01T10:00:00+08:00',
  channel: 'card',
  card: 'debit',
  amountFen: 10000,
  source: { file: 'api', row: 1 },
} as const;

describe('RecordSchema never keeps a full card number', () => {
  it.each([
    ['6225 8812 3456 7898', '622588******7898'],
    ['6225-8812-3456-7898', '622588******7898'],
    ['６２２５８８１２３４５６７８９８', '622588******7898'],
    ['6225881234567898', '622588******7898'],
    ['622588******7898', '622588******7898'],
    ['6225 8812 3456 7898 借记卡', '6225 88** **** 7898 借记卡'],
  ])('masks cardNo %s as the importer does', (cardNo, stored) => {
    const parsed = RecordSchema.safeParse({ ...base, cardNo });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.cardNo).toBe(stored);
  });

  it('refuses a cardNo that would still show more than 6 + 4 digits', () => {
    // 12 digits among words is no card number to mask, and 20 digits in a row is longer than any card.
    expect(RecordSchema.safeParse({ ...base, cardNo: '卡 1234 5678 9012' }).success).toBe(false);
    expect(RecordSchema.safeParse({ ...base, cardNo: '卡 62258812345678981234' }).success).toBe(false);
  });

  it('masks a 13–19 digit cardNo that fails the Luhn check or has no card prefix, words around it too', () => {
    expect(RecordSchema.parse({ ...base, cardNo: '卡 1234 5678 9012 345' }).cardNo).toBe(
      '卡 1234 56** ***2 345',
    );
    expect(RecordSchema.parse({ ...base, cardNo: '6225.8812.3456.7899' }).cardNo).toBe('6225.88**.****.7899');
  });

  it('masks a card number in the memo, the counterparty and the payer id, spaces and full-width digits too', () => {
    const parsed = RecordSchema.parse({
      ...base,
      label: '退款至卡6222 0212 3456 7890 128',
      counterparty: '张三 ６２２５８８１２３４５６７８９８',
      payerId: '6225-8812-3456-7898',
    });
    expect(parsed.label).toBe('退款至卡6222 02** **** ***0 128');
    expect(parsed.counterparty).toBe('张三 ６２２５８８******７８９８');
    // A payer id that is a card number is masked like a card-number column: the same card is the same payer.
    expect(parsed.payerId).toBe('622588******7898');
    for (const text of [parsed.label, parsed.counterparty, parsed.payerId])
      expect(text?.replace(/[^\d０-９]/g, '').length).toBeLessThanOrEqual(10);
  });

  it('leaves order numbers, times and Alipay user ids in free texts alone', () => {
    const label = '订单 4200001234202610011234567890 于 2026-10-01 12:30:45 退款 1,234.56';
    const parsed = RecordSchema.parse({ ...base, label, payerId: '2088102122334455' });
    expect(parsed.label).toBe(label);
    expect(parsed.payerId).toBe('2088102122334455');
  });
});

describe('discountFen, the merchant-funded discount of a QR statement line', () => {
  it('is an optional whole number of fen, listed right after amountFen', () => {
    expect(
      RecordSchema.parse({ ...base, kind: 'settlement', amountFen: 5000, discountFen: 1000 }).discountFen,
    ).toBe(1000);
    expect(RecordSchema.safeParse({ ...base, discountFen: 10.5 }).success).toBe(false);
    expect(RECORD_FIELDS.indexOf('discountFen')).toBe(RECORD_FIELDS.indexOf('amountFen') + 1);
  });

  it('adds to the amount for the order total a journal shows; either agrees with the journal', () => {
    const sale = { amountFen: 5000, discountFen: 1000 };
    const refund = { amountFen: -5000, discountFen: -1000 };
    expect(orderTotalFen(sale)).toBe(6000);
    expect(orderTotalFen(refund)).toBe(-6000);
    expect(orderTotalFen({ amountFen: 5000 })).toBe(5000);
    expect([6000, 5000, 5500].map((j) => journalAmountAgrees(j, sale))).toEqual([true, true, false]);
    expect(journalAmountAgrees(-6000, refund)).toBe(true);
  });

  it('is set in schema order by withDiscount, and left out when zero', () => {
    const record = RecordSchema.parse({ ...base, feeFen: 19 });
    const keys = Object.keys(withDiscount(record, 1000));
    expect(keys.indexOf('discountFen')).toBe(keys.indexOf('amountFen') + 1);
    expect(withDiscount(record, 0)).not.toHaveProperty('discountFen');
    expect(withDiscount(withDiscount(record, 1000), undefined)).not.toHaveProperty('discountFen');
  });
});
