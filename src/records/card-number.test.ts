import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsFullCardNumber, maskCardNumber } from './card-number.js';

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
