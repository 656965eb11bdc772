import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { halfWidthDigits, luhn } from '../../src/records/card-number.js';
import { RecordSchema } from '../../src/records/record.js';
import { importFiles } from '../../src/statements/import.js';

// A card-number column keeps at most the first six and last four digits of any 13–19 digit number in it, whether
// or not the number passes the Luhn check: a mistyped or test card number is still a card number.

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

/** A 13–19 digit number, Luhn-valid or not, any prefix (0…, 2088…, a date) included. */
const anyNumber = fc.stringMatching(/^\d{13,19}$/);

/** How a card-number cell spells it: plain, in fours, with the BIN set apart, words around it. */
const cell = fc
  .tuple(
    anyNumber,
    fc.integer({ min: 0, max: 2 }),
    fc.constantFrom(' ', '-', '.', '/'),
    fc.constantFrom(['', ''], ['卡号', ''], ['', ' 借记卡'], ["'", '']),
  )
  .map(([digits, style, separator, [before, after]]) => {
    const spelled =
      style === 0
        ? digits
        : style === 1
          ? (digits.match(/\d{1,4}/g)?.join(separator) ?? digits)
          : `${digits.slice(0, 6)}${separator}${digits.slice(6)}`;
    return { digits, text: `${before}${spelled}${after}` };
  });

const shown = (text: string | undefined): string => halfWidthDigits(text ?? '').replace(/\D/g, '');
const sixFour = (digits: string): string => `${digits.slice(0, 6)}${digits.slice(-4)}`;

describe('a card-number column never keeps more than 6 + 4 digits of a 13–19 digit number', () => {
  it('masks one failing the Luhn check where it used to be refused (API push)', () => {
    // 6225881234567899 fails the Luhn check: 8 is its check digit.
    expect(luhn('6225881234567899')).toBe(false);
    const parsed = RecordSchema.safeParse({ ...base, cardNo: '6225 8812 3456 7899 借记卡' });
    expect(parsed.success && parsed.data.cardNo).toBe('6225 88** **** 7899 借记卡');
  });

  it('RecordSchema (API push): any such number in a cardNo is stored masked, never refused', () => {
    fc.assert(
      fc.property(cell, ({ digits, text }) => {
        const parsed = RecordSchema.safeParse({ ...base, cardNo: text });
        expect(parsed.success).toBe(true);
        expect(shown(parsed.data?.cardNo)).toBe(sixFour(digits));
      }),
    );
  });

  it('import: any such number in a 卡号 column is kept masked, and no full number is left anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 1, maxLength: 4 }), async (cells) => {
        const lines = cells.map((c, i) => `2026-10-01 10:0${i}:00,T1,${c.text},100.00,0.60`);
        const csv = ['交易时间,终端号,卡号,交易金额,手续费', ...lines].join('\n');
        const result = await importFiles([{ name: 'cards.csv', bytes: Buffer.from(csv) }], {
          kind: 'settlement',
        });
        expect(result.rejected).toEqual([]);
        expect(result.records.map((r) => shown(r.cardNo))).toEqual(cells.map((c) => sixFour(c.digits)));
        // 100.00 yuan each: 10000 fen, every row kept.
        expect(result.records.map((r) => r.amountFen)).toEqual(cells.map(() => 10000));
        const everything = halfWidthDigits(JSON.stringify(result)).replace(/[\s./-]/g, '');
        for (const c of cells) expect(everything).not.toContain(c.digits);
      }),
      { numRuns: 40 },
    );
  });
});
