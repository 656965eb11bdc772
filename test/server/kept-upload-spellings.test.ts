import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { keptCopyOf } from '../../src/server/kept-upload.js';

describe('the kept copy of an upload', () => {
  it('masks a card number written with spaces, dashes or full-width digits, not only an unbroken one', () => {
    // 6225881234567898 passes the Luhn check: each spelling keeps 622588 and 7898 and nothing between.
    const text = [
      '参考号,卡号,备注',
      '100000000001,6225 8812 3456 7898,',
      '100000000002,6225-8812-3456-7898,',
      '100000000003,６２２５８８１２３４５６７８９８,',
      '100000000004,622588******7898,已脱敏',
      '',
    ].join('\n');
    const copy = keptCopyOf(iconv.encode(text, 'gbk'), new Set(['100000000001']));
    expect(copy.outcome).toMatchObject({ kept: true, masked: true });
    const kept = iconv.decode(Buffer.from(copy.bytes ?? new Uint8Array()), 'gbk');
    const digitsOnly = kept.replace(/[\s\-－]/g, '').normalize('NFKC');
    expect(digitsOnly).not.toContain('6225881234567898');
    expect(digitsOnly).not.toContain('8812345678');
    // The reference numbers and the already masked card are kept as they were.
    expect(kept).toContain('100000000001,');
    expect(kept).toContain('622588******7898,已脱敏');
    expect(kept.split('\n')).toHaveLength(text.split('\n').length);
  });

  it('keeps a file without a card number byte for byte', () => {
    const bytes = Buffer.from('参考号,卡号\n100000000001,622588******7898\n', 'utf8');
    const copy = keptCopyOf(bytes, new Set());
    expect(copy.outcome).toMatchObject({ kept: true, masked: false });
    expect(Buffer.from(copy.bytes ?? new Uint8Array()).equals(bytes)).toBe(true);
  });
});
