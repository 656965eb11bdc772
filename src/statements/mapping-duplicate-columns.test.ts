import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportFileError, importFiles } from './import.js';

// An agent's settlement export (GBK) whose header names two columns 金额: the 4th is the transaction amount, the
// 6th what was settled. A --mapping could name only 金额, which read the first; a column number (1-based, which
// the mapping format allowed) was ignored whenever the file had a header. Now a number picks its column, header
// or not, and the warning about a repeated name says to use one.

const STATEMENT = [
  '商户结算明细',
  '商户号：822584053110001,,,,,',
  '交易时间,终端号,参考号,金额,手续费,金额',
  '2026-10-13 09:00:00,T0000001,100000000001,"1,000.00",6.00,994.00',
  '2026-10-13 10:30:00,T0000001,100000000002,58.80,0.35,58.45',
  // A sale charged 0.78 % instead of 0.60 %: 300.00 × 0.78 % = 2.34.
  '2026-10-13 11:45:00,T0000002,100000000003,300.00,2.34,297.66',
].join('\r\n');

const dir = mkdtempSync(join(tmpdir(), 'posguard-mapping-duplicates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = join(dir, '结算明细_20261013.csv');
writeFileSync(csv, iconv.encode(`${STATEMENT}\r\n`, 'gbk'));

async function importWith(name: string, columns: string[]) {
  const mappingFile = join(dir, name);
  writeFileSync(
    mappingFile,
    ['name: agent-export', 'kind: settlement', 'columns:', ...columns.map((c) => `  ${c}`), ''].join('\n'),
  );
  return importFiles([{ path: csv }], { mappingFile, mappingName: name });
}

const BY_NAME = [
  'time: [交易时间]',
  'terminalId: [终端号]',
  'refNo: [参考号]',
  'amount: [金额]',
  'fee: [手续费]',
];

describe('a --mapping over a header with two columns of one name', () => {
  it('reads the columns its numbers give, the repeated name no longer in doubt', async () => {
    const result = await importWith('numbers.yaml', [
      'time: [交易时间]',
      'terminalId: [终端号]',
      'refNo: [参考号]',
      'amount: 4',
      'fee: [手续费]',
      'settled: [6]',
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.files[0]?.columns).toMatchObject({ amount: '金额', settled: '金额', fee: '手续费' });
    expect(result.records.map((r) => [r.refNo, r.merchantId, r.amountFen, r.feeFen, r.settledFen])).toEqual([
      ['100000000001', '822584053110001', 100_000, 600, 99_400],
      ['100000000002', '822584053110001', 5_880, 35, 5_845],
      ['100000000003', '822584053110001', 30_000, 234, 29_766],
    ]);
  });

  it('takes a number for the second of the two columns, where the name would give the first', async () => {
    const byName = await importWith('name.yaml', BY_NAME);
    const byNumber = await importWith('second.yaml', [...BY_NAME.slice(0, 3), 'amount: 6', 'fee: [手续费]']);
    expect(byName.records.map((r) => r.amountFen)).toEqual([100_000, 5_880, 30_000]);
    expect(byNumber.records.map((r) => r.amountFen)).toEqual([99_400, 5_845, 29_766]);
    expect(byNumber.warnings).toEqual([]);
  });

  it('warns of the repeated name a mapping reads by name, saying how to give the column by number', async () => {
    const result = await importWith('name.yaml', BY_NAME);
    expect(result.warnings.map((w) => [w.code, w.message, w.messageEn])).toEqual([
      [
        'header.repeated:金额',
        '表头有 2 列都叫“金额”（第 4、6 列），无法确定哪一列是交易金额，已读取第 4 列；请核对，或导出时让各列名称不同（如合并表头“交易”“退款”下的“金额”），或在 --mapping 中用列号指定，如 amount: 6（列号从 1 数起）',
        'the header has 2 columns named "金额" (columns 4, 6); which one is the amount cannot be told, column 4 was read; check it, or export the columns under different names (such as the 金额 under merged 交易 and 退款 headers), or give the column by number in a --mapping, e.g. amount: 6 (columns count from 1)',
      ],
    ]);
  });

  it('finds the header by its names when the amount is given only by number, passing over the title lines', async () => {
    const result = await importWith('amount-only.yaml', ['time: [交易时间]', 'amount: 4']);
    expect(result.files[0]?.columns).toEqual({ time: '交易时间', amount: '金额' });
    expect(result.records.map((r) => [r.source.row, r.time, r.amountFen])).toEqual([
      [4, '2026-10-13T09:00:00+08:00', 100_000],
      [5, '2026-10-13T10:30:00+08:00', 5_880],
      [6, '2026-10-13T11:45:00+08:00', 30_000],
    ]);
  });

  it('names the mapping line of a column number the header does not reach', async () => {
    const error = await importWith('beyond.yaml', ['time: [交易时间]', 'amount: 9']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).message).toContain('beyond.yaml:5 columns.amount');
    expect((error as ImportFileError).zh).toContain(
      'beyond.yaml:5 columns.amount: 表头只有 6 列，没有第 9 列',
    );
  });
});
