import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BareRateUnit, formatRate, parseRate, parseRateCell } from './rate.js';

/** The generic preset's column: bare numbers assumed to be percentages. */
const ASSUMED_PERCENT: BareRateUnit = { unit: 'percent', named: false };

describe('parseRateCell', () => {
  it.each([
    ['0.60%', 6000],
    ['0.63%', 6300],
    ['０．３８％', 3800],
    ['万分之38', 3800],
    ['千分之6', 6000],
    ['38‱', 3800],
    ['`0.55%', 5500],
  ])('reads the plain rate %s as %i ppm', (text, expected) => {
    expect(parseRateCell(text, ASSUMED_PERCENT)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['2.99%+3', 29900],
    ['2.65%+3', 26500],
    ['2.7% + 3元/笔', 27000],
    ['0.6%+3元', 6000],
    ['０．６％＋３元', 6000],
    ['万270+3', 27000],
    ['万分之270+3元', 27000],
    ['万38', 3800],
    ['千6', 6000],
    ['0.60%封顶20', 6000],
    ['0.55%(封顶20元)', 5500],
    ['0.55%（封顶20元）', 5500],
    ['0.55%/20元封顶', 5500],
    ['0.55%，最高20元', 5500],
    ['0.6%+3元,封顶20元', 6000],
    ['0.6%，最低1元', 6000],
    ['0.38%（优惠）', 3800],
  ])('reads the percentage of the formula %s as %i ppm', (text, expected) => {
    expect(parseRateCell(text, ASSUMED_PERCENT)).toEqual({ ok: true, value: expected });
  });

  it('reads a bare number in the unit the header names, whatever it comes to', () => {
    expect(parseRateCell('38', { unit: 'per-myriad', named: true })).toEqual({ ok: true, value: 3800 });
    expect(parseRateCell('0.0060', { unit: 'fraction', named: true })).toEqual({ ok: true, value: 6000 });
    expect(parseRateCell('0.05', { unit: 'percent', named: true })).toEqual({ ok: true, value: 500 });
  });

  it('reads a bare number in an assumed unit when it comes to a merchant rate', () => {
    expect(parseRateCell('0.6', ASSUMED_PERCENT)).toEqual({ ok: true, value: 6000 });
    expect(parseRateCell('2.99', ASSUMED_PERCENT)).toEqual({ ok: true, value: 29900 });
    expect(parseRateCell('0.00', ASSUMED_PERCENT)).toEqual({ ok: true, value: 0 });
    expect(parseRateCell('60', { unit: 'per-myriad', named: false })).toEqual({ ok: true, value: 6000 });
  });

  it.each(['60', '0.0060', '38'])(
    'leaves the bare %s unread in an assumed percent column, where it is no merchant rate',
    (text) => {
      const r = parseRateCell(text, ASSUMED_PERCENT);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.problem.code).toBe('rate.unit-unknown');
        expect(r.problem.zh).toContain('没有单位');
        expect(r.problem.en).toContain('has no unit');
      }
    },
  );

  it.each([
    '标准',
    '2.99%起',
    '1万以下0.38%',
    '0.38%/0.6%',
    '0.38%→0.60%',
    '万分之38%',
    '0.6%+',
    '3元',
    '0.6%+3元+手续费',
    '2026-12-08',
  ])('says why %s is no rate, in both languages', (text) => {
    const r = parseRateCell(text, ASSUMED_PERCENT);
    expect(r).toEqual({
      ok: false,
      problem: {
        code: 'rate.unreadable',
        zh: expect.stringContaining(`“${text}”读不出费率`),
        en: expect.any(String),
      },
    });
  });

  it('refuses a percentage finer than one part per million or above 100 %, formula or not', () => {
    expect(parseRateCell('0.00001%+3', ASSUMED_PERCENT)).toMatchObject({
      problem: { code: 'rate.precision' },
    });
    expect(parseRateCell('101%封顶20', ASSUMED_PERCENT)).toMatchObject({ problem: { code: 'rate.range' } });
  });

  it('agrees with parseRate on every rate written with its sign', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (ppm) => {
        expect(parseRateCell(formatRate(ppm), ASSUMED_PERCENT)).toEqual(parseRate(formatRate(ppm)));
      }),
    );
  });

  it('reads the percentage of any formula built from an add-on, a cap, a minimum and notes', () => {
    const yuan = fc
      .tuple(fc.integer({ min: 0, max: 999 }), fc.constantFrom('', '.5', '.00'))
      .map(([whole, fraction]) => `${whole}${fraction}`);
    const part = fc.oneof(
      yuan.chain((n) => fc.constantFrom(`+${n}`, `+${n}元`, `+${n}元/笔`, `加${n}元`)),
      yuan.chain((n) =>
        fc.constantFrom(`封顶${n}`, `(封顶${n}元)`, `（封顶${n}元）`, `,${n}元封顶`, `/${n}封顶`),
      ),
      yuan.chain((n) => fc.constantFrom(`最低${n}元`, `，保底${n}元`)),
      fc.constantFrom('(优惠)', '（贷记卡）', '【标准类】', ' '),
    );
    const written = fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }).map((ppm) => ({ ppm, text: formatRate(ppm) })),
      fc
        .integer({ min: 0, max: 10_000 })
        .chain((n) =>
          fc.constantFrom({ ppm: n * 100, text: `万${n}` }, { ppm: n * 100, text: `万分之${n}` }),
        ),
      fc.integer({ min: 0, max: 1_000 }).map((n) => ({ ppm: n * 1_000, text: `千${n}` })),
    );
    fc.assert(
      fc.property(written, fc.array(part, { maxLength: 3 }), ({ ppm, text }, parts) => {
        expect(parseRateCell(text + parts.join(''), ASSUMED_PERCENT)).toEqual({ ok: true, value: ppm });
      }),
    );
  });

  it('never throws, and reads only whole ppm between 0 and 100 %', () => {
    const cell = fc.oneof(fc.string(), fc.stringMatching(/^[0-9.%+万千分之封顶元()（），,/笔 ]{0,16}$/));
    fc.assert(
      fc.property(
        cell,
        fc.constantFrom<BareRateUnit['unit']>('percent', 'per-mille', 'per-myriad', 'fraction'),
        fc.boolean(),
        (text, unit, named) => {
          const r = parseRateCell(text, { unit, named });
          if (r.ok) {
            expect(Number.isSafeInteger(r.value)).toBe(true);
            expect(r.value).toBeGreaterThanOrEqual(0);
            expect(r.value).toBeLessThanOrEqual(1_000_000);
          } else expect(r.problem.zh).not.toBe('');
        },
      ),
    );
  });
});
