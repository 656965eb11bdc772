import { formatFen } from '../money/fen.js';
import { daysInMonth, localDateOf } from '../time/shanghai.js';
import type { ChargeEvery, PlanCharge } from './plan-types.js';
import { foldName } from './plan-vocabulary.js';

/** A deduction taken from a payout, as the settlement statement labels it. */
export interface DeductionLine {
  readonly label: string;
  /** Either sign; the magnitude is what was taken. */
  readonly amountFen: number;
  /** Local date `YYYY-MM-DD` (or an ISO time, read in Asia/Shanghai). */
  readonly date: string;
  readonly terminalId?: string;
  readonly payoutId?: string;
}

export type UnplannedReason = 'no_charge' | 'before_from' | 'over_amount';

export interface DeductionCoverage {
  /** The part the plan agreed to. */
  readonly coveredFen: number;
  /** The part the plan did not agree to: a finding. */
  readonly unplannedFen: number;
  /** The charge whose name or alias the label matches. */
  readonly charge?: PlanCharge;
  /** Why part or all of the line is unplanned; absent when it is fully covered. */
  readonly reason?: UnplannedReason;
}

/**
 * Decides how much of each deduction the plan's charges cover: the label must name a charge (see
 * {@link chargeNamedBy}: its name or an alias, alone or within the label), the date must be on or after its `from`, and each `every` window
 * (once = ever; month/quarter/year = 1/3/12 months counted from the charge's `from`, as a contract's service
 * year runs from the day it was signed, or calendar windows in Asia/Shanghai without a `from`; payout = per
 * payout; per terminal when `perTerminal`) allows at most the charge's amount; the rest is unplanned. Lines
 * are consumed in date order.
 */
export function coverDeductions(
  charges: readonly PlanCharge[],
  lines: readonly DeductionLine[],
): DeductionCoverage[] {
  const names = chargeNames(charges);
  const used = new Map<string, number>();
  const out: DeductionCoverage[] = new Array<DeductionCoverage>(lines.length);
  const order = lines
    .map((line, index) => ({ line, index, date: localDate(line.date) }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.index - b.index));
  for (const { line, index, date } of order) {
    const amount = Math.abs(line.amountFen);
    const charge = chargeNamedBy(line.label, names);
    if (charge === undefined) {
      out[index] = { coveredFen: 0, unplannedFen: amount, reason: 'no_charge' };
      continue;
    }
    if (charge.from !== undefined && date < charge.from) {
      out[index] = { coveredFen: 0, unplannedFen: amount, charge, reason: 'before_from' };
      continue;
    }
    const key = [
      charges.indexOf(charge),
      windowOf(charge, date, line),
      charge.perTerminal ? (line.terminalId ?? '') : '',
    ].join('|');
    const left = Math.max(0, charge.amountFen - (used.get(key) ?? 0));
    const covered = Math.min(left, amount);
    used.set(key, (used.get(key) ?? 0) + covered);
    out[index] =
      covered === amount
        ? { coveredFen: covered, unplannedFen: 0, charge }
        : { coveredFen: covered, unplannedFen: amount - covered, charge, reason: 'over_amount' };
  }
  return out;
}

/** Every charge's name and aliases, folded, in plan order (a name two charges share goes to the first). */
export function chargeNames(charges: readonly PlanCharge[]): Map<string, PlanCharge> {
  const byName = new Map<string, PlanCharge>();
  for (const charge of charges) {
    for (const name of [charge.name, ...charge.aliases]) {
      const key = foldName(name);
      if (key !== '' && !byName.has(key)) byName.set(key, charge);
    }
  }
  return byName;
}

// Statements decorate the charge's name: 10月服务费, 2026年10月服务费, 流量费（SIM卡）, 【流量费】.
const BRACKETS = /[()[\]{}<>【】〔〕〈〉《》「」『』]/g;
const BRACKETED = /\([^()]*\)|\[[^[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|《[^《》]*》|「[^「」]*」/g;
const MONTH_PREFIX =
  /^(?:\d{4}(?:年|[-/.])?)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月份?|^\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?/;

/**
 * The charge a statement line's label names: the label is the charge's name or an alias (ignoring case, width
 * and spaces); or, without its brackets and month prefix (`10月服务费`, `流量费（SIM卡）`), is one or contains one.
 * When the label contains the names of two charges, the longer name wins (`SIM卡服务费` over `服务费`), as the
 * more specific. Names of one character match only the whole label: 费 is in every label.
 */
export function chargeNamedBy(label: string, names: ReadonlyMap<string, PlanCharge>): PlanCharge | undefined {
  const folded = foldName(label);
  const exact = names.get(folded);
  if (exact !== undefined) return exact;
  const core = folded.replace(MONTH_PREFIX, '');
  const bare = core.replace(BRACKETED, '');
  const bareMatch = names.get(bare) ?? names.get(bare.replace(MONTH_PREFIX, ''));
  if (bareMatch !== undefined) return bareMatch;
  // Brackets dropped but their words kept: `扣款（流量费）` names the 流量费.
  const words = core.replace(BRACKETS, '');
  let best: { name: string; charge: PlanCharge } | undefined;
  for (const [name, charge] of names) {
    if ([...name].length < 2 || !words.includes(name)) continue;
    if (best === undefined || name.length > best.name.length) best = { name, charge };
  }
  return best?.charge;
}

function localDate(date: string): string {
  return date.length > 10 ? localDateOf(date) : date;
}

function windowOf(charge: PlanCharge, date: string, line: DeductionLine): string {
  switch (charge.every) {
    case 'once':
      return 'once';
    case 'year':
      return charge.from === undefined
        ? date.slice(0, 4)
        : `y${Math.floor(monthsSince(charge.from, date) / 12)}`;
    case 'quarter':
      return charge.from === undefined
        ? `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`
        : `q${Math.floor(monthsSince(charge.from, date) / 3)}`;
    case 'month':
      return charge.from === undefined ? date.slice(0, 7) : `m${monthsSince(charge.from, date)}`;
    case 'payout':
      // Without a payout id, each day's payout is its own window: providers pay out at most once a day.
      return line.payoutId ?? `day:${date}`;
  }
}

/**
 * Whole months from `from` to `date` (both `YYYY-MM-DD`, from ≤ date): a contract signed on the 31st renews on
 * the last day of shorter months, one signed on 02-29 on 02-28 in other years.
 * @example monthsSince('2026-09-01', '2027-08-31') → 11
 */
function monthsSince(from: string, date: string): number {
  const [fy, fm, fd] = [Number(from.slice(0, 4)), Number(from.slice(5, 7)), Number(from.slice(8, 10))];
  const [y, m, d] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const renewal = Math.min(fd, daysInMonth(y, m));
  return (y - fy) * 12 + (m - fm) - (d < renewal ? 1 : 0);
}

const EVERY_WORDS: Record<ChargeEvery, { zh: string; en: string }> = {
  once: { zh: '共', en: 'in all' },
  month: { zh: '每月', en: 'a month' },
  quarter: { zh: '每季', en: 'a quarter' },
  year: { zh: '每年', en: 'a year' },
  payout: { zh: '每次结算', en: 'a payout' },
};

/**
 * Why a deduction is not (wholly) agreed — no such charge, taken before its start, or more than it allows — in the
 * words the audit's findings and the monitor's alerts share.
 */
export function unplannedWords(
  c: DeductionCoverage,
  /** Whether a plan was given: without one nothing shows the charge was agreed, and no plan is to be named. */
  withPlan = true,
): { zh: string; en: string } {
  const fen = formatFen(c.unplannedFen);
  const charge = c.charge;
  if (charge !== undefined && c.reason === 'before_from' && charge.from !== undefined)
    return {
      zh: `约定的“${charge.name}”自 ${charge.from} 起才收取，此前扣除的 ${fen} 未约定`,
      en: `the agreed "${charge.name}" starts on ${charge.from}; ${fen} taken before that is not agreed`,
    };
  if (charge !== undefined && c.reason === 'over_amount') {
    const per = EVERY_WORDS[charge.every];
    return {
      zh: `约定的“${charge.name}”${per.zh}最多 ${formatFen(charge.amountFen)}，超出 ${fen}`,
      en: `the agreed "${charge.name}" is at most ${formatFen(charge.amountFen)} ${per.en}; ${fen} over that`,
    };
  }
  if (!withPlan)
    return {
      zh: `${fen} 未见约定（没有费率方案，无从证明商户同意过此项收费）`,
      en: `${fen} with nothing to show it was agreed (no plan was given)`,
    };
  return { zh: `费率方案未约定 ${fen}`, en: `${fen} is not agreed in the plan` };
}
