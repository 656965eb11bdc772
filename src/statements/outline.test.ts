import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { coverageOf } from '../audit/coverage.js';
import type { RecordKind } from '../records/index.js';
import { importFiles } from './import.js';
import { outlineFile } from './outline.js';

/**
 * The outline forecasts which merchants a file names and which days a statement covers, reading two columns'
 * bytes. The audit groups files by it, so it must name at least every merchant the import gives records for
 * (and, for statements, the same first and last settlement date), on files as messy as real exports.
 */
const dir = mkdtempSync(join(tmpdir(), 'posguard-outline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function write(content: string | Buffer, ext = 'csv'): string {
  n += 1;
  const path = join(dir, `f${n}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/** What the import reads from the file: its records' merchants and its coverage as a statement. */
async function imported(path: string, kind: RecordKind) {
  const result = await importFiles([{ path }], { kind });
  const merchants = [...new Set(result.records.map((r) => r.merchantId ?? ''))].sort();
  const cover = coverageOf(result.records);
  return {
    merchants,
    // The dates only: the outline forecasts the merchant apart.
    settle: cover.settle[0]?.slice(0, 2),
    records: result.records.length,
    rejected: result.rejected.length,
  };
}

const HEADER = '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额';

describe('outlineFile', () => {
  it('names the merchants and settlement days of a GBK statement with a preamble, quotes, CRLF and a totals row', async () => {
    const lines = [
      '汇通支付有限公司商户结算明细',
      '商户号：822028254119399  结算日期：2026-10-08 至 2026-10-30',
      HEADER,
      '2026-10-01 08:07:12,2026-10-08,822028254119399,87664787,100110047781,贷记卡,刷卡,消费,71.50,0.43,71.07',
      // Excel's ="…" guard, a quoted remark-free cell with a comma and a line break inside another cell.
      '2026-10-02 09:00:00,2026-10-09,="822028254119400",87664787,"1001,10047782",借记卡,刷卡,消费,"1,000.00",5.50,994.50',
      '2026-10-03 09:00:00,2026/10/12,"8220282541194""01",87664787,"100110\n047783",借记卡,刷卡,消费,10.00,0.06,9.94',
      HEADER, // a repeated header row, as split exports have
      '2026-10-04 09:00:00,20261030,822028254119399,87664787,100110047784,贷记卡,刷卡,消费,20.00,0.12,19.88',
      '合计,,,,,,,,1101.50,6.11,1095.39',
    ];
    const path = write(iconv.encode(lines.join('\r\n'), 'gbk'));
    const outline = await outlineFile(path, { kind: 'settlement' });
    const truth = await imported(path, 'settlement');
    expect(truth.records).toBe(4);
    expect(outline.merchants).toEqual(truth.merchants);
    expect(outline.merchants).toEqual(['822028254119399', '8220282541194"01', '822028254119400']);
    expect([outline.settleMin, outline.settleMax]).toEqual(truth.settle);
    expect([outline.settleMin, outline.settleMax]).toEqual(['2026-10-08', '2026-10-30']);
  });

  it('reads settlement dates saved as bare Excel serials as the import does', async () => {
    const lines = [
      HEADER,
      // 46303 is 2026-10-08 and 46325 is 2026-10-30, counted from 1899-12-30.
      '2026-10-01 08:07:12,46303,822028254119399,87664787,100110047781,贷记卡,刷卡,消费,71.50,0.43,71.07',
      '2026-10-28 09:00:00,46325,822028254119399,87664787,100110047782,贷记卡,刷卡,消费,10.00,0.06,9.94',
    ];
    const path = write(lines.join('\n'));
    const outline = await outlineFile(path, { kind: 'settlement' });
    const truth = await imported(path, 'settlement');
    expect(truth.rejected).toBe(0);
    expect([outline.settleMin, outline.settleMax]).toEqual(truth.settle);
    expect([outline.settleMin, outline.settleMax]).toEqual(['2026-10-08', '2026-10-30']);
  });

  it("names the merchant of the title's 商户号 line when the table has no merchant column, as the import does", async () => {
    const lines = [
      '汇通支付有限公司商户结算明细',
      '商户号：822028254119399  结算日期：2026-10-08 至 2026-10-09',
      '交易时间,结算日期,终端号,参考号,交易金额,手续费,结算金额',
      '2026-10-01 08:07:12,2026-10-08,87664787,100110047781,71.50,0.43,71.07',
      '2026-10-02 08:07:12,2026-10-09,87664787,100110047782,71.50,0.43,71.07',
    ];
    const path = write(iconv.encode(lines.join('\r\n'), 'gbk'));
    const outline = await outlineFile(path, { kind: 'settlement' });
    const truth = await imported(path, 'settlement');
    expect(outline.merchants).toEqual(['822028254119399']);
    expect(outline.merchants).toEqual(truth.merchants);
  });

  it('reads rows cut by its 4 MiB chunks, quoted line breaks included', async () => {
    const rows = [HEADER];
    // About 6 MB, so rows (and a quoted multi-line cell) straddle the chunk boundary.
    for (let i = 0; i < 60_000; i += 1) {
      const merchant = `8220000000${String(i % 7).padStart(5, '0')}`;
      const ref = i % 1000 === 0 ? `"R${i}\nX"` : `R${i}`;
      rows.push(
        `2026-10-01 08:00:00,2026-10-${String(2 + (i % 20)).padStart(2, '0')},${merchant},T1,${ref},贷记卡,刷卡,消费,10.00,0.06,9.94,${'x'.repeat(i % 37)}`,
      );
    }
    const path = write(`${rows.join('\n')}\n`);
    const outline = await outlineFile(path, { kind: 'settlement' });
    const truth = await imported(path, 'settlement');
    expect(outline.merchants).toEqual(truth.merchants);
    expect(outline.merchants).toHaveLength(7);
    expect([outline.settleMin, outline.settleMax]).toEqual(['2026-10-02', '2026-10-21']);
  });

  it('gives "" for a journal without a merchant column, and no settlement days for a journal', async () => {
    const path = write('交易时间,终端号,参考号,交易金额\n2026-10-01 08:00:00,T1,R1,10.00\n');
    expect(await outlineFile(path, { kind: 'terminal' })).toEqual({ merchants: [''] });
    expect((await imported(path, 'terminal')).merchants).toEqual(['']);
  });

  it('does not guess what it cannot read quickly', async () => {
    // A statement without a settlement date column covers its trade days: only the import can say which.
    const noSettle = write('交易时间,商户号,参考号,交易金额,手续费\n2026-10-01 08:00:00,M1,R1,10.00,0.06\n');
    expect((await outlineFile(noSettle, { kind: 'settlement' })).merchants).toBeUndefined();
    const utf16 = write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]));
    expect((await outlineFile(utf16, { kind: 'settlement' })).merchants).toBeUndefined();
    const zip = write(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), 'xlsx');
    expect((await outlineFile(zip, { kind: 'settlement' })).merchants).toBeUndefined();
    expect((await outlineFile(join(dir, 'missing.csv'), { kind: 'terminal' })).merchants).toBeUndefined();
    const notATable = write('hello\nworld\n');
    expect((await outlineFile(notATable, { kind: 'terminal' })).merchants).toBeUndefined();
  });

  it('names every merchant the import reads, whatever the quoting and line ends (property)', async () => {
    const cell = fc.oneof(
      fc.constantFrom('M1', 'M2', '8220001', ' M3 ', '="M4"', '', '-', 'M,5', 'M"6', '商户七'),
      fc.stringMatching(/^[A-Za-z0-9]{1,6}$/),
    );
    const quote = (text: string, always: boolean) =>
      always || /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, fc.boolean(), fc.integer({ min: 1, max: 28 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom('utf8', 'gbk'),
        async (rows, eol, encoding) => {
          const text = [
            HEADER,
            ...rows.map(
              ([merchant, always, day], i) =>
                `2026-10-01 08:00:00,2026-10-${String(day).padStart(2, '0')},${quote(merchant, always)},T1,R${i},贷记卡,刷卡,消费,10.00,0.06,9.94`,
            ),
          ].join(eol);
          const path = write(iconv.encode(text, encoding));
          const outline = await outlineFile(path, { kind: 'settlement' });
          const truth = await imported(path, 'settlement');
          if (truth.records === 0) return;
          // Blank merchant cells are not forecast (the audit's check catches records without a merchant).
          for (const m of truth.merchants) if (m !== '') expect(outline.merchants).toContain(m);
          if (truth.rejected === 0) {
            expect([outline.settleMin, outline.settleMax]).toEqual(truth.settle);
            return;
          }
          // A row the import rejects (say a merchant id Excel turned into 0E0) still counts in the outline: the
          // forecast may be wider, never narrower; the audit checks it against the import and falls back.
          const [min, max] = truth.settle ?? [];
          expect(outline.settleMin !== undefined && min !== undefined && outline.settleMin <= min).toBe(true);
          expect(outline.settleMax !== undefined && max !== undefined && outline.settleMax >= max).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('forecasts a wider settlement range when the import rejects a row, which the audit then checks', async () => {
    const text = [
      HEADER,
      '2026-10-01 08:00:00,2026-10-01,0E0,T1,R0,贷记卡,刷卡,消费,10.00,0.06,9.94',
      '2026-10-01 08:00:00,2026-10-02,M1,T1,R1,贷记卡,刷卡,消费,10.00,0.06,9.94',
    ].join('\n');
    const path = write(iconv.encode(text, 'utf8'));
    const outline = await outlineFile(path, { kind: 'settlement' });
    const truth = await imported(path, 'settlement');
    expect(truth.rejected).toBe(1);
    expect(truth.settle).toEqual(['2026-10-02', '2026-10-02']);
    expect([outline.settleMin, outline.settleMax]).toEqual(['2026-10-01', '2026-10-02']);
  });
});
