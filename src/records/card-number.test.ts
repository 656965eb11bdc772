import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containsFullCardNumber,
  findCardNumbers,
  halfWidthDigits,
  luhn,
  maskCardField,
  maskCardNumber,
  maskCardNumbersIn,
  showsTooManyDigits,
} from './card-number.js';

describe('maskCardNumber', () => {
  it('keeps first six and last four digits', () => {
    expect(maskCardNumber('6222021234567890123')).toBe('622202*********0123');
    expect(maskCardNumber('6222 0212 3456 7890')).toBe('622202******7890');
    expect(maskCardNumber('621226*********4882')).toBe('621226*********4882');
    expect(maskCardNumber('621226XXXXXX4882')).toBe('621226******4882');
  });

  it('never leaves a full card number behind', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{13,19}$/), (pan) => {
        const masked = maskCardNumber(pan);
        expect(containsFullCardNumber(masked)).toBe(false);
        expect(masked.replace(/\D/g, '').length).toBeLessThanOrEqual(10);
      }),
    );
  });
});

/** The digits with the Luhn check digit that makes them a valid card number appended. */
const withCheckDigit = (body: string): string =>
  `${body}${[...'0123456789'].find((d) => luhn(`${body}${d}`)) ?? ''}`;

describe('maskCardNumbersIn', () => {
  it('masks a card number quoted anywhere in a text, and nothing else', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^62\d{13,16}$/), (body) => {
        const pan = withCheckDigit(body);
        const text = maskCardNumbersIn(`第 7 行“${pan}”超出可处理的金额范围；商户 822841054119608`);
        expect(text).not.toContain(pan);
        expect(text).toContain(`“${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}”`);
        expect(text).toContain('商户 822841054119608');
      }),
    );
  });

  it('leaves a long number that is no card number as it is', () => {
    const body = '4200001234567890';
    const notCard = `${body}${[...'0123456789'].find((d) => !luhn(`${body}${d}`))}`;
    expect(maskCardNumbersIn(`订单 ${notCard}`)).toBe(`订单 ${notCard}`);
  });
});

/** A Luhn-valid card number of the given length with one of the prefixes Chinese acquirers see. */
const cardNumber = fc
  .tuple(
    fc.constantFrom('62', '60', '4', '51', '55', '9558', '95599', '3528', '2221', '2720'),
    fc.integer({ min: 16, max: 19 }),
    fc.stringMatching(/^\d{19}$/),
  )
  .filter(([prefix, length]) => !prefix.startsWith('2') || length === 16)
  .map(([prefix, length, filler]) => withCheckDigit(`${prefix}${filler}`.slice(0, length - 1)));

const FULL_WIDTH = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/** The ways a card number is written in exports, memos and notes. */
function spell(pan: string, style: number, separator: string): string {
  const fours = pan.match(/\d{1,4}/g)?.join(separator) ?? pan;
  switch (style) {
    case 0:
      return pan;
    case 1:
      return fours;
    case 2:
      return FULL_WIDTH(pan);
    case 3:
      return FULL_WIDTH(fours);
    default:
      // 4-6-9: how some banks print a 19-digit card; the BIN then the rest for the others.
      return pan.length === 19
        ? `${pan.slice(0, 4)}${separator}${pan.slice(4, 10)}${separator}${pan.slice(10)}`
        : `${pan.slice(0, 6)}${separator}${pan.slice(6)}`;
  }
}

describe('findCardNumbers', () => {
  it('finds a card number in every spelling, wherever it stands, and masking leaves at most 6 + 4 digits', () => {
    fc.assert(
      fc.property(
        cardNumber,
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(' ', '-', '\u00a0', '\u3000', '  ', '－'),
        fc.constantFrom(['', ''], ['退款至卡', '，请核实'], ['卡号:', ' 金额 100.00'], ['"', '",2026-10-01']),
        (pan, style, separator, [before, after]) => {
          const written = spell(pan, style, separator);
          const text = `${before}${written}${after}`;
          const found = findCardNumbers(text);
          expect(found.map((f) => f.digits)).toEqual([pan]);
          expect(text.slice(found[0]?.start, found[0]?.end)).toBe(written);
          const masked = maskCardNumbersIn(text);
          const digits = halfWidthDigits(masked.slice(before.length, masked.length - after.length));
          expect(digits.replace(/\D/g, '')).toBe(`${pan.slice(0, 6)}${pan.slice(-4)}`);
          expect(masked.startsWith(before) && masked.endsWith(after)).toBe(true);
        },
      ),
    );
  });

  it('finds a card number Excel wrote in E-notation with every digit, not one whose digits it cut', () => {
    expect(maskCardNumbersIn('卡号 6.225881234567898E+15 金额')).toBe('卡号 6.22588******7898E+15 金额');
    expect(findCardNumbers('卡号 6.22588E+15, 6.225881234567890E+15')).toEqual([]);
  });

  it('finds a 4-6-5 American Express number and a 13-digit Visa', () => {
    expect(findCardNumbers('AE 3782 822463 10005').map((f) => f.digits)).toEqual(['378282246310005']);
    expect(findCardNumbers('card 4222222222222').map((f) => f.digits)).toEqual(['4222222222222']);
  });

  it('takes no order number, date, time, phone number, amount or wallet id for a card', () => {
    const date = fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
    const notCard = fc.oneof(
      // WeChat / Alipay / provider order numbers: 20 digits and more.
      fc.stringMatching(/^[1-9]\d{19,31}$/),
      // Dated order numbers and compact timestamps: yyyyMMddHHmmss(SSS…).
      fc
        .tuple(date, fc.stringMatching(/^\d{0,5}$/))
        .map(([d, tail]) => `${d.replace(/\D/g, '').slice(0, 14)}${tail}`),
      date.map((d) => `${d.slice(0, 10)} ${d.slice(11, 19)}`),
      date.map((d) => `${d.slice(0, 10).replace(/-/g, '/')} ${d.slice(11, 16)}`),
      // Mobile and landline numbers, spaced or dashed.
      fc.stringMatching(/^1[3-9]\d{9}$/).map((m) => `+86 ${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`),
      fc.stringMatching(/^1[3-9]\d{9}$/).map((m) => `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`),
      fc.stringMatching(/^0\d{2,3}-\d{8}$/),
      // Amounts in yuan as exports write them.
      fc.bigInt({ min: 0n, max: 10n ** 15n }).map((f) => `${f / 100n}.${String(f % 100n).padStart(2, '0')}`),
      fc
        .bigInt({ min: 0n, max: 10n ** 15n })
        .map((f) => `${(f / 100n).toLocaleString('en-US')}.${String(f % 100n).padStart(2, '0')}`),
      // Alipay user ids (2088…, 16 digits) and 15-digit UnionPay merchant numbers in free text.
      fc.stringMatching(/^2088\d{12}$/),
      fc.stringMatching(/^8\d{14}$/),
    );
    fc.assert(
      fc.property(fc.array(notCard, { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.join(',');
        expect(findCardNumbers(text)).toEqual([]);
        expect(maskCardNumbersIn(text)).toBe(text);
      }),
    );
  });
});

describe('maskCardField', () => {
  it('masks a card number written with spaces, dashes, full-width digits or words around it', () => {
    expect(maskCardField('6225 8812 3456 7898')).toBe('622588******7898');
    expect(maskCardField('6225-8812-3456-7898')).toBe('622588******7898');
    expect(maskCardField('６２２５８８１２３４５６７８９８')).toBe('622588******7898');
    expect(maskCardField('6225 8812 3456 7898 借记卡')).toBe('6225 88** **** 7898 借记卡');
    expect(showsTooManyDigits(maskCardField('6225 8812 3456 7898 借记卡'))).toBe(false);
    expect(showsTooManyDigits('卡 1234 5678 9012 345')).toBe(true);
  });
});

/** The digits a text shows, full-width ones read as ASCII. */
const shownDigits = (text: string): string => halfWidthDigits(text).replace(/\D/g, '');

/** The ways a card-number cell spells a number: plain, in fours, BIN set apart, 4-6-rest, with any separator. */
function spellInColumn(digits: string, style: number, separator: string): string {
  switch (style) {
    case 0:
      return digits;
    case 1:
      return digits.match(/\d{1,4}/g)?.join(separator) ?? digits;
    case 2:
      return `${digits.slice(0, 6)}${separator}${digits.slice(6)}`;
    default:
      return `${digits.slice(0, 4)}${separator}${digits.slice(4, 10)}${separator}${digits.slice(10)}`;
  }
}

describe('maskCardField in a card-number column, Luhn or not', () => {
  it('masks a 16–19 digit number that fails the Luhn check in every spelling the column takes', () => {
    // 6225881234567899 fails the Luhn check (its check digit would be 8).
    expect(luhn('6225881234567899')).toBe(false);
    expect(maskCardField('6225 8812 3456 7899 借记卡')).toBe('6225 88** **** 7899 借记卡');
    expect(maskCardField('卡号6225881234567899')).toBe('卡号622588******7899');
    expect(maskCardField("'6225881234567899")).toBe("'622588******7899");
    expect(maskCardField('="6225881234567899"')).toBe('="622588******7899"');
    expect(maskCardField('6225.8812.3456.7899')).toBe('6225.88**.****.7899');
    expect(maskCardField('6225881234567899.0')).toBe('622588******7899.0');
    expect(maskCardField('6.225881234567899E+15')).toBe('6.22588******7899E+15');
    // 19 digits, check digit 9 where 8 passes.
    expect(maskCardField('6222 0212 3456 7890 129 贷记卡')).toBe('6222 02** **** ***0 129 贷记卡');
  });

  it('masks a 13–15 digit number without a card prefix, and one starting with 0 or a date', () => {
    expect(maskCardField('卡 1234 5678 9012 345')).toBe('卡 1234 56** ***2 345');
    expect(maskCardField('卡 0225881234567898')).toBe('卡 022588******7898');
    expect(maskCardField('卡 1990010112345678')).toBe('卡 199001******5678');
  });

  it('for any 13–19 digit number, however the cell spells it, shows only its first six and last four digits', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{13,19}$/),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(' ', '  ', '-', '－', '.', '/', '_', '\u00a0', '\u3000'),
        fc.boolean(),
        fc.constantFrom(
          ['', ''],
          ['卡号', ''],
          ['卡号:', ' 借记卡'],
          ['', '（贷记卡）'],
          ["'", ''],
          ['="', '"'],
          [' ', ' '],
        ),
        (digits, style, separator, fullWidth, [before, after]) => {
          const spelled = spellInColumn(digits, style, separator);
          const cell = `${before}${fullWidth ? FULL_WIDTH(spelled) : spelled}${after}`;
          const stored = maskCardField(cell);
          expect(shownDigits(stored)).toBe(`${digits.slice(0, 6)}${digits.slice(-4)}`);
          expect(showsTooManyDigits(stored)).toBe(false);
          expect(containsFullCardNumber(halfWidthDigits(stored))).toBe(false);
        },
      ),
    );
  });

  it('still leaves a run of 20 digits or more to be refused: no card is that long', () => {
    const cell = '卡号 62258812345678991234';
    expect(maskCardField(cell)).toBe(cell);
    expect(showsTooManyDigits(maskCardField(cell))).toBe(true);
  });
});

describe('maskCardNumbersIn keeps a long number that is no card number in free text', () => {
  it('leaves a 16–19 digit run failing the Luhn check alone: an order or reference number is a key', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{15,18}$/), (digits) => {
        fc.pre(!luhn(digits));
        const memo = `退款 原订单号 ${digits}`;
        expect(maskCardNumbersIn(memo)).toBe(memo);
      }),
    );
  });
});
