import { expectedSettleDate } from '../calendar/expected-settle-date.js';
import { divideRounded, formatFen } from '../money/index.js';
import { feeByRule, matchingRule, periodInForce } from '../plans/expected-fee.js';
import type { FeePlan, PlanCharge, PlanPeriod } from '../plans/plan-types.js';
import { refundFeesDue } from '../plans/refund-fee.js';
import { addDays, dayNumber, todayInShanghai } from '../time/shanghai.js';
import type { CatalogEntry } from './catalog.js';
import { cyclesDue } from './charge-cycles.js';
import type { CoveredPeriod } from './journal-coverage.js';
import type { MerchantHistory } from './merchant-history.js';

const PER_YEAR = { month: 12, quarter: 4, year: 1 } as const;

/** What the merchant's own 跳点 record shows for one provider (from the audit of its statements). */
export interface JumpRecord {
  /**
   * Who the statements came from: the merchant plan's `provider`, else the name the statement's title gives;
   * absent when neither says (a preset such as `generic` is a file format, not a provider).
   */
  provider?: string;
  /**
   * Names to match catalogue entries by: the plan's provider field, the statement title's provider (also without
   * its 有限公司) and the statement's preset.
   */
  names: string[];
  settlementFiles: string[];
  findings: number;
  overchargeFen: number;
  lossFen: number;
}

/**
 * Findings no statement line shows (a sale never settled, for one) that cannot be put down to one provider: the
 * merchant's statements are several providers', and the sale's terminal is in none of them or in more than one
 * provider's. Counted in no provider's record, and said (a warning), not dropped.
 */
export interface UnassignedJumps {
  findings: number;
  overchargeFen: number;
  lossFen: number;
  /** The terminals of those findings' sales, sorted (none for sales without a terminal id). */
  terminals: string[];
}

/** One catalogue plan priced over the merchant's history. */
export interface PricedPlan {
  rank: number;
  provider: string;
  plan: string;
  settlement: string;
  /**
   * First day of the year priced: the comparison date (the day the merchant would switch), or the day the
   * plan's first period in force after it starts.
   */
  startDate: string;
  /**
   * Fees over the history under the terms in force on `startDate`: sales fees minus the fees refunds give
   * back under the plan's refundFee.
   */
  totalFen: number;
  /** yearlyFeesFen + yearlyChargesFen + yearlySimFen + depositFen: what the first year costs. */
  yearlyFen: number;
  salesFeesFen: number;
  refundFeesReturnedFen: number;
  /**
   * The history's fees spread over the first year after `startDate` under the terms in force on each of its
   * days (a promotion ending inside the year counts only for its days): Σ fees under a period × its days ÷ the
   * days the journals cover (history.period.days), half-up once.
   */
  yearlyFeesFen: number;
  /**
   * The plan's own `charges` over the first year: a monthly, quarterly or yearly charge once per cycle begun in
   * it (cycles from the later of `startDate` and the charge's `from`), a per-payout charge once per payout day of
   * the history under the plan's settlement cycle (T1 pays on working days) scaled to the year.
   */
  yearlyChargesFen: number;
  /** simFee per terminal × periods per year × terminals. */
  yearlySimFen: number;
  /** deposit per terminal × terminals, counted once (first year). */
  depositFen: number;
  /**
   * Sales that a period in force during the first year does not price (no rule, or no period at all): left
   * out of the totals, reported here.
   */
  unpriced: { count: number; amountFen: number };
  /** Days of the first year on which no period of the plan is in force (the offer has ended). */
  uncoveredDays: number;
  /** Every sale priced on every day of the first year: only then are the totals the plan's full cost. */
  complete: boolean;
  requirements: string[];
  source: string[];
  /** The provider's 跳点 record in the merchant's own data, when its statements were given. */
  jumpRecord?: JumpRecord;
}

/** Something the reader of a comparison should know: why the ranking is uncertain, what was assumed. */
export interface CompareWarning {
  code: 'thin-history' | 'calendar.no-data' | 'unassigned-jumps';
  zh: string;
  en: string;
}

/** The comparison: every catalogue plan priced over the same history, cheapest first. */
export interface Comparison {
  /** The merchant number the history is of, when its records name one. */
  merchantId?: string;
  /** The day the merchant would switch: each plan's first year starts then, or when its terms start. */
  asOf: string;
  history: {
    firstDate: string | null;
    lastDate: string | null;
    /** Days from the first sale to the last. */
    spanDays: number;
    /** The days the journals cover: the fees are annualised over period.days. */
    period: CoveredPeriod | null;
    sales: number;
    salesAmountFen: number;
    refunds: number;
    unmatchedRefunds: number;
    voided: number;
    terminals: number;
  };
  plans: PricedPlan[];
  /** Every provider found in the merchant's statements, matched to the catalogue or not. */
  jumpRecords: JumpRecord[];
  /** What the statements' findings hold that no one provider's record could take; absent for none. */
  unassignedJumps?: UnassignedJumps;
  warnings: CompareWarning[];
}

const YEAR_DAYS = 365;

/**
 * A history shorter than about a month, or with fewer sales than this, says little about a year: the
 * comparison warns that its ranking is uncertain.
 */
const THIN_DAYS = 28;
const THIN_SALES = 20;

/** The days the history's fees are annualised over: the journals' period (the sales' span when unknown). */
function periodDays(history: MerchantHistory): number {
  return history.period?.days ?? history.spanDays;
}

/**
 * The days the plan's settlement cycle pays the history's sales on (expectedSettleDate, as the audit expects
 * payouts: T1 on the next working day, D1 the next day, D0 the same day): a per-payout charge is taken on each.
 */
function payoutDays(history: MerchantHistory, plan: FeePlan, notes: Map<string, CompareWarning>): number {
  const days = new Set<string>();
  for (const date of new Set(history.sales.map((s) => s.date))) {
    const due = expectedSettleDate(plan, date);
    for (const w of due.warnings)
      notes.set(`${w.code}|${w.year}`, { code: 'calendar.no-data', zh: w.zh, en: w.en });
    days.add(due.date);
  }
  return days.size;
}

/** The history's fees under one period: sales priced by its rules, minus the fees refunds give back. */
function priceUnder(
  history: MerchantHistory,
  entry: CatalogEntry,
  period: PlanPeriod,
): { salesFeesFen: number; returnedFen: number; unpriced: Set<number> } {
  const plan = entry.feePlan;
  let salesFeesFen = 0;
  let returnedFen = 0;
  const unpriced = new Set<number>();
  history.sales.forEach((sale, index) => {
    const r = sale.record;
    const query = { amountFen: r.amountFen, channel: r.channel, card: r.card, date: sale.date };
    const rule = matchingRule(period, query);
    if (rule === undefined) {
      unpriced.add(index);
      return;
    }
    const feeFen = feeByRule(rule, r.amountFen, plan.rounding).feeFen;
    salesFeesFen += feeFen;
    if (sale.refundsFen.length > 0) {
      const due = refundFeesDue(
        plan.refundFee,
        plan.rounding,
        { amountFen: r.amountFen, feeFen },
        sale.refundsFen,
      );
      for (const d of due) returnedFen += d;
    }
  });
  return { salesFeesFen, returnedFen, unpriced };
}

/**
 * What one of the plan's charges costs over the first year [start, start + 364]. Its cycles start on the later
 * of `start` (the merchant's contract begins when it switches) and the charge's `from`: a monthly charge from
 * 2027-07-01 in the year from 2027-01-01 is taken in July … December, 6 times.
 */
function chargeOverYear(
  charge: PlanCharge,
  start: string,
  history: MerchantHistory,
  plan: FeePlan,
  notes: Map<string, CompareWarning>,
): number {
  const last = addDays(start, YEAR_DAYS - 1);
  const anchor = charge.from !== undefined && charge.from > start ? charge.from : start;
  if (anchor > last) return 0;
  const per = charge.perTerminal ? Math.max(1, history.terminals) : 1;
  let times: number;
  switch (charge.every) {
    case 'once':
      times = 1;
      break;
    case 'year':
      times = cyclesDue(anchor, last, 12);
      break;
    case 'quarter':
      times = cyclesDue(anchor, last, 3);
      break;
    case 'month':
      times = cyclesDue(anchor, last, 1);
      break;
    case 'payout': {
      // The history's payouts, at the same pace over the days of the year the charge applies.
      const days = periodDays(history);
      if (days === 0) return 0;
      const active = dayNumber(last) - dayNumber(anchor) + 1;
      const payouts = payoutDays(history, plan, notes);
      return divideRounded(charge.amountFen * per * payouts * active, days, 'half-up');
    }
  }
  return charge.amountFen * per * times;
}

/**
 * Prices the history under one catalogue plan as the merchant would pay it after switching on `asOf`: the first
 * year runs from `asOf` (or from the first period in force after it, for a price list that starts later) for
 * 365 days, each day under the period in force then — an offer that has ended prices nothing, and a promotion
 * that ends inside the year counts only for its days. Charges, SIM fees and deposits are added for that year.
 */
export function pricePlan(
  history: MerchantHistory,
  entry: CatalogEntry,
  asOf: string,
  notes: Map<string, CompareWarning> = new Map(),
): Omit<PricedPlan, 'rank'> {
  const plan = entry.feePlan;
  const laterStarts = plan.periods
    .filter((p) => p.from > asOf && periodInForce(plan, asOf) === undefined)
    .map((p) => p.from)
    .sort();
  const startDate = laterStarts[0] ?? asOf;
  const days = new Map<PlanPeriod, number>();
  let uncoveredDays = 0;
  for (let i = 0; i < YEAR_DAYS; i++) {
    const period = periodInForce(plan, addDays(startDate, i));
    if (period === undefined) uncoveredDays++;
    else days.set(period, (days.get(period) ?? 0) + 1);
  }
  const unpricedSales = new Set<number>();
  let yearlyNumerator = 0;
  let atStart: { salesFeesFen: number; returnedFen: number } | undefined;
  for (const [period, n] of days) {
    const priced = priceUnder(history, entry, period);
    for (const i of priced.unpriced) unpricedSales.add(i);
    yearlyNumerator += (priced.salesFeesFen - priced.returnedFen) * n;
    if (period === periodInForce(plan, startDate)) atStart = priced;
  }
  if (days.size === 0) for (let i = 0; i < history.sales.length; i++) unpricedSales.add(i);
  const unpriced = { count: unpricedSales.size, amountFen: 0 };
  for (const i of unpricedSales) unpriced.amountFen += history.sales[i]?.record.amountFen ?? 0;
  const salesFeesFen = atStart?.salesFeesFen ?? 0;
  const returned = atStart?.returnedFen ?? 0;
  const totalFen = salesFeesFen - returned;
  const covered = periodDays(history);
  const yearlyFeesFen = covered === 0 ? 0 : divideRounded(yearlyNumerator, covered, 'half-up');
  const yearlyChargesFen = plan.charges.reduce(
    (a, c) => a + chargeOverYear(c, startDate, history, plan, notes),
    0,
  );
  const yearlySimFen = entry.simFee.amountFen * PER_YEAR[entry.simFee.every] * history.terminals;
  const depositFen = entry.depositFen * history.terminals;
  return {
    provider: entry.provider,
    plan: entry.plan,
    settlement: entry.settlement,
    startDate,
    totalFen,
    yearlyFen: yearlyFeesFen + yearlyChargesFen + yearlySimFen + depositFen,
    salesFeesFen,
    refundFeesReturnedFen: returned,
    yearlyFeesFen,
    yearlyChargesFen,
    yearlySimFen,
    depositFen,
    unpriced,
    uncoveredDays,
    complete: unpriced.count === 0 && uncoveredDays === 0,
    requirements: entry.requirements,
    source: entry.source,
  };
}

const norm = (s: string): string => s.trim().toLowerCase();

/** Whether a catalogue entry is the provider a statement came from (by provider name or alias). */
export function entryMatches(entry: CatalogEntry, provider: string): boolean {
  const want = norm(provider);
  if (want === '') return false;
  return [entry.provider, ...entry.aliases].some((n) => norm(n) === want);
}

/** The day the merchant would switch: today (Asia/Shanghai), or the day after the history when that is later. */
function defaultAsOf(history: MerchantHistory): string {
  const today = todayInShanghai();
  const after = history.lastDate === null ? today : addDays(history.lastDate, 1);
  return [after, today].sort()[1] ?? today;
}

/**
 * Prices the history under every catalogue plan and ranks them: plans that price every sale on every day of
 * the first year first, by first-year cost (then period total, then provider name); then the incomplete ones,
 * least left out first — a plan that leaves sales unpriced is never shown as cheaper for it. Plans that cost
 * exactly the same share a rank. `jumpRecords` (from the audit of the merchant's statements) are attached to
 * matching entries; `unassignedJumps`, the findings no one provider's record took, are reported beside them with a
 * warning. `asOf`: the day the merchant would switch (default: today, or the day after the history).
 */
export function comparePlans(
  history: MerchantHistory,
  catalog: readonly CatalogEntry[],
  jumpRecords: readonly JumpRecord[] = [],
  options: { asOf?: string; unassignedJumps?: UnassignedJumps | undefined } = {},
): Comparison {
  const asOf = options.asOf ?? defaultAsOf(history);
  const unassigned = options.unassignedJumps;
  const notes = new Map<string, CompareWarning>();
  const priced = catalog.map((entry) => {
    const p = pricePlan(history, entry, asOf, notes);
    const records = jumpRecords.filter((j) => j.names.some((n) => entryMatches(entry, n)));
    if (records.length === 0) return p;
    const providers = [...new Set(records.flatMap((j) => (j.provider === undefined ? [] : [j.provider])))];
    const jumpRecord: JumpRecord = {
      ...(providers.length === 0 ? {} : { provider: providers.join(', ') }),
      names: [...new Set(records.flatMap((j) => j.names))],
      settlementFiles: records.flatMap((j) => j.settlementFiles),
      findings: records.reduce((a, j) => a + j.findings, 0),
      overchargeFen: records.reduce((a, j) => a + j.overchargeFen, 0),
      lossFen: records.reduce((a, j) => a + j.lossFen, 0),
    };
    return { ...p, jumpRecord };
  });
  const missing = (p: Omit<PricedPlan, 'rank'>): number =>
    p.complete ? 0 : p.unpriced.amountFen + (p.uncoveredDays > 0 ? Number.MAX_SAFE_INTEGER / 4 : 0);
  priced.sort(
    (a, b) =>
      Number(!a.complete) - Number(!b.complete) ||
      missing(a) - missing(b) ||
      a.yearlyFen - b.yearlyFen ||
      a.totalFen - b.totalFen ||
      (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0),
  );
  return {
    asOf,
    history: {
      firstDate: history.firstDate,
      lastDate: history.lastDate,
      spanDays: history.spanDays,
      period: history.period,
      sales: history.sales.length,
      salesAmountFen: history.sales.reduce((a, s) => a + s.record.amountFen, 0),
      refunds: history.sales.reduce((a, s) => a + s.refundsFen.length, 0),
      unmatchedRefunds: history.unmatchedRefunds,
      voided: history.voided,
      terminals: history.terminals,
    },
    plans: rankPlans(priced),
    jumpRecords: [...jumpRecords],
    ...(unassigned === undefined ? {} : { unassignedJumps: unassigned }),
    warnings: [
      ...thinHistory(history),
      ...notes.values(),
      ...(unassigned === undefined ? [] : [unassignedWarning(unassigned)]),
    ],
  };
}

/** What the findings no one provider's record took are, and how to have them attributed. */
function unassignedWarning(u: UnassignedJumps): CompareWarning {
  const n = u.terminals.length;
  const zhWhy =
    n === 0
      ? '这些交易没有终端号'
      : `终端 ${u.terminals.join('、')} 不在任何一家的结算单中，或在不止一家的结算单中`;
  const enWhy =
    n === 0
      ? 'those sales have no terminal number'
      : `terminal${n === 1 ? '' : 's'} ${u.terminals.join(', ')} ${n === 1 ? 'is' : 'are'} in no provider's statements, or in more than one's`;
  return {
    code: 'unassigned-jumps',
    zh: `另有 ${u.findings} 项问题（损失 ${formatFen(u.lossFen)}，如从未结算的交易）无法确定属于哪家服务商：您的结算单来自多家服务商，而${zhWhy}；未计入任何服务商的跳点记录。补充这些终端的结算单，或在费率方案中写明 provider（命令行用 --plan）即可归属`,
    en: `${u.findings} more ${u.findings === 1 ? 'finding' : 'findings'} (lost ${formatFen(u.lossFen)}; a sale never settled, for one) cannot be put down to one provider: your statements are several providers', and ${enWhy}; ${u.findings === 1 ? 'it is' : 'they are'} in no provider's 跳点 record. Give those terminals' statements, or the provider in your fee plan (--plan on the command line), to attribute them`,
  };
}

/** The warning that the history is too short or too sparse for a sure ranking, if it is. */
function thinHistory(history: MerchantHistory): CompareWarning[] {
  const days = periodDays(history);
  const sales = history.sales.length;
  const short = days < THIN_DAYS;
  const sparse = sales < THIN_SALES;
  if (!short && !sparse) return [];
  const zh = [...(short ? [`流水只覆盖 ${days} 天`] : []), ...(sparse ? [`只有 ${sales} 笔消费`] : [])];
  const en = [
    ...(short ? [`the journals cover only ${days} ${days === 1 ? 'day' : 'days'}`] : []),
    ...(sparse ? [`only ${sales} ${sales === 1 ? 'sale' : 'sales'}`] : []),
  ];
  return [
    {
      code: 'thin-history',
      zh: `历史数据太少（${zh.join('，')}）：据此折算的一年费用很不确定，排名仅供参考；请用更长（最好三个月）的完整流水再比较`,
      en: `thin history (${en.join(', ')}): the yearly figures extrapolated from it are uncertain, and so is the ranking; compare again with longer journals (three full months is best)`,
    },
  ];
}

/** 1, 2, 2, 4 …: plans whose cost and completeness are the same share a rank. */
function rankPlans(sorted: readonly Omit<PricedPlan, 'rank'>[]): PricedPlan[] {
  const out: PricedPlan[] = [];
  sorted.forEach((p, i) => {
    const prev = out[i - 1];
    const tied =
      prev !== undefined &&
      prev.complete === p.complete &&
      prev.yearlyFen === p.yearlyFen &&
      prev.totalFen === p.totalFen &&
      prev.unpriced.amountFen === p.unpriced.amountFen &&
      prev.uncoveredDays === p.uncoveredDays;
    out.push({ rank: tied ? prev.rank : i + 1, ...p });
  });
  return out;
}
