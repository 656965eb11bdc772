import type { AuditReport, Finding, RateChange } from '../audit/report-types.js';
import { localDateOf } from '../time/shanghai.js';

/** Whether an amount falls in a rate change's amount band (`all`, `≤1000`, `>1000`, `1000–5000`, yuan). */
export function bandContains(band: string, amountFen: number): boolean {
  const a = Math.abs(amountFen);
  const num = (s: string) => {
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s.trim());
    return m === null ? undefined : Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  };
  if (band === 'all') return true;
  if (band.startsWith('≤')) return a <= (num(band.slice(1)) ?? Number.POSITIVE_INFINITY);
  if (band.startsWith('>')) return a > (num(band.slice(1)) ?? -1);
  const [lo, hi] = band.split('–');
  if (lo !== undefined && hi !== undefined)
    return a > (num(lo) ?? -1) && a <= (num(hi) ?? Number.POSITIVE_INFINITY);
  return true;
}

/** What a rate change accounts for of the fees overcharged: the money and the transactions. */
export interface ChangeShare {
  overchargeFen: number;
  transactions: number;
}

const dateOf = (f: Finding): string => (f.time !== undefined ? localDateOf(f.time) : (f.settleDate ?? ''));

/**
 * Whether a rate change was in force on a local date: from its date on, and for an episode (`until`) up to its
 * last day only — after it the provider went back, and the sales after it are not the episode's.
 */
export function changeInForce(c: RateChange, date: string): boolean {
  return c.date <= date && (c.until === undefined || date <= c.until);
}

/**
 * The fees overcharged each rate change accounts for, as diagnosis pairs them: each overcharged sale goes to the
 * latest change of its merchant, channel and card in force on its date (changeInForce: an episode on its own days,
 * the lasting change around it on the others) whose amount band holds it; a fee kept on
 * a voided or reversed sale is no matter of rate and goes to none. Changes that account for nothing are absent.
 * (Diagnosis also gives a sale the contract caps to the cap rather than to a change that left the cap alone; the
 * report alone does not show which sales those are.)
 */
export function changeShares(
  report: Pick<AuditReport, 'findings' | 'rateChanges'>,
): Map<RateChange, ChangeShare> {
  const shares = new Map<RateChange, ChangeShare>();
  for (const f of report.findings) {
    if (f.kind !== 'fee_overcharge' || f.overchargeFen <= 0 || f.cancelledBy !== undefined) continue;
    const d = dateOf(f);
    let best: RateChange | undefined;
    for (const c of report.rateChanges) {
      if ((c.merchantId ?? '') !== (f.merchantId ?? '') || c.channel !== f.channel || c.card !== f.card)
        continue;
      if (!changeInForce(c, d) || (f.amountFen !== undefined && !bandContains(c.band, f.amountFen))) continue;
      if (best === undefined || c.date > best.date) best = c;
    }
    if (best === undefined) continue;
    const share = shares.get(best) ?? { overchargeFen: 0, transactions: 0 };
    share.overchargeFen += f.overchargeFen;
    share.transactions += 1;
    shares.set(best, share);
  }
  return shares;
}
