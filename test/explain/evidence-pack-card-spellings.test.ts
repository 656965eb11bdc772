import { describe, expect, it } from 'vitest';
import { fullCardNumbers } from '../../src/explain/evidence-pack.js';
import { evidencePack, unzip, zipOf } from './explain-fixtures.js';

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
    const original = [
      '交易时间,参考号,卡号,交易金额',
      '2026-10-01 10:00:00,100000000001,6222 0212 3456 7890 128,100.00',
      '2026-10-01 10:01:00,100000000002,6225-8812-3456-7898,200.00',
      '2026-10-01 10:02:00,100000000003,622588******7898,300.00',
      '',
    ].join('\n');
    const bytes = Buffer.from(original, 'utf8');
    const { files, manifest } = await evidencePack({
      inputs: [{ name: 'journal.csv', kind: 'terminal', bytes }],
    });
    expect(manifest.inputs[0]).toMatchObject({ masked: true, entry: 'inputs/terminal/journal.masked.csv' });
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
    const dirty = await zipOf('b.csv', '参考号,卡号\n100000000001,6222-0212-3456-7890-128\n');
    const { files, manifest } = await evidencePack({
      inputs: [{ name: 'dirty.zip', kind: 'settlement', bytes: dirty }],
    });
    expect(manifest.inputs[0]).toMatchObject({ masked: true, entry: 'inputs/settlement/dirty.masked.zip' });
    const inside = await unzip(files.get('inputs/settlement/dirty.masked.zip') ?? Buffer.alloc(0));
    expect(inside.get('b.csv')?.toString('utf8')).toBe('参考号,卡号\n100000000001,6222-02**-****-***0-128\n');
  });
});
