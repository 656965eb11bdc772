import { describe, expect, it } from 'vitest';
import { seedValue } from './seed-value.js';

describe('seedValue', () => {
  it('is a number for an integer written plainly', () => {
    expect(seedValue('1')).toBe(1);
    expect(seedValue('42')).toBe(42);
    expect(seedValue('0')).toBe(0);
    expect(seedValue('-5')).toBe(-5);
    expect(seedValue('9007199254740991')).toBe(9_007_199_254_740_991);
  });

  it('is the text for any other seed, which as a number would make other data', () => {
    for (const seed of ['abc', '007', '-0', '+5', '1e3', '1.5', ' 42', '9007199254740993', ''])
      expect(seedValue(seed), seed).toBe(seed);
  });
});
