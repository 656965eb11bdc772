import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding, SUPPORTED_ENCODINGS, unrecognisedEncoding } from './decode.js';
import { ImportFileError, importFileStreaming } from './import.js';

// Japanese in Shift-JIS is valid GBK byte for byte, and reads as rare extension hanzi (取引日時 as 庢堷擔帪): it was
// taken for GBK and refused as "no header". It is said to be Shift-JIS, as Big5 is said to be Big5. Chinese text in
// GBK, whatever its words, must never be taken for it.

/** A card statement as a Japanese acquirer writes it: kanji header, kana in the rows. */
const JAPANESE = [
  '取引日時,加盟店番号,端末番号,取引区分,カード種別,取引金額,手数料,決済金額,決済日',
  '2026-10-01 10:00:00,822584053110001,12345678,売上,クレジット,1000,6,994,2026-10-02',
  '2026-10-01 11:00:00,822584053110001,12345678,取消,デビット,-10,0,-10,2026-10-02',
].join('\r\n');

describe('a Shift-JIS statement', () => {
  it('is said to look like Shift-JIS, in both languages, with the encodings supported', () => {
    const bytes = iconv.encode(JAPANESE, 'shift_jis');
    expect(detectEncoding(bytes)).toBe('gbk');
    const found = unrecognisedEncoding(bytes);
    expect(found?.guess).toBe('shift-jis');
    expect(found?.zh).toBe(
      `文件编码无法识别：看起来是 Shift-JIS（日文）编码，本程序只支持 ${SUPPORTED_ENCODINGS.zh}；请用 Excel 或文本编辑器把文件另存为 UTF-8 编码后再导入`,
    );
    expect(found?.en).toBe(
      `the file's encoding was not recognised: it looks like Shift-JIS (Japanese), and only ${SUPPORTED_ENCODINGS.en} are supported; save the file as UTF-8 in Excel or a text editor and import it again`,
    );
  });

  it('is found from a header of kanji alone, and among many ASCII rows', () => {
    expect(unrecognisedEncoding(iconv.encode('取引日時,取引金額,手数料\r\n', 'shift_jis'))?.guess).toBe(
      'shift-jis',
    );
    const rows = Array.from({ length: 500 }, (_, i) => `2026-10-01 10:00:00,${1000 + i}.00,6.00`);
    const long = iconv.encode(['取引日時,取引金額,手数料', ...rows].join('\n'), 'shift_jis');
    expect(unrecognisedEncoding(long)?.guess).toBe('shift-jis');
  });

  it('is refused on import with that reason, naming the file', async () => {
    const bytes = iconv.encode(JAPANESE, 'shift_jis');
    const error = await importFileStreaming({ name: 'jp.csv', bytes }, {}, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).file).toBe('jp.csv');
    expect((error as ImportFileError).reason.en).toContain('it looks like Shift-JIS (Japanese)');
  });

  it('in UTF-8 is UTF-8: the encoding is fine', () => {
    expect(unrecognisedEncoding(Buffer.from(JAPANESE, 'utf8'))).toBeUndefined();
  });
});

/** Words of mainland statements, headers and values. */
const WORDS = [
  '商户号',
  '商户名称',
  '终端号',
  '交易时间',
  '交易金额',
  '手续费',
  '结算金额',
  '结算日期',
  '清算日期',
  '参考号',
  '凭证号',
  '卡号',
  '卡类型',
  '交易类型',
  '支付方式',
  '微信',
  '支付宝',
  '云闪付',
  '银联二维码',
  '贷记卡',
  '借记卡',
  '准贷记卡',
  '消费',
  '退货',
  '撤销',
  '冲正',
  '预授权完成',
  '手续费率',
  '封顶',
  '交易成功',
  '已结算',
  '备注',
  '深圳市南山区喆堃便利店',
  '广州市天河区小卖部',
  '北京朝阳区餐饮有限公司',
  '上海浦东新区超市',
  '合计',
  '（元）',
  '￥',
  '：',
  '、',
  '【汇总】',
];

describe('GBK statements are never taken for Shift-JIS', () => {
  it('a variety of statements in GBK and GB18030 decode as GBK, with no doubt about their encoding', () => {
    const statements = [
      '商户号,终端号,交易时间,交易金额,手续费,结算金额,结算日期\n898310058120002,20000001,2026-10-01 10:00:00,1000.00,6.00,994.00,2026-10-02\n',
      '交易时间,支付方式,交易类型,交易金额,手续费\n2026-10-01 10:00:00,微信,消费,100.00,0.38\n2026-10-01 11:00:00,支付宝,退货,-20.00,0.00\n',
      '卡类型,交易金额,手续费,结算日期\n贷记卡,1000.00,6.00,20261002\n借记卡,5000.00,20.00,20261002\n',
      '清算日期,商户名称,交易笔数,交易金额,手续费\n2026-10-02,深圳市南山区喆堃便利店,2,1100.00,6.60\n',
      '结算明细\n交易时间,交易金额,手续费,结算金额\n2026-10-01 10:00:00,100.00,0.60,99.40\n合计,100.00,0.60,99.40\n',
    ];
    for (const text of statements) {
      for (const encoding of ['gbk', 'gb18030'] as const) {
        const bytes = iconv.encode(text, encoding);
        expect([text, detectEncoding(bytes)]).toEqual([text, 'gbk']);
        expect([text, unrecognisedEncoding(bytes)]).toEqual([text, undefined]);
        expect(iconv.decode(bytes, 'gb18030')).toBe(text);
      }
    }
  });

  it('any line of statement words in GBK, among ASCII cells (property)', () => {
    const cell = fc.oneof(
      fc.constantFrom(...WORDS),
      fc.constantFrom('2026-10-01 10:00:00', '1000.00', '6.00', '898310058120002', '', '0.60%'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const text = rows.map((r) => r.join(',')).join('\r\n');
          const found = unrecognisedEncoding(iconv.encode(text, 'gbk'));
          expect(found?.guess).not.toBe('shift-jis');
          // With a word of the list in it, no doubt at all.
          if (/[\u4e00-\u9fff]/.test(text)) expect(found).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
  });
});
