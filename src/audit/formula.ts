import { formatRate, percentageFee } from '../money/rate.js';
import { ROUNDING_MODES, type RoundingMode } from '../money/round.js';

/** One settled sale as the formula inference sees it: a positive amount and the fee charged on it. */
export interface FeeLine {
  readonly amountFen: number;
  readonly feeFen: number;
}

const MAX_PPM = 1_000_000;
const MODES = ROUNDING_MODES.length;

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
    return this.fold(line, false);
  }

  /** Narrows the intervals by a line; returns false (and changes nothing) when the line does not fit. */
  add(line: FeeLine): boolean {
    if (!this.fits(line)) return false;
    this.fold(line, true);
    this.lines += 1;
    const p = line.feeFen - this.fixedFen;
    if (p > this.maxPercentageFen) this.maxPercentageFen = p;
    return true;
  }

  private fold(line: FeeLine, apply: boolean): boolean {
    const p = line.feeFen - this.fixedFen;
    if (p < 0 || (this.capFen !== undefined && p > this.capFen)) return false;
    const capped = this.capFen !== undefined && p === this.capFen;
    let any = false;
    for (let m = 0; m < MODES; m += 1) {
      const lo = this.ranges[m * 2] ?? 0;
      const hi = this.ranges[m * 2 + 1] ?? -1;
      if (lo > hi) continue;
      const [lineLo, lineHi] = rateInterval(line.amountFen, p, ROUNDING_MODES[m] ?? 'half-up');
      // A capped line only says the percentage reached the cap: any rate at or above the cap's threshold.
      const newLo = Math.max(lo, lineLo);
      const newHi = Math.min(hi, capped ? MAX_PPM : lineHi);
      if (newLo <= newHi) any = true;
      if (apply) {
        this.ranges[m * 2] = newLo;
        this.ranges[m * 2 + 1] = newHi;
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

  /** The roundest rate (most trailing zeros) left for the quoting mode, e.g. 6000 rather than 6003. */
  ratePpm(): number {
    const m = ROUNDING_MODES.indexOf(this.mode());
    const lo = this.ranges[m * 2] ?? 0;
    const hi = this.ranges[m * 2 + 1] ?? 0;
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

  private get complexity(): number {
    return (this.capFen === undefined ? 0 : 1) + (this.fixedFen === 0 ? 0 : 1);
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
 * make the lines share a rate), without a cap; caps join later when a large line is charged less than the rate.
 */
export class FormulaSet {
  private constructor(public formulas: Formula[]) {}

  static fromLines(lines: readonly FeeLine[]): FormulaSet {
    const candidates = [...COMMON_FIXED_FEN];
    for (const f of derivedFixed(lines)) if (!candidates.includes(f)) candidates.push(f);
    const formulas: Formula[] = [];
    for (const fixed of candidates) {
      let formula: Formula | undefined = new Formula(fixed, undefined);
      for (const line of lines) {
        if (formula.add(line)) continue;
        formula = formula.withCap(line);
        if (formula === undefined) break;
      }
      if (formula !== undefined) formulas.push(formula);
    }
    return new FormulaSet(formulas);
  }

  get empty(): boolean {
    return this.formulas.length === 0;
  }

  /** Whether any remaining formula (or one of them with a newly seen cap) produces the line. */
  fits(line: FeeLine): boolean {
    for (const f of this.formulas) if (f.fits(line) || f.withCap(line) !== undefined) return true;
    return false;
  }

  /** Folds a line in: formulas that produce it narrow, capped variants join, the others drop out. */
  add(line: FeeLine): boolean {
    const next: Formula[] = [];
    for (const f of this.formulas) {
      if (f.add(line)) next.push(f);
      else {
        // Keep the capped reading of every formula, not only when nothing else fits: another formula that
        // happens to fit this one line may die on the next.
        const capped = f.withCap(line);
        if (capped !== undefined) next.push(capped);
      }
    }
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
