import { describe, expect, it } from 'vitest';
import { importFixture } from './import-fixture.js';

// Every provider fixture, read without --preset, and the preset that must be picked for it.
const EXPECTED: [string, string][] = [
  ['leshua/8000123456_trade_new_20261010.txt', 'leshua'],
  ['leshua/8000123456_trade_new_20261011.txt', 'leshua'],
  ['leshua/hostile-reordered-extra-columns.txt', 'leshua'],
  ['unionpay-zm/INN26010288ZM_777290058110048', 'unionpay-zm'],
  ['unionpay-zm/INN26070188ZM_898310148160568', 'unionpay-zm'],
  ['lcsw/lcsw_853100012345_20261010.txt', 'lcsw'],
  ['lcsw/lcsw_853100012345_20261011.txt', 'lcsw'],
  ['wechat/1900000109_ALL_20261010.csv', 'wechat'],
  ['wechat/1900000109_ALL_20261011_gbk.csv', 'wechat'],
  ['wechat/hostile-service-provider-wrong-total.csv', 'wechat'],
  ['wechat/1900000109_REFUND_20261012.csv', 'wechat'],
  ['alipay/20881234567890120156_20261010.csv.zip', 'alipay'],
  ['alipay/20881234567890120156_20261011_业务明细.csv', 'alipay'],
];

describe('provider preset detection', () => {
  it.each(EXPECTED)('%s is read with %s', async (path, preset) => {
    const result = await importFixture(path);
    expect(result.files[0]!.preset).toBe(preset);
    expect(result.records.length).toBeGreaterThan(0);
  });

  it('the same records come out when the preset is forced with --preset', async () => {
    for (const [path, preset] of EXPECTED) {
      const detected = await importFixture(path);
      const forced = await importFixture(path, { preset });
      expect(forced.records).toEqual(detected.records);
    }
  });
});
