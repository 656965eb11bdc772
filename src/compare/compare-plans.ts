import { divideRounded } from '../money/index.js';
import { quoteFee } from '../plans/expected-fee.js';
import { refundFeesDue } from '../plans/refund-fee.js';
import type { CatalogEntry } from './catalog.js';
import type { MerchantHistory } from './merchant-history.js';

const PER_YEAR = { month: 12, quarter: 4, year: 1 } as const;

/** What the merchant's own 跳点 record shows for one provider (from the audit of its statements). */
export interface JumpRecord {
  provider: string;
  /** Names to match catalogue entries by: the plan's provider field and the statement's preset. */
  names: string[];
  settlementFiles: string[];
  findings: number;
  overchargeFen: number;
  lossFen: number;
}

/** One catalogue plan priced over the merchant's history. */
export interface PricedPlan {
  rank: number;
  provider: string;
  plan: string;
  settlement: string;
  /** Fees over the history: sales fees minus the fees refunds give back under the plan's refundFee. */
  totalFen: number;
  /** yearlyFeesFen + yearlySimFen + depositFen: what the first year costs. */
  yearlyFen: number;
  salesFeesFen: number;
  refundFeesReturnedFen: number;
  /** totalFen × 365 ÷ spanDays, half-up. */
  yearlyFeesFen: number;
  /** simFee per terminal × periods per year × terminals. */
  yearlySimFen: number;
  /** deposit per terminal × terminals, counted once (first year). */
  depositFen: number;
  /** Sales no rule of the plan prices: left out of the totals, reported here. */
  unpriced: { count: number; amountFen: number };
  requirements: string[];
  source: string[];
  /** The provider's 跳点 record in the merchant's own data, when its statements were given. */
  jumpRecord?: JumpRecord;
}

/** The comparison: every catalogue plan priced over the same history, cheapest first. */
export interface Comparison {
  history: {
    firstDate: string | null;
    lastDate: string | null;
    spanDays: number;
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
}

/** Prices every sale (and its refunds) of the history under one catalogue plan. */
export function pricePlan(history: MerchantHistory, entry: CatalogEntry): Omit<PricedPlan, 'rank'> {
  const plan = entry.feePlan;
  let salesFeesFen = 0;
  let returned = 0;
  const unpriced = { count: 0, amountFen: 0 };
  for (const sale of history.sales) {
    const r = sale.record;
    const quote = quoteFee(plan, {
      amountFen: r.amountFen,
      channel: r.channel,
      card: r.card,
      date: sale.date,
    });
    if (!quote.ok) {
      unpriced.count++;
      unpriced.amountFen += r.amountFen;
      continue;
    }
    salesFeesFen += quote.feeFen;
    if (sale.refundsFen.length > 0) {
      const due = refundFeesDue(
        plan.refundFee,
        plan.rounding,
        { amountFen: r.amountFen, feeFen: quote.feeFen },
        sale.refundsFen,
      );
      for (const d of due) returned += d;
    }
  }
  const totalFen = salesFeesFen - returned;
  const yearlyFeesFen =
    history.spanDays === 0 ? 0 : divideRounded(totalFen * 365, history.spanDays, 'half-up');
  const yearlySimFen = entry.simFee.amountFen * PER_YEAR[entry.simFee.every] * history.terminals;
  const depositFen = entry.depositFen * history.terminals;
  return {
    provider: entry.provider,
    plan: entry.plan,
    settlement: entry.settlement,
    totalFen,
    yearlyFen: yearlyFeesFen + yearlySimFen + depositFen,
    salesFeesFen,
    refundFeesReturnedFen: returned,
    yearlyFeesFen,
    yearlySimFen,
    depositFen,
    unpriced,
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

/**
 * Prices the history under every catalogue plan and ranks them by first-year cost (then period total, then
 * provider name). `jumpRecords` (from the audit of the merchant's statements) are attached to matching entries.
 */
export function comparePlans(
  history: MerchantHistory,
  catalog: readonly CatalogEntry[],
  jumpRecords: readonly JumpRecord[] = [],
): Comparison {
  const priced = catalog.map((entry) => {
    const p = pricePlan(history, entry);
    const records = jumpRecords.filter((j) => j.names.some((n) => entryMatches(entry, n)));
    if (records.length === 0) return p;
    const jumpRecord: JumpRecord = {
      provider: records.map((j) => j.provider).join(', '),
      names: [...new Set(records.flatMap((j) => j.names))],
      settlementFiles: records.flatMap((j) => j.settlementFiles),
      findings: records.reduce((a, j) => a + j.findings, 0),
      overchargeFen: records.reduce((a, j) => a + j.overchargeFen, 0),
      lossFen: records.reduce((a, j) => a + j.lossFen, 0),
    };
    return { ...p, jumpRecord };
  });
  priced.sort(
    (a, b) =>
      a.yearlyFen - b.yearlyFen ||
      a.totalFen - b.totalFen ||
      (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0),
  );
  return {
    history: {
      firstDate: history.firstDate,
      lastDate: history.lastDate,
      spanDays: history.spanDays,
      sales: history.sales.length,
      salesAmountFen: history.sales.reduce((a, s) => a + s.record.amountFen, 0),
      refunds: history.sales.reduce((a, s) => a + s.refundsFen.length, 0),
      unmatchedRefunds: history.unmatchedRefunds,
      voided: history.voided,
      terminals: history.terminals,
    },
    plans: priced.map((p, i) => ({ rank: i + 1, ...p })),
    jumpRecords: [...jumpRecords],
  };
}
