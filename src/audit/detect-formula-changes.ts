import { type FeeLine, FormulaSet } from './formula.js';

/** A settled sale in time order, with its local date. */
export interface DatedFeeLine extends FeeLine {
  readonly date: string;
}

/** A stretch of lines charged by one formula; `start` indexes the first line, `set` the formulas that fit it. */
export interface FormulaSegment {
  readonly start: number;
  readonly date: string;
  readonly set: FormulaSet;
}

/** Deviating lines needed before a new formula is believed; fewer are strays. */
export const MIN_CHANGE_LINES = 3;
// Lines that both formulas explain do not end a run of deviations, but a long stretch of them means the
// deviations were strays; this bounds the re-inference work too.
const MAX_NEUTRAL_LINES = 200;

/**
 * Splits time-ordered lines into segments of one formula each. A change starts at the first of at least
 * three deviating lines that the previous formula cannot produce under any rounding mode and that one new
 * formula explains together with every line since; isolated deviations are strays and change nothing.
 */
export function detectFormulaChanges(lines: readonly DatedFeeLine[]): FormulaSegment[] {
  const first = lines[0];
  if (first === undefined) return [];
  // Seed with one line only: a stray among several seed lines could be explained by a wrong formula that fits them all.
  let current = FormulaSet.fromLines([first]);
  let currentLines = 1;
  const segments: FormulaSegment[] = [{ start: 0, date: first.date, set: current }];
  let run: number[] = [];
  let runStart = -1;
  let runSet: FormulaSet | undefined;
  let neutral = 0;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i];
    if (line === undefined) continue;
    if (current.fits(line)) {
      if (runSet !== undefined && neutral < MAX_NEUTRAL_LINES && runSet.add(line)) {
        neutral += 1;
        continue;
      }
      run = [];
      runSet = undefined;
      current.add(line);
      currentLines += 1;
      continue;
    }
    if (runSet === undefined) {
      runSet = FormulaSet.fromLines([line]);
      run = [i];
      runStart = i;
    } else if (runSet.add(line)) {
      run.push(i);
    } else {
      const rebuilt = FormulaSet.fromLines(lines.slice(runStart, i + 1));
      if (rebuilt.empty) {
        runSet = FormulaSet.fromLines([line]);
        run = [i];
        runStart = i;
      } else {
        runSet = rebuilt;
        run.push(i);
      }
    }
    neutral = 0;
    if (run.length >= MIN_CHANGE_LINES && !runSet.empty) {
      const last = segments[segments.length - 1];
      if (currentLines < MIN_CHANGE_LINES && last !== undefined) {
        // The formula so far rests on fewer lines than a change needs: those lines were strays, not a formula.
        segments[segments.length - 1] = { ...last, set: runSet };
      } else {
        segments.push({ start: runStart, date: lines[runStart]?.date ?? line.date, set: runSet });
      }
      current = runSet;
      currentLines = i - runStart + 1;
      run = [];
      runSet = undefined;
    }
  }
  return segments;
}
