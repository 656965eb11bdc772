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
/**
 * Lines a first formula needs, none of which the next formula can produce, to be a regime of its own when it
 * rests on fewer lines than a change needs: one such line is a stray start.
 */
export const MIN_REGIME_LINES = 2;
// Lines that both formulas explain do not end a run of deviations, but a long stretch of them means the
// deviations were strays; this bounds the re-inference work too.
const MAX_NEUTRAL_LINES = 200;

/**
 * Splits time-ordered lines into segments of one formula each. A change starts at the first of at least
 * three deviating lines that the previous formula cannot produce under any rounding mode and that one new
 * formula explains together with every line since; isolated deviations are strays and change nothing. Up to
 * two lines still charged the previous way may fall among those deviations (a switch-over is rarely clean).
 * The first formula may rest on as few as two lines before the change (a statement that starts a day or two
 * before the provider moves the rate), provided the new formula can produce neither; a lone first line it
 * cannot produce was a stray, and the new formula is the first.
 */
export function detectFormulaChanges(lines: readonly DatedFeeLine[]): FormulaSegment[] {
  const first = lines[0];
  if (first === undefined) return [];
  // Seed with one line only: a stray among several seed lines could be explained by a wrong formula that fits them all.
  let current = FormulaSet.fromLines([first]);
  let currentLines = 1;
  // The first formula's lines, as long as they are fewer than a change needs (only the first formula can be).
  let firstLines: number[] = [0];
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
      if (firstLines.length < MIN_CHANGE_LINES) firstLines.push(i);
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
      if (
        currentLines < MIN_CHANGE_LINES &&
        last !== undefined &&
        !isRegime(lines, firstLines, runStart, runSet)
      ) {
        // The formula so far rests on fewer lines than a change needs, and the new formula explains all but
        // one of them: that one was a stray, not a formula.
        segments[segments.length - 1] = { ...last, set: runSet };
      } else {
        segments.push({ start: runStart, date: lines[runStart]?.date ?? line.date, set: runSet });
      }
      current = runSet;
      currentLines = i - runStart + 1;
      firstLines = [];
      run = [];
      members = [];
      runSet = undefined;
    }
  }
  return segments;
}

/**
 * Whether the first formula's lines before a run (`members`, indices into `lines`) are a regime the run's formula
 * replaced: at least MIN_REGIME_LINES of them that it cannot produce. A stray first line, and a line the stray's
 * formula happened to take in under a cap or a fixed part, leave one at most. An old line the run's formula could
 * only read as a cap it never charged is not produced by it: 2,860.00 charged 17.16 at 0.60 % is no cap of the
 * 0.63 % that follows, whose fees are all smaller.
 */
function isRegime(
  lines: readonly DatedFeeLine[],
  members: readonly number[],
  runStart: number,
  next: FormulaSet,
): boolean {
  let deviating = 0;
  for (const k of members) {
    const line = lines[k];
    if (k >= runStart || line === undefined) continue;
    if (!next.fitsWithoutNewCap(line) && !next.producesUnderAnyMode(line)) deviating += 1;
  }
  return deviating >= MIN_REGIME_LINES;
}
