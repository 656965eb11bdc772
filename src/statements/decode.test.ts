import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createDecoder, createSplitDecoder, detectEncoding, utf8HeadBeforeGbk } from './decode.js';

/** Decodes bytes in the given chunks, as readText feeds a decoder. */
function decodeInChunks(bytes: Uint8Array, cuts: number[]): string {
  const decoder = createDecoder('gbk');
  let text = '';
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    text += decoder.write(bytes.subarray(from, Math.max(from, cut)));
    from = Math.max(from, cut);
  }
  return text + decoder.write(bytes.subarray(from)) + decoder.end();
}

// Pieces a GBK statement is made of, and the ones that take iconv-lite's path: four-byte characters (one of them
// outside the BMP), lone and truncated lead bytes, 0x80 and 0xFF, and trail bytes where no lead is.
const piece = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(',', '\n', '\r\n', '\r', '\t', '"', '2026-10-01 10:00:00', '12.30', 'A'),
  },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '消费',
      '贷记卡',
      '交易时间',
      '商户名称：顺发五金店',
      '（元）',
      '€',
      '·',
      '　',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('ǹ', '😀', '\u00b7', '\u0080', '\ue5e5', '\u20ac', '\ufffd') },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => Buffer.from([b])) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Buffer.from([0x81]),
      Buffer.from([0x81, 0x30]),
      Buffer.from([0x81, 0x30, 0x81]),
      Buffer.from([0x84, 0x31, 0xa4, 0x39]),
      Buffer.from([0xfe, 0x39, 0xfe, 0x39]),
      Buffer.from([0x80]),
      Buffer.from([0xff]),
      Buffer.from([0x7f]),
      Buffer.from([0xa1, 0x7f]),
    ),
  },
);
const gbkBytes = fc
  .array(piece, { maxLength: 80 })
  .map((parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? iconv.encode(p, 'gb18030') : p))));

describe('GBK decoding', () => {
  it('gives what iconv-lite gives for the whole input, however the input is cut', () => {
    fc.assert(
      fc.property(gbkBytes, fc.array(fc.nat(400), { maxLength: 6 }), (bytes, cuts) => {
        expect(decodeInChunks(bytes, cuts)).toBe(iconv.decode(bytes, 'gb18030'));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives what iconv-lite gives for random bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 4 }),
        (bytes, cuts) => {
          expect(decodeInChunks(bytes, cuts)).toBe(iconv.decode(Buffer.from(bytes), 'gb18030'));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('hands a long stretch without a line end to iconv-lite whole', () => {
    // 100 KB of four-byte characters and no line end or comma: more than the fast path carries between chunks.
    const bytes = Buffer.concat([
      iconv.encode('交易时间,金额\n', 'gb18030'),
      iconv.encode('ǹ'.repeat(25_000), 'gb18030'),
      Buffer.from([0x81]),
      iconv.encode('\n消费', 'gb18030'),
    ]);
    const cuts = Array.from({ length: 30 }, (_, i) => i * 4099);
    expect(decodeInChunks(bytes, cuts)).toBe(iconv.decode(bytes, 'gb18030'));
  });

  it('relies only on bytes that no GB18030 sequence continues with', () => {
    // The decoder hands iconv-lite a stretch up to one of these bytes and expects it to hold nothing half-read
    // after it: in iconv-lite's decoding trie, no node but the root may accept them.
    const tables = (iconv.getCodec('gb18030') as unknown as { decodeTables: number[][] }).decodeTables;
    expect(tables.length).toBeGreaterThan(1);
    for (const b of [0x0a, 0x0d, 0x2c, 0x09]) {
      expect(tables[0]?.[b]).toBe(b);
      for (let node = 1; node < tables.length; node++) expect(tables[node]?.[b]).toBe(-1);
    }
  });
});

describe('a UTF-8 head over a GBK body', () => {
  const head = Buffer.from('交易时间,交易类型,备注\n', 'utf8');
  const body = iconv.encode('2026-08-03 09:00:00,退货,午市\n2026-08-03 10:00:00,消费,晚市\n', 'gbk');
  const bytes = Buffer.concat([head, body]);

  it('finds the line where GBK starts, and nothing in a file of one encoding', () => {
    expect(utf8HeadBeforeGbk(bytes)).toBe(head.length);
    expect(utf8HeadBeforeGbk(Buffer.concat([head, Buffer.from('2026-08-03,退货,午市\n', 'utf8')]))).toBe(0);
    expect(utf8HeadBeforeGbk(iconv.encode('交易时间,交易类型\n2026-08-03,退货\n', 'gbk'))).toBe(0);
  });

  it('decodes each part in its encoding however the bytes are cut', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 6 }), (cuts) => {
        const decoder = createSplitDecoder(head.length, 'utf-8', 'gbk');
        let text = '';
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          text += decoder.write(bytes.subarray(from, Math.max(from, cut)));
          from = Math.max(from, cut);
        }
        text += decoder.write(bytes.subarray(from)) + decoder.end();
        expect(text).toBe(
          '交易时间,交易类型,备注\n2026-08-03 09:00:00,退货,午市\n2026-08-03 10:00:00,消费,晚市\n',
        );
      }),
    );
  });
});

describe('detectEncoding', () => {
  it('keeps UTF-8 with a character cut off in one cell as UTF-8, and GBK as GBK', () => {
    const rows = Array.from({ length: 10 }, () => '2026-08-03 09:00:00,消费,午市\n').join('');
    // 市 is E5 B8 82 in UTF-8: a memo cut to a byte limit keeps E5 B8.
    const cut = Buffer.concat([
      Buffer.from(rows, 'utf8'),
      Buffer.from([0xe5, 0xb8, 0x0a]),
      Buffer.from(rows, 'utf8'),
    ]);
    expect(detectEncoding(cut)).toBe('utf-8');
    expect(detectEncoding(iconv.encode(rows, 'gbk'))).toBe('gbk');
  });

  it('reads GBK text behind a UTF-8 BOM (a file re-saved without re-encoding) as GBK, the BOM dropped', () => {
    const rows = '交易时间,交易金额\n2026-08-03 09:00:00,12.30\n'.repeat(5);
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode(rows, 'gbk')]);
    expect(detectEncoding(bytes)).toBe('gbk');
    const decoder = createDecoder('gbk');
    expect(decoder.write(bytes) + decoder.end()).toBe(rows);
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows)]))).toBe('utf-8');
  });
});
