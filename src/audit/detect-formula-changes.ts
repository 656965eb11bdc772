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
 * formula explains together with every line since; isolated deviations are strays and change nothing. Up to
 * two lines still charged the previous way may fall among those deviations (a switch-over is rarely clean).
 */
export function detectFormulaChanges(lines: readonly DatedFeeLine[]): FormulaSegment[] {
  const first = lines[0];
  if (first === undefined) return [];
  // Seed with one line only: a stray among several seed lines could be explained by a wrong formula that fits them all.
  let current = FormulaSet.fromLines([first]);
  let currentLines = 1;
  const segments: FormulaSegment[] = [{ start: 0, date: first.date, set: current }];
  let run: number[] = [];
  // The run's deviating lines and the lines both formulas explain, which a rebuilt formula must explain too.
  let members: number[] = [];
  let runStart = -1;
  let runSet: FormulaSet | undefined;
  let neutral = 0;
  // Lines only the previous formula explains, inside a run: during a switch-over a few sales may still be
  // charged the old way, and a change starts at its first deviating line all the same. As many of them as a
  // change needs lines mean the deviations were strays.
  let interruptions = 0;
  const startRun = (i: number, line: DatedFeeLine): FormulaSet => {
    run = [i];
    members = [i];
    runStart = i;
    interruptions = 0;
    return FormulaSet.fromLines([line]);
  };
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i];
    if (line === undefined) continue;
    if (current.fits(line)) {
      if (runSet !== undefined && neutral < MAX_NEUTRAL_LINES && runSet.add(line)) {
        neutral += 1;
        members.push(i);
        continue;
      }
      current.add(line);
      currentLines += 1;
      if (runSet !== undefined && interruptions < MIN_CHANGE_LINES - 1) {
        interruptions += 1;
        continue;
      }
      run = [];
      members = [];
      runSet = undefined;
      continue;
    }
    // A line the previous formula charges under another rounding mode is no evidence of a change: it may
    // join a run (and must fit its formula) but neither starts one nor counts towards the lines one needs.
    const evidence = !current.producesUnderAnyMode(line);
    if (runSet === undefined) {
      if (!evidence) continue;
      runSet = startRun(i, line);
    } else if (runSet.add(line)) {
      if (evidence) run.push(i);
      members.push(i);
    } else {
      const rebuilt = FormulaSet.fromLines(
        [...members, i].map((k) => lines[k]).filter((l) => l !== undefined),
      );
      if (rebuilt.empty) {
        if (!evidence) {
          run = [];
          members = [];
          runSet = undefined;
          continue;
        }
        runSet = startRun(i, line);
      } else if (!evidence) {
        runSet = rebuilt;
        members.push(i);
      } else {
        runSet = rebuilt;
        run.push(i);
        members.push(i);
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
      members = [];
      runSet = undefined;
    }
  }
  return segments;
}
