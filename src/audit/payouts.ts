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
 * merchant in the order given; then each remaining day takes the first unclaimed credit in its window. Without a
 * credit, only a window the bank files cover whole proves that nothing arrived.
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

  const drafts: FindingDraft[] = [];
  merchants.forEach((m, mi) => {
    m.days.forEach((day, di) => {
      if (settled[mi]?.[di] === 1) return;
      const dates = windows[mi]?.[di] ?? [day.date];
      let hit: number | undefined;
      for (const w of dates) {
        hit = (creditsOn.get(w) ?? []).find((i) => claimable(i, m.merchantId));
        if (hit !== undefined) break;
      }
      const end = dates[dates.length - 1] ?? day.date;
      if (hit === undefined && (day.date < first || end > last)) return;
      const credit = hit === undefined ? undefined : credits[hit]?.record;
      if (hit !== undefined) used[hit] = 1;
      drafts.push(payoutDraft(m, day, end, credit));
    });
  });
  return drafts;
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
