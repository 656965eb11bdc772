/**
 * What the rows a subtotal row (2026-10-13 小计, 当日合计) covers add up to, so the subtotal can be checked like the
 * file's 合计 row: the rows since the previous boundary (the header, a totals row, the previous subtotal), and the
 * rows of each trade day and each settlement day.
 *
 * It runs beside every row of files of millions of rows, so it holds no rows and adds nothing per row: the reader's
 * running sums are snapshotted at boundaries and where a record's day differs from the one before it, and a day's
 * figures are the differences between those snapshots.
 */

/** The reader's running sums at one point of the file, in fen (immutable once taken). */
export interface RunningSums {
  /** The money columns as the file writes them: what a totals row adds up. */
  readonly amount: number;
  readonly fee: number;
  readonly settled: number;
  /** The same money as the records carry it, in the merchant's view. */
  readonly amountFen: number;
  readonly feeFen: number;
  readonly settledFen: number;
  /** Rows rejected so far. */
  readonly rejected: number;
  /** Reversing bank debits imported so far: in the amounts, but not in the credit column a totals row sums. */
  readonly reversing: number;
}

/** The rows a subtotal covers, as the totals check compares them, with the rows among them that were rejected. */
export interface CoveredSums {
  raw: { amount: number; fee: number; settled: number };
  view: { amountFen: number; feeFen: number; settledFen: number };
  rejected: number;
}

/** Which day a subtotal names: a trade day (its row's 交易日期), a settlement day, or either (`2026-10-13 小计`). */
export type SubtotalDayOf = 'trade' | 'settle' | 'either';

const ZERO: RunningSums = {
  amount: 0,
  fee: 0,
  settled: 0,
  amountFen: 0,
  feeFen: 0,
  settledFen: 0,
  rejected: 0,
  reversing: 0,
};
/** No day yet: no record's time starts with it. */
const NO_DAY = '\u0000';

function between(from: RunningSums, to: RunningSums): RunningSums {
  return {
    amount: to.amount - from.amount,
    fee: to.fee - from.fee,
    settled: to.settled - from.settled,
    amountFen: to.amountFen - from.amountFen,
    feeFen: to.feeFen - from.feeFen,
    settledFen: to.settledFen - from.settledFen,
    rejected: to.rejected - from.rejected,
    reversing: to.reversing - from.reversing,
  };
}

function plus(a: RunningSums, b: RunningSums): RunningSums {
  return {
    amount: a.amount + b.amount,
    fee: a.fee + b.fee,
    settled: a.settled + b.settled,
    amountFen: a.amountFen + b.amountFen,
    feeFen: a.feeFen + b.feeFen,
    settledFen: a.settledFen + b.settledFen,
    rejected: a.rejected + b.rejected,
    reversing: a.reversing + b.reversing,
  };
}

function covered(sums: RunningSums): CoveredSums {
  return {
    // As the totals check: the amount column a subtotal sums holds no reversing debit.
    raw: { amount: sums.amount - sums.reversing, fee: sums.fee, settled: sums.settled },
    view: { amountFen: sums.amountFen, feeFen: sums.feeFen, settledFen: sums.settledFen },
    rejected: sums.rejected,
  };
}

/** A date a subtotal's label or date cell starts with (2026-10-13, 2026/10/13, 2026年10月13日, 20261013), as ISO. */
const DAY = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})|(\d{2})(\d{2})(?!\d))/;

/** The ISO day a text starts with, if it does. */
export function dayOfText(text: string): string | undefined {
  const m = DAY.exec(text);
  if (m === null) return undefined;
  const month = Number(m[2] ?? m[4]);
  const day = Number(m[3] ?? m[5]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export class SubtotalLedger {
  /** Where the rows since the last boundary start. */
  private since: RunningSums = ZERO;
  /** The trade day of the records being read, and where its run of rows started. */
  private tradeDay = NO_DAY;
  private tradeStart: RunningSums = ZERO;
  /** The settlement day of the records being read, and where its run of rows started. */
  private settleDay: string | undefined;
  private settleStart: RunningSums = ZERO;
  /** Each day's rows so far, from the runs closed. */
  private readonly byTradeDay = new Map<string, RunningSums>();
  private readonly bySettleDay = new Map<string, RunningSums>();

  /** Whether a record of this time and settlement date is of the days being read: the hot path's only test. */
  sameDays(time: string, settleDate: string | undefined): boolean {
    return settleDate === this.settleDay && time.startsWith(this.tradeDay);
  }

  /** Before a record of other days is summed (`now` not counting it): closes the runs of the days it leaves. */
  newDays(time: string, settleDate: string | undefined, now: RunningSums): void {
    const trade = time.slice(0, 10);
    if (trade !== this.tradeDay) {
      this.close(this.byTradeDay, this.tradeDay, this.tradeStart, now);
      this.tradeDay = trade;
      this.tradeStart = now;
    }
    if (settleDate !== this.settleDay) {
      this.close(this.bySettleDay, this.settleDay, this.settleStart, now);
      this.settleDay = settleDate;
      this.settleStart = now;
    }
  }

  /** A header, totals row or subtotal: the next subtotal covers the rows after it. */
  mark(now: RunningSums): void {
    this.since = now;
  }

  /**
   * What a subtotal may cover, the likeliest first: with a day named, that day's rows (the day of the run just
   * read first, as a subtotal follows its day), then the rows since the last boundary; without, only those.
   */
  candidates(day: { day: string; of: SubtotalDayOf } | undefined, now: RunningSums): CoveredSums[] {
    const sinceBoundary = covered(between(this.since, now));
    if (day === undefined) return [sinceBoundary];
    const tradeOpen = this.tradeDay === day.day;
    this.close(this.byTradeDay, this.tradeDay, this.tradeStart, now);
    this.tradeStart = now;
    this.close(this.bySettleDay, this.settleDay, this.settleStart, now);
    this.settleStart = now;
    const trade = day.of === 'settle' ? undefined : this.byTradeDay.get(day.day);
    const settle = day.of === 'trade' ? undefined : this.bySettleDay.get(day.day);
    const days = (tradeOpen ? [trade, settle] : [settle, trade]).filter((d) => d !== undefined);
    // Rows rejected since the boundary may be of the day too, though read before a record of it opened its run.
    const list = days.map((d) => {
      const sums = covered(d);
      sums.rejected = Math.max(sums.rejected, sinceBoundary.rejected);
      return sums;
    });
    list.push(sinceBoundary);
    return list;
  }

  private close(
    days: Map<string, RunningSums>,
    day: string | undefined,
    start: RunningSums,
    now: RunningSums,
  ): void {
    if (day === undefined || day === NO_DAY || start === now) return;
    const run = between(start, now);
    const before = days.get(day);
    days.set(day, before === undefined ? run : plus(before, run));
  }
}
