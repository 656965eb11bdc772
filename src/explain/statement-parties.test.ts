import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { zipOf } from '../../test/explain/explain-fixtures.js';
import { statementParties } from './statement-parties.js';

const HEADER = '交易时间,结算日期,商户号,终端号,参考号,交易金额,手续费,结算金额';
const ROW = '2026-10-01 10:00:00,2026-10-02,822841054119608,T01,100100000001,100.00,0.60,99.40';

describe('statementParties', () => {
  it('reads the provider and the merchant from a GBK statement’s title lines', async () => {
    const text = [
      '汇通支付有限公司商户结算明细',
      '商户号：822841054119608  商户名称：鸿运便利店  结算日期：2026-10-08 至 2026-10-30',
      HEADER,
      ROW,
    ].join('\r\n');
    expect(await statementParties(iconv.encode(text, 'gbk'), 'settlement')).toEqual({
      kind: 'settlement',
      merchantId: '822841054119608',
      merchant: '鸿运便利店',
      provider: '汇通支付有限公司',
    });
  });

  it('reads labelled cells of a title row spread over columns, and a labelled provider', async () => {
    const text = [
      '收单机构：乐刷科技,,,,',
      '商户编号：822000000000009,商户名称：\u201c星光\u201d书店,,,',
      HEADER,
      ROW,
    ].join('\n');
    expect(await statementParties(Buffer.from(`\uFEFF${text}`, 'utf8'), 'settlement')).toEqual({
      kind: 'settlement',
      merchantId: '822000000000009',
      merchant: '\u201c星光\u201d书店',
      provider: '乐刷科技',
    });
  });

  it('takes no provider from a journal, nor the merchant’s own company as one', async () => {
    const journal = ['鸿运商贸有限公司收银流水', '商户名称：鸿运便利店', HEADER, ROW].join('\n');
    expect(await statementParties(Buffer.from(journal, 'utf8'), 'terminal')).toEqual({
      kind: 'terminal',
      merchant: '鸿运便利店',
    });
    const own = ['鸿运商贸有限公司结算明细', '商户名称：鸿运商贸有限公司', HEADER, ROW].join('\n');
    expect(await statementParties(Buffer.from(own, 'utf8'), 'settlement')).toEqual({
      kind: 'settlement',
      merchant: '鸿运商贸有限公司',
    });
  });

  it('reads nothing below the header, and nothing from a file without title lines', async () => {
    const rows = [HEADER, ROW, '汇通支付有限公司,,,,,,,', '商户名称：别家店'].join('\n');
    expect(await statementParties(Buffer.from(rows, 'utf8'), 'settlement')).toEqual({ kind: 'settlement' });
    expect(await statementParties(await zipOf('s.csv', rows), 'settlement')).toEqual({ kind: 'settlement' });
  });

  it('reads a statement packed in a ZIP archive or a gzip, as merchants download them', async () => {
    const text = ['汇通支付有限公司商户结算明细', '商户名称：鸿运便利店', HEADER, ROW].join('\n');
    const expected = { kind: 'settlement', merchant: '鸿运便利店', provider: '汇通支付有限公司' };
    expect(await statementParties(await zipOf('s.csv', text), 'settlement')).toEqual(expected);
    const { gzipSync } = await import('node:zlib');
    expect(await statementParties(gzipSync(iconv.encode(text, 'gbk')), 'settlement')).toEqual(expected);
  });

  it('reads the provider and the merchant from an XLSX statement, a merged title in its first cell', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('结算明细');
    sheet.addRow(['汇通支付有限公司商户结算明细']);
    sheet.mergeCells('A1:H1');
    sheet.addRow(['商户号：822841054119608  商户名称：鸿运便利店']);
    sheet.mergeCells('A2:H2');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(ROW.split(','));
    sheet.addRow(ROW.replace('100100000001', '100100000002').split(','));
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(await statementParties(bytes, 'settlement')).toEqual({
      kind: 'settlement',
      merchantId: '822841054119608',
      merchant: '鸿运便利店',
      provider: '汇通支付有限公司',
    });
    expect(await statementParties(bytes, 'terminal')).toEqual({
      kind: 'terminal',
      merchantId: '822841054119608',
      merchant: '鸿运便利店',
    });
  });
});
