import { describe, expect, it } from 'vitest';
import { capUnknown, type RateFormulaChange, rateChangeText } from '../../web/src/format.js';

// The dashboard words a rate change as the CLI's table does (src/audit/render-table.ts rateChangeText): an episode
// (RateChange.until) ends “仅当天” / “至 X 止”, and a cap no sale could reach is never said removed or added.

/** A one-day ¥3.00 surcharge per sale on top of 0.63%, 2026-11-20 only. */
const surchargeDay: RateFormulaChange = {
  date: '2026-11-20',
  until: '2026-11-20',
  beforeRate: '0.63%',
  afterRate: '0.63%',
  beforeFixedFen: 0,
  afterFixedFen: 300,
};

describe('rateChangeText on the dashboard', () => {
  it('says a one-day surcharge held that day only', () => {
    expect(rateChangeText(surchargeDay, 'zh')).toBe('每笔固定费 ¥0.00→¥3.00，仅当天');
    expect(rateChangeText(surchargeDay, 'en')).toBe('fixed fee per sale ¥0.00→¥3.00, that day only');
  });

  it('says until when an episode of several days ended', () => {
    const raise = { ...surchargeDay, until: '2026-11-22', afterRate: '0.68%', afterFixedFen: 0 };
    expect(rateChangeText(raise, 'zh')).toBe('0.63%→0.68%，至 2026-11-22 止');
    expect(rateChangeText(raise, 'en')).toBe('0.63%→0.68%, until 2026-11-22');
  });

  it('words a lasting change with no end', () => {
    const { until: _ended, ...lasting } = surchargeDay;
    expect(rateChangeText(lasting, 'zh')).toBe('每笔固定费 ¥0.00→¥3.00');
  });

  it('never says a cap went to 无 / none when that side’s cap is unknown', () => {
    // The audit leaves both caps out then; a report with one side's cap kept must not read “封顶 ¥20.00→无” either.
    const unknownAfter: RateFormulaChange = {
      ...surchargeDay,
      beforeRate: '0.55%',
      afterRate: '0.55%',
      beforeCapFen: 2000,
      afterCapUnknown: true,
    };
    expect(capUnknown(unknownAfter)).toBe(true);
    expect(rateChangeText(unknownAfter, 'zh')).toBe('每笔固定费 ¥0.00→¥3.00，仅当天');
    expect(rateChangeText(unknownAfter, 'en')).not.toContain('none');
    const unknownBefore: RateFormulaChange = { ...surchargeDay, afterCapFen: 2000, beforeCapUnknown: true };
    expect(rateChangeText(unknownBefore, 'zh')).not.toContain('封顶');
    // A cap that is known on both sides and went away is still said so.
    const removed: RateFormulaChange = { ...surchargeDay, beforeCapFen: 2000 };
    expect(capUnknown(removed)).toBe(false);
    expect(rateChangeText(removed, 'zh')).toBe('每笔固定费 ¥0.00→¥3.00，封顶 ¥20.00→无，仅当天');
  });
});
