import yauzl from 'yauzl';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../src/audit/sample-report.js';
import { buildEvidencePack, fullCardNumbers } from '../../src/explain/evidence-pack.js';
import { findCjkFont } from '../../src/explain/render-pdf.js';

/** Every entry of a zip, read with yauzl. */
function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || zip === undefined) return reject(error ?? new Error('not a zip'));
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || stream === undefined) return reject(e ?? new Error('unreadable entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** A zip holding one file. */
function zipOf(name: string, text: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(text, 'utf8'), name, { mtime: new Date(Date.UTC(2000, 0, 1)) });
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

// 6222021234567890128 and 6225881234567898 pass the Luhn check.
describe('evidence pack: card numbers with spaces, dashes or full-width digits', () => {
  it('finds the card numbers of a text however they are spelled, and no order number, time or amount', () => {
    const text = [
      '交易时间,订单号,卡号,金额,备注',
      '2026-10-01 10:00:00,4200001234202610011234567890,6222 0212 3456 7890 128,100.00,',
      '2026-10-01 10:01:00,20261001100100123456,6225-8812-3456-7898,1234567.89,联系 138 0013 8000',
      '2026-10-01 10:02:00,20261001100200123457,,300.00,退款至卡６２２５８８１２３４５６７８９８',
      '2026-10-01 10:03:00,20261001100300123458,6.222021234567890128E+18,400.00,',
    ].join('\n');
    expect(fullCardNumbers(text)).toEqual([
      '6222 0212 3456 7890 128',
      '6225-8812-3456-7898',
      '６２２５８８１２３４５６７８９８',
      '6.222021234567890128',
    ]);
  });

  it('ships a masked copy of a text input holding a spaced card number, not the bytes', async () => {
    const font = findCjkFont();
    if (!font.ok) throw new Error(font.en);
    const original = [
      '交易时间,参考号,卡号,交易金额',
      '2026-10-01 10:00:00,100000000001,6222 0212 3456 7890 128,100.00',
      '2026-10-01 10:01:00,100000000002,6225-8812-3456-7898,200.00',
      '2026-10-01 10:02:00,100000000003,622588******7898,300.00',
      '',
    ].join('\n');
    const bytes = Buffer.from(original, 'utf8');
    const { zip, manifest } = await buildEvidencePack({
      report: sampleReport(),
      inputs: [{ name: 'journal.csv', kind: 'terminal', bytes }],
      font: font.font,
      date: '2026-11-01',
    });
    expect(manifest.inputs[0]).toMatchObject({ masked: true, entry: 'inputs/terminal/journal.masked.csv' });
    const files = await unzip(zip);
    expect(files.has('inputs/terminal/journal.csv')).toBe(false);
    const copy = files.get('inputs/terminal/journal.masked.csv')?.toString('utf8');
    // Only the digits between the first six and the last four become `*`; every other byte is the original's.
    expect(copy).toBe(
      original
        .replace('6222 0212 3456 7890 128', '6222 02** **** ***0 128')
        .replace('6225-8812-3456-7898', '6225-88**-****-7898'),
    );
    for (const entry of files.values()) {
      const text = entry.toString('utf8').replace(/[\s-]/g, '');
      expect(text).not.toContain('6222021234567890128');
      expect(text).not.toContain('6225881234567898');
    }
  });

  it('masks a dashed card number inside a zipped CSV', async () => {
    const font = findCjkFont();
    if (!font.ok) throw new Error(font.en);
    const dirty = await zipOf('b.csv', '参考号,卡号\n100000000001,6222-0212-3456-7890-128\n');
    const { zip, manifest } = await buildEvidencePack({
      report: sampleReport(),
      inputs: [{ name: 'dirty.zip', kind: 'settlement', bytes: dirty }],
      font: font.font,
      date: '2026-11-01',
    });
    expect(manifest.inputs[0]).toMatchObject({ masked: true, entry: 'inputs/settlement/dirty.masked.zip' });
    const files = await unzip(zip);
    const inside = await unzip(files.get('inputs/settlement/dirty.masked.zip') ?? Buffer.alloc(0));
    expect(inside.get('b.csv')?.toString('utf8')).toBe('参考号,卡号\n100000000001,6222-02**-****-***0-128\n');
  });
});
