import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvScanner, detectDelimiter } from './csv-scanner.js';

function scanAll(text: string, delimiter: string, cuts: number[]): string[][] {
  const rows: string[][] = [];
  const scanner = new CsvScanner(delimiter, (cells) => rows.push(cells));
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(cut, text.length);
    if (to > at) scanner.push(text.slice(at, to));
    at = Math.max(at, to);
  }
  scanner.push(text.slice(at));
  scanner.end();
  return rows;
}

function encode(rows: string[][], delimiter: string, eol: string): string {
  return rows
    .map((r) =>
      r.map((c) => (/[",\t|;\r\n]/.test(c) || c === '' ? `"${c.replaceAll('"', '""')}"` : c)).join(delimiter),
    )
    .join(eol);
}

describe('CsvScanner', () => {
  it('reads quotes, doubled quotes, embedded newlines and CRLF', () => {
    const text = 'a,"b,1","say ""hi"""\r\n"multi\nline",,x\r\nlast,row';
    expect(scanAll(text, ',', [])).toEqual([
      ['a', 'b,1', 'say "hi"'],
      ['multi\nline', '', 'x'],
      ['last', 'row'],
    ]);
  });

  it('reads lone-CR line ends', () => {
    expect(scanAll('a,b\rc,d\r', ',', [])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('keeps an unterminated quote at the end of the file as the field', () => {
    expect(scanAll('a,"open', ',', [])).toEqual([['a', 'open']]);
  });

  it('gives the same rows however the text is cut into chunks', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\n', '\r', ' ', '中', '\t') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(',', '\t', '|'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat({ max: 400 }), { maxLength: 6 }),
        (rows, delimiter, eol, cuts) => {
          const text = encode(rows, delimiter, eol) + eol;
          expect(scanAll(text, delimiter, cuts)).toEqual(rows);
        },
      ),
    );
  });
});

describe('detectDelimiter', () => {
  it('picks the delimiter that splits the table consistently, ignoring title rows', () => {
    expect(detectDelimiter('某某明细\n商户号：1\na\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(detectDelimiter('a|b|c\n1|2,5|3\n4|5|6\n')).toBe('|');
    expect(detectDelimiter('a;b\n1;2\n')).toBe(';');
    expect(detectDelimiter('"x,y",b\n1,2\n')).toBe(',');
  });
});
