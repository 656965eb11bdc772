import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { PosRecord } from '../records/index.js';
import { type ImportResult, importFiles } from './import.js';

// Fixtures from test/fixtures/import-messy/make-fixtures.mjs: one bank statement as CSV and as the three things
// portals save under a .xls name, and a printed-style CSV.
const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/import-messy');
const fixture = (name: string) => join(FIXTURES, name);

/** Records and rejected rows without the file name, to compare two files holding the same statement. */
function content(result: ImportResult): { records: unknown[]; rejected: unknown[]; warnings: string[] } {
  return {
    records: result.records.map((r) => ({ ...r, source: { row: r.source.row } })),
    rejected: result.rejected.map(({ file: _file, column, ...rest }) => ({
      ...rest,
      // A web page's header may carry a <br> (交易金额<br>（元）): the column is the same.
      column: column?.replace(/\s+/g, ''),
    })),
    warnings: result.warnings.map((w) => w.code),
  };
}

describe('a bank statement saved as .xls that is not a workbook', () => {
  const csv = async () => importFiles([{ path: fixture('bank-statement.csv') }]);

  it('reads the CSV to the records worked out by hand', async () => {
    const result = await csv();
    const rows = result.records.map((r) => [
      r.source.row,
      r.type,
      r.amountFen,
      r.feeFen,
      r.settledFen,
      r.refNo,
    ]);
    // ￥1,234.56 − 7.41 = 1,227.15; 88.00 − 0.53 = 87.47; 2,000.00 − 7.60 = 1,992.40; the refund negated.
    expect(rows).toEqual([
      [4, 'sale', 123456, 741, 122715, '100112345678'],
      [5, 'sale', 8800, 53, 8747, '100112345679'],
      [6, 'sale', 200000, 760, 199240, '123456789012'],
      [7, 'refund', -8800, -53, -8747, '100112345681'],
    ]);
    expect(result.rejected.map((r) => [r.row, r.column])).toEqual([[8, '交易金额（元）']]);
    // The stated totals cover only the rows read (the rejected row is not in them), so no mismatch.
    expect(result.warnings.map((w) => w.code)).not.toContain('totals.mismatch');
  });

  it('reads a GBK web page (HTML table) exactly as the same statement in CSV', async () => {
    const html = await importFiles([{ path: fixture('bank-statement-html.xls') }]);
    expect(html.files[0]?.encoding).toBe('gbk');
    expect(html.files[0]?.preset).toBe('generic');
    expect(content(html)).toEqual(content(await csv()));
  });

  it('keeps the full reference from x:num where the page shows 1.23457E+11', async () => {
    const html = await importFiles([{ path: fixture('bank-statement-html.xls') }]);
    expect(html.records.find((r) => r.source.row === 6)?.refNo).toBe('123456789012');
  });

  it('reads Excel’s "Unicode text" (UTF-16LE, tabs) exactly as the same statement in CSV', async () => {
    const text = await importFiles([{ path: fixture('bank-statement-unicode.xls') }]);
    expect(text.files[0]?.encoding).toBe('utf-16le');
    expect(content(text)).toEqual(content(await csv()));
  });

  it('reads an XML Spreadsheet 2003 exactly as the same statement in CSV', async () => {
    const xml = await importFiles([{ path: fixture('bank-statement-xml2003.xls') }]);
    expect(content(xml)).toEqual(content(await csv()));
  });

  it('reads the same page handed over in memory (an upload)', async () => {
    const bytes = readFileSync(fixture('bank-statement-html.xls'));
    const upload = await importFiles([{ name: '结算明细.xls', bytes }]);
    expect(upload.records).toHaveLength(4);
    expect(upload.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(upload.files[0]?.bytes).toBe(bytes.length);
  });

  it('still says to save a real BIFF .xls as .xlsx', async () => {
    const bytes = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    await expect(importFiles([{ name: 'old.xls', bytes }])).rejects.toThrow(/xlsx/);
  });

  it('says a web page without a statement table is not a statement', async () => {
    const bytes = Buffer.from(
      '<html><body><table><tr><td>登录超时，请重新登录</td></tr></table></body></html>',
    );
    await expect(importFiles([{ name: 'timeout.xls', bytes }])).rejects.toThrow(/no header row found/);
  });
});

describe('web pages: tables, spans and markup', () => {
  const page = (body: string, charset = 'utf-8') =>
    Buffer.from(`<html><head><meta charset="${charset}"></head><body>${body}</body></html>`, 'utf8');

  it('reads the table with the header, whichever comes first, and numbers rows through the page', async () => {
    const body =
      '<table><tr><td>查询条件</td><td>2026-08-01 至 2026-08-31</td></tr></table>' +
      '<table><tr><th>交易时间</th><th>交易金额</th><th>参考号</th></tr>' +
      '<tr><td>2026-08-03 09:05:00</td><td>10.00</td><td>100000000001</td></tr></table>' +
      '<table><tr><td>第1页</td></tr></table>';
    const result = await importFiles([{ name: 'p.xls', bytes: page(body) }]);
    expect(result.records.map((r) => [r.source.row, r.amountFen, r.refNo])).toEqual([
      [3, 1000, '100000000001'],
    ]);
  });

  it('repeats a rowspan cell down and leaves colspan cells empty, as a spreadsheet shows them', async () => {
    const body =
      '<table><tr><th>交易日期</th><th>交易时间</th><th>交易金额</th><th>手续费</th></tr>' +
      '<tr><td rowspan="2">2026-08-03</td><td>09:00:00</td><td>10.00</td><td>0.06</td></tr>' +
      '<tr><td>10:00:00</td><td>20.00</td><td>0.12</td></tr>' +
      '<tr><td colspan="2">合计</td><td>30.00</td><td>0.18</td></tr></table>';
    const result = await importFiles([{ name: 'p.xls', bytes: page(body) }]);
    expect(result.records.map((r) => [r.time, r.amountFen, r.feeFen])).toEqual([
      ['2026-08-03T09:00:00+08:00', 1000, 6],
      ['2026-08-03T10:00:00+08:00', 2000, 12],
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.warnings.map((w) => w.code)).not.toContain('totals.mismatch');
  });

  it('ignores scripts, styles and a layout table around the data, and reads a nested table’s rows alone', async () => {
    const body =
      '<script>document.write("<table><tr><td>交易时间</td><td>金额</td></tr></table>")</script>' +
      '<table><tr><td>页眉</td><td>' +
      '<table><tr><td>交易时间</td><td>交易金额</td></tr>' +
      '<tr><td>2026-08-03&nbsp;09:05</td><td><b>1,0</b>00.00</td></tr></table>' +
      '</td></tr></table>';
    const result = await importFiles([{ name: 'p.xls', bytes: page(body) }]);
    expect(result.records.map((r) => [r.time, r.amountFen])).toEqual([['2026-08-03T09:05:00+08:00', 100000]]);
    expect(result.rejected).toEqual([]);
  });

  it('reads a page that declares gb2312 but is UTF-8, and one with no charset and a long ASCII head', async () => {
    const table =
      '<table><tr><td>交易时间</td><td>交易金额</td><td>备注</td></tr>' +
      '<tr><td>2026-08-03 09:05:00</td><td>10.00</td><td>午市</td></tr></table>';
    const lying = page(table, 'gb2312');
    const styles = `<style>${'td { font-family: SimSun; }\n'.repeat(4000)}</style>`;
    const longHead = iconv.encode(`<html><head>${styles}</head><body>${table}</body></html>`, 'gbk');
    for (const bytes of [lying, longHead]) {
      const result = await importFiles([{ name: 'p.xls', bytes }]);
      expect(result.records.map((r) => [r.amountFen, r.label])).toEqual([[1000, '午市']]);
    }
  });

  it('reads a sloppy page: <head> never closed, unquoted attributes, upper-case tags', async () => {
    const html =
      '<HTML><HEAD><META http-equiv=Content-Type content="text/html; charset=utf-8"><TITLE>明细</TITLE>' +
      '<BODY><TABLE border=1><TR><TD>交易时间<TD>交易金额<TR><TD>2026-08-03 09:05:00<TD>10.00</TABLE>';
    const result = await importFiles([{ name: 'p.xls', bytes: Buffer.from(html) }]);
    expect(result.records.map((r) => r.amountFen)).toEqual([1000]);
  });

  it('reads a UTF-16 web page', async () => {
    const html =
      '<html><body><table><tr><td>交易时间</td><td>交易金额</td></tr>' +
      '<tr><td>2026-08-03 09:05:00</td><td>￥12.30</td></tr></table></body></html>';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html, 'utf16le')]);
    const result = await importFiles([{ name: 'p.xls', bytes }]);
    expect(result.records.map((r) => r.amountFen)).toEqual([1230]);
  });
});

describe('a printed-style export (GBK, page totals, Excel-mangled cells)', () => {
  const read = () => importFiles([{ path: fixture('printed-pages-gbk.csv') }]);
  const pick = (r: PosRecord) => [r.source.row, r.time, r.type, r.amountFen, r.feeFen, r.settledFen];

  it('reads every spelling of date and amount, and the memo with a line break', async () => {
    const result = await read();
    expect(result.records.map(pick)).toEqual([
      [3, '2026-08-03T09:05:00+08:00', 'sale', 100000, 600, 99400],
      [4, '2026-08-03T09:05:00+08:00', 'sale', 100000, 600, 99400],
      // Serial 46237.42: day 46237 is 2026-08-03; 0.42 × 86,400 s = 36,288 s = 10:04:48. １２３.４５ is 123.45.
      [5, '2026-08-03T10:04:48+08:00', 'sale', 12345, 74, 12271],
      [8, '2026-08-03T12:05:00+08:00', 'sale', 8800, 53, 8747],
      [9, '2026-08-03T13:00:00+08:00', 'refund', -1230, -7, -1223],
      [10, '2026-08-03T14:00:00+08:00', 'sale', 5000, 30, 4970],
    ]);
    expect(result.records[2]?.label).toBe('午市\r\n加单');
  });

  it('skips the repeated headers and 本页合计 rows instead of rejecting them', async () => {
    const result = await read();
    expect(result.rejected).toEqual([]);
    // The reference Excel turned into 1.23457E+11 is lost (its digits are gone), its row is kept without it.
    expect(result.records.find((r) => r.source.row === 10)?.refNo).toBeUndefined();
    expect(result.warnings.map((w) => w.code)).toContain('ids.e-notation');
  });

  it('checks the 总计 against the rows read: it agrees once the row with the lost reference is kept', async () => {
    const result = await read();
    // 总计 2,249.15 = 1,000 + 1,000 + 123.45 + 88 − 12.30 + 50.00.
    expect(result.warnings.map((w) => w.code)).not.toContain('totals.mismatch');
  });

  it('accepts page totals that add up, with or without a grand total', async () => {
    const lines = [
      '交易时间,交易金额,手续费',
      '2026-08-03 09:00:00,10.00,0.06',
      '本页小计,10.00,0.06',
      '交易时间,交易金额,手续费',
      '2026-08-03 10:00:00,20.00,0.12',
      '本页合计,20.00,0.12',
    ];
    for (const tail of [[], ['总计,30.00,0.18']]) {
      const bytes = iconv.encode([...lines, ...tail].join('\r\n'), 'gbk');
      const result = await importFiles([{ name: 'pages.csv', bytes }]);
      expect(result.records.map((r) => r.amountFen)).toEqual([1000, 2000]);
      expect(result.rejected).toEqual([]);
      expect(result.warnings.map((w) => w.code)).not.toContain('totals.mismatch');
    }
  });

  it('reads a date column holding bare Excel serials', async () => {
    const csv = '交易日期,交易时间,交易金额\n46237,09:05:00,10.00\n';
    const result = await importFiles([{ name: 'serial.csv', bytes: Buffer.from(csv) }]);
    // Day 46237 counted from 1899-12-30 is 2026-08-03.
    expect(result.records.map((r) => r.time)).toEqual(['2026-08-03T09:05:00+08:00']);
  });
});

describe('a UTF-8 header over a GBK body', () => {
  const header = '交易时间,交易类型,交易金额,备注\r\n';
  const body = '2026-08-03 09:00:00,消费,10.00,午市\r\n2026-08-03 10:00:00,退货,-10.00,退款\r\n';

  it('decodes each part in its own encoding, with or without a BOM, and says so', async () => {
    const plain = Buffer.concat([Buffer.from(header, 'utf8'), iconv.encode(body, 'gbk')]);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]);
    for (const bytes of [plain, bom]) {
      const result = await importFiles([{ name: 'mixed.csv', bytes }]);
      // The refund must stay a refund: read as GBK-garbled text its 退货 would be an unknown type taken as a sale.
      expect(result.records.map((r) => [r.type, r.amountFen, r.label])).toEqual([
        ['sale', 1000, '午市'],
        ['refund', -1000, '退款'],
      ]);
      expect(result.warnings.map((w) => w.code)).toContain('encoding.mixed');
    }
  });

  it('leaves a UTF-8 file with one broken byte as UTF-8', async () => {
    const rows = Array.from(
      { length: 20 },
      (_, i) => `2026-08-03 09:${String(i).padStart(2, '0')}:00,消费,1.00,午市`,
    );
    // Row 11's memo was cut to a byte limit in the middle of 市 (E5 B8 82): its last byte is gone.
    const bytes = Buffer.concat([
      Buffer.from(`${header}${rows.slice(0, 10).join('\r\n')}\r\n${rows[10]?.slice(0, -1)}`, 'utf8'),
      Buffer.from([0xe5, 0xb8]),
      Buffer.from(`\r\n${rows.slice(11).join('\r\n')}\r\n`, 'utf8'),
    ]);
    const result = await importFiles([{ name: 'utf8.csv', bytes }]);
    expect(result.files[0]?.encoding).toBe('utf-8');
    expect(result.records).toHaveLength(20);
    expect(result.records.filter((r) => r.label === '午市')).toHaveLength(19);
    expect(result.warnings.map((w) => w.code)).not.toContain('encoding.mixed');
  });
});

describe('a ZIP of portal .xls files', () => {
  it('reads a web-page .xls inside a ZIP and skips a real old .xls beside it with a warning', async () => {
    const { buildStoredZip } = await import('../../test/fixtures/zip-writer.js');
    const bytes = buildStoredZip([
      { name: '结算明细.xls', data: readFileSync(fixture('bank-statement-html.xls')) },
      { name: '旧格式.xls', data: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]) },
    ]);
    const result = await importFiles([{ name: '2026-10.zip', bytes }]);
    expect(result.records.map((r) => [r.source.row, r.amountFen])).toEqual([
      [4, 123456],
      [5, 8800],
      [6, 200000],
      [7, -8800],
    ]);
    expect(result.warnings.map((w) => w.code)).toContain('zip.old-xls-skipped');
  });

  it('says so when the ZIP holds nothing but old .xls files', async () => {
    const { buildStoredZip } = await import('../../test/fixtures/zip-writer.js');
    const bytes = buildStoredZip([
      { name: 'a.xls', data: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]) },
    ]);
    await expect(importFiles([{ name: 'old.zip', bytes }])).rejects.toThrow(/save them as \.xlsx/);
  });
});

describe('a header of two rows (金额 spanning 交易金额 / 手续费 / 结算金额)', () => {
  it('reads the fee and settlement columns the second row names, from a web page', async () => {
    const body =
      '<table><tr><th rowspan="2">交易时间</th><th colspan="3">金额</th><th rowspan="2">参考号</th></tr>' +
      '<tr><th>交易金额</th><th>手续费</th><th>结算金额</th></tr>' +
      '<tr><td>2026-08-03 09:00:00</td><td>10.00</td><td>0.06</td><td>9.94</td><td>100000000001</td></tr></table>';
    const result = await importFiles([
      { name: 'p.xls', bytes: Buffer.from(`<html><body>${body}</body></html>`) },
    ]);
    // 10.00 − 0.06 = 9.94: all three read, so the file is a settlement statement.
    expect(result.records.map((r) => [r.kind, r.amountFen, r.feeFen, r.settledFen])).toEqual([
      ['settlement', 1000, 6, 994],
    ]);
    expect(result.rejected).toEqual([]);
  });

  it('reads it from a CSV saved from merged cells, where both header rows repeat on the next page', async () => {
    const csv = [
      '交易时间,金额,,,参考号',
      ',交易金额,手续费,结算金额,',
      '2026-08-03 09:00:00,10.00,0.06,9.94,100000000001',
      '交易时间,金额,,,参考号',
      ',交易金额,手续费,结算金额,',
      '2026-08-03 10:00:00,20.00,0.12,19.88,100000000002',
    ].join('\n');
    const result = await importFiles([{ name: 'grouped.csv', bytes: Buffer.from(csv) }]);
    expect(result.records.map((r) => [r.source.row, r.amountFen, r.feeFen, r.settledFen])).toEqual([
      [3, 1000, 6, 994],
      [6, 2000, 12, 1988],
    ]);
    expect(result.rejected).toEqual([]);
  });

  it('does not take a first data row whose cells happen to be column names for a second header row', async () => {
    const csv = '交易时间,交易类型,交易金额\n2026-08-03 09:00:00,手续费,0.50\n';
    const result = await importFiles([{ name: 'one.csv', bytes: Buffer.from(csv) }]);
    expect(result.records.map((r) => [r.source.row, r.amountFen])).toEqual([[2, 50]]);
  });
});

describe('an XML Spreadsheet with a summary worksheet', () => {
  const row = (cells: string[]) =>
    `<Row>${cells.map((c) => `<Cell><Data ss:Type="String">${c}</Data></Cell>`).join('')}</Row>`;
  const sheet = (name: string, rows: string[][]) =>
    `<Worksheet ss:Name="${name}"><Table>${rows.map(row).join('\n')}</Table></Worksheet>`;
  const header = ['交易时间', '交易金额', '手续费'];

  it('imports the detail sheet and not a long 汇总 sheet before it', async () => {
    // 45 daily totals: more than the rows read before a sheet's preset is chosen.
    const days = Array.from({ length: 45 }, (_, i) => [
      `2026-08-${String((i % 28) + 1).padStart(2, '0')} 00:00:00`,
      '100.00',
      '0.60',
    ]);
    const xml =
      '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" ' +
      'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">' +
      sheet('日汇总', [header, ...days]) +
      sheet('明细', [header, ['2026-08-03 09:05:00', '10.00', '0.06']]) +
      '</Workbook>';
    const result = await importFiles([{ name: 'w.xls', bytes: Buffer.from(xml) }]);
    expect(result.records.map((r) => [r.amountFen, r.feeFen])).toEqual([[1000, 6]]);
    expect(result.warnings.map((w) => w.code)).toContain('xlsx.summary-skipped');
  });
});
