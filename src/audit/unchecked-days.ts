/**
 * Journal sales whose settlement could not be checked, by the day they were due: days no statement covers, and the
 * last day of a statement file cut off mid-row (coverage.ts CutShortDay). The warnings name those days, so the
 * user knows which statement to add or download again.
 */
export interface UncheckedDays {
  /** Due day → sales, for days no statement covers. */
  readonly outside: Map<string, number>;
  /** Cut-off statement file → due day → sales. */
  readonly cutShort: Map<string, Map<string, number>>;
  /**
   * Cut-off statement file → the payout days whose net it leaves unknown (the day is its last one and it gave the
   * day lines): their payout was not compared with what arrived.
   */
  readonly payoutCutShort: Map<string, Set<string>>;
}

/** The same, as plain arrays: what a merchant's audit on a worker thread hands back. */
export interface UncheckedDaysEntries {
  outside: [string, number][];
  cutShort: [string, [string, number][]][];
  /** Absent from entries made before it was added. */
  payoutCutShort?: [string, string[]][];
}

/** Days named in a warning before the rest are summed up as 等. */
const DAYS_SHOWN = 3;

export function newUncheckedDays(): UncheckedDays {
  return { outside: new Map(), cutShort: new Map(), payoutCutShort: new Map() };
}

function bump(map: Map<string, number>, day: string, n = 1): void {
  map.set(day, (map.get(day) ?? 0) + n);
}

export function noteOutside(u: UncheckedDays, day: string): void {
  bump(u.outside, day);
}

export function noteCutShort(u: UncheckedDays, file: string, day: string, n = 1): void {
  let days = u.cutShort.get(file);
  if (days === undefined) {
    days = new Map();
    u.cutShort.set(file, days);
  }
  bump(days, day, n);
}

/** A payout day whose net a cut-off statement file leaves unknown: not compared with the money that arrived. */
export function notePayoutCutShort(u: UncheckedDays, file: string, day: string): void {
  let days = u.payoutCutShort.get(file);
  if (days === undefined) {
    days = new Set();
    u.payoutCutShort.set(file, days);
  }
  days.add(day);
}

export function uncheckedEntries(u: UncheckedDays): UncheckedDaysEntries {
  return {
    outside: [...u.outside],
    cutShort: [...u.cutShort].map(([file, days]) => [file, [...days]]),
    payoutCutShort: [...u.payoutCutShort].map(([file, days]) => [file, [...days]]),
  };
}

export function mergeUncheckedDays(u: UncheckedDays, entries: UncheckedDaysEntries | undefined): void {
  if (entries === undefined) return;
  for (const [day, n] of entries.outside) bump(u.outside, day, n);
  for (const [file, days] of entries.cutShort) for (const [day, n] of days) noteCutShort(u, file, day, n);
  for (const [file, days] of entries.payoutCutShort ?? [])
    for (const day of days) notePayoutCutShort(u, file, day);
}

/** The first few days in date order, then 等 / etc. when there are more. */
function dayList(days: Iterable<string>): { zh: string; en: string } {
  const sorted = [...days].sort();
  const shown = sorted.slice(0, DAYS_SHOWN);
  const more = sorted.length > shown.length;
  return { zh: `${shown.join('、')}${more ? ' 等' : ''}`, en: `${shown.join(', ')}${more ? ', …' : ''}` };
}

/**
 * The warning on sales due on days no statement covers (`count` of them in the run's dates), naming the days: a day
 * between two daily statements is most often a statement file that was not given.
 */
export function outsideCoverageWarning(count: number, u: UncheckedDays): string {
  const days = dayList(u.outside.keys());
  const named = u.outside.size > 0;
  return (
    `${count} 笔终端交易的应结算日${named ? `（${days.zh}）` : ''}不在对账单覆盖的日期内，未核对是否到账` +
    `${named ? `；可能缺少${u.outside.size === 1 ? '该日' : '这些日期'}的对账单文件，请补充` : ''} / ` +
    `${count} journal sales are due on days no statement covers${named ? ` (${days.en})` : ''} and were not checked for settlement` +
    `${named ? `; the statement file${u.outside.size === 1 ? ' for that day' : 's for those days'} may be missing — add ${u.outside.size === 1 ? 'it' : 'them'}` : ''}`
  );
}

const byFile = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Per statement file cut off mid-row, a warning naming the days whose sales could not be checked, and one naming the
 * payout days whose net it leaves unknown (payoutCutShort).
 */
export function cutShortWarnings(u: UncheckedDays): string[] {
  return [...cutShortSalesWarnings(u), ...cutShortPayoutWarnings(u)];
}

/**
 * A payout day the cut-off file gave lines to, on its last day: the rows after the cut may be that day's too, so
 * its net is not known and a bank credit above (or below) the part read proves nothing — no payout_mismatch is
 * drafted for it (payouts.ts), and this says why the day was left out.
 */
function cutShortPayoutWarnings(u: UncheckedDays): string[] {
  return [...u.payoutCutShort].sort(byFile).map(([file, set]) => {
    const days = dayList(set);
    return (
      `${file} 似乎不完整（被截断），${days.zh} 的结算净额不全，该日到账金额无法核对，未计为到账不符；请重新下载该日对账单后再核对 / ` +
      `${file} appears cut off, so the net payout of ${days.en} is incomplete: that day's payout could not be compared with what arrived and is not counted as a payout mismatch — download that day's statement again to check it`
    );
  });
}

function cutShortSalesWarnings(u: UncheckedDays): string[] {
  return [...u.cutShort].sort(byFile).map(([file, byDay]) => {
    let n = 0;
    for (const count of byDay.values()) n += count;
    const days = dayList(byDay.keys());
    return (
      `${file} 似乎不完整（被截断），${n} 笔应于 ${days.zh} 结算的终端交易不在其中，可能在截断的部分：未计为漏结算，无法核对是否结算；请重新下载该日对账单 / ` +
      `${file} appears cut off: ${n} journal sales due on ${days.en} are not in it and may be in the part cut off; they are not counted as missing settlements and cannot be checked — download that day's statement again`
    );
  });
}
