import { z } from 'zod';
import { ROUNDING_MODES } from '../money/round.js';
import {
  checkBoolean,
  checkCards,
  checkChannels,
  checkChoice,
  checkCount,
  checkDate,
  checkDateList,
  checkId,
  checkPositiveDays,
  checkRateAndFixed,
  checkSettlement,
  checkText,
  checkTextList,
  checkYuan,
  leaf,
} from './plan-leaf.js';

/** The keys each kind of mapping accepts, also used to suggest the key a typo meant. */
export const RULE_KEYS = [
  'channel',
  'card',
  'minAmount',
  'maxAmount',
  'rate',
  'fixed',
  'cap',
  'min',
] as const;
export const PERIOD_KEYS = ['from', 'until', 'noticed', 'rates'] as const;
export const CHARGE_KEYS = ['name', 'aliases', 'amount', 'every', 'from', 'perTerminal'] as const;
export const CALENDAR_KEYS = ['holidays', 'workdays'] as const;
export const PLAN_KEYS = [
  'merchant',
  'merchantId',
  'provider',
  'rounding',
  'tolerance',
  'settlement',
  'refundFee',
  'notice',
  'refundWindowDays',
  'periods',
  'charges',
  'calendar',
] as const;

const ruleSchema = z
  .strictObject({
    channel: leaf(checkChannels).optional(),
    card: leaf(checkCards).optional(),
    minAmount: leaf(checkYuan).optional(),
    maxAmount: leaf(checkYuan).optional(),
    rate: leaf(checkRateAndFixed),
    fixed: leaf(checkYuan).optional(),
    cap: leaf(checkYuan).optional(),
    min: leaf(checkYuan).optional(),
  })
  .superRefine((rule, ctx) => {
    // `rate: 0.6%+3` already says the fixed fee; a `fixed` beside it would leave one of the two unread.
    if (rule.rate.fixedFen === undefined || rule.fixed === undefined) return;
    ctx.addIssue({
      code: 'custom',
      path: ['rate'],
      message: 'the rate already carries a fixed fee (+N); give it either there or as `fixed`, not both',
      params: { zh: '费率中已写了每笔固定费（+N），请只在费率中或 fixed 中写一处' },
    });
  });

const periodSchema = z.strictObject({
  from: leaf(checkDate),
  until: leaf(checkDate).optional(),
  noticed: leaf(checkDate).optional(),
  rates: z.array(ruleSchema).min(1),
});

const chargeSchema = z.strictObject({
  name: leaf(checkText),
  aliases: leaf(checkTextList).optional(),
  amount: leaf(checkYuan),
  every: leaf(checkChoice(['once', 'month', 'quarter', 'year', 'payout'] as const)),
  from: leaf(checkDate).optional(),
  perTerminal: leaf(checkBoolean).optional(),
});

const calendarSchema = z.strictObject({
  holidays: leaf(checkDateList).optional(),
  workdays: leaf(checkDateList).optional(),
});

/** The plan file's shape; leaves convert money to fen and rates to ppm as they validate. */
export const planFileSchema = z.strictObject({
  merchant: leaf(checkText).optional(),
  merchantId: leaf(checkId).optional(),
  provider: leaf(checkText).optional(),
  rounding: leaf(checkChoice(ROUNDING_MODES)).optional(),
  tolerance: leaf(checkYuan).optional(),
  settlement: leaf(checkSettlement).optional(),
  refundFee: leaf(checkChoice(['none', 'proportional', 'full'] as const)).optional(),
  notice: leaf(checkCount).optional(),
  refundWindowDays: leaf(checkPositiveDays).optional(),
  periods: z.array(periodSchema).min(1),
  charges: z.array(chargeSchema).optional(),
  calendar: calendarSchema.optional(),
});

export type PlanFile = z.output<typeof planFileSchema>;
