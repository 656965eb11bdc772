import { createReadStream, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeTextHead,
  discardUnread,
  firstSheetRows,
  merchantOfTitle,
  periodOfTitle,
  providerNames,
  providerOfTitle,
  readTitleLines,
  readTitleLinesOf,
} from './title-lines.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-title-lines-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const HEADER =
  '交易时间,结算日期,商户号,终端号,批次号,凭证号,参考号,订单号,卡号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额,费率,备注';

describe("a statement's title", () => {
  it('reads the lines above the table of a GBK statement, not the table', async () => {
    const file = join(dir, 'settlement.csv');
    writeFileSync(
      file,
      iconv.encode(
        [
          '汇通支付有限公司商户结算明细',
          '"商户号：822841054119608  商户名称：鸿运便利店  结算日期：2026-10-08 至 2026-10-30"',
          HEADER,
          '2026-10-01 09:42:21,2026-10-08,822841054119608,74826033,000001,001214,100134428721,,,,微信,消费,219.00,0.83,218.17,0.38%,',
        ].join('\r\n'),
        'gbk',
      ),
    );
    const lines = await readTitleLines(file);
    expect(lines).toEqual([
      '汇通支付有限公司商户结算明细',
      '商户号：822841054119608  商户名称：鸿运便利店  结算日期：2026-10-08 至 2026-10-30',
    ]);
    expect(providerOfTitle(lines)).toBe('汇通支付有限公司');
    expect(providerNames('汇通支付有限公司')).toEqual(['汇通支付有限公司', '汇通支付']);
  });

  it('has none when the table starts on the first line, or the file is a spreadsheet', async () => {
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, `${HEADER}\n`);
    expect(await readTitleLines(plain)).toEqual([]);
    const zip = join(dir, 'book.xlsx');
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    expect(await readTitleLines(zip)).toEqual([]);
    expect(await readTitleLines(join(dir, 'missing.csv'))).toEqual([]);
  });

  it("names the provider from a company or payment brand, never the merchant's own name", () => {
    expect(providerOfTitle(['深圳市乐刷科技有限公司对账单'])).toBe('深圳市乐刷科技有限公司');
    expect(providerOfTitle(['汇通支付商户结算明细'])).toBe('汇通支付');
    expect(providerOfTitle(['商户名称：鸿运便利店有限公司'])).toBeUndefined();
    expect(providerOfTitle(['招商银行POS商户对账单'])).toBe('招商银行');
    expect(providerOfTitle(['银行卡收款明细'])).toBeUndefined();
    // A labelled provider outranks a company a later line opens with.
    expect(providerOfTitle(['鸿运商贸有限公司账单', '收单机构：乐刷科技'])).toBe('乐刷科技');
    expect(providerOfTitle(['鸿运便利店收银交易流水', '导出时间：2026-11-01 09:00:00'])).toBeUndefined();
  });

  it('reads the period a title states, in the ways exports write it', () => {
    expect(periodOfTitle(['交易日期：2026-09-01 至 2026-09-30'])).toEqual(['2026-09-01', '2026-09-30']);
    expect(periodOfTitle(['查询时间：2026/9/1 00:00:00 ~ 2026/9/20 23:59:59'])).toEqual([
      '2026-09-01',
      '2026-09-20',
    ]);
    expect(periodOfTitle(['起止日期:2026年10月1日-2026年10月31日'])).toEqual(['2026-10-01', '2026-10-31']);
    expect(periodOfTitle(['导出时间：2026-11-01 09:00:00'])).toBeUndefined();
    expect(periodOfTitle(['2026-09-30 至 2026-09-01'])).toBeUndefined();
    expect(periodOfTitle(['2026-02-30 至 2026-03-05'])).toBeUndefined();
  });
});

const XLSX_HEADER = ['交易时间', '结算日期', '商户号', '终端号', '参考号', '交易金额', '手续费', '结算金额'];
const xlsxRow = (i: number) => [
  '2026-10-01 10:00:00',
  '2026-10-02',
  '822841054119608',
  'T01',
  String(100100000000 + i),
  '100.00',
  '0.60',
  '99.40',
];

/** A provider's XLSX statement: a merged title row, a merchant row, the header and `rows` rows, then a 2nd sheet. */
async function statementXlsx(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('结算明细');
  sheet.addRow(['汇通支付有限公司商户结算明细']);
  sheet.mergeCells('A1:H1');
  sheet.addRow([
    '商户号：822841054119608  商户名称：鸿运便利店',
    null,
    null,
    '结算日期：2026-10-08 至 2026-10-30',
  ]);
  sheet.addRow(XLSX_HEADER);
  for (let i = 0; i < rows; i++) sheet.addRow(xlsxRow(i));
  const other = workbook.addWorksheet('其他');
  other.addRow(['别家支付有限公司对账单']);
  other.addRow(XLSX_HEADER);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe("an XLSX statement's title", () => {
  const expected = [
    '汇通支付有限公司商户结算明细',
    '商户号：822841054119608  商户名称：鸿运便利店  结算日期：2026-10-08 至 2026-10-30',
  ];

  it("reads the first worksheet's rows above the header, a merged title from its first cell", async () => {
    const bytes = await statementXlsx(2);
    const file = join(dir, 'statement.xlsx');
    writeFileSync(file, bytes);
    const lines = await readTitleLines(file);
    expect(lines).toEqual(expected);
    expect(await readTitleLinesOf(bytes)).toEqual(expected);
    expect(providerOfTitle(lines)).toBe('汇通支付有限公司');
    expect(merchantOfTitle(lines)).toEqual({ merchantId: '822841054119608', merchant: '鸿运便利店' });
    expect(periodOfTitle(lines)).toEqual(['2026-10-08', '2026-10-30']);
  });

  it('reads the title of a workbook of 20,000 rows', async () => {
    const bytes = await statementXlsx(20_000);
    const file = join(dir, 'big.xlsx');
    writeFileSync(file, bytes);
    expect(await readTitleLines(file)).toEqual(expected);
    expect(await readTitleLinesOf(bytes)).toEqual(expected);
  });

  it("passes over a sheet's temporary file that is deleted before its stream opens, without an uncaught error", async () => {
    // exceljs deletes a passed-over sheet's temporary file at once; the stream closed unread still opens it.
    const uncaught: unknown[] = [];
    const note = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', note);
    try {
      for (let i = 0; i < 5; i++) {
        const file = join(dir, `sheet-${i}.xml`);
        writeFileSync(file, '<worksheet/>');
        const stream = createReadStream(file);
        discardUnread(stream);
        unlinkSync(file);
        // Without a handler the error is thrown and the stream never says it closed: wait a little instead.
        await new Promise<void>((resolve) => {
          stream.once('close', () => resolve());
          setTimeout(resolve, 500);
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('uncaughtException', note);
    }
    expect(uncaught).toEqual([]);
  });

  it('has none when the first sheet has no header within the title rows, or the ZIP is no workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('说明');
    for (let i = 0; i < 25; i++) sheet.addRow([`说明第${i + 1}行`]);
    sheet.addRow(XLSX_HEADER);
    expect(await readTitleLinesOf(Buffer.from(await workbook.xlsx.writeBuffer()))).toEqual([]);
    const plain = new ExcelJS.Workbook();
    plain.addWorksheet('Sheet1').addRow(XLSX_HEADER);
    expect(await readTitleLinesOf(Buffer.from(await plain.xlsx.writeBuffer()))).toEqual([]);
    expect(await readTitleLinesOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toEqual([]);
  });
});

describe('the title of a statement packed in a gzip or a ZIP archive', () => {
  const csv = (title: string[]) =>
    iconv.encode(
      [
        ...title,
        HEADER,
        '2026-10-01 09:42:21,2026-10-08,822841054119608,74826033,000001,001214,100134428721,,,,微信,消费,219.00,0.83,218.17,0.38%,',
      ].join('\r\n'),
      'gbk',
    );
  const title = ['汇通支付有限公司商户结算明细', '"商户号：822841054119608  商户名称：鸿运便利店"'];
  const expected = ['汇通支付有限公司商户结算明细', '商户号：822841054119608  商户名称：鸿运便利店'];

  it('reads a gzip as what it holds: a GBK CSV, or a workbook', async () => {
    const { gzipSync } = await import('node:zlib');
    const packed = gzipSync(csv(title));
    expect(await readTitleLinesOf(packed)).toEqual(expected);
    const file = join(dir, 'statement.csv.gz');
    writeFileSync(file, packed);
    expect(await readTitleLines(file)).toEqual(expected);
    const workbook = gzipSync(await statementXlsx(3));
    expect(await readTitleLinesOf(workbook)).toEqual([
      '汇通支付有限公司商户结算明细',
      '商户号：822841054119608  商户名称：鸿运便利店  结算日期：2026-10-08 至 2026-10-30',
    ]);
  });

  it("reads an archive's first detail table that has a title, passing over its summary and untitled tables", async () => {
    const { buildStoredZip } = await import('../../test/fixtures/zip-writer.js');
    const archive = buildStoredZip([
      { name: '汇总.csv', data: csv(['别家支付有限公司汇总表']) },
      { name: '明细/1_无标题.csv', data: csv([]) },
      { name: '明细/2_结算明细.csv', data: csv(title) },
    ]);
    expect(await readTitleLinesOf(archive)).toEqual(expected);
    const file = join(dir, '结算单.zip');
    writeFileSync(file, archive);
    expect(await readTitleLines(file)).toEqual(expected);
    expect(providerOfTitle(await readTitleLines(file))).toBe('汇通支付有限公司');
  });

  it('has none for a corrupt gzip or archive, or an archive without tables', async () => {
    const { buildStoredZip } = await import('../../test/fixtures/zip-writer.js');
    expect(await readTitleLinesOf(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))).toEqual([]);
    expect(await readTitleLinesOf(buildStoredZip([{ name: 'readme.md', data: Buffer.from('# x') }]))).toEqual(
      [],
    );
    const broken = buildStoredZip([{ name: 'a.csv', data: csv(title) }]).subarray(0, 40);
    expect(await readTitleLinesOf(broken)).toEqual([]);
  });
});

describe('firstSheetRows', () => {
  it("gives the first worksheet's rows up to the row asked, cells as text from column A, and closes the input", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('明细');
    sheet.addRow(['账户明细']);
    sheet.addRow(['交易日期', null, '金额']);
    sheet.addRow([new Date(Date.UTC(2026, 7, 5)), '  星光书店 ', 1491]);
    sheet.getCell('A3').numFmt = 'yyyy-mm-dd';
    sheet.addRow(['第四行']);
    workbook.addWorksheet('汇总').addRow(['合计', 1491]);
    const input = Readable.from([Buffer.from(await workbook.xlsx.writeBuffer())]);
    expect(await firstSheetRows(input, 3)).toEqual([
      ['账户明细'],
      ['交易日期', '', '金额'],
      // A date cell is a day by its format (styles read), not Excel's serial number.
      ['2026-08-05', '星光书店', '1491'],
    ]);
    expect(input.destroyed).toBe(true);
  });

  it('gives none for a ZIP that is no workbook, and closes the input', async () => {
    const input = Readable.from([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0])]);
    expect(await firstSheetRows(input, 60)).toEqual([]);
    expect(input.destroyed).toBe(true);
  });
});

describe('decodeTextHead', () => {
  it('decodes UTF-8 and GBK, without a BOM, and a UTF-8 BOM in front of GBK text as no character', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(decodeTextHead(Buffer.concat([bom, Buffer.from('商户号：1,户名\n')]))).toBe('商户号：1,户名\n');
    const gbk = iconv.encode('商户号：822841054119608,商户名称：鸿运便利店\r\n交易时间,结算日期\r\n', 'gbk');
    expect(decodeTextHead(gbk)).toBe('商户号：822841054119608,商户名称：鸿运便利店\r\n交易时间,结算日期\r\n');
    expect(decodeTextHead(Buffer.concat([bom, gbk]))).toBe(
      '商户号：822841054119608,商户名称：鸿运便利店\r\n交易时间,结算日期\r\n',
    );
  });
});
