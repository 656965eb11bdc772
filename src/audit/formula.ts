import { formatRate, percentageFee } from '../money/rate.js';
import { ROUNDING_MODES, type RoundingMode } from '../money/round.js';

/** One settled sale as the formula inference sees it: a positive amount and the fee charged on it. */
export interface FeeLine {
  readonly amountFen: number;
  readonly feeFen: number;
}

const MAX_PPM = 1_000_000;
const MODES = ROUNDING_MODES.length;
// One line's intervals before Formula.add commits them: a single pass both tests and narrows.
const narrowed: number[] = new Array<number>(MODES * 2).fill(0);

/** Fixed add-ons providers commonly charge per transaction, in fen; tried before derived values. */
const COMMON_FIXED_FEN = [0, 100, 200, 300, 50, 150, 500, 1000];

function floorDiv(n: number, d: number): number {
  let q = Math.floor(n / d);
  // Float division of large safe integers can land one off an exact boundary; correct it with exact products.
  while (q * d > n) q -= 1;
  while ((q + 1) * d <= n) q += 1;
  return q;
}

function ceilDiv(n: number, d: number): number {
  return -floorDiv(-n, d);
}

/**
 * The inclusive interval of integer ppm rates r with round(amount × r ÷ 10⁶) = fee under one rounding mode,
 * clamped to [0, 100 %]; lo > hi when none. Exact integer arithmetic.
 */
export function rateInterval(amountFen: number, feeFen: number, mode: RoundingMode): [number, number] {
  const a = amountFen;
  const p = feeFen;
  let lo: number;
  let hi: number;
  switch (mode) {
    case 'down':
      lo = ceilDiv(p * 1_000_000, a);
      hi = ceilDiv((p + 1) * 1_000_000, a) - 1;
      break;
    case 'up':
      lo = floorDiv((p - 1) * 1_000_000, a) + 1;
      hi = floorDiv(p * 1_000_000, a);
      break;
    case 'half-up':
      lo = ceilDiv((2 * p - 1) * 500_000, a);
      hi = ceilDiv((2 * p + 1) * 500_000, a) - 1;
      break;
    case 'half-even':
      if (p % 2 === 0) {
        lo = ceilDiv((2 * p - 1) * 500_000, a);
        hi = floorDiv((2 * p + 1) * 500_000, a);
      } else {
        lo = floorDiv((2 * p - 1) * 500_000, a) + 1;
        hi = ceilDiv((2 * p + 1) * 500_000, a) - 1;
      }
      break;
  }
  return [Math.max(lo, 0), Math.min(hi, MAX_PPM)];
}

/**
 * One candidate formula fee = min(round(amount × rate), cap) + fixed, holding for each rounding mode the ppm
 * interval still consistent with every line folded in (lo > hi marks the mode ruled out).
 */
export class Formula {
  readonly ranges: number[];
  maxPercentageFen = 0;
  lines = 0;

  constructor(
    readonly fixedFen: number,
    readonly capFen: number | undefined,
    ranges?: readonly number[],
  ) {
    this.ranges = ranges
      ? [...ranges]
      : Array.from({ length: MODES * 2 }, (_, i) => (i % 2 === 0 ? 0 : MAX_PPM));
  }

  /** Whether some rate and rounding mode in the remaining intervals produces this line. */
  fits(line: FeeLine): boolean {
    return this.fold(line, undefined);
  }

  /** Narrows the intervals by a line; returns false (and changes nothing) when the line does not fit. */
  add(line: FeeLine): boolean {
    if (!this.fold(line, narrowed)) return false;
    for (let k = 0; k < this.ranges.length; k += 1) this.ranges[k] = narrowed[k] ?? 0;
    this.lines += 1;
    const p = line.feeFen - this.fixedFen;
    if (p > this.maxPercentageFen) this.maxPercentageFen = p;
    return true;
  }

  /** Whether the line fits; the intervals it leaves go to `into`, when given. */
  private fold(line: FeeLine, into: number[] | undefined): boolean {
    const p = line.feeFen - this.fixedFen;
    if (p < 0 || (this.capFen !== undefined && p > this.capFen)) return false;
    const capped = this.capFen !== undefined && p === this.capFen;
    let any = false;
    for (let m = 0; m < MODES; m += 1) {
      const lo = this.ranges[m * 2] ?? 0;
      const hi = this.ranges[m * 2 + 1] ?? -1;
      let newLo = lo;
      let newHi = hi;
      if (lo <= hi) {
        const [lineLo, lineHi] = rateInterval(line.amountFen, p, ROUNDING_MODES[m] ?? 'half-up');
        // A capped line only says the percentage reached the cap: any rate at or above the cap's threshold.
        newLo = Math.max(lo, lineLo);
        newHi = Math.min(hi, capped ? MAX_PPM : lineHi);
        if (newLo <= newHi) any = true;
      }
      if (into !== undefined) {
        into[m * 2] = newLo;
        into[m * 2 + 1] = newHi;
      }
    }
    return any;
  }

  /** A copy of this formula with a cap at `capFen`, if the line that suggests it is consistent with it. */
  withCap(line: FeeLine): Formula | undefined {
    if (this.capFen !== undefined) return undefined;
    const cap = line.feeFen - this.fixedFen;
    if (cap <= 0 || cap < this.maxPercentageFen) return undefined;
    const capped = new Formula(this.fixedFen, cap, this.ranges);
    capped.maxPercentageFen = this.maxPercentageFen;
    capped.lines = this.lines;
    return capped.add(line) ? capped : undefined;
  }

  /** The rounding mode to quote with: half-up when still possible, else the first mode left. */
  mode(): RoundingMode {
    for (let m = 0; m < MODES; m += 1) {
      if ((this.ranges[m * 2] ?? 0) <= (this.ranges[m * 2 + 1] ?? -1)) return ROUNDING_MODES[m] ?? 'half-up';
    }
    return 'half-up';
  }

  /**
   * The roundest rate (most trailing zeros) left for the quoting mode, e.g. 6000 rather than 6003. Lines at the
   * cap only bound the rate from below, so while no line below the cap bounds it from above, the least rate
   * reaching the cap on them all, to 0.01 %: “any rate up to 100 %” would quote 1.00 %.
   */
  ratePpm(): number {
    const m = ROUNDING_MODES.indexOf(this.mode());
    const lo = this.ranges[m * 2] ?? 0;
    const bound = this.ranges[m * 2 + 1] ?? 0;
    const hi = bound === MAX_PPM ? Math.min(ceilDiv(lo, 100) * 100, MAX_PPM) : bound;
    for (const step of [10_000, 5_000, 1_000, 500, 100, 50, 10, 5, 1]) {
      const candidate = ceilDiv(lo, step) * step;
      if (candidate <= hi) return candidate;
    }
    return lo;
  }

  /** Whether a rate lies in the interval of any mode still possible. */
  allowsRate(ratePpm: number): boolean {
    for (let m = 0; m < MODES; m += 1) {
      const lo = this.ranges[m * 2] ?? 0;
      const hi = this.ranges[m * 2 + 1] ?? -1;
      if (lo <= hi && ratePpm >= lo && ratePpm <= hi) return true;
    }
    return false;
  }

  /**
   * Whether the formula, at its quoted rate, charges this fee under some rounding mode: a line it produces
   * that way is no evidence of a change, even when the lines so far ruled that rounding mode out.
   */
  producesUnderAnyMode(line: FeeLine): boolean {
    const rate = this.ratePpm();
    for (const mode of ROUNDING_MODES) {
      const raw = percentageFee(Math.abs(line.amountFen), rate, mode);
      const fee = (this.capFen !== undefined && raw > this.capFen ? this.capFen : raw) + this.fixedFen;
      if (fee === line.feeFen) return true;
    }
    return false;
  }

  /** The fee this formula charges on an amount. */
  fee(amountFen: number): number {
    const raw = percentageFee(Math.abs(amountFen), this.ratePpm(), this.mode());
    return (this.capFen !== undefined && raw > this.capFen ? this.capFen : raw) + this.fixedFen;
  }

  /** “0.60%”, “0.60% + ¥3.00/笔”, “0.55%（封顶 ¥20.00）” style description parts. */
  describe(): { rate: string; fixedFen: number; capFen?: number } {
    return {
      rate: formatRate(this.ratePpm()),
      fixedFen: this.fixedFen,
      ...(this.capFen !== undefined ? { capFen: this.capFen } : {}),
    };
  }

  /**
   * How much the formula adds to a bare rate: a cap or a fixed part each count, an odd one (a cap in fen, a fixed
   * part no provider quotes) twice. A few lines can often be read either way — 3,058.00 charged 917.34 next to
   * 1,000.00 charged 30.20 is 2.99 % + ¥3.00 or 3.02 % capped at ¥917.34 — and caps are set in whole yuan.
   */
  private get complexity(): number {
    const cap = this.capFen === undefined ? 0 : this.capFen % 100 === 0 ? 1 : 2;
    const fixed = this.fixedFen === 0 ? 0 : COMMON_FIXED_FEN.includes(this.fixedFen) ? 1 : 2;
    return cap + fixed;
  }

  static simplest(formulas: readonly Formula[]): Formula | undefined {
    let best: Formula | undefined;
    for (const f of formulas) if (best === undefined || f.complexity < best.complexity) best = f;
    return best;
  }
}

/** Fixed parts that make two lines share one rate: f = (F₁·A₂ − F₂·A₁) ÷ (A₂ − A₁), floor and ceiling. */
function derivedFixed(lines: readonly FeeLine[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < lines.length && i < 8; i += 1) {
    const a = lines[i];
    const b = lines[i + 1];
    if (a === undefined || b === undefined || a.amountFen === b.amountFen) continue;
    const numerator = a.feeFen * b.amountFen - b.feeFen * a.amountFen;
    const denominator = b.amountFen - a.amountFen;
    if (!Number.isSafeInteger(numerator)) continue;
    const low = floorDiv(numerator * Math.sign(denominator), Math.abs(denominator));
    for (const f of [low, low + 1]) {
      if (f > 0 && f <= Math.min(a.feeFen, b.feeFen) && !out.includes(f)) out.push(f);
    }
  }
  return out;
}

/**
 * The formulas still possible for a run of lines: each candidate fixed part (common values and the ones that
 * make the lines share a rate), each read without a cap and with one at the largest fee so far. A line at a
 * debit card's cap can come first, and read as a percentage it sets a wrong rate: 5,000.00 charged the ¥20.00
 * cap of 0.55 % reads as 0.40 %, which the ordinary lines after it then contradict.
 */
export class FormulaSet {
  private constructor(public formulas: Formula[]) {}

  static fromLines(lines: readonly FeeLine[]): FormulaSet {
    const candidates = [...COMMON_FIXED_FEN];
    for (const f of derivedFixed(lines)) if (!candidates.includes(f)) candidates.push(f);
    let formulas = candidates.map((fixed) => new Formula(fixed, undefined));
    for (const line of lines) {
      formulas = FormulaSet.fold(formulas, line);
      if (formulas.length === 0) break;
    }
    return new FormulaSet(formulas);
  }

  /**
   * The formulas that produce the line once it is folded in: those it fits, narrowed, and the capped reading of
   * every uncapped one whose largest fee it matches or exceeds — kept even when the uncapped reading fits too, as
   * the next lines may show it was the cap. A capped reading at a cap already held is not added again: the one
   * made at the first line with that fee allows all this one does.
   */
  private static fold(formulas: readonly Formula[], line: FeeLine): Formula[] {
    const next: Formula[] = [];
    for (const f of formulas) {
      const capped = f.withCap(line);
      if (f.add(line)) next.push(f);
      if (
        capped !== undefined &&
        !formulas.some((g) => g.fixedFen === capped.fixedFen && g.capFen === capped.capFen)
      )
        next.push(capped);
    }
    return next;
  }

  get empty(): boolean {
    return this.formulas.length === 0;
  }

  /** Whether any remaining formula (or one of them with a newly seen cap) produces the line. */
  fits(line: FeeLine): boolean {
    for (const f of this.formulas) if (f.fits(line) || f.withCap(line) !== undefined) return true;
    return false;
  }

  /**
   * Whether a remaining formula produces the line as it stands, with no cap the line would set: a line of an
   * earlier formula read as this one's cap says nothing of this one.
   */
  fitsWithoutNewCap(line: FeeLine): boolean {
    return this.formulas.some((f) => f.fits(line));
  }

  /** Folds a line in: formulas that produce it narrow, capped variants join, the others drop out. */
  add(line: FeeLine): boolean {
    const next = FormulaSet.fold(this.formulas, line);
    if (next.length === 0) return false;
    this.formulas = next;
    return true;
  }

  /** Whether some remaining formula charges this fee under some rounding mode (see Formula.producesUnderAnyMode). */
  producesUnderAnyMode(line: FeeLine): boolean {
    return this.formulas.some((f) => f.producesUnderAnyMode(line));
  }

  best(): Formula | undefined {
    return Formula.simplest(this.formulas);
  }
}
