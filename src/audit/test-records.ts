import type { FeePlan, FeeRule, PlanPeriod } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';

/** Test helper: a record with sensible defaults; times are Shanghai wall time `YYYY-MM-DD HH:mm:ss`. */
export function rec(
  kind: PosRecord['kind'],
  fields: Partial<Omit<PosRecord, 'time'>> & { time: string; amountFen: number },
  row = 1,
  file = `${kind}.csv`,
): PosRecord {
  const { time, ...rest } = fields;
  return {
    kind,
    type: 'sale',
    status: 'success',
    channel: 'card',
    card: 'credit',
    source: { file, row },
    ...rest,
    time: `${time.replace(' ', 'T')}+08:00`,
  };
}

/** Test helper: a rule; rates in ppm, money in fen. */
export function rule(r: Partial<FeeRule> & { ratePpm: number }, index = 0): FeeRule {
  return { fixedFen: 0, line: 10 + index, index, ...r };
}

/** Test helper: a plan with one period from 2026-01-01 unless periods are given. */
export function plan(rates: FeeRule[], extra: Partial<FeePlan> = {}, periods?: PlanPeriod[]): FeePlan {
  return {
    rounding: 'half-up',
    toleranceFen: 1,
    settlement: { basis: 'T', days: 1 },
    refundFee: 'none',
    noticeDays: 30,
    periods: periods ?? [{ from: '2026-01-01', rates, line: 8, index: 0 }],
    charges: [],
    ...extra,
  };
}
