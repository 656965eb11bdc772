import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripCellDecoration, toHalfWidth } from '../money/index.js';
import { cleanCell } from './fast-parse.js';

/** cleanCell as it was before its backtick fast path: the reference it must keep matching. */
function referenceCleanCell(text: string): string {
  const n = text.length;
  if (n === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  if (first <= 32 || first === 96 || first === 39 || first === 34 || first === 61 || first === 0xa0) {
    return stripCellDecoration(toHalfWidth(text));
  }
  if (last <= 32 || last === 34 || last === 0xa0) return stripCellDecoration(toHalfWidth(text));
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3000 && (c === 0x3000 || (c >= 0xff01 && c <= 0xff5e)))
      return stripCellDecoration(toHalfWidth(text));
  }
  return text;
}

describe('cleanCell', () => {
  it('cleans exactly as before, ticked cells included', () => {
    const char = fc.constantFrom(
      '`',
      "'",
      '"',
      '=',
      ' ',
      '\t',
      '\u00a0',
      '\u3000',
      '\ufeff',
      '\u2003',
      '０',
      '（',
      'a',
      'Z',
      '0',
      '9',
      '.',
      '-',
      '消',
      '\ud83d',
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 8 }), (chars) => {
        const text = chars.join('');
        expect(cleanCell(text)).toBe(referenceCleanCell(text));
      }),
      { numRuns: 20_000 },
    );
    for (const text of ['`4200001501202610100000000001', "'0.60%", '`a', '`', '`"x"', '`x ', '`=1', '`1`']) {
      expect(cleanCell(text)).toBe(referenceCleanCell(text));
    }
  });
});
