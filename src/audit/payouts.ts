// Payouts (issue 4, payout_mismatch): each settlement day's net against the bank credits from the provider. The
// credits are the run's, not a merchant's — an agent's bank files seldom say which merchant a credit is for — so
// they are claimed once every merchant's days are known, exact amounts first across all merchants: a short day of
// one merchant never takes the credit that pays another's day to the fen. Merchants can then be audited apart
// (on worker threads) with bank files too; only their days come back here.
import { addWorkingDays } from '../calendar/working-days.js';
import { formatFen } from '../money/fen.js';
import type { FeePlan } from '../plans/plan-types.js';
import type { PosRecord } from '../records/record.js';
import { dateFromDayNumber, dayNumber, daysInMonth, localDateOf } from '../time/shanghai.js';
import type { FindingDraft } from './finding-builder.js';
import { compareTimeThenSource, epochMsOf, type Prepared } from './match-records.js';
import type { SourceRef } from './report-types.js';

/**
 * A settlement day's net payout as one merchant's statements give it. Its lines' sources are kept compactly (an
 * agent's run holds millions): file names once per day, then a file index and a row per line.
 */
export interface PayoutDay {
  date: string;
  net: number;
  /**
   * What earlier days that netted below zero (refunds alone) leave owing, ≤ 0: providers take it from the next
   * payout (DOMAIN.md, 退款余额不足), so the credit due is net + carriedFen.
   */
  carriedFen: number;
  files: string[];
  fileOfLine: Uint16Array;
  rowOfLine: Int32Array;
  /**
   * A statement file cut off mid-row whose last day this is and that gave it lines (coverage.ts cutShortPayoutFile):
   * the rows after the cut may be this day's too, so its net is not known and no payout_mismatch is drafted for it.
   */
  cutShortFile?: string;
}

/** One merchant's payout days (net above zero, by date), waiting for the run's bank credits. */
export interface MerchantPayouts {
  merchantId: string;
  basis: 'plan' | 'inferred';
  calendar?: FeePlan['calendar'];
  days: PayoutDay[];
}

/** The run's bank credits from the provider (by time), which of them are claimed, and the days the bank files span. */
export interface BankBook {
  credits: readonly Prepared[];
  used: Uint8Array;
  /**
   * Filled by claimPayouts when given: per credit, the index (in the merchants it was given) of the merchant whose
   * day the credit was set against, matched or not to the fen; -1 for a credit no merchant claimed.
   */
  claimedBy?: Int32Array;
  /**
   * Credits that re-issue a payout which bounced or failed (reissuesOf), by credit index: such a credit is taken
   * as arriving on the failed payout's date, so a re-issue days later still pays the day it was for.
   */
  reissued?: ReadonlyMap<number, PosRecord>;
  /**
   * Filled by claimPayouts when given: the credits whose memo named the days they paid that arrived after the
   * window of one of them (lateArrivalWarning words them).
   */
  late?: LateArrival[];
  /**
   * Filled by claimPayouts when given: the payout days that would have been compared with the credits but whose
   * net a cut-off statement file leaves unknown (PayoutDay.cutShortFile), with that file.
   */
  cutShort?: { file: string; date: string }[];
  first: string | undefined;
  last: string | undefined;
}

/** A credit that paid the days its memo names after the window of one of them had closed. */
export interface LateArrival {
  merchantId: string;
  /** The settlement days it paid, and the last day it was due by (the earliest day's window end). */
  dates: string[];
  dueBy: string;
  credit: PosRecord;
  arrived: string;
}

/**
 * The net payout of each settlement day from a merchant's statement lines (payout lines themselves excluded). A
 * line without a settlement date (a WeChat bill, a Leshua trade file) is put on the day `estimateSettleDate`
 * gives, when given; otherwise it is left out.
 */
export function payoutDaysOf(
  lines: readonly Prepared[],
  estimateSettleDate?: (record: Prepared['record']) => string,
): PayoutDay[] {
  const byDay = new Map<string, { net: number; lines: Prepared[] }>();
  for (const p of lines) {
    const r = p.record;
    if (r.type === 'payout') continue;
    const settleDate = r.settleDate ?? estimateSettleDate?.(r);
    if (settleDate === undefined) continue;
    const net =
      r.type === 'deduction'
        ? -Math.abs(r.settledFen ?? r.amountFen)
        : r.type === 'rebate'
          ? Math.abs(r.settledFen ?? r.amountFen)
          : (r.settledFen ?? r.amountFen - (r.feeFen ?? 0));
    const day = byDay.get(settleDate);
    if (day === undefined) byDay.set(settleDate, { net, lines: [p] });
    else {
      day.net += net;
      day.lines.push(p);
    }
  }
  const days: PayoutDay[] = [];
  let carried = 0;
  for (const [date, day] of [...byDay].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (day.net <= 0) {
      carried += day.net;
      continue;
    }
    const carriedFen = Math.max(carried, -day.net);
    carried -= carriedFen;
    if (day.net + carriedFen <= 0) continue;
    const files: string[] = [];
    const fileIndex = new Map<string, number>();
    const fileOfLine = new Uint16Array(day.lines.length);
    const rowOfLine = new Int32Array(day.lines.length);
    day.lines.forEach((p, i) => {
      const { file, row } = p.record.source;
      let f = fileIndex.get(file);
      if (f === undefined) {
        f = files.length;
        files.push(file);
        fileIndex.set(file, f);
      }
      fileOfLine[i] = f;
      rowOfLine[i] = row;
    });
    days.push({ date, net: day.net, carriedFen, files, fileOfLine, rowOfLine });
  }
  return days;
}

/**
 * Claims the bank credits for every merchant's days and drafts a payout_mismatch for each day without its credit:
 * first the credits whose memo names the settlement days they pay; then every day whose payout a credit in its
 * window (settleDate + 2 working days) matches to the fen, nearest dates first, merchant by merchant in the order
 * given; then consecutive days one credit pays together, and a day paid in two credits; then the remaining days and
 * unclaimed credits in their windows pair closest amounts first.
 * Without a credit, only a window the bank files cover whole proves that nothing arrived.
 */
export function claimPayouts(book: BankBook, merchants: readonly MerchantPayouts[]): FindingDraft[] {
  const { credits, used, claimedBy, first, last } = book;
  claimedBy?.fill(-1);
  if (first === undefined || last === undefined) return [];
  const claim = (credit: number, mi: number) => {
    used[credit] = 1;
    if (claimedBy !== undefined) claimedBy[credit] = mi;
  };
  const creditsOn = new Map<string, number[]>();
  credits.forEach((c, i) => {
    const date = localDateOf((book.reissued?.get(i) ?? c.record).time);
    const list = creditsOn.get(date);
    if (list === undefined) creditsOn.set(date, [i]);
    else list.push(i);
  });
  // A credit naming a merchant (a provider's payout file) pays only that merchant's days. Not when the statements
  // have no merchant number (a merchant's app export: merchant ''), nor when every credit names a merchant and none
  // is one of the run's — another numbering (UnionPay's 15 digits against the provider's own): going by the numbers
  // would then call every day unpaid.
  const runMerchants = new Set(merchants.map((m) => m.merchantId));
  let anonymous = false;
  let known = false;
  for (const c of credits) {
    const m = c.record.merchantId;
    if (m === undefined) anonymous = true;
    else if (runMerchants.has(m)) known = true;
  }
  const byNumber = known || anonymous;
  const claimable = (i: number, merchantId: string): boolean => {
    if (used[i] !== 0) return false;
    const m = credits[i]?.record.merchantId;
    return m === undefined || m === merchantId || !byNumber || (merchantId === '' && !runMerchants.has(m));
  };
  const windowOf = (date: string, calendar: MerchantPayouts['calendar']): string[] => {
    const end = addWorkingDays(date, 2, calendar).date;
    const out: string[] = [];
    for (let d = dayNumber(date); d <= dayNumber(end); d += 1) out.push(dateFromDayNumber(d));
    return out;
  };
  const windows = merchants.map((m) => m.days.map((day) => windowOf(day.date, m.calendar)));
  const settled = merchants.map((m) => new Uint8Array(m.days.length));

  const settle = (mi: number, di: number, credit: number) => {
    claim(credit, mi);
    (settled[mi] as Uint8Array)[di] = 1;
  };
  const isUnsettled = (mi: number, di: number) => settled[mi]?.[di] === 0;
  /** The credits a merchant's day may still take: unclaimed ones on the dates of its window. */
  const openCredits = (mi: number, di: number): number[] => {
    const merchantId = merchants[mi]?.merchantId ?? '';
    return (windows[mi]?.[di] ?? []).flatMap((date) =>
      (creditsOn.get(date) ?? []).filter((i) => claimable(i, merchantId)),
    );
  };
  const amountOf = (i: number) => credits[i]?.record.amountFen ?? 0;

  // 1. A credit whose memo names the settlement dates it pays (汇通支付T1结算款2026-10-09, …2026-10-09至2026-10-10)
  // pays those days, wherever it falls, before any amount is compared: in a run of days with the same net, paid
  // the day after, each day would otherwise take the previous day's credit on its own date and the last be called
  // unpaid. A payout that came after its window is late, not lost, and one credit for two days that came short is
  // one shortfall of the two together — neither a missing day nor a day paid "more". The days are one merchant's:
  // of several with days on those dates, the one whose total is closest to the credit. A credit above the days'
  // total is left to the steps below (it may hold other money, or pay a weekend its memo names only the last of).
  const memoGroups = merchants.map(() => new Map<number, { days: number[]; credit: number }>());
  const openOn = new Map<string, { mi: number; di: number }[]>();
  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      if (!isUnsettled(mi, di)) return;
      const list = openOn.get(day.date);
      if (list === undefined) openOn.set(day.date, [{ mi, di }]);
      else list.push({ mi, di });
    });
  });
  if (openOn.size > 0)
    credits.forEach((c, i) => {
      if (used[i] !== 0 || c.record.label === undefined) return;
      const arrived = localDateOf((book.reissued?.get(i) ?? c.record).time);
      const named = settlementDatesIn(c.record.label, arrived);
      if (named.length === 0) return;
      const byMerchant = new Map<number, { days: number[]; total: number }>();
      for (const date of named) {
        if (date > arrived) continue;
        for (const { mi, di } of openOn.get(date) ?? []) {
          const m = merchants[mi] as MerchantPayouts;
          if (!isUnsettled(mi, di) || !claimable(i, m.merchantId)) continue;
          const group = byMerchant.get(mi) ?? { days: [], total: 0 };
          group.days.push(di);
          group.total += dueOf(m.days[di] as PayoutDay);
          byMerchant.set(mi, group);
        }
      }
      const amount = amountOf(i);
      let best: { mi: number; days: number[]; total: number } | undefined;
      // Ties go to the merchant that came first.
      for (const [mi, group] of [...byMerchant].sort(([a], [b]) => a - b))
        if (best === undefined || Math.abs(group.total - amount) < Math.abs(best.total - amount))
          best = { mi, ...group };
      if (best === undefined || amount > best.total) return;
      const { mi, days } = best;
      days.sort((a, b) => a - b);
      claim(i, mi);
      for (const di of days) (settled[mi] as Uint8Array)[di] = 1;
      if (amount < best.total) memoGroups[mi]?.set(days[0] as number, { days, credit: i });
      const dueBy = windows[mi]?.[days[0] as number]?.at(-1);
      if (book.late !== undefined && dueBy !== undefined && arrived > dueBy) {
        const m = merchants[mi] as MerchantPayouts;
        book.late.push({
          merchantId: m.merchantId,
          dates: days.map((di) => m.days[di]?.date ?? ''),
          dueBy,
          credit: c.record,
          arrived,
        });
      }
    });

  // 2. A credit equal to a day's payout, nearest dates first: payouts normally arrive on the settlement day itself,
  // so a day short paid does not take the next day's exact credit a day later and leave that day unpaid.
  // A loop, not Math.max(...): an agent's run has more days than a call can take arguments.
  let longest = 0;
  for (const w of windows) for (const dates of w) if (dates.length > longest) longest = dates.length;
  for (let lag = 0; lag < longest; lag += 1) {
    merchants.forEach((m, mi) => {
      m.days.forEach((day, di) => {
        const date = windows[mi]?.[di]?.[lag];
        if (date === undefined || !isUnsettled(mi, di)) return;
        const due = dueOf(day);
        const hit = (creditsOn.get(date) ?? []).find((i) => {
          if (!claimable(i, m.merchantId)) return false;
          const amount = amountOf(i);
          // A provider that did not take the earlier refunds from this payout paid the day's own net.
          return amount === due || (day.carriedFen !== 0 && amount === day.net);
        });
        if (hit !== undefined) settle(mi, di, hit);
      });
    });
  }

  // 3. One credit for several consecutive days (a weekend's, or a day held back and paid with the next), on a
  // date inside every one of their windows.
  merchants.forEach((m, mi) => {
    for (let length = 2; length <= MAX_DAYS_PER_CREDIT; length += 1) {
      for (let start = 0; start + length <= m.days.length; start += 1) {
        let total = 0;
        let open = true;
        for (let di = start; di < start + length && open; di += 1) {
          const day = m.days[di];
          if (day === undefined || !isUnsettled(mi, di)) open = false;
          else total += dueOf(day);
        }
        if (!open) continue;
        const lastDay = m.days[start + length - 1]?.date ?? '';
        const dates = (windows[mi]?.[start] ?? []).filter((d) => d >= lastDay);
        let hit: number | undefined;
        for (const date of dates) {
          hit = (creditsOn.get(date) ?? []).find((i) => claimable(i, m.merchantId) && amountOf(i) === total);
          if (hit !== undefined) break;
        }
        if (hit === undefined) continue;
        claim(hit, mi);
        for (let di = start; di < start + length; di += 1) (settled[mi] as Uint8Array)[di] = 1;
      }
    }
  });

  // 4. One day paid in two credits within its window — only among a few credits: in an agent's account, with
  // hundreds a day, some two would add up to any amount by chance.
  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      if (!isUnsettled(mi, di)) return;
      const due = dueOf(day);
      const open = openCredits(mi, di);
      if (open.length > MAX_CREDITS_TO_SPLIT) return;
      const seen = new Map<number, number>();
      for (const i of open) {
        const other = seen.get(due - amountOf(i));
        if (other !== undefined) {
          claim(other, mi);
          settle(mi, di, i);
          return;
        }
        if (!seen.has(amountOf(i))) seen.set(amountOf(i), i);
      }
    });
  });

  // 5. One day paid in three or more credits (a D0 merchant's withdrawals through the day, 乐刷 Withdraw bills),
  // under the same limit, the fewest credits first. After every pair so that a split in two keeps its credits.
  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      if (!isUnsettled(mi, di)) return;
      const open = openCredits(mi, di);
      if (open.length < 3 || open.length > MAX_CREDITS_TO_SPLIT) return;
      const parts = fewestSumming(open.map(amountOf), dueOf(day), 3);
      if (parts === undefined) return;
      for (const k of parts) claim(open[k] as number, mi);
      (settled[mi] as Uint8Array)[di] = 1;
    });
  });

  // 6. A day whose own date has several credits naming its merchant (a provider's payout file: withdrawals through
  // the day), that together come short of what is due: they are that day's payout, short by the rest — not one of
  // them set against the whole day, which would count the others as missing too.
  const shortSplits = merchants.map(() => new Map<number, number[]>());
  merchants.forEach((m, mi) => {
    if (m.merchantId === '') return;
    m.days.forEach((day, di) => {
      if (!isUnsettled(mi, di)) return;
      const own = (creditsOn.get(day.date) ?? []).filter(
        (i) => used[i] === 0 && credits[i]?.record.merchantId === m.merchantId,
      );
      if (own.length < 2) return;
      let paid = 0;
      for (const i of own) paid += amountOf(i);
      if (paid >= dueOf(day)) return;
      for (const i of own) claim(i, mi);
      (settled[mi] as Uint8Array)[di] = 1;
      shortSplits[mi]?.set(di, own);
    });
  });

  // The days left pair with the credits left closest in amount, across all of them: two short days a day apart
  // should each be set against its own credit, not the earlier day against whichever credit came first. Each day
  // weighs only the few credits nearest its net on each date of its window (an agent's account may take a thousand
  // credits a day); a day whose near credits all went elsewhere takes the first one left, as before.
  const unusedOn = new Map<string, number[]>();
  for (const [date, list] of creditsOn)
    unusedOn.set(
      date,
      list.filter((i) => used[i] === 0).sort((a, b) => amountOf(a) - amountOf(b) || a - b),
    );
  const candidates: { mi: number; di: number; credit: number; gap: number }[] = [];
  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      if (settled[mi]?.[di] === 1) return;
      for (const w of windows[mi]?.[di] ?? []) {
        const sorted = unusedOn.get(w) ?? [];
        const at = firstAtLeast(sorted, dueOf(day), amountOf);
        const near = (i: number) => {
          const credit = sorted[i] as number;
          if (!claimable(credit, m.merchantId)) return false;
          candidates.push({ mi, di, credit, gap: Math.abs(dueOf(day) - amountOf(credit)) });
          return true;
        };
        for (let i = at, n = 0; i < sorted.length && n < NEAREST_CREDITS; i += 1) if (near(i)) n += 1;
        for (let i = at - 1, n = 0; i >= 0 && n < NEAREST_CREDITS; i -= 1) if (near(i)) n += 1;
      }
    });
  });
  // Ties go to the earlier day, then the earlier credit: the order the days and credits came in.
  candidates.sort((a, b) => a.gap - b.gap || a.mi - b.mi || a.di - b.di || a.credit - b.credit);
  const creditOf = merchants.map((m) => new Int32Array(m.days.length).fill(-1));
  for (const c of candidates) {
    const claimed = creditOf[c.mi] as Int32Array;
    if (claimed[c.di] !== -1 || used[c.credit] !== 0) continue;
    claimed[c.di] = c.credit;
    claim(c.credit, c.mi);
  }
  merchants.forEach((m, mi) => {
    m.days.forEach((_, di) => {
      const claimed = creditOf[mi] as Int32Array;
      if (settled[mi]?.[di] === 1 || claimed[di] !== -1) return;
      for (const w of windows[mi]?.[di] ?? []) {
        const hit = (creditsOn.get(w) ?? []).find((i) => claimable(i, m.merchantId));
        if (hit === undefined) continue;
        claimed[di] = hit;
        claim(hit, mi);
        return;
      }
    });
  });

  const drafts: FindingDraft[] = [];
  const recordsOf = (indexes: readonly number[]) =>
    indexes.map((i) => credits[i]?.record).filter((r) => r !== undefined);
  // A day whose net a cut-off file leaves unknown still claimed its credit above (so that credit is not set against
  // another day's shortfall), but what it was paid cannot be judged: it is named in a warning instead.
  const cutShortAmong = (days: readonly PayoutDay[]): boolean => {
    let any = false;
    for (const d of days)
      if (d.cutShortFile !== undefined) {
        book.cutShort?.push({ file: d.cutShortFile, date: d.date });
        any = true;
      }
    return any;
  };
  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      const dates = windows[mi]?.[di] ?? [day.date];
      const end = dates[dates.length - 1] ?? day.date;
      const split = shortSplits[mi]?.get(di);
      if (split !== undefined) {
        if (!cutShortAmong([day])) drafts.push(payoutDraft(m, [day], end, recordsOf(split)));
        return;
      }
      const group = memoGroups[mi]?.get(di);
      if (group !== undefined) {
        const days = group.days.map((g) => m.days[g]).filter((d) => d !== undefined);
        if (!cutShortAmong(days)) drafts.push(payoutDraft(m, days, end, recordsOf([group.credit])));
        return;
      }
      if (settled[mi]?.[di] === 1) return;
      const hit = creditOf[mi]?.[di] ?? -1;
      if (hit === -1 && (day.date < first || end > last)) return;
      if (cutShortAmong([day])) return;
      drafts.push(payoutDraft(m, [day], end, hit === -1 ? [] : recordsOf([hit])));
    });
  });
  return drafts;
}

/**
 * The credits that pay again for an earlier payout, by the earlier payout: those whose memo names its number, for
 * the same merchant. A bounced or failed payout comes again as a new bill linked by its remark (乐刷 T1,
 * DOMAIN.md §2.2), and an amount a payout held back (止付) is paid when released as a bill of its own that names the
 * one it completes: either pays the earlier payout's day, so it is taken as arriving on that payout's date. A
 * failed payout is re-issued once, by the first credit in time that names it; an arrived one may be completed by
 * any later credits. Linear: memos are cut into words, each looked up.
 */
export function reissuesOf(
  failed: readonly PosRecord[],
  credits: readonly Prepared[],
): Map<number, PosRecord> {
  const byNumber = new Map<string, PosRecord>();
  for (const r of failed) if (r.status === 'failed' && r.refNo !== undefined) byNumber.set(r.refNo, r);
  const arrivedByNumber = new Map<string, number>();
  credits.forEach((c, i) => {
    if (c.record.refNo !== undefined && !arrivedByNumber.has(c.record.refNo))
      arrivedByNumber.set(c.record.refNo, i);
  });
  const reissued = new Map<number, PosRecord>();
  const taken = new Set<PosRecord>();
  credits.forEach((c, i) => {
    const memo = c.record.label;
    if (memo === undefined) return;
    const words = memo.match(/[0-9A-Za-z_-]+/g) ?? [];
    for (const word of words) {
      const original = byNumber.get(word);
      if (original === undefined || taken.has(original) || original.refNo === c.record.refNo) continue;
      if (original.merchantId !== c.record.merchantId) continue;
      taken.add(original);
      reissued.set(i, original);
      return;
    }
    for (const word of words) {
      const index = arrivedByNumber.get(word);
      const completed = index === undefined ? undefined : credits[index]?.record;
      if (
        completed?.merchantId === undefined ||
        completed === c.record ||
        completed.merchantId !== c.record.merchantId
      )
        continue;
      if (epochMsOf(completed.time) >= epochMsOf(c.record.time)) continue;
      // The earlier payout may itself pay another date (a re-issue): the release follows it there.
      reissued.set(i, reissued.get(index as number) ?? completed);
      return;
    }
  });
  return reissued;
}

/**
 * The warning naming the bank records of payouts that did not arrive (打款中, 冻结出款, 失败, 退票), each
 * re-issued one with the credit that re-issued it.
 */
export function notArrivedWarning(
  records: readonly PosRecord[],
  credits: readonly Prepared[],
  reissued: ReadonlyMap<number, PosRecord>,
): string {
  const again = new Map<PosRecord, PosRecord>();
  for (const [i, original] of reissued) {
    const credit = credits[i]?.record;
    if (credit !== undefined) again.set(original, credit);
  }
  const shown = records.slice(0, 5);
  const zh = shown
    .map((r) => {
      const by = again.get(r);
      const reissue =
        by === undefined
          ? ''
          : `，已于 ${localDateOf(by.time)} 由 ${by.refNo ?? `第 ${by.source.row} 行`} 重新打款`;
      return `${r.source.file} 第 ${r.source.row} 行${r.refNo === undefined ? '' : `（${r.refNo}${reissue}）`}`;
    })
    .join('、');
  const en = shown
    .map((r) => {
      const by = again.get(r);
      const reissue =
        by === undefined
          ? ''
          : `, re-issued on ${localDateOf(by.time)} as ${by.refNo ?? `row ${by.source.row}`}`;
      return `${r.source.file} row ${r.source.row}${r.refNo === undefined ? '' : ` (${r.refNo}${reissue})`}`;
    })
    .join(', ');
  const more = records.length > shown.length ? ` 等 ${records.length} 笔` : '';
  const moreEn = records.length > shown.length ? ` and ${records.length - shown.length} more` : '';
  return (
    `${records.length} 笔打款未到账（打款中、冻结、失败或退票），未计为入账：${zh}${more} / ` +
    `${records.length} payout(s) did not arrive (in progress, frozen, failed or bounced) and were not counted as credits: ${en}${moreEn}`
  );
}

/** The most credits a day's window may hold for a pair of them to be taken as its payout split in two. */
const MAX_CREDITS_TO_SPLIT = 12;

/**
 * The positions of the fewest amounts, at least `least` of them, that add up to `target` exactly; among as many,
 * the first in order. For a dozen amounts at most: it may try every combination.
 * @example fewestSumming([500, 300, 200, 100], 600, 3) → [1, 2, 3]
 */
export function fewestSumming(
  amounts: readonly number[],
  target: number,
  least: number,
): number[] | undefined {
  const picked: number[] = [];
  const search = (from: number, size: number, left: number): boolean => {
    if (picked.length === size) return left === 0;
    for (let i = from; i <= amounts.length - (size - picked.length); i += 1) {
      picked.push(i);
      if (search(i + 1, size, left - (amounts[i] as number))) return true;
      picked.pop();
    }
    return false;
  };
  for (let size = least; size <= amounts.length; size += 1) if (search(0, size, target)) return picked;
  return undefined;
}

/** The most consecutive settlement days one credit is taken to pay together (a long holiday's). */
const MAX_DAYS_PER_CREDIT = 7;

/** The credit a day's payout calls for: its net less what earlier refund-only days left owing. */
function dueOf(day: PayoutDay): number {
  return day.net + day.carriedFen;
}

/** How many credits on each side of a day's net, per date of its window, the day weighs. */
const NEAREST_CREDITS = 4;

/** The first position in `sorted` (ascending by amount) whose amount is at least `amount`. */
function firstAtLeast(sorted: readonly number[], amount: number, amountOf: (i: number) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (amountOf(sorted[mid] as number) < amount) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The payout_mismatch of one day, or of the days one credit paid together (its memo naming them) as one: their
 * nets added up against what arrived.
 */
function payoutDraft(
  m: MerchantPayouts,
  days: readonly PayoutDay[],
  end: string,
  paidBy: readonly Prepared['record'][],
): FindingDraft {
  const day = days[0] as PayoutDay;
  const { date } = day;
  let net = 0;
  let ownNet = 0;
  let carriedFen = 0;
  let lines = 0;
  for (const d of days) {
    net += dueOf(d);
    ownNet += d.net;
    carriedFen += d.carriedFen;
    lines += d.rowOfLine.length;
  }
  const dates = days.map((d) => d.date);
  const credit = paidBy[0];
  let creditFen = 0;
  for (const c of paidBy) creditFen += c.amountFen;
  const countZh = paidBy.length > 1 ? `（${paidBy.length} 笔）` : '';
  const countEn = paidBy.length > 1 ? ` in ${paidBy.length} credits` : '';
  const carriedZh =
    carriedFen === 0
      ? ''
      : `，已抵扣此前退款 ${formatFen(-carriedFen)}（${days.length === 1 ? '当日净额' : '各日净额合计'} ${formatFen(ownNet)}）`;
  const carriedEn =
    carriedFen === 0
      ? ''
      : ` after ${formatFen(-carriedFen)} of earlier refunds (the ${days.length === 1 ? "day's own net" : "days' own nets"} ${formatFen(ownNet)})`;
  // Several days: named together, their nets added up (one credit paid them all).
  const whoZh =
    days.length === 1
      ? `${date} 结算净额 ${formatFen(net)}（${lines} 笔${carriedZh}）`
      : `${dates.join('、')} 共 ${days.length} 个结算日结算净额合计 ${formatFen(net)}（${lines} 笔${carriedZh}）`;
  const whoEn =
    days.length === 1
      ? `${date}: net payout ${formatFen(net)} (${lines} lines${carriedEn})`
      : `${dates.join(', ')}: net payout of the ${days.length} days together ${formatFen(net)} (${lines} lines${carriedEn})`;
  const loss = Math.max(0, net - creditFen);
  const source: SourceRef[] = [];
  for (const d of days)
    for (let i = 0; i < d.rowOfLine.length; i += 1)
      source.push({ file: d.files[d.fileOfLine[i] as number] as string, row: d.rowOfLine[i] as number });
  for (const c of paidBy) source.push({ file: c.source.file, row: c.source.row });
  return {
    kind: 'payout_mismatch',
    merchantId: m.merchantId,
    keys: dates,
    settleDate: date,
    amountFen: net,
    overchargeFen: 0,
    lossFen: loss,
    basis: m.basis,
    message:
      credit === undefined
        ? `${whoZh}，到 ${end} 银行流水中没有来自收单机构的对应入账，短少 ${formatFen(loss)}`
        : `${whoZh}，银行 ${localDateOf(credit.time)} 实际入账 ${formatFen(creditFen)}${countZh}，${net >= creditFen ? `少 ${formatFen(net - creditFen)}` : `多 ${formatFen(creditFen - net)}（可能含其他日期或其他商户的款项）`}`,
    messageEn:
      credit === undefined
        ? `${whoEn} has no bank credit from the provider by ${end}; short ${formatFen(loss)}`
        : `${whoEn}, bank credited ${formatFen(creditFen)}${countEn} on ${localDateOf(credit.time)}, ${net >= creditFen ? `${formatFen(net - creditFen)} short` : `${formatFen(creditFen - net)} more (perhaps with money for other days or merchants)`}`,
    source,
  };
}

/** The longest span of dates a memo's range (2026-10-01至2026-10-31) is taken to name: a month's payouts. */
const MAX_NAMED_DAYS = 31;

/**
 * A date in a memo: 2026-10-09, 2026/10/9, 2026.10.09, 20261009, 2026年10月9日, 26-10-09, and without the year
 * 10月9日, 10/09, 10-09, 10.09 (a dot only before two digits of day: 3.5 is an amount more likely than a date).
 */
const MEMO_DATE =
  /(?<!\d)(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{4})(\d{2})(\d{2})|(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?|(\d{2})([-/.])(\d{1,2})\11(\d{1,2})|(\d{1,2})([-/]|\.(?=\d{2}(?!\d)))(\d{1,2}))(?!\d)/g;

/** What joins the two ends of a range of dates: 至, 到, ~, －, — (a plain "-" only between dates written without one). */
const RANGE_JOIN = /^\s*(?:至|到|~|～|－|—|–)\s*$/;
const DASH_JOIN = /^\s*-\s*$/;

/** The end of a range written as a day of the first date's month: 10月9日至10日. */
const RANGE_DAY_END = /^\s*(?:至|到|~|～|－|—|–)\s*(\d{1,2})[日号](?!\d)/;

/**
 * The settlement dates a credit's memo names, each range spelt out day by day: `汇通支付T1结算款2026-10-09` names
 * 2026-10-09, `…2026-10-09至2026-10-10` both days. A date without its year (10月9日) is of the year the credit
 * arrived in, or the one before when that would put it after `arrived`. Impossible dates name nothing.
 * @example settlementDatesIn('T1结算款20261009至20261010', '2026-10-12') → ['2026-10-09', '2026-10-10']
 */
export function settlementDatesIn(memo: string, arrived: string): string[] {
  const found: { date: string; start: number; end: number; dashed: boolean }[] = [];
  const year = Number(arrived.slice(0, 4));
  for (const m of memo.matchAll(MEMO_DATE)) {
    const [y, mo, d] =
      m[1] !== undefined
        ? [m[1], m[2], m[3]]
        : m[4] !== undefined
          ? [m[4], m[5], m[6]]
          : m[10] !== undefined
            ? [`20${m[10]}`, m[12], m[13]]
            : m[14] !== undefined
              ? ['', m[14], m[16]]
              : [m[7] ?? '', m[8], m[9]];
    let date = dateOf(y === '' ? year : Number(y), Number(mo), Number(d));
    if (date !== undefined && y === '' && date > arrived) date = dateOf(year - 1, Number(mo), Number(d));
    if (date !== undefined)
      found.push({ date, start: m.index, end: m.index + m[0].length, dashed: m[0].includes('-') });
  }
  const dates: string[] = [];
  const spell = (from: string, to: string) => {
    const first = dayNumber(from);
    const last = dayNumber(to);
    if (last < first || last - first >= MAX_NAMED_DAYS) return;
    for (let n = first; n <= last; n += 1) {
      const date = dateFromDayNumber(n);
      if (!dates.includes(date)) dates.push(date);
    }
  };
  for (let k = 0; k < found.length; k += 1) {
    const { date, end, dashed } = found[k] as (typeof found)[number];
    const next = found[k + 1];
    const between = next === undefined ? '' : memo.slice(end, next.start);
    if (
      next !== undefined &&
      (RANGE_JOIN.test(between) || (!dashed && !next.dashed && DASH_JOIN.test(between)))
    ) {
      spell(date, next.date);
      k += 1;
      continue;
    }
    const dayEnd = RANGE_DAY_END.exec(memo.slice(end));
    const to =
      dayEnd === null
        ? undefined
        : dateOf(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(dayEnd[1]));
    if (to !== undefined) spell(date, to);
    else spell(date, date);
  }
  return dates;
}

/** `YYYY-MM-DD` for a real date of this century, else undefined. */
function dateOf(year: number, month: number, day: number): string | undefined {
  if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The words of a late arrival warning: which days' payout came when, after which day it was due by. */
export function lateArrivalWarning(late: readonly LateArrival[]): string {
  const shown = late.slice(0, 5);
  const zh = shown
    .map(
      (l) =>
        `${l.merchantId === '' ? '' : `商户 ${l.merchantId} `}${l.dates.join('、')} 的结算款 ${formatFen(l.credit.amountFen)} 于 ${l.arrived} 到账（${l.credit.source.file} 第 ${l.credit.source.row} 行），最迟应于 ${l.dueBy} 到账`,
    )
    .join('；');
  const en = shown
    .map(
      (l) =>
        `${l.merchantId === '' ? '' : `merchant ${l.merchantId}: `}the payout of ${l.dates.join(', ')} (${formatFen(l.credit.amountFen)}) arrived on ${l.arrived} (${l.credit.source.file} row ${l.credit.source.row}), due by ${l.dueBy} at the latest`,
    )
    .join('; ');
  const more = late.length > shown.length ? ` 等 ${late.length} 笔` : '';
  const moreEn = late.length > shown.length ? ` and ${late.length - shown.length} more` : '';
  return (
    `${late.length} 笔结算款晚于到账期限（结算日后 2 个工作日）到账，已按摘要中的结算日计为到账：${zh}${more} / ` +
    `${late.length} payout(s) arrived after they were due (2 working days after the settlement day) and were counted for the settlement days their memo names: ${en}${moreEn}`
  );
}

/** A bank credit taken back by a later reversal line, and that line. */
export interface ReversedCredit {
  credit: PosRecord;
  reversal: PosRecord;
}

/**
 * Sets each reversal line (a negative amount from the provider: a red-ink credit 贷方 -1,713.69, a 冲正 debit)
 * against the credit it takes back: the nearest one in time, on its date or before, of the same amount, the same
 * counterparty's first, unless it names another merchant. Both then pay nothing. A reversal that finds no such
 * credit takes back nothing the audit counted: it is left out (and named in a warning), never counted as money.
 */
export function cancelReversals(
  credits: readonly Prepared[],
  reversals: readonly Prepared[],
): { kept: Prepared[]; reversed: ReversedCredit[]; unmatched: PosRecord[] } {
  const byAmount = new Map<number, number[]>();
  credits.forEach((c, i) => {
    const list = byAmount.get(c.record.amountFen);
    if (list === undefined) byAmount.set(c.record.amountFen, [i]);
    else list.push(i);
  });
  const cancelled = new Uint8Array(credits.length);
  const reversed: ReversedCredit[] = [];
  const unmatched: PosRecord[] = [];
  for (const r of [...reversals].sort(compareTimeThenSource)) {
    // A charge the provider debited (流量费代扣) takes back no credit, whatever its amount: reversalWarnings names it.
    if (r.record.type === 'deduction') {
      unmatched.push(r.record);
      continue;
    }
    const date = localDateOf(r.record.time);
    let best: number | undefined;
    let bestRank = Number.POSITIVE_INFINITY;
    for (const i of byAmount.get(-r.record.amountFen) ?? []) {
      const c = credits[i] as Prepared;
      if (cancelled[i] !== 0 || localDateOf(c.record.time) > date) continue;
      const m = c.record.merchantId;
      if (m !== undefined && r.record.merchantId !== undefined && m !== r.record.merchantId) continue;
      const sameCounterparty =
        c.record.counterparty !== undefined && c.record.counterparty === r.record.counterparty;
      // The same counterparty's credits first, then the nearest in time (the earlier one of two as near).
      const rank = (sameCounterparty ? 0 : 1e15) + Math.abs(r.ms - c.ms);
      if (rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    if (best === undefined) {
      unmatched.push(r.record);
      continue;
    }
    cancelled[best] = 1;
    reversed.push({ credit: (credits[best] as Prepared).record, reversal: r.record });
  }
  return { kept: credits.filter((_, i) => cancelled[i] === 0), reversed, unmatched };
}

/** The warnings naming the credits reversals took back, and the reversals that took back none. */
export function reversalWarnings(
  reversed: readonly ReversedCredit[],
  unmatchedLines: readonly PosRecord[],
): string[] {
  let unmatched = unmatchedLines;
  const warnings: string[] = [];
  const at = (r: PosRecord) => `${r.source.file} 第 ${r.source.row} 行`;
  const atEn = (r: PosRecord) => `${r.source.file} row ${r.source.row}`;
  if (reversed.length > 0) {
    const shown = reversed.slice(0, 5);
    const zh = shown
      .map(
        ({ credit, reversal }) =>
          `${at(credit)} ${formatFen(credit.amountFen)}（${localDateOf(credit.time)}）由 ${at(reversal)}（${localDateOf(reversal.time)}）冲正`,
      )
      .join('、');
    const en = shown
      .map(
        ({ credit, reversal }) =>
          `${atEn(credit)} ${formatFen(credit.amountFen)} (${localDateOf(credit.time)}) by ${atEn(reversal)} (${localDateOf(reversal.time)})`,
      )
      .join(', ');
    const more = reversed.length > shown.length ? ` 等 ${reversed.length} 笔` : '';
    const moreEn = reversed.length > shown.length ? ` and ${reversed.length - shown.length} more` : '';
    warnings.push(
      `${reversed.length} 笔银行入账已被冲正（红字或借方冲正），不计为到账：${zh}${more} / ` +
        `${reversed.length} bank credit(s) were reversed (red ink or a reversing debit) and not counted as payouts: ${en}${moreEn}`,
    );
  }
  // A charge the provider took straight from the account (流量费代扣 -99.00) that no merchant's audit could take as
  // its own (several merchants, none named: audit.ts bankDebitsOf) is named with its date, amount and memo for the
  // merchant to check against the contract; a merchant's own is an unplanned_deduction finding instead.
  const charges = unmatched.filter((r) => r.type === 'deduction');
  if (charges.length > 0) {
    const shown = charges.slice(0, 5);
    const what = (r: PosRecord) => [r.counterparty, r.label].filter((x) => x).join(' ');
    const zh = shown
      .map((r) => `${localDateOf(r.time)} ${formatFen(r.amountFen)} ${what(r)}（${at(r)}）`)
      .join('、');
    const en = shown
      .map((r) => `${localDateOf(r.time)} ${formatFen(r.amountFen)} ${what(r)} (${atEn(r)})`)
      .join(', ');
    const total = charges.reduce((sum, r) => sum + r.amountFen, 0);
    const more = charges.length > shown.length ? ` 等 ${charges.length} 笔` : '';
    const moreEn = charges.length > shown.length ? ` and ${charges.length - shown.length} more` : '';
    warnings.push(
      `${charges.length} 笔收单机构直接从银行账户扣款（共 ${formatFen(total)}），不在结算单中，无法确定是哪个商户的扣款，未计入损失，请对照合同核对是否约定了这些费用：${zh}${more} / ` +
        `${charges.length} charge(s) the provider debited straight from the bank account (${formatFen(total)} in all), not on the statements; which merchant they were taken from cannot be told, so they are not counted as losses; check them against the contract: ${en}${moreEn}`,
    );
  }
  unmatched = unmatched.filter((r) => r.type !== 'deduction');
  if (unmatched.length > 0) {
    const shown = unmatched.slice(0, 5);
    const zh = shown.map((r) => `${at(r)} ${formatFen(r.amountFen)}（${localDateOf(r.time)}）`).join('、');
    const en = shown.map((r) => `${atEn(r)} ${formatFen(r.amountFen)} (${localDateOf(r.time)})`).join(', ');
    const more = unmatched.length > shown.length ? ` 等 ${unmatched.length} 笔` : '';
    const moreEn = unmatched.length > shown.length ? ` and ${unmatched.length - shown.length} more` : '';
    warnings.push(
      `${unmatched.length} 笔来自收单机构的冲正或退回（负数入账、借方冲正）在当日及此前找不到同金额的入账，已忽略，不计为到账：${zh}${more} / ` +
        `${unmatched.length} reversal line(s) from the provider (negative credits, reversing debits) match no credit of the same amount on or before their date and were ignored, not counted as money: ${en}${moreEn}`,
    );
  }
  return warnings;
}
