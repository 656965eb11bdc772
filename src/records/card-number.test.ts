import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsFullCardNumber, luhn, maskCardNumber, maskCardNumbersIn } from './card-number.js';

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
