import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { importFileStreaming } from './import.js';
import { entryName } from './zip-entries.js';

// QA's Windows-made archive showed its members as `all-gbk.zip/╜ß╦π├≈╧╕.csv` in warnings, the files table and JSON.
// Names without the UTF-8 flag are the writer's code page: GB18030 when they decode as such, else CP437; and a GBK
// name once read as CP437 and zipped again as flagged UTF-8 is read back as the GBK it was.

const STATEMENT = Buffer.from(
  '交易时间,终端号,参考号,交易金额,手续费,结算金额\n2026-10-12 09:00:00,20000001,200000000101,2000.00,12.60,1987.40\n',
);

/** A ZIP of `members`, each stored under `placeholder` (ASCII, as long as `raw`) and then renamed to the bytes `raw`. */
async function zipWithRawNames(
  members: { placeholder: string; raw: Buffer; bytes: Buffer; utf8Flag: boolean }[],
): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const m of members) z.addBuffer(m.bytes, m.placeholder, { compress: false });
  z.end();
  const parts: Buffer[] = [];
  for await (const chunk of z.outputStream) parts.push(chunk as Buffer);
  const zip = Buffer.concat(parts);
  for (const m of members) {
    expect(m.raw.length).toBe(m.placeholder.length);
    // The name is in the local header and in the central directory; neither carries a checksum of it.
    for (let at = zip.indexOf(m.placeholder); at >= 0; at = zip.indexOf(m.placeholder, at + 1)) {
      m.raw.copy(zip, at);
      const local = zip.readUInt32LE(at - 30) === 0x04034b50;
      const flagAt = local ? at - 30 + 6 : at - 46 + 8;
      expect(local || zip.readUInt32LE(at - 46) === 0x02014b50).toBe(true);
      const flag = zip.readUInt16LE(flagAt);
      zip.writeUInt16LE(m.utf8Flag ? flag | 0x800 : flag & ~0x800, flagAt);
    }
  }
  return zip;
}

async function partNames(zip: Buffer): Promise<{ files: string[]; warnings: string[] }> {
  const summary = await importFileStreaming({ name: 'a.zip', bytes: zip }, {}, () => {});
  const parts = summary.parts ?? [summary];
  return { files: parts.map((p) => p.file), warnings: summary.warnings.map((w) => w.message) };
}

describe('names of ZIP members', () => {
  it('reads a name without the UTF-8 flag as GBK (Windows zip tools in China)', async () => {
    const raw = iconv.encode('结算明细.csv', 'gbk');
    const zip = await zipWithRawNames([
      { placeholder: `${'x'.repeat(raw.length - 4)}.csv`, raw, bytes: STATEMENT, utf8Flag: false },
      { placeholder: 'b.csv', raw: Buffer.from('b.csv'), bytes: STATEMENT, utf8Flag: false },
    ]);
    expect((await partNames(zip)).files).toEqual(['a.zip/结算明细.csv', 'a.zip/b.csv']);
    expect(entryName(raw, 0)).toBe('结算明细.csv');
  });

  it('falls back to CP437 when the bytes are not GB18030, instead of replacement characters', async () => {
    // 0x82 followed by '.' is no GB18030 character; in CP437 it is é.
    const raw = Buffer.from([0x43, 0x61, 0x66, 0x82, 0x2e, 0x63, 0x73, 0x76]);
    expect(entryName(raw, 0)).toBe('Café.csv');
    const zip = await zipWithRawNames([
      { placeholder: 'Cafx.csv', raw, bytes: STATEMENT, utf8Flag: false },
      { placeholder: 'b.csv', raw: Buffer.from('b.csv'), bytes: STATEMENT, utf8Flag: false },
    ]);
    expect((await partNames(zip)).files).toEqual(['a.zip/Café.csv', 'a.zip/b.csv']);
  });

  it('reads back a GBK name garbled as CP437 and zipped again as UTF-8 (QA: all-gbk.zip)', async () => {
    const z = new yazl.ZipFile();
    z.addBuffer(STATEMENT, '╜ß╦π├≈╧╕.csv');
    z.addBuffer(STATEMENT, '2026─Ω10╘┬/╩╒╥°┴≈╦«.csv');
    z.end();
    const parts: Buffer[] = [];
    for await (const chunk of z.outputStream) parts.push(chunk as Buffer);
    const { files } = await partNames(Buffer.concat(parts));
    expect(files).toEqual(['a.zip/结算明细.csv', 'a.zip/2026年10月/收银流水.csv']);
  });

  it('keeps real UTF-8 names as they are, flagged or not', () => {
    for (const name of ['结算明细.csv', 'Straße.csv', '│报表│.csv', 'café ½.csv', 'plain.csv']) {
      const raw = Buffer.from(name, 'utf8');
      expect(entryName(raw, 0x800)).toBe(name);
      expect(entryName(raw, 0)).toBe(name);
    }
  });
});
