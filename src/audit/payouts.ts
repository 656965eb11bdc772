// Payouts (issue 4, payout_mismatch): each settlement day's net against the bank credits from the provider. The
// credits are the run's, not a merchant's — an agent's bank files seldom say which merchant a credit is for — so
// they are claimed once every merchant's days are known, exact amounts first across all merchants: a short day of
// one merchant never takes the credit that pays another's day to the fen. Merchants can then be audited apart
// (on worker threads) with bank files too; only their days come back here.
import { addWorkingDays } from '../calendar/working-days.js';
import { formatFen } from '../money/fen.js';
import type { FeePlan } from '../plans/plan-types.js';
import { dateFromDayNumber, dayNumber, localDateOf } from '../time/shanghai.js';
import type { FindingDraft } from './finding-builder.js';
import type { Prepared } from './match-records.js';
import type { SourceRef } from './report-types.js';

/**
 * A settlement day's net payout as one merchant's statements give it. Its lines' sources are kept compactly (an
 * agent's run holds millions): file names once per day, then a file index and a row per line.
 */
export interface PayoutDay {
  date: string;
  net: number;
  files: string[];
  fileOfLine: Uint16Array;
  rowOfLine: Int32Array;
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
  first: string | undefined;
  last: string | undefined;
}

/** The net payout of each settlement day from a merchant's statement lines (payout lines themselves excluded). */
export function payoutDaysOf(lines: readonly Prepared[]): PayoutDay[] {
  const byDay = new Map<string, { net: number; lines: Prepared[] }>();
  for (const p of lines) {
    const r = p.record;
    if (r.settleDate === undefined || r.type === 'payout') continue;
    const net =
      r.type === 'deduction'
        ? -Math.abs(r.settledFen ?? r.amountFen)
        : (r.settledFen ?? r.amountFen - (r.feeFen ?? 0));
    const day = byDay.get(r.settleDate);
    if (day === undefined) byDay.set(r.settleDate, { net, lines: [p] });
    else {
      day.net += net;
      day.lines.push(p);
    }
  }
  const days: PayoutDay[] = [];
  for (const [date, day] of byDay) {
    if (day.net <= 0) continue;
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
    days.push({ date, net: day.net, files, fileOfLine, rowOfLine });
  }
  return days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * Claims the bank credits for every merchant's days and drafts a payout_mismatch for each day without its credit:
 * first every day whose net a credit in its window (settleDate + 2 working days) matches to the fen, merchant by
 * merchant in the order given; then the remaining days and unclaimed credits in their windows pair closest amounts
 * first. Without a credit, only a window the bank files cover whole proves that nothing arrived.
 */
export function claimPayouts(book: BankBook, merchants: readonly MerchantPayouts[]): FindingDraft[] {
  const { credits, used, first, last } = book;
  if (first === undefined || last === undefined) return [];
  const creditsOn = new Map<string, number[]>();
  credits.forEach((c, i) => {
    const date = localDateOf(c.record.time);
    const list = creditsOn.get(date);
    if (list === undefined) creditsOn.set(date, [i]);
    else list.push(i);
  });
  const claimable = (i: number, merchantId: string): boolean => {
    if (used[i] !== 0) return false;
    const m = credits[i]?.record.merchantId;
    return m === undefined || m === merchantId;
  };
  const windowOf = (date: string, calendar: MerchantPayouts['calendar']): string[] => {
    const end = addWorkingDays(date, 2, calendar).date;
    const out: string[] = [];
    for (let d = dayNumber(date); d <= dayNumber(end); d += 1) out.push(dateFromDayNumber(d));
    return out;
  };
  const windows = merchants.map((m) => m.days.map((day) => windowOf(day.date, m.calendar)));
  const settled = merchants.map((m) => new Uint8Array(m.days.length));

  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      for (const w of windows[mi]?.[di] ?? []) {
        const hit = (creditsOn.get(w) ?? []).find(
          (i) => claimable(i, m.merchantId) && credits[i]?.record.amountFen === day.net,
        );
        if (hit !== undefined) {
          used[hit] = 1;
          (settled[mi] as Uint8Array)[di] = 1;
          return;
        }
      }
    });
  });

  // The days left pair with the credits left closest in amount, across all of them: two short days a day apart
  // should each be set against its own credit, not the earlier day against whichever credit came first. Each day
  // weighs only the few credits nearest its net on each date of its window (an agent's account may take a thousand
  // credits a day); a day whose near credits all went elsewhere takes the first one left, as before.
  const amountOf = (i: number) => credits[i]?.record.amountFen ?? 0;
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
        const at = firstAtLeast(sorted, day.net, amountOf);
        const near = (i: number) => {
          const credit = sorted[i] as number;
          if (!claimable(credit, m.merchantId)) return false;
          candidates.push({ mi, di, credit, gap: Math.abs(day.net - amountOf(credit)) });
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
    used[c.credit] = 1;
  }
  merchants.forEach((m, mi) => {
    m.days.forEach((_, di) => {
      const claimed = creditOf[mi] as Int32Array;
      if (settled[mi]?.[di] === 1 || claimed[di] !== -1) return;
      for (const w of windows[mi]?.[di] ?? []) {
        const hit = (creditsOn.get(w) ?? []).find((i) => claimable(i, m.merchantId));
        if (hit === undefined) continue;
        claimed[di] = hit;
        used[hit] = 1;
        return;
      }
    });
  });

  const drafts: FindingDraft[] = [];
  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      if (settled[mi]?.[di] === 1) return;
      const dates = windows[mi]?.[di] ?? [day.date];
      const hit = creditOf[mi]?.[di] ?? -1;
      const end = dates[dates.length - 1] ?? day.date;
      if (hit === -1 && (day.date < first || end > last)) return;
      drafts.push(payoutDraft(m, day, end, hit === -1 ? undefined : credits[hit]?.record));
    });
  });
  return drafts;
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

function payoutDraft(
  m: MerchantPayouts,
  day: PayoutDay,
  end: string,
  credit: Prepared['record'] | undefined,
): FindingDraft {
  const { date, net } = day;
  const lines = day.rowOfLine.length;
  const creditFen = credit?.amountFen ?? 0;
  const loss = Math.max(0, net - creditFen);
  const source: SourceRef[] = [];
  for (let i = 0; i < lines; i += 1)
    source.push({ file: day.files[day.fileOfLine[i] as number] as string, row: day.rowOfLine[i] as number });
  if (credit !== undefined) source.push({ file: credit.source.file, row: credit.source.row });
  return {
    kind: 'payout_mismatch',
    merchantId: m.merchantId,
    keys: [date],
    settleDate: date,
    amountFen: net,
    overchargeFen: 0,
    lossFen: loss,
    basis: m.basis,
    message:
      credit === undefined
        ? `${date} 结算净额 ${formatFen(net)}（${lines} 笔），到 ${end} 银行流水中没有来自收单机构的对应入账，短少 ${formatFen(loss)}`
        : `${date} 结算净额 ${formatFen(net)}（${lines} 笔），银行 ${localDateOf(credit.time)} 实际入账 ${formatFen(creditFen)}，相差 ${formatFen(net - creditFen)}`,
    messageEn:
      credit === undefined
        ? `${date}: net payout ${formatFen(net)} (${lines} lines) has no bank credit from the provider by ${end}; short ${formatFen(loss)}`
        : `${date}: net payout ${formatFen(net)} (${lines} lines), bank credited ${formatFen(creditFen)} on ${localDateOf(credit.time)}, difference ${formatFen(net - creditFen)}`,
    source,
  };
}
