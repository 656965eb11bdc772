import { describe, expect, it } from 'vitest';
import { compareTimeThenSource, findOriginals, type Prepared, prepare } from '../audit/match-records.js';
import { rec } from '../audit/test-records.js';
import type { PosRecord } from '../records/record.js';
import { describePlan } from './describe-plan.js';
import { parsePlan } from './parse-plan.js';

/** A one-rule plan, with `head` lines (such as `refundWindowDays: 365`) before its periods. */
const planText = (head = '') => `${head}
periods:
  - from: 2026-01-01
    rates:
      - { rate: 0.60% }
`;

function parsed(head = '') {
  const result = parsePlan(planText(head), 'p.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

function errorsOf(head: string) {
  const result = parsePlan(planText(head), 'p.yaml');
  return result.ok ? [] : result.errors.map((e) => [e.path, e.line, e.zh, e.en]);
}

const M = '822100058120020';
/** A statement line of merchant M on terminal 70010020, card 622588******4444, naming no original. */
const line = (row: number, fields: Partial<PosRecord> & { time: string; amountFen: number }): PosRecord =>
  rec(
    'settlement',
    { merchantId: M, terminalId: '70010020', cardNo: '622588******4444', ...fields },
    row,
    's.csv',
  );

/**
 * A ¥1,000.00 sale on 2026-03-01 and a ¥400.00 refund of it 200 days later (2026-09-17), its own 参考号 new and no
 * original key: only merchant, terminal, card, amount and time can link them.
 */
const records: Prepared[] = [
  line(2, { time: '2026-03-01 15:00:00', amountFen: 100_000, refNo: '631002000002' }),
  line(3, { type: 'refund', time: '2026-09-17 15:00:00', amountFen: -40_000, refNo: '631002000003' }),
]
  .map(prepare)
  .sort(compareTimeThenSource);

/** The row of the sale the refund (row 3) is linked to, with the plan's refund window. */
function saleOfRefund(refundWindowDays: number | undefined): number | undefined {
  const links = findOriginals(records, { refundWindowDays });
  const refund = records.findIndex((p) => p.record.source.row === 3);
  return records[links.parent[refund] ?? -1]?.record.source.row;
}

describe('refundWindowDays: how long after its sale a refund naming no original is linked to it', () => {
  it('a refund 200 days after its sale is linked when the plan says 365, not under the default 180', () => {
    const long = parsed('refundWindowDays: 365');
    expect(long.refundWindowDays).toBe(365);
    expect(saleOfRefund(long.refundWindowDays)).toBe(2);
    const plain = parsed();
    expect(plain.refundWindowDays).toBeUndefined();
    expect(saleOfRefund(plain.refundWindowDays)).toBeUndefined();
    // 199 days is still short of the 200.
    expect(saleOfRefund(parsed('refundWindowDays: 199').refundWindowDays)).toBeUndefined();
    expect(saleOfRefund(parsed('refundWindowDays: 200').refundWindowDays)).toBe(2);
  });

  it('must be a whole number of days, 1 or more: the error names the field and its line', () => {
    const expected = (line: number) => [
      [
        'refundWindowDays',
        line,
        '应为天数（正整数，如 180 或 360）',
        'expected a number of days, 1 or more (such as 180 or 360)',
      ],
    ];
    for (const bad of ['0', '-30', '1.5', '半年', '"99999"']) {
      const errors = errorsOf(`refundWindowDays: ${bad}`);
      expect(errors, bad).toEqual(expected(1));
    }
  });

  it('a misspelt key is refused and the right one suggested', () => {
    const result = parsePlan(planText('refundWindowDay: 365'), 'p.yaml');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : JSON.stringify(result.errors)).toContain('refundWindowDays');
  });

  it('the plan summary says the window, the default when the plan does not', () => {
    expect(describePlan(parsed('refundWindowDays: 360'), 'zh')).toContain(
      '退货关联期: 未写原交易的退货，在原交易后 360 天内按金额、终端和卡号关联',
    );
    expect(describePlan(parsed(), 'en')).toContain(
      'Refund window: a refund naming no original is linked by amount, terminal and card within 180 days of its sale',
    );
  });
});
