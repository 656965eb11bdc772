/**
 * The last matching key (terminal + amount, within five minutes) pairs in time order first: that pairing is as
 * large as time order allows, but among lines nothing else tells apart it may give a statement line to the
 * journal line before the one at its very time. {@link refineByTime} moves such pairs to the nearer line,
 * without ever losing a pair.
 */

/** 0: a journal line; 1: a statement line. */
export type Side = 0 | 1;

/** What {@link refineByTime} reads and changes of a pairing between journal and statement lines. */
export interface TimePairing {
  /** A line's epoch ms. */
  readonly ms: (side: Side, i: number) => number;
  /** The line on the other side it is paired with, or -1. */
  readonly partnerOf: (side: Side, i: number) => number;
  /** Journal line t and statement line s can be one sale (within the window, nothing tells them apart). */
  readonly fits: (t: number, s: number) => boolean;
  /** What kind of evidence pairs them (payers agree, or one side shows none): a pair moves only to its kind. */
  readonly kindOf: (t: number, s: number) => number;
  readonly pair: (t: number, s: number) => void;
  /** Leaves line i of `side` unpaired (its former partner is paired again at once). */
  readonly release: (side: Side, i: number) => void;
}

/** How many lines of the other side, nearest first, a line looks at: a bucket is refined in linear time. */
export const MAX_NEAREST_LOOKS = 32;

/**
 * Refines a pairing within one bucket: `ts` and `ss`, journal and statement lines in time order. Each line left
 * unpaired, nearest lines first:
 * - pairs with an unpaired line that fits;
 * - else, where a line it fits is paired with one that can take another unpaired line instead, both pair (one
 *   pair more);
 * - else takes a line strictly nearer in time to it than to that line's partner, which is left unpaired in its
 *   place and looks in turn. Lines at equal distance stay as time order paired them.
 * The number of pairs never drops; each move shortens the pairs' total time apart, and the moves are capped
 * to a few per line, so the pass ends in linear time.
 */
export function refineByTime(pairing: TimePairing, ts: readonly number[], ss: readonly number[]): void {
  const lists: readonly (readonly number[])[] = [ts, ss];
  const times = lists.map((list, side) => list.map((i) => pairing.ms(side as Side, i)));
  const queue: [Side, number][] = [];
  for (const t of ts) if (pairing.partnerOf(0, t) === -1) queue.push([0, t]);
  for (const s of ss) if (pairing.partnerOf(1, s) === -1) queue.push([1, s]);
  if (queue.length === 0 || ts.length === 0 || ss.length === 0) return;
  let budget = 4 * (ts.length + ss.length);
  const fits = (side: Side, i: number, j: number) => (side === 0 ? pairing.fits(i, j) : pairing.fits(j, i));
  const kindOf = (side: Side, i: number, j: number) =>
    side === 0 ? pairing.kindOf(i, j) : pairing.kindOf(j, i);
  const link = (side: Side, i: number, j: number) => (side === 0 ? pairing.pair(i, j) : pairing.pair(j, i));

  /** Calls `visit` on the other side's lines, nearest to line i first (the earlier of two equally near), until it returns true. */
  const nearestFirst = (side: Side, i: number, visit: (j: number) => boolean): void => {
    const other = (1 - side) as Side;
    const list = lists[other] ?? [];
    const at = times[other] ?? [];
    const x = pairing.ms(side, i);
    let right = lowerBound(at, x);
    let left = right - 1;
    for (let looks = 0; looks < MAX_NEAREST_LOOKS; looks += 1) {
      const dl = left >= 0 ? x - (at[left] ?? 0) : Number.POSITIVE_INFINITY;
      const dr = right < list.length ? (at[right] ?? 0) - x : Number.POSITIVE_INFINITY;
      if (dl === Number.POSITIVE_INFINITY && dr === Number.POSITIVE_INFINITY) return;
      const j = dl <= dr ? list[left--] : list[right++];
      if (j !== undefined && visit(j)) return;
    }
  };
  const apart = (side: Side, i: number, j: number) =>
    Math.abs(pairing.ms(side, i) - pairing.ms((1 - side) as Side, j));

  for (let q = 0; q < queue.length && budget > 0; q += 1, budget -= 1) {
    const [side, i] = queue[q] ?? [0, -1];
    if (i < 0 || pairing.partnerOf(side, i) !== -1) continue;
    const other = (1 - side) as Side;
    let free = -1;
    let augment: [number, number, number] | undefined;
    let nearer = -1;
    nearestFirst(side, i, (j) => {
      if (!fits(side, i, j)) return false;
      const w = pairing.partnerOf(other, j);
      if (w === -1) {
        free = j;
        return true;
      }
      if (augment === undefined) {
        let spare = -1;
        nearestFirst(side, w, (k) => {
          if (k === j || pairing.partnerOf(other, k) !== -1 || !fits(side, w, k)) return false;
          spare = k;
          return true;
        });
        if (spare !== -1) augment = [j, w, spare];
      }
      if (nearer === -1 && kindOf(side, i, j) === kindOf(side, w, j) && apart(side, i, j) < apart(side, w, j))
        nearer = j;
      return false;
    });
    if (free !== -1) link(side, i, free);
    else if (augment !== undefined) {
      const [j, w, spare] = augment;
      link(side, w, spare);
      link(side, i, j);
    } else if (nearer !== -1) {
      const w = pairing.partnerOf(other, nearer);
      pairing.release(side, w);
      link(side, i, nearer);
      queue.push([side, w]);
    }
  }
}

/** The first position whose value is at least x, in an ascending array. */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
