import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding, SUPPORTED_ENCODINGS, unrecognisedEncoding } from './decode.js';

// A Big5 (Traditional Chinese) statement is told apart from GBK by its characters: nearly every Big5 pair is a
// valid GBK pair too, so detectEncoding reads it as GBK, and the header then decodes to kana and rare hanzi.
// unrecognisedEncoding says so in both languages, naming the encodings the reader takes and what to save it as.

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A settlement statement as a Taiwanese or Hong Kong acquirer writes it: Traditional Chinese header and rows. */
const TRADITIONAL = [
  '交易時間,商戶編號,終端號,交易類型,卡號,交易金額,手續費,結算金額,結算日期',
  '2026-10-01 10:00:00,822584053110001,12345678,消費,622588******0123,1000.00,6.00,994.00,2026-10-02',
  '2026-10-01 11:00:00,822584053110001,12345678,退貨,622588******0123,-10.00,0.00,-10.00,2026-10-02',
].join('\r\n');

/** The same statement as a mainland provider writes it. */
const SIMPLIFIED = [
  '交易时间,商户编号,终端号,交易类型,卡号,交易金额,手续费,结算金额,结算日期',
  '2026-10-01 10:00:00,822584053110001,12345678,消费,622588******0123,1000.00,6.00,994.00,2026-10-02',
  '2026-10-01 11:00:00,822584053110001,12345678,退货,622588******0123,-10.00,0.00,-10.00,2026-10-02',
].join('\r\n');

describe('a Big5 statement', () => {
  it('is read as GBK by the byte test, and decodes to no column name under GBK', () => {
    const bytes = iconv.encode(TRADITIONAL, 'big5');
    expect(detectEncoding(bytes)).toBe('gbk');
    expect(iconv.decode(bytes, 'gb18030')).not.toContain('交易');
  });

  it('is said to look like Big5, in both languages, with the encodings supported and what to save it as', () => {
    const found = unrecognisedEncoding(iconv.encode(TRADITIONAL, 'big5'));
    expect(found?.guess).toBe('big5');
    expect(found?.zh).toContain('文件编码无法识别');
    expect(found?.zh).toContain('Big5（繁体中文）');
    expect(found?.zh).toContain(SUPPORTED_ENCODINGS.zh);
    expect(found?.zh).toContain('另存为 UTF-8（或 GBK）');
    expect(found?.en).toContain("the file's encoding was not recognised");
    expect(found?.en).toContain('Big5 (Traditional Chinese)');
    expect(found?.en).toContain(SUPPORTED_ENCODINGS.en);
    expect(found?.en).toContain('save the file as UTF-8 (or GBK)');
  });

  it('is found from its header alone, with a UTF-8 BOM in front, and among many ASCII rows', () => {
    expect(unrecognisedEncoding(iconv.encode('交易時間,交易金額,手續費\r\n', 'big5'))?.guess).toBe('big5');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode(TRADITIONAL, 'big5')]);
    expect(unrecognisedEncoding(bom)?.guess).toBe('big5');
    const rows = Array.from({ length: 500 }, (_, i) => `2026-10-01 10:00:00,${1000 + i}.00,6.00`);
    const long = iconv.encode(['交易時間,交易金額,手續費', ...rows].join('\n'), 'big5');
    expect(unrecognisedEncoding(long)?.guess).toBe('big5');
  });
});

describe('what the reader decodes is left alone', () => {
  it('the simplified statement in GBK, GB18030, UTF-8 (with and without BOM) and UTF-16', () => {
    expect(unrecognisedEncoding(iconv.encode(SIMPLIFIED, 'gbk'))).toBeUndefined();
    expect(unrecognisedEncoding(iconv.encode(SIMPLIFIED, 'gb18030'))).toBeUndefined();
    expect(unrecognisedEncoding(Buffer.from(SIMPLIFIED, 'utf8'))).toBeUndefined();
    expect(unrecognisedEncoding(Buffer.from(`\ufeff${SIMPLIFIED}`, 'utf8'))).toBeUndefined();
    expect(unrecognisedEncoding(Buffer.from(`\ufeff${SIMPLIFIED}`, 'utf16le'))).toBeUndefined();
    // Traditional characters in UTF-8 are UTF-8: the encoding is fine, whatever the header then says.
    expect(unrecognisedEncoding(Buffer.from(TRADITIONAL, 'utf8'))).toBeUndefined();
  });

  it('a UTF-8 header over GBK rows, rare names in GBK, a GBK symbol or two', () => {
    const mixed = Buffer.concat([
      Buffer.from('交易时间,商户名称,交易金额\n', 'utf8'),
      iconv.encode('2026-10-01,深圳市南山区喆堃便利店,100.00\n2026-10-02,广州天河区小卖部,20.00\n', 'gbk'),
    ]);
    expect(unrecognisedEncoding(mixed)).toBeUndefined();
    const rare = iconv.encode(
      '交易时间,商户名称,交易金额\n2026-10-01,深圳市南山区喆堃便利店,100.00\n',
      'gbk',
    );
    expect(unrecognisedEncoding(rare)).toBeUndefined();
    const symbols = iconv.encode('交易时间,金额（元）,备注\n2026-10-01,￥100.00,№1—②\n', 'gbk');
    expect(unrecognisedEncoding(symbols)).toBeUndefined();
  });

  it('Traditional Chinese saved as GBK is GBK (not called Big5, nor garbage)', () => {
    expect(unrecognisedEncoding(iconv.encode(TRADITIONAL, 'gbk'))).toBeUndefined();
  });

  it('ASCII with a stray byte is no encoding problem', () => {
    const text = Buffer.concat([
      Buffer.from('time,amount\n2026-10-01,1.00 '),
      Buffer.from([0xa9]),
      Buffer.from('\n'),
    ]);
    expect(unrecognisedEncoding(text)).toBeUndefined();
  });

  it('every GBK or GB18030 statement in the repository’s fixtures', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(csv|txt|tsv)$/i.test(name)) files.push(path);
      }
    };
    walk(join(ROOT, 'test', 'fixtures'));
    walk(join(ROOT, 'examples'));
    const gbk = files.filter((f) => detectEncoding(readFileSync(f).subarray(0, 65536)) === 'gbk');
    expect(gbk.length).toBeGreaterThan(0);
    for (const f of gbk) expect(unrecognisedEncoding(readFileSync(f)), f).toBeUndefined();
  });
});

describe('bytes in no encoding the reader takes', () => {
  it('Latin-1 text with many accents: not recognised, the supported encodings listed (zh/en)', () => {
    const latin = iconv.encode(
      'Date,Amount,Merchant\n2026-10-01,10.00,Café Montréal\n2026-10-02,12.00,Crème brûlée à côté\n2026-10-03,1.00,Façade élégante\n',
      'latin1',
    );
    const found = unrecognisedEncoding(latin);
    expect(found?.guess).toBe('unknown');
    expect(found?.zh).toBe(
      '文件编码无法识别：不是 UTF-8、UTF-16、GBK/GB18030 中的任何一种（按 GBK 读出来大多是乱码）；请把文件另存为 UTF-8 编码后再导入',
    );
    expect(found?.en).toBe(
      "the file's encoding was not recognised: it is none of UTF-8, UTF-16 and GBK/GB18030 (read as GBK it is mostly garbage); save the file as UTF-8 and import it again",
    );
  });
});
