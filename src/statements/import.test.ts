import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { type PosRecord, RecordSchema } from '../records/index.js';
import {
  CrossFileDuplicates,
  dedupeKey,
  dedupeKeyHash,
  ImportFileError,
  importFiles,
  importFileStreaming,
  xlsxLimits,
} from './import.js';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/generic');
const tmpDirs: string[] = [];
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-import-'));
  tmpDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of tmpDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The four rows of the generic fixture, worked out by hand from the file. */
function expected(file: string): PosRecord[] {
  const base = {
    kind: 'settlement',
    status: 'success',
    merchantId: '898440153991234',
    terminalId: '12345678',
  } as const;
  return [
    {
      ...base,
      type: 'sale',
      time: '2026-10-01T09:12:05+08:00',
      channel: 'card',
      card: 'debit',
      amountFen: 123456,
      feeFen: 741,
      settledFen: 122715,
      settleDate: '2026-10-02',
      batchNo: '000001',
      voucherNo: '000101',
      refNo: '100112345678',
      cardNo: '622202*********0123',
      source: { file, row: 5 },
    },
    {
      ...base,
      type: 'sale',
      time: '2026-10-01T10:00:00+08:00',
      channel: 'nfc',
      card: 'credit',
      amountFen: 8800,
      feeFen: 53,
      settledFen: 8747,
      settleDate: '2026-10-02',
      batchNo: '000001',
      voucherNo: '000102',
      refNo: '100112345679',
      cardNo: '436742******1234',
      source: { file, row: 6 },
    },
    {
      ...base,
      type: 'sale',
      time: '2026-10-01T18:30:00+08:00',
      channel: 'wechat',
      card: 'unknown',
      amountFen: 200000,
      feeFen: 760,
      settledFen: 199240,
      settleDate: '2026-10-02',
      batchNo: '000001',
      voucherNo: '000103',
      refNo: '100112345680',
      source: { file, row: 7 },
    },
    {
      ...base,
      type: 'refund',
      time: '2026-10-02T08:00:00+08:00',
      channel: 'card',
      card: 'credit',
      amountFen: -8800,
      feeFen: -53,
      settledFen: -8747,
      settleDate: '2026-10-03',
      batchNo: '000002',
      voucherNo: '000104',
      refNo: '100112345681',
      cardNo: '436742******1234',
      source: { file, row: 8 },
    },
  ];
}

describe('generic reader fixtures', () => {
  for (const [name, encoding] of [
    ['settlement-gbk.csv', 'gbk'],
    ['settlement-utf8-bom.csv', 'utf-8'],
    ['settlement-utf16le.txt', 'utf-16le'],
    ['settlement.xlsx', 'xlsx'],
  ] as const) {
    it(`reads ${name} to the exact records with no rejected rows`, async () => {
      const path = join(FIXTURES, name);
      const result = await importFiles([{ path }]);
      expect(result.rejected).toEqual([]);
      const sortKeys = (r: PosRecord) => JSON.parse(JSON.stringify(r, Object.keys(r).sort())) as unknown;
      expect(result.records.map(sortKeys)).toEqual(expected(path).map(sortKeys));
      for (const r of result.records) expect(RecordSchema.safeParse(r).success).toBe(true);
      const file = result.files[0];
      expect(file?.encoding).toBe(encoding);
      expect(file?.preset).toBe('generic');
      expect(file?.kind).toBe('settlement');
      expect(file?.rows).toBe(4);
      expect(file?.columns.amount).toBe('交易金额（元）');
      expect(file?.columns.date).toBe('交易日期');
      expect(file?.totals).toEqual({ amountFen: 323456, feeFen: 1501, settledFen: 321955 });
      // The totals row agrees with the rows read, so no mismatch warning.
      expect(result.warnings.filter((w) => w.code === 'totals.mismatch')).toEqual([]);
    });
  }

  it('reads the XLSX fixture through the streaming reader used for big workbooks', async () => {
    const path = join(FIXTURES, 'settlement.xlsx');
    const saved = xlsxLimits.inMemoryBytes;
    xlsxLimits.inMemoryBytes = 0;
    try {
      const result = await importFiles([{ path }]);
      expect(result.rejected).toEqual([]);
      expect(result.records).toEqual(
        (await importFiles([{ name: path, bytes: readFileSync(path) }])).records,
      );
      expect(result.records).toHaveLength(4);
    } finally {
      xlsxLimits.inMemoryBytes = saved;
    }
  });

  it('reads the same bytes passed in memory under the upload name', async () => {
    const bytes = readFileSync(join(FIXTURES, 'settlement-gbk.csv'));
    const result = await importFiles([{ name: 'upload.csv', bytes }]);
    expect(result.records).toHaveLength(4);
    expect(result.records[0]?.source).toEqual({ file: 'upload.csv', row: 5 });
  });
});

describe('bad input', () => {
  it('rejects bad rows with their row numbers and columns and imports the rest', async () => {
    const path = join(FIXTURES, 'bad-rows.csv');
    const result = await importFiles([{ path }]);
    // Row 4's 参考号 was turned into E-notation by Excel: the row is kept without it, and a warning says so.
    expect(result.records.map((r) => [r.source.row, r.refNo !== undefined])).toEqual([
      [2, true],
      [4, false],
      [7, true],
    ]);
    expect(result.rejected.map((r) => [r.row, r.column])).toEqual([
      [3, '交易金额'],
      [5, '交易时间'],
      [6, '交易金额'],
    ]);
    const lost = result.warnings.find((w) => w.code === 'ids.e-notation');
    expect(lost?.message).toContain('“参考号”列有 1 个编号被 Excel 改成了科学计数法');
    expect(lost?.messageEn).toContain('E-notation');
    // An unknown type is a warning; the row is kept.
    expect(result.warnings.some((w) => w.code === 'value.unknown' && w.message.includes('神秘交易'))).toBe(
      true,
    );
  });

  it('names the preset flags of both commands when a file has no header it knows', async () => {
    const error = await importFiles([{ name: 'notes.csv', bytes: Buffer.from('hello\nworld\n') }]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).message).toContain('notes.csv');
    expect((error as ImportFileError).message).toContain('--settlement-preset');
  });

  it('says to save an old .xls as .xlsx', async () => {
    const bytes = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    await expect(importFiles([{ name: 'old.xls', bytes }])).rejects.toThrow(/xlsx/);
    await expect(importFiles([{ name: 'old.xls', bytes }])).rejects.toBeInstanceOf(ImportFileError);
  });

  it('rejects a file without a table as one ImportFileError naming it', async () => {
    const bytes = Buffer.from('hello\nthis is a letter\n');
    const error = await importFiles([{ name: 'letter.txt', bytes }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).zh).toContain('letter.txt');
  });

  it('reports a missing file as ImportFileError that says why in Chinese too', async () => {
    await expect(importFiles([{ path: join(tmp(), 'nope.csv') }])).rejects.toBeInstanceOf(ImportFileError);
    const error = await importFiles([{ path: tmp() }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).zh).toContain('无法读取文件（这是一个文件夹，不是文件）');
    expect((error as ImportFileError).message).toContain('EISDIR');
  });
});

describe('values and layouts', () => {
  it('reads tab-separated UTF-8 with a Java .0 suffix, glued dates, pipes and quoted fields', async () => {
    const text = [
      '交易时间|交易金额|卡号|备注',
      '2026-10-01 12:00:00.0|12.30|622202******0123|"a|b"',
      '2018-07-3116:07:27|"1,000"|*|"say ""hi"""',
    ].join('\n');
    const result = await importFiles([{ name: 'p.txt', bytes: Buffer.from(text) }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.amountFen, r.cardNo, r.label])).toEqual([
      ['2026-10-01T12:00:00+08:00', 1230, '622202******0123', 'a|b'],
      ['2018-07-31T16:07:27+08:00', 100000, undefined, 'say "hi"'],
    ]);
    expect(result.files[0]?.kind).toBe('terminal');
  });

  it('prefers the earlier alias when two aliases of a field are present', async () => {
    const text = '金额,交易金额,时间\n1.00,2.00,2026-10-01 00:00:00\n';
    const result = await importFiles([{ name: 'a.csv', bytes: Buffer.from(text) }]);
    expect(result.records[0]?.amountFen).toBe(200);
    expect(result.files[0]?.columns.amount).toBe('交易金额');
  });

  it('reads fen and per-myriad units from header suffixes', async () => {
    const text = '交易时间,交易金额(分),手续费(分),费率(万分之一)\n20261001120000,500,2,38\n';
    const result = await importFiles([{ name: 'f.csv', bytes: Buffer.from(text) }]);
    expect(result.records[0]).toMatchObject({
      amountFen: 500,
      feeFen: 2,
      rate: 3800,
      time: '2026-10-01T12:00:00+08:00',
    });
  });

  it('reads a bank statement: credits as payouts, debits skipped and counted', async () => {
    const text = [
      '账号：6222 **** 1234',
      '记账日期,交易时间,摘要,收入金额,支出金额,对方户名',
      '20261002,10:15:00,结算款,"1,227.15",,某某支付有限公司',
      '20261002,11:00:00,转账,,500.00,张三',
    ].join('\n');
    const result = await importFiles([{ name: 'bank.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.files[0]?.preset).toBe('bank-generic');
    expect(result.records).toEqual([
      {
        kind: 'bank',
        type: 'payout',
        status: 'success',
        time: '2026-10-02T10:15:00+08:00',
        channel: 'unknown',
        card: 'unknown',
        amountFen: 122715,
        label: '结算款',
        counterparty: '某某支付有限公司',
        source: { file: 'bank.csv', row: 3 },
      },
    ]);
    expect(result.files[0]?.skipped).toBe(1);
    expect(result.warnings.some((w) => w.code === 'bank.debits-skipped')).toBe(true);
  });

  it('warns when a totals row disagrees with the rows read', async () => {
    const text = '交易时间,交易金额\n2026-10-01 10:00,1.00\n2026-10-01 11:00,2.00\n合计,4.00\n';
    const result = await importFiles([{ name: 't.csv', bytes: Buffer.from(text) }]);
    expect(result.records).toHaveLength(2);
    const w = result.warnings.find((x) => x.code === 'totals.mismatch');
    expect(w?.message).toBe(
      't.csv 第 4 行的合计与读到的明细不符：“交易金额”合计 ¥4.00，明细加总 ¥3.00。可能有行被拒绝或文件不完整',
    );
  });

  it('reads only a row whose first cell is a bare totals word, or that has no time, as a totals row', async () => {
    const text = [
      '门店名称,交易时间,参考号,交易金额',
      '合计便利店,2026-10-01 10:00:00,1,1.00',
      '总计超市,2026-10-01 11:00:00,2,2.00',
      '合计,2026-10-01 12:00:00,3,4.00',
      '小计,2026-10-01,,7.00',
      '合计(笔数):3笔,,,7.00',
      '总计：,,,7.00',
    ].join('\n');
    const result = await importFiles([{ name: 't.csv', bytes: Buffer.from(text) }]);
    expect(result.records.map((r) => [r.counterparty, r.amountFen])).toEqual([
      ['合计便利店', 100],
      ['总计超市', 200],
      ['合计', 400],
    ]);
    expect(result.files[0]?.rejected).toEqual([]);
    expect(result.warnings.some((w) => w.code === 'totals.mismatch')).toBe(false);
    // A bank 摘要 starting with 汇总 in the first column is a credit line, not a totals row.
    const bank =
      '摘要,记账日期,交易时间,收入金额,支出金额\n汇总清算款,2026-08-04,09:17:52,2883.00,\n合计,,,2883.00,\n';
    const b = await importFiles([{ name: 'bank.csv', bytes: Buffer.from(bank) }]);
    expect(b.records).toMatchObject([{ kind: 'bank', label: '汇总清算款', amountFen: 288300 }]);
  });

  it('rejects a text row whose cells do not line up with the header instead of shifting its values', async () => {
    const text = [
      '交易时间,参考号,交易金额,手续费,结算金额,备注,',
      '2026-10-01 10:00:00,1,1,000.00,6.00,994.00,x,',
      '2026-10-01 11:00:00,2,500.00',
      '2026-10-01 12:00:00,3,100.00,0.60,99.40,y,,,',
      '2026-10-01 13:00:00,4,100.00,0.60,99.40,z',
      '2026-10-01 14:00:00,5,100.00,0.60,99.40,w,,extra',
    ].join('\n');
    const result = await importFiles([{ name: 'r.csv', bytes: Buffer.from(text) }]);
    // Extra empty cells and a missing unused trailing column are fine.
    expect(result.records.map((r) => r.refNo)).toEqual(['3', '4']);
    const rejected = result.files[0]?.rejected ?? [];
    expect(rejected.map((r) => r.row)).toEqual([2, 3, 6]);
    expect(rejected[0]).toMatchObject({ file: 'r.csv', row: 2 });
    expect(rejected[0]?.reason).toContain('该行有 8 个单元格，表头有 7 列');
    expect(rejected[0]?.reasonEn).toContain('the row has 8 cells where the header has 7');
    expect(rejected[1]?.reasonEn).toContain('the row has 3 cells where the header has 7');
  });

  it('honours --kind and reads a GZIP', async () => {
    const { gzipSync } = await import('node:zlib');
    const text = '交易时间,交易金额\n2026-10-01 10:00,1.00\n';
    const result = await importFiles([{ name: 'x.csv.gz', bytes: gzipSync(Buffer.from(text)) }], {
      kind: 'terminal',
    });
    expect(result.records[0]).toMatchObject({ kind: 'terminal', amountFen: 100 });
    expect(result.files[0]?.file).toBe('x.csv.gz');
  });
});

describe('dedupe across files', () => {
  it('keeps a record exported twice once, naming both files; identical rows in one file stay two', async () => {
    const text =
      '交易时间,参考号,交易金额\n2026-10-01 10:00,1,1.00\n2026-10-01 10:00,1,1.00\n2026-10-01 11:00,2,2.00\n';
    const dir = tmp();
    const a = join(dir, 'oct.csv');
    const b = join(dir, 'oct-again.csv');
    writeFileSync(a, text);
    writeFileSync(b, `${text}2026-10-01 12:00,3,3.00\n`);
    const result = await importFiles([{ path: a }, { path: b }]);
    expect(result.records.map((r) => [r.source.file === a ? 'a' : 'b', r.amountFen])).toEqual([
      ['a', 100],
      ['a', 100],
      ['a', 200],
      ['b', 300],
    ]);
    const w = result.warnings.find((x) => x.code === 'dedupe.across-files');
    expect(w?.message).toContain(a);
    expect(w?.message).toContain(b);
  });
});

/** The polynomial hash dedupeKeyHash promises, computed over the built key. */
function hashOfKey(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return h;
}

/** The cross-file dedupe as importFiles first wrote it, with a Map keyed by dedupeKey: the reference. */
function referenceDuplicates(): (r: PosRecord) => string | undefined {
  const seen = new Map<string, { file: string; count: number }>();
  const consumed = new Map<string, number>();
  return (r) => {
    const key = dedupeKey(r);
    const prior = seen.get(key);
    if (prior === undefined) seen.set(key, { file: r.source.file, count: 1 });
    else if (prior.file === r.source.file) prior.count++;
    else {
      const slot = `${r.source.file}\u0002${key}`;
      const used = consumed.get(slot) ?? 0;
      if (used < prior.count) {
        consumed.set(slot, used + 1);
        return prior.file;
      }
    }
    return undefined;
  };
}

// Few distinct values, so that records repeat; 'Aa' and 'BB' have the same ×31 hash, and \u0001 inside a field
// makes two different records share one key.
const fieldText = fc.constantFrom('Aa', 'BB', '1', '1\u00011', '', '合计', 'x\u0001');
const fen = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 10, 2_147_483_647, -2_147_483_648, 2_147_483_648, 9_007_199_254_740_991, 0.5),
  fc.integer({ min: -1000, max: 1000 }),
);
const arbitraryRecord = fc.record(
  {
    kind: fc.constantFrom('settlement', 'terminal'),
    type: fc.constant('sale'),
    status: fc.constant('success'),
    time: fc.constantFrom('2026-10-01T10:00:00+08:00', '2026-10-01T10:00:01+08:00'),
    amountFen: fen,
    feeFen: fen,
    refNo: fieldText,
    orderNo: fieldText,
    payerId: fieldText,
    channel: fc.constant('card'),
    card: fc.constant('unknown'),
    source: fc.record({ file: fc.constantFrom('a.csv', 'b.csv', 'c.csv'), row: fc.nat(9) }),
  },
  { requiredKeys: ['kind', 'type', 'status', 'time', 'amountFen', 'channel', 'card', 'source'] },
) as fc.Arbitrary<PosRecord>;

describe('dedupe key hash', () => {
  it('is the hash of the joined key, whatever the fields hold', () => {
    fc.assert(
      fc.property(arbitraryRecord, (r) => {
        expect(dedupeKeyHash(r)).toBe(hashOfKey(dedupeKey(r)));
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes numbers as String() spells them', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.constant(-0)), (n) => {
        const r = { amountFen: n, source: { file: 'a', row: 1 } } as unknown as PosRecord;
        expect(dedupeKeyHash(r)).toBe(hashOfKey(dedupeKey(r)));
      }),
    );
  });
});

describe('CrossFileDuplicates', () => {
  it('drops exactly the records a Map keyed by dedupeKey drops', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { maxLength: 60 }), (records) => {
        // Records arrive file by file, as an import feeds them.
        const byFile = [...records].sort((x, y) => x.source.file.localeCompare(y.source.file));
        const reference = referenceDuplicates();
        const dedupe = new CrossFileDuplicates();
        for (const r of byFile) expect(dedupe.duplicateOf(r)).toBe(reference(r));
      }),
      { numRuns: 500 },
    );
  });

  it('tells apart records whose keys share a hash', () => {
    const base = {
      kind: 'settlement',
      type: 'sale',
      status: 'success',
      time: '2026-10-01T10:00:00+08:00',
      amountFen: 100,
      channel: 'card',
      card: 'unknown',
    } as const;
    const aa: PosRecord = { ...base, refNo: 'Aa', source: { file: 'a.csv', row: 1 } };
    const bb: PosRecord = { ...base, refNo: 'BB', source: { file: 'a.csv', row: 2 } };
    expect(dedupeKeyHash(aa)).toBe(dedupeKeyHash(bb));
    const dedupe = new CrossFileDuplicates();
    expect(dedupe.duplicateOf(aa)).toBeUndefined();
    expect(dedupe.duplicateOf(bb)).toBeUndefined();
    expect(dedupe.duplicateOf({ ...bb, source: { file: 'b.csv', row: 1 } })).toBe('a.csv');
    expect(dedupe.duplicateOf({ ...bb, source: { file: 'b.csv', row: 2 } })).toBeUndefined();
    expect(dedupe.duplicateOf({ ...aa, source: { file: 'b.csv', row: 3 } })).toBe('a.csv');
  });
});

describe('streaming', () => {
  it('imports a generated 200,000-row CSV through importFileStreaming', async () => {
    const dir = tmp();
    const path = join(dir, 'big.csv');
    const lines = ['交易时间,终端号,参考号,交易金额,手续费'];
    let expectedSum = 0;
    for (let i = 0; i < 200_000; i++) {
      const fen = (i * 7919) % 100_000;
      expectedSum += fen;
      const yuan = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
      lines.push(`2026-10-01 ${String(i % 24).padStart(2, '0')}:00:00,T1,${i},${yuan},0.01`);
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
    let count = 0;
    let sum = 0;
    const summary = await importFileStreaming({ path }, {}, (r) => {
      count++;
      sum += r.amountFen;
    });
    expect(count).toBe(200_000);
    expect(sum).toBe(expectedSum);
    expect(summary.rows).toBe(200_000);
    expect(summary.rejected).toEqual([]);
  });

  // Files are read a megabyte at a time into reused buffers and decoded 32 KiB at a time: characters of two,
  // three or four bytes fall across every kind of boundary, and two files read at once must not share a buffer.
  it.each(['gbk', 'gb18030', 'utf8'] as const)(
    'reads multi-megabyte %s files whole, characters cut by chunk and slice boundaries included',
    async (encoding) => {
      const dir = tmp();
      const write = (name: string, rows: number, salt: number) => {
        const lines = ['交易时间,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,备注'];
        const labels: string[] = [];
        for (let i = 0; i < rows; i++) {
          // A label of 1–9 characters shifts every later byte, so boundaries land inside characters of each width.
          const width = ((i * 7 + salt) % 9) + 1;
          const label = [...(encoding === 'gb18030' ? '商户𠀀优惠券活动满' : '商户优惠券活动满减')]
            .slice(0, width)
            .join('');
          labels.push(label);
          lines.push(
            `2026-10-01 08:${String(i % 60).padStart(2, '0')}:00,T${salt},${salt}${i},${i % 2 === 0 ? '借记卡' : '贷记卡'},刷卡,消费,${(i % 500) + 1}.00,0.01,${label}`,
          );
        }
        const path = join(dir, name);
        writeFileSync(path, iconv.encode(`${lines.join('\r\n')}\r\n`, encoding));
        return { path, labels };
      };
      const a = write('a.csv', 60_000, 1);
      const b = write('b.csv', 45_000, 2);
      const read = async (path: string) => {
        const records: PosRecord[] = [];
        const summary = await importFileStreaming({ path }, {}, (r) => records.push(r));
        expect(summary.rejected).toEqual([]);
        return records;
      };
      const [ra, rb] = await Promise.all([read(a.path), read(b.path)]);
      for (const [records, file, salt] of [
        [ra, a, 1],
        [rb, b, 2],
      ] as const) {
        expect(records).toHaveLength(file.labels.length);
        expect(records.map((r) => r.label)).toEqual(file.labels);
        expect(records.every((r) => r.channel === 'card' && r.type === 'sale')).toBe(true);
        expect(records.filter((r) => r.card === 'debit')).toHaveLength(Math.ceil(file.labels.length / 2));
        expect(records.map((r) => r.refNo)).toEqual(file.labels.map((_, i) => `${salt}${i}`));
      }
      // Read again, after the buffers went back: the same records.
      expect(await read(a.path)).toEqual(ra);
    },
    60_000,
  );

  it.each(['settlement-gbk.csv', 'settlement.xlsx'])(
    'passes an error thrown by onRecord through unchanged, not as an unreadable %s',
    async (name) => {
      const mine = new Error('disk full');
      const reading = importFileStreaming({ path: join(FIXTURES, name) }, {}, () => {
        throw mine;
      });
      await expect(reading).rejects.toBe(mine);
    },
  );
});

describe('bank-generic fixture', () => {
  it('reads a GBK bank statement: credits as payouts, the debit skipped and counted, totals checked', async () => {
    const path = resolve(import.meta.dirname, '../../test/fixtures/bank-generic/bank-statement-gbk.csv');
    const result = await importFiles([{ path }]);
    expect(result.rejected).toEqual([]);
    const payout = (time: string, amountFen: number, row: number, label: string, counterparty?: string) => ({
      kind: 'bank',
      type: 'payout',
      status: 'success',
      time,
      channel: 'unknown',
      card: 'unknown',
      amountFen,
      label,
      ...(counterparty === undefined ? {} : { counterparty, payerId: '1101********5678' }),
      source: { file: path, row },
    });
    expect(result.records).toEqual([
      payout('2026-10-02T10:15:03+08:00', 122715, 6, 'T1结算款', '某某支付有限公司'),
      payout('2026-10-03T09:01:11+08:00', 339449, 8, 'T1结算款', '某某支付有限公司'),
      payout('2026-10-05T00:00:00+08:00', 88, 9, '结息'),
    ]);
    expect(result.files[0]).toMatchObject({
      preset: 'bank-generic',
      encoding: 'gbk',
      kind: 'bank',
      rows: 3,
      skipped: 1,
    });
    expect(result.warnings.map((w) => w.code)).toEqual(['bank.debits-skipped']);
  });

  it('reads the side a bank names in brackets: 贷方发生额（收入）, 借方发生额（支取）', async () => {
    const text = [
      '中国工商银行 账户明细',
      '交易日期,交易时间,摘要,借方发生额（支取）,贷方发生额（收入）,余额,对方户名,对方账号',
      '20261009,09:05:11,代发,,"3,214.92","13,214.92",乐刷科技有限公司,41000123456789',
      '20261009,10:00:00,转账,100.00,,"13,114.92",张三,6222021234567890123',
    ].join('\r\n');
    const result = await importFiles([{ name: '明细.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.files[0]).toMatchObject({ preset: 'bank-generic', kind: 'bank', rows: 1, skipped: 1 });
    expect(result.records.map((r) => [r.type, r.amountFen, r.counterparty, r.time])).toEqual([
      ['payout', 321492, '乐刷科技有限公司', '2026-10-09T09:05:11+08:00'],
    ]);
  });
});

describe('units named outside the column headers', () => {
  it('reads the money columns in fen when a title line says 单位：分, a header suffix still winning', async () => {
    const text = [
      '单位：分',
      '商户号,交易时间,参考号,交易金额,手续费,结算金额（元）',
      '822100000000001,2026-10-12 10:01:00,100000000001,800000,4400,7956.00',
    ].join('\r\n');
    const result = await importFiles([{ name: 'fen.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.records.map((r) => [r.amountFen, r.feeFen, r.settledFen])).toEqual([
      [800000, 4400, 795600],
    ]);
  });

  it('reads a header whose unit is written （单位：元）, /元 or （￥） instead of refusing the file', async () => {
    const text = [
      '交易时间,交易金额(单位：元),手续费/元,结算金额（￥）',
      '2026-10-12 10:01:00,"8,000.00",44.00,"7,956.00"',
    ].join('\r\n');
    const result = await importFiles([{ name: 'units.csv', bytes: Buffer.from(text) }]);
    expect(result.records.map((r) => [r.amountFen, r.feeFen, r.settledFen])).toEqual([
      [800000, 4400, 795600],
    ]);
  });
});

describe('a table whose header is not understood', () => {
  it('names the row that came closest and what it lacked', async () => {
    const text = '交易日,摘要,金额收入,对方户名\n2026-10-09,转账,1.00,某某\n';
    const error = await importFiles([{ name: 'odd.csv', bytes: Buffer.from(text) }]).then(
      () => undefined,
      (e: unknown) => e as ImportFileError,
    );
    expect(error?.zh).toContain('最像表头的是第 1 行（交易日 | 摘要 | 金额收入 | 对方户名）');
    expect(error?.zh).toContain('只认出了 “交易日”、“摘要”、“对方户名”，没有认出金额列');
  });
});

describe('bank exports as Chinese banks give them', () => {
  it('reads 工商银行 个人借记卡明细: 记账金额(收入) is the credit, 记账金额(支出) a skipped debit', async () => {
    const text = [
      '交易日期,摘要,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,记账金额(收入),记账金额(支出),记账币种,余额,对方户名',
      '2026-10-09,转账,,CHN,钞,"1,713.69",,人民币,"1,713.69",,人民币,"21,713.69",汇通支付有限公司',
      '2026-10-09,消费,,CHN,钞,,58.00,人民币,,58.00,人民币,"21,655.69",某超市',
    ].join('\r\n');
    const result = await importFiles([{ name: '历史明细.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.files[0]).toMatchObject({ preset: 'bank-generic', kind: 'bank', rows: 1, skipped: 1 });
    expect(result.records.map((r) => [r.type, r.amountFen, r.counterparty])).toEqual([
      ['payout', 171369, '汇通支付有限公司'],
    ]);
  });

  it('reads a reversal an ICBC personal export writes in 交易场所 as one, not as spending', async () => {
    const text = [
      '交易日期,摘要,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,记账金额(收入),记账金额(支出),记账币种,余额,对方户名',
      '2026-10-10,代发,汇通支付T1结算款2026-10-09,CHN,钞,"1,713.69",,人民币,"1,713.69",,人民币,"21,713.69",汇通支付有限公司',
      '2026-10-10,转账,冲正 汇通支付T1结算款2026-10-09,CHN,钞,,"1,713.69",人民币,,"1,713.69",人民币,"20,000.00",汇通支付有限公司',
    ].join('\r\n');
    const result = await importFiles([{ name: '历史明细.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.records.map((r) => [r.amountFen, r.label])).toEqual([
      [171369, '代发 汇通支付T1结算款2026-10-09'],
      [-171369, '转账 冲正 汇通支付T1结算款2026-10-09'],
    ]);
  });

  it('reads 招商银行 企业网银: 交易日 with an hhmmss 交易时间, the payer in 收/付方名称, every memo column kept', async () => {
    const text = [
      '公司名称,鸿运便利店,银行帐号,755912345610801',
      '查询开始日期,20260928,查询结束日期,20261021',
      '交易日,交易时间,起息日,交易类型,借方金额,贷方金额,余额,摘要,流水号,业务名称,用途,收/付方名称,收/付方帐号',
      '20261010,071923,20261010,汇入,,"1,713.69","52,130.91",代发,K1004,汇入汇款,汇通支付T1结算款2026-10-09,汇通支付有限公司,4100****1003',
    ].join('\r\n');
    const result = await importFiles([{ name: 'cmb.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.amountFen, r.counterparty, r.payerId, r.label])).toEqual([
      [
        '2026-10-10T07:19:23+08:00',
        171369,
        '汇通支付有限公司',
        '4100****1003',
        '代发 汇入汇款 汇通支付T1结算款2026-10-09',
      ],
    ]);
  });

  it('reads 工商银行 企业网银: the payer in 对方单位名称 when the memo is generic', async () => {
    const text = [
      '凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额,个性化信息',
      'V001,6222000011112222,41000123456789,2026-10-10 09:01:02,贷,,"1,713.69",102100099996,跨行汇入,T1划款,汇通支付有限公司,"9,000.00",',
    ].join('\r\n');
    const result = await importFiles([{ name: 'icbc.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.records.map((r) => [r.amountFen, r.counterparty, r.label])).toEqual([
      [171369, '汇通支付有限公司', '跨行汇入 T1划款'],
    ]);
  });
});

describe('ZIP archives', () => {
  it('imports the detail table of a ZIP and skips the 汇总 table with a warning', async () => {
    const { buildStoredZip } = await import('../../test/fixtures/zip-writer.js');
    const detail = iconv.encode(
      '交易时间,交易金额\n2026-10-01 10:00:00,1.00\n2026-10-01 11:00:00,2.00\n',
      'gbk',
    );
    const summary = iconv.encode('日期,笔数,金额\n2026-10-01,2,3.00\n', 'gbk');
    const bytes = buildStoredZip([
      { name: 'm_明细.csv', data: detail },
      { name: 'm_汇总.csv', data: summary },
    ]);
    const result = await importFiles([{ name: 'm.zip', bytes }]);
    expect(result.records.map((r) => [r.source.file, r.amountFen])).toEqual([
      ['m.zip/m_明细.csv', 100],
      ['m.zip/m_明细.csv', 200],
    ]);
    expect(result.files[0]).toMatchObject({ file: 'm.zip', rows: 2, encoding: 'gbk' });
    expect(result.warnings.map((w) => w.code)).toEqual(['zip.summary-skipped']);
  });

  it('keeps a record repeated in a second table of the same ZIP once (dedupe across parts of one input)', async () => {
    const { buildStoredZip } = await import('../../test/fixtures/zip-writer.js');
    const rows = '交易时间,参考号,交易金额\n2026-10-01 10:00:00,1,1.00\n2026-10-01 10:00:00,1,1.00\n';
    const bytes = buildStoredZip([
      { name: 'a.csv', data: Buffer.from(rows) },
      { name: 'b.csv', data: Buffer.from(`${rows}2026-10-01 12:00:00,3,3.00\n`) },
    ]);
    const result = await importFiles([{ name: 'm.zip', bytes }]);
    // Both of a.csv's identical rows stay; b.csv's two copies of them are dropped, its new row is kept.
    expect(result.records.map((r) => [r.source.file, r.amountFen])).toEqual([
      ['m.zip/a.csv', 100],
      ['m.zip/a.csv', 100],
      ['m.zip/b.csv', 300],
    ]);
    expect(result.warnings.find((w) => w.code === 'dedupe.across-files')?.message).toContain('2 条');
  });

  it('reports a corrupt ZIP as one ImportFileError', async () => {
    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
    await expect(importFiles([{ name: 'bad.zip', bytes }])).rejects.toBeInstanceOf(ImportFileError);
  });
});

describe('vocabularies, signs and encodings', () => {
  it('maps the issue’s values and keeps failed rows as failed', async () => {
    const text = [
      '交易时间,交易类型,支付方式,卡类型,交易状态,交易金额,手续费',
      '2026-10-01 10:00:00,消费撤销,云闪付,准贷记卡,成功,10.00,0.06',
      '2026-10-01 10:01:00,消费冲正,挥卡,借记卡,交易失败,10.00,0.06',
      '2026-10-01 10:02:00,预授权完成,数字人民币,未知,SUCCESS,10.00,0.06',
      '2026-10-01 10:03:00,流量费,刷卡,,支付成功,99.00,',
      '2026-10-01 10:04:00,消费,积分兑换,信用卡,奇怪状态,10.00,0.06',
    ].join('\n');
    const result = await importFiles([{ name: 'v.csv', bytes: Buffer.from(text) }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.type, r.channel, r.card, r.status, r.amountFen, r.feeFen])).toEqual([
      ['void', 'unionpay-qr', 'credit', 'success', -1000, -6],
      ['reversal', 'nfc', 'debit', 'failed', -1000, -6],
      ['preauth-complete', 'ecny', 'unknown', 'success', 1000, 6],
      ['deduction', 'card', 'unknown', 'success', 9900, undefined],
      ['sale', 'other', 'credit', 'success', 1000, 6],
    ]);
    const unknown = result.warnings.filter((w) => w.code === 'value.unknown').map((w) => w.message);
    expect(unknown.some((m) => m.includes('积分兑换'))).toBe(true);
    expect(unknown.some((m) => m.includes('奇怪状态'))).toBe(true);
  });

  it('labels a deduction by its type when the statement names the charge only there', async () => {
    const text = [
      '交易时间,结算日期,终端号,参考号,交易类型,交易金额,手续费,结算金额,备注',
      '2026-09-02 00:00:00,2026-09-02,T1,,流量费,-99.00,0.00,-99.00,',
      '2026-09-03 00:00:00,2026-09-03,T1,,SIM卡费,-36.00,0.00,-36.00,',
      '2026-09-04 00:00:00,2026-09-04,T1,,扣费,-99.00,0.00,-99.00,SIM卡服务费',
      '2026-09-04 10:00:00,2026-09-05,T1,R1,消费,100.00,0.60,99.40,',
    ].join('\n');
    const result = await importFiles([{ name: 's.csv', bytes: Buffer.from(text) }]);
    expect(result.rejected).toEqual([]);
    // The remark wins when there is one; a sale gets no label from its type.
    expect(result.records.map((r) => [r.type, r.label])).toEqual([
      ['deduction', '流量费'],
      ['deduction', 'SIM卡费'],
      ['deduction', 'SIM卡服务费'],
      ['sale', undefined],
    ]);
  });

  it('reads a sale marked 已撤销 or 已冲正 as voided or reversed, and a void line’s 撤销成功 as its success', async () => {
    const text = [
      '交易时间,终端号,参考号,交易类型,交易状态,交易金额',
      '2026-09-02 10:00:00,T1,R1,消费,已撤销,200.00',
      '2026-09-02 10:10:00,T1,R2,消费,已冲正,300.00',
      '2026-09-02 10:20:00,T1,R3,撤销,撤销成功,-50.00',
      '2026-09-02 10:30:00,T1,R4,消费,成功,80.00',
    ].join('\n');
    const result = await importFiles([{ name: 'j.csv', bytes: Buffer.from(text) }], { kind: 'terminal' });
    expect(result.records.map((r) => [r.refNo, r.type, r.status])).toEqual([
      ['R1', 'sale', 'voided'],
      ['R2', 'sale', 'reversed'],
      ['R3', 'void', 'success'],
      ['R4', 'sale', 'success'],
    ]);
  });

  it('keeps no full card number in a memo', async () => {
    const pan = '621700123456789011'; // passes the Luhn check
    const text = [
      '交易时间,结算日期,终端号,参考号,交易类型,交易金额,手续费,结算金额,备注',
      `2026-09-02 00:00:00,2026-09-02,T1,,服务费,-9.90,0.00,-9.90,扣款 卡${pan}`,
    ].join('\n');
    const result = await importFiles([{ name: 's.csv', bytes: Buffer.from(text) }]);
    expect(result.records.map((r) => r.label)).toEqual(['扣款 卡621700********9011']);
  });

  it('reads D/C-marked signs and as-is fees from a user mapping', async () => {
    const dir = tmp();
    const mapping = join(dir, 'm.yaml');
    writeFileSync(
      mapping,
      [
        'name: dc',
        'columns:',
        '  time: [时间]',
        '  amount: [金额]',
        '  fee: [手续费]',
        '  settled: [结算]',
        'units: { amount: fen, fee: fen, settled: fen }',
        'signs: { fee: dc-inline, settled: "dc-marked:借贷" }',
      ].join('\n'),
    );
    const text =
      '时间,金额,手续费,结算,借贷\n2026-10-01 10:00:00,1000,D000000000006,994,C\n2026-10-01 10:01:00,1000,C000000000006,1006,D\n';
    const result = await importFiles([{ name: 'dc.txt', bytes: Buffer.from(text) }], {
      mappingFile: mapping,
    });
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.amountFen, r.feeFen, r.settledFen])).toEqual([
      [1000, 6, 994],
      [1000, -6, -1006],
    ]);
    expect(result.files[0]?.preset).toBe('dc');
  });

  it('detects UTF-16 BE and UTF-16 LE without a BOM', async () => {
    const text = '交易时间\t交易金额\n2026-10-01 10:00:00\t1.00\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [bytes, enc] of [
      [le, 'utf-16le'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'utf-16be'],
      [be, 'utf-16be'],
    ] as const) {
      const result = await importFiles([{ name: 'u16.txt', bytes }]);
      expect(result.files[0]?.encoding).toBe(enc);
      expect(result.records[0]?.amountFen).toBe(100);
    }
  });

  it('finds the header after title rows with reordered and extra columns', async () => {
    const text = [
      '报表名称：交易流水',
      '导出时间：2026-10-02 09:00:00',
      '备注,交易金额,门店,终端号,交易时间,其他',
      'x,"1,000.50",店1,T1,2026-10-01 10:00:00,y',
    ].join('\n');
    const result = await importFiles([{ name: 'r.csv', bytes: Buffer.from(text) }]);
    expect(result.records[0]).toMatchObject({
      amountFen: 100050,
      terminalId: 'T1',
      label: 'x',
      source: { row: 4 },
    });
  });
});

describe('spreadsheet number cells', () => {
  it('does not keep a card number whose last digits a number cell lost, and says so', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('明细');
    sheet.addRow(['交易时间', '终端号', '卡号', '交易金额', '手续费']);
    // 6228480402564890018 is above 2^53: stored as a double it reads back as …0000.
    sheet.addRow(['2026-10-01 10:00:00', 'T1', Number('6228480402564890018'), 100, 0.6]);
    sheet.addRow(['2026-10-01 10:05:00', 'T1', '622848******0228', 200, 1.2]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const result = await importFiles([{ name: 'card.xlsx', bytes }], { kind: 'settlement' });
    expect(result.records.map((r) => r.cardNo)).toEqual([undefined, '622848******0228']);
    expect(result.records.map((r) => r.amountFen)).toEqual([10000, 20000]);
    expect(result.files[0]?.warnings.map((w) => w.code)).toContain('card.number-cell');
  });

  it('reads a date-time that lost its date format as the Excel serial it is', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('明细');
    sheet.addRow(['交易时间', '参考号', '交易金额', '手续费']);
    // 46237 days after 1899-12-30 is 2026-08-03; 0.42 of a day is 10:04:48.
    sheet.addRow([46237.42, 'R1', 100, 0.6]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const result = await importFiles([{ name: 'serial.xlsx', bytes }], { kind: 'settlement' });
    expect(result.rejected).toEqual([]);
    expect(result.records[0]?.time).toBe('2026-08-03T10:04:48+08:00');
  });

  it('reads a settlement date, completion time and clock that lost their formats as the serials they are', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('明细');
    sheet.addRow(['交易日期', '交易时间', '参考号', '交易金额', '手续费', '清算日期', '完成时间']);
    // 46237 is 2026-08-03, 46238 the 4th; 0.4375 of a day is 10:30:00, 0.5 is 12:00:00, 0.75 is 18:00:00.
    sheet.addRow([46237, 0.4375, 'R1', 100, 0.6, 46238, 46237.75]);
    sheet.addRow([new Date(Date.UTC(2026, 7, 3)), 0.5, 'R2', 200, 1.2, new Date(Date.UTC(2026, 7, 4)), '']);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const result = await importFiles([{ name: 'serials.xlsx', bytes }], { kind: 'settlement' });
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.settleDate, r.completedAt])).toEqual([
      ['2026-08-03T10:30:00+08:00', '2026-08-04', '2026-08-03T18:00:00+08:00'],
      ['2026-08-03T12:00:00+08:00', '2026-08-04', undefined],
    ]);
  });

  it('reads the same serials written out as text in a CSV saved from such a sheet', async () => {
    const csv = '交易日期,交易时间,参考号,交易金额,手续费,清算日期\n46237,0.4375,R1,100.00,0.60,46238\n';
    const result = await importFiles([{ name: 'serials.csv', bytes: Buffer.from(csv) }], {
      kind: 'settlement',
    });
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.time, r.settleDate])).toEqual([
      ['2026-08-03T10:30:00+08:00', '2026-08-04'],
    ]);
  });
});

describe('exports pasted one after another', () => {
  it('imports every block, skips the titles between them, and checks the blocks’ totals together', async () => {
    const block = (day: string, refs: [string, string]) => [
      '汇通支付有限公司商户结算明细',
      `商户号：822841054119608  结算日期：${day}`,
      '交易时间,参考号,交易金额,手续费,结算金额',
      `${day} 10:00:00,${refs[0]},100.00,0.60,99.40`,
      `${day} 11:00:00,${refs[1]},200.00,1.20,198.80`,
      '合计,,300.00,1.80,298.20',
    ];
    const text = [...block('2026-10-01', ['R1', 'R2']), ...block('2026-10-02', ['R3', 'R4'])].join('\r\n');
    const result = await importFiles([{ name: 'concat.csv', bytes: Buffer.from(text) }], {
      kind: 'settlement',
    });
    expect(result.records.map((r) => r.refNo)).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(result.rejected).toEqual([]);
    const codes = result.files.flatMap((f) => f.warnings.map((w) => w.code));
    expect(codes).toContain('rows.text-lines');
    expect(codes).not.toContain('totals.mismatch');
  });

  it('gives each block the merchant its title names, when the table has no merchant column', async () => {
    const block = (merchant: string, title: string, refs: [string, string]) => [
      `汇通支付有限公司商户结算明细${title}`,
      `商户号：${merchant}  结算日期：2026-10-01`,
      '交易时间,参考号,交易金额,手续费,结算金额',
      `2026-10-01 10:00:00,${refs[0]},100.00,0.60,99.40`,
      `2026-10-01 11:00:00,${refs[1]},200.00,1.20,198.80`,
    ];
    const text = [
      ...block('822841054119608', '', ['R1', 'R2']),
      // The next export's title row as Excel saves it: the text in the first cell, the rest empty.
      ...block('822841054110001', ',,,,', ['R3', 'R4']).map((l) => (l.startsWith('商户号') ? `${l},,,,` : l)),
    ].join('\r\n');
    const result = await importFiles([{ name: 'agent.csv', bytes: Buffer.from(text) }], {
      kind: 'settlement',
    });
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.merchantId])).toEqual([
      ['R1', '822841054119608'],
      ['R2', '822841054119608'],
      ['R3', '822841054110001'],
      ['R4', '822841054110001'],
    ]);
    // A merchant column, where there is one, is the record's merchant whatever the title says.
    const withColumn = [
      '商户编号：999',
      '交易时间,商户号,参考号,交易金额',
      '2026-10-01 10:00:00,M1,R1,100.00',
    ];
    const own = await importFiles([{ name: 'own.csv', bytes: Buffer.from(withColumn.join('\n')) }]);
    expect(own.records.map((r) => r.merchantId)).toEqual(['M1']);
  });

  it('still warns when the blocks’ totals do not add up to the rows', async () => {
    const text = [
      '交易时间,参考号,交易金额,手续费,结算金额',
      '2026-10-01 10:00:00,R1,100.00,0.60,99.40',
      '合计,,100.00,0.60,99.40',
      '2026-10-02 10:00:00,R2,200.00,1.20,198.80',
      '合计,,250.00,1.20,198.80',
    ].join('\n');
    const result = await importFiles([{ name: 'c.csv', bytes: Buffer.from(text) }], { kind: 'settlement' });
    expect(result.files.flatMap((f) => f.warnings.map((w) => w.code))).toContain('totals.mismatch');
  });
});

describe('workbooks with a summary sheet', () => {
  const workbook = async (withDetail: boolean) => {
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const summary = book.addWorksheet('汇总');
    summary.addRow(['交易时间', '交易金额', '手续费']);
    summary.addRow(['2026-10-01', 300, 1.8]);
    if (withDetail) {
      const detail = book.addWorksheet('交易明细');
      detail.addRow(['交易时间', '参考号', '交易金额', '手续费']);
      detail.addRow(['2026-10-01 10:00:00', 'R1', 100, 0.6]);
      detail.addRow(['2026-10-01 11:00:00', 'R2', 200, 1.2]);
    }
    return Buffer.from(await book.xlsx.writeBuffer());
  };

  it('imports the detail sheet and not the 汇总 sheet before it, and says so', async () => {
    const result = await importFiles([{ name: 'm.xlsx', bytes: await workbook(true) }], {
      kind: 'settlement',
    });
    expect(result.records.map((r) => r.refNo)).toEqual(['R1', 'R2']);
    expect(result.files.flatMap((f) => f.warnings.map((w) => w.code))).toContain('xlsx.summary-skipped');
  });

  it('imports a 汇总 sheet when the workbook has nothing else', async () => {
    const result = await importFiles([{ name: 'm.xlsx', bytes: await workbook(false) }], {
      kind: 'settlement',
    });
    expect(result.records.map((r) => r.amountFen)).toEqual([30000]);
  });
});

describe('bounded memory', () => {
  it('gives up on a row longer than 16 MiB with one ImportFileError', async () => {
    const bytes = Buffer.concat([
      Buffer.from('交易时间,交易金额\n2026-10-01 10:00:00,"'),
      Buffer.alloc(17 * 1024 * 1024, 0x61),
    ]);
    const error = await importFiles([{ name: 'long.csv', bytes }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).message).toContain('16 MiB');
  });
});

describe('channel from the card when the file names none', () => {
  it('reads an agent statement without 支付方式 as card payments by its card numbers and card types, and says so once', async () => {
    // The layout of an agent's GBK statement: title rows, ="" quoted keys, 卡号 and 卡类型 but no channel column.
    const text = [
      '代理商交易结算明细',
      '商户号,终端号,交易时间,结算日期,交易类型,卡号,卡类型,交易金额(元),手续费(元),结算金额(元),参考号',
      '="822584053110001",="T001001",2026-11-02 09:00:00,2026-11-03,消费,622588******1234,贷记卡,"1,000.00",6.00,994.00,="100000000001"',
      '="822584053110001",="T001001",2026-11-02 09:05:00,2026-11-03,消费,621226*********4882,,200.00,1.10,198.90,="100000000002"',
      '="822584053110001",="T001001",2026-11-02 09:10:00,2026-11-03,消费,,借记卡,300.00,1.65,298.35,="100000000003"',
      '="822584053110001",="T001001",2026-11-02 09:15:00,2026-11-03,消费,,,50.00,0.30,49.70,="100000000004"',
    ].join('\r\n');
    const result = await importFiles([{ name: 'agent.csv', bytes: iconv.encode(text, 'gbk') }]);
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.channel, r.card])).toEqual([
      ['100000000001', 'card', 'credit'],
      ['100000000002', 'card', 'unknown'],
      ['100000000003', 'card', 'debit'],
      ['100000000004', 'unknown', 'unknown'],
    ]);
    const inferred = result.warnings.filter((w) => w.code === 'channel.inferred');
    expect(inferred).toHaveLength(1);
    expect(inferred[0]?.message).toContain('3 行');
    expect(inferred[0]?.messageEn).toContain('3 rows');
  });

  it('keeps a named channel, and infers only where the channel cell is empty', async () => {
    const text = [
      '交易时间,支付方式,卡号,卡类型,交易金额,手续费',
      '2026-10-01 10:00:00,微信,,借记卡,10.00,0.06',
      '2026-10-01 10:01:00,闪付,622588******1234,贷记卡,10.00,0.06',
      '2026-10-01 10:02:00,未知,622588******1234,贷记卡,10.00,0.06',
      '2026-10-01 10:03:00,,622588******1234,贷记卡,10.00,0.06',
    ].join('\n');
    const result = await importFiles([{ name: 'c.csv', bytes: Buffer.from(text) }]);
    expect(result.records.map((r) => r.channel)).toEqual(['wechat', 'nfc', 'unknown', 'card']);
    const inferred = result.warnings.filter((w) => w.code === 'channel.inferred');
    expect(inferred.map((w) => w.message)).toEqual([expect.stringContaining('“支付方式”列为空：1 行')]);
  });

  it('does not take a card type beside a wallet user id, nor a payer id or order number alone, as a card', async () => {
    // A WeChat payment funded by a debit card carries 借记卡 and the payer's openid.
    const text = [
      '交易时间,用户标识,订单号,卡类型,交易金额,手续费',
      '2026-10-01 10:00:00,oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,4200001234202610011234567890,借记卡,10.00,0.06',
      '2026-10-01 10:01:00,2088102122524333,2026100122001424331234567890,,10.00,0.06',
    ].join('\n');
    const result = await importFiles([{ name: 'w.csv', bytes: Buffer.from(text) }]);
    expect(result.records.map((r) => r.channel)).toEqual(['unknown', 'unknown']);
    expect(result.warnings.filter((w) => w.code === 'channel.inferred')).toEqual([]);
  });

  it('leaves a deduction without a channel, even beside a card type', async () => {
    const text = [
      '交易时间,交易类型,卡类型,交易金额,手续费',
      '2026-10-01 00:00:00,流量费,借记卡,-99.00,0.00',
    ].join('\n');
    const result = await importFiles([{ name: 'd.csv', bytes: Buffer.from(text) }], { kind: 'settlement' });
    expect(result.records.map((r) => [r.type, r.channel])).toEqual([['deduction', 'unknown']]);
  });
});

describe('pre-authorisation', () => {
  it('skips holds and their cancellation, counting them, and reads completions as the sales they are', async () => {
    const text = [
      '交易时间,参考号,交易类型,交易状态,卡号,卡类型,交易金额',
      '2026-10-01 10:00:00,R1,预授权,成功,622588******1234,贷记卡,500.00',
      '2026-10-01 10:05:00,R2,预授权,成功,622588******5678,贷记卡,300.00',
      '2026-10-01 11:00:00,R3,预授权撤销,成功,622588******5678,贷记卡,300.00',
      '2026-10-01 11:10:00,R4,预授权冲正,成功,622588******5678,贷记卡,300.00',
      '2026-10-02 09:00:00,R5,预授权完成,成功,622588******1234,贷记卡,480.00',
      '2026-10-02 09:30:00,R6,预授权完成撤销,成功,622588******1234,贷记卡,480.00',
      '2026-10-02 10:00:00,R7,消费,成功,622588******1234,贷记卡,20.00',
      '2026-10-02 10:05:00,R8,撤销,成功,622588******1234,贷记卡,20.00',
    ].join('\n');
    const result = await importFiles([{ name: 'journal.csv', bytes: Buffer.from(text) }], {
      kind: 'terminal',
    });
    expect(result.rejected).toEqual([]);
    expect(result.records.map((r) => [r.refNo, r.type, r.amountFen])).toEqual([
      ['R5', 'preauth-complete', 48000],
      ['R6', 'void', -48000],
      ['R7', 'sale', 2000],
      ['R8', 'void', -2000],
    ]);
    const file = result.files[0];
    expect(file?.skipped).toBe(4);
    expect(file?.warnings.filter((w) => w.code === 'value.unknown')).toEqual([]);
    const skipped = file?.warnings.filter((w) => w.code === 'rows.type-skipped') ?? [];
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.message).toContain('预授权：2 行、预授权撤销：1 行、预授权冲正：1 行');
  });
});
