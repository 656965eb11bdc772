import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles } from './import.js';

// A WeChat Pay trade bill (DOMAIN.md §2.6) a merchant opened in Excel and saved again as CSV: GBK, CRLF, the
// backtick before every cell gone, and only the cells Excel thought needed it quoted. Tools that write the bill
// out again without Excel leave a comma inside 商品名称 unquoted, so such a row has more cells than the header;
// with an empty 费率备注 last, the reader used to take the extra cell for a trailing delimiter and read 手续费,
// 费率 and 订单金额 one column to the left.

const FIELDS = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
] as const;
type Field = (typeof FIELDS)[number];

/** A bill row's cells as written out: each value as given, unquoted (a comma in it makes more cells). */
function row(values: Partial<Record<Field, string>>): string {
  return FIELDS.map((f) => values[f] ?? '').join(',');
}

const BASE: Partial<Record<Field, string>> = {
  公众账号ID: 'wx2421b1c4370ec43b',
  商户号: '1900000109',
  特约商户号: '0',
  设备号: 'POS-01',
  用户标识: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  交易类型: 'MICROPAY',
  付款银行: 'CMB_DEBIT',
  货币种类: 'CNY',
  代金券金额: '0.00',
  微信退款单号: '0',
  商户退款单号: '0',
  退款金额: '0.00',
  充值券退款金额: '0.00',
  费率: '0.60%',
  申请退款金额: '0.00',
};

function sale(
  time: string,
  no: number,
  label: string,
  amount: string,
  fee: string,
  more: Partial<Record<Field, string>> = {},
): string {
  return row({
    ...BASE,
    交易时间: `2026-10-10 ${time}`,
    微信订单号: `420000150120261010000000000${no}`,
    商户订单号: `ORD${no}`,
    交易状态: 'SUCCESS',
    应结订单金额: amount,
    订单金额: amount,
    商品名称: label,
    手续费: fee,
    ...more,
  });
}

/** Excel pads a title line with a delimiter per empty cell of the sheet's used range. */
const TITLE = ['微信支付交易账单', ...Array<string>(26).fill('')].join(',');
const PERIOD = '起始时间：[2026-10-10 00:00:00] 终止时间：[2026-10-11 00:00:00]';
const SUMMARY_HEAD =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

const dir = mkdtempSync(join(tmpdir(), 'posguard-wechat-resaved-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes lines as Excel saves a CSV on a Chinese Windows (GBK, CRLF) and imports the file from disk. */
async function importBill(name: string, lines: string[]) {
  const path = join(dir, name);
  writeFileSync(path, iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'));
  return { path, result: await importFiles([{ path }]) };
}

describe('a WeChat bill re-saved without its backticks, 商品名称 holding unquoted commas', () => {
  it('folds the extra cells back into 商品名称 and reads every amount, fee and rate in its own column', async () => {
    const { result } = await importBill('1900000109_ALL_20261010_resaved.csv', [
      TITLE,
      PERIOD,
      FIELDS.join(','),
      // Row 4: no comma, as the bill was.
      sale('09:01:22', 1, '美式咖啡x4', '100.00', '0.60000'),
      // Row 5: a comma Excel quoted: the scanner keeps the cell whole.
      sale('09:47:05', 2, '"拿铁,热"', '58.80', '0.35000'),
      // Row 6: the defect: one unquoted comma, 商户数据包 and 费率备注 empty (28 cells, the last empty).
      sale('12:30:41', 3, '年卡,含赠品', '1288.00', '7.73000'),
      // Row 7: two unquoted commas, a 5.00 voucher: 应结订单金额 45.00 of 订单金额 50.00 (29 cells).
      sale('13:15:09', 4, '蛋糕,6寸,加蜡烛', '45.00', '0.27000', { 代金券金额: '5.00', 订单金额: '50.00' }),
      // Row 8: one unquoted comma and a 费率备注 (28 cells, the last not empty).
      sale('16:04:50', 5, '矿泉水,冰', '12.00', '0.07000', { 费率备注: '标准费率' }),
      // Row 9: the refund of row 6, its 商品名称 as unquoted.
      row({
        ...BASE,
        交易时间: '2026-10-10 21:10:00',
        微信订单号: '4200001501202610100000000003',
        商户订单号: 'ORD3',
        交易状态: 'REFUND',
        应结订单金额: '0.00',
        微信退款单号: '50300000382026101000000000003',
        商户退款单号: 'RF3',
        退款金额: '288.00',
        退款类型: 'ORIGINAL',
        退款状态: 'SUCCESS',
        商品名称: '年卡,含赠品',
        手续费: '-1.73000',
        订单金额: '0.00',
        申请退款金额: '288.00',
      }),
      // Row 10: the comma in 费率备注, the last column: the columns before it line up as they stand.
      sale('22:00:00', 6, '可乐', '8.00', '0.05000', { 费率备注: '标准费率,限时优惠' }),
      SUMMARY_HEAD,
      // 100.00 + 58.80 + 1288.00 + 45.00 + 12.00 + 8.00 = 1511.80;
      // fees 0.60 + 0.35 + 7.73 + 0.27 + 0.07 − 1.73 + 0.05 = 7.34.
      '7,1511.80,288.00,0.00,7.34000,1516.80,288.00',
    ]);
    expect(result.files[0]).toMatchObject({ preset: 'wechat', encoding: 'gbk', rows: 7 });
    expect(result.rejected).toEqual([]);
    // The bill's own totals agree with the rows: no row was read shifted.
    expect(result.warnings).toEqual([]);
    expect(
      result.records.map((r) => [
        r.source.row,
        r.type,
        r.orderNo,
        r.label,
        r.amountFen,
        r.feeFen,
        r.rate,
        r.discountFen,
      ]),
    ).toEqual([
      [4, 'sale', 'ORD1', '美式咖啡x4', 10_000, 60, 6000, undefined],
      [5, 'sale', 'ORD2', '拿铁,热', 5_880, 35, 6000, undefined],
      [6, 'sale', 'ORD3', '年卡,含赠品', 128_800, 773, 6000, undefined],
      // 订单金额 50.00 − 应结订单金额 45.00: the merchant-funded voucher.
      [7, 'sale', 'ORD4', '蛋糕,6寸,加蜡烛', 4_500, 27, 6000, 500],
      [8, 'sale', 'ORD5', '矿泉水,冰', 1_200, 7, 6000, undefined],
      [9, 'refund', 'RF3', '年卡,含赠品', -28_800, -173, 6000, undefined],
      // 8.00 × 0.60 % = 0.048 → 0.05.
      [10, 'sale', 'ORD6', '可乐', 800, 5, 6000, undefined],
    ]);
    expect(result.records[5]).toMatchObject({
      originalOrderNo: 'ORD3',
      status: 'success',
      channel: 'wechat',
    });
  });

  it('rejects, naming file, row and column, a row whose commas fit two columns, and one with a split amount', async () => {
    const { path, result } = await importBill('1900000109_ALL_20261011_resaved.csv', [
      FIELDS.join(','),
      sale('09:00:00', 1, '拿铁', '20.00', '0.12000'),
      // Row 3: 套餐,A | table=8 or 套餐 | A,table=8: the money lines up either way, the text does not.
      sale('10:00:00', 2, '套餐,A', '30.00', '0.18000', { 商户数据包: 'table=8' }),
      // Row 4: 应结订单金额 1,000.00 unquoted: read as it stood, the amount was ¥1.00 and the fee column empty.
      sale('11:00:00', 3, '礼盒', '1,000.00', '6.00000', { 订单金额: '1000.00' }),
      sale('12:00:00', 4, '蛋糕', '45.00', '0.27000'),
      SUMMARY_HEAD,
      '4,1095.00,0.00,0.00,6.57000,1095.00,0.00',
    ]);
    expect(result.records.map((r) => [r.orderNo, r.amountFen, r.feeFen, r.rate])).toEqual([
      ['ORD1', 2_000, 12, 6000],
      ['ORD4', 4_500, 27, 6000],
    ]);
    expect(result.rejected).toEqual([
      {
        file: path,
        row: 3,
        column: '商品名称',
        reason:
          '该行有 28 个单元格，表头有 27 列：可能是“商品名称”中有未加引号的逗号，也可能是“商户数据包”中有未加引号的逗号，两种读法各列的值不同，无法确定，为免读错金额未导入',
        reasonEn:
          'the row has 28 cells where the header has 27: either "商品名称" holds an unquoted comma, or "商户数据包" holds an unquoted comma; the two readings give different values and neither can be told right, so the row is not imported rather than read shifted',
      },
      {
        file: path,
        row: 4,
        column: '应结订单金额',
        reason:
          '该行有 28 个单元格，表头有 27 列，各列会错位：“应结订单金额”列的“1,000.00”未加引号，千位逗号把它拆成了两个单元格，未导入',
        reasonEn:
          'the row has 28 cells where the header has 27, so its values would shift columns: "1,000.00" in column "应结订单金额" is not quoted, and its thousands comma split it in two cells; not imported',
      },
    ]);
    // The bill's totals count the two rows left out.
    expect(result.warnings.map((w) => w.code)).toEqual(['totals.mismatch']);
  });
});

describe('a row with more cells than the header, outside WeChat bills', () => {
  it('folds a split 商户名称 back when the columns after it line up again, and rejects what fits nowhere', async () => {
    const { path, result } = await importBill('结算明细_20261001.csv', [
      '交易时间,商户名称,交易金额,手续费,结算金额,费率,参考号',
      '2026-10-01 10:00:00,张记便利店,朝阳店,1000.00,6.00,994.00,0.60%,100000000001',
      '2026-10-01 11:00:00,李记面馆,500.00,3.00,497.00,0.60%,100000000002',
      // A trailing delimiter: the extra cell is empty, and nothing else lines up.
      '2026-10-01 12:00:00,王记水果,200.00,1.20,198.80,0.60%,100000000003,',
      // 2,000.00 unquoted after the last text column: no fold lines the row up.
      '2026-10-01 13:00:00,赵记烟酒,2,000.00,12.00,1988.00,0.60%,100000000004',
    ]);
    expect(
      result.records.map((r) => [
        r.refNo,
        r.label ?? r.counterparty,
        r.amountFen,
        r.feeFen,
        r.settledFen,
        r.rate,
      ]),
    ).toEqual([
      ['100000000001', '张记便利店,朝阳店', 100_000, 600, 99_400, 6000],
      ['100000000002', '李记面馆', 50_000, 300, 49_700, 6000],
      ['100000000003', '王记水果', 20_000, 120, 19_880, 6000],
    ]);
    expect(result.rejected).toEqual([
      {
        file: path,
        row: 5,
        column: '交易金额',
        reason:
          '该行有 8 个单元格，表头有 7 列，各列会错位：“交易金额”列的“2,000.00”未加引号，千位逗号把它拆成了两个单元格，未导入',
        reasonEn:
          'the row has 8 cells where the header has 7, so its values would shift columns: "2,000.00" in column "交易金额" is not quoted, and its thousands comma split it in two cells; not imported',
      },
    ]);
  });
});
