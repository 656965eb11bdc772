import { normaliseHeader } from './header-match.js';
import type { Preset } from './preset.js';
import { presetOverrides } from './presets/index.js';

/**
 * Scores a preset against a file's first rows and name: every listed content rule must hold (header cells,
 * first line); the file-name pattern only adds a bonus. A preset without content rules scores 0 (never guessed).
 */
export function scorePreset(
  preset: Preset,
  rows: readonly (readonly string[])[],
  firstLines: readonly string[],
  fileName: string,
  /** headerKeyRows(rows), when the caller scores several presets against the same rows. */
  keyRows: readonly ReadonlySet<string>[] = headerKeyRows(rows),
): number {
  const detect = preset.detect;
  const override = preset.override === undefined ? undefined : presetOverrides[preset.override];
  let score = 0;
  let rules = 0;
  if (detect?.headerIncludes && detect.headerIncludes.length > 0) {
    rules++;
    const wanted = detect.headerIncludes.map((h) => normaliseHeader(h).key);
    if (!keyRows.some((keys) => wanted.every((w) => keys.has(w)))) return 0;
    score += 10 + wanted.length;
  }
  if (detect?.headerIncludesAny && detect.headerIncludesAny.length > 0) {
    rules++;
    const wanted = detect.headerIncludesAny.map((h) => normaliseHeader(h).key);
    if (!keyRows.some((keys) => wanted.some((w) => keys.has(w)))) return 0;
    score += 5;
  }
  if (detect?.firstLinePattern !== undefined) {
    rules++;
    const first = firstLines.find((l) => l.trim() !== '') ?? '';
    if (!new RegExp(detect.firstLinePattern).test(first.replace(/^\ufeff/, ''))) return 0;
    score += 5;
  }
  if (override?.detect) {
    const s = override.detect(firstLines, fileName);
    if (s > 0) {
      rules++;
      score += s;
    } else if (rules === 0) return 0;
  }
  if (rules === 0) return 0;
  if (detect?.fileName !== undefined && new RegExp(detect.fileName).test(fileName)) score += 2;
  return score;
}

/** Each row's cells normalised as header keys. */
function headerKeyRows(rows: readonly (readonly string[])[]): Set<string>[] {
  return rows.map((r) => new Set(r.map((c) => normaliseHeader(c).key)));
}

/** Picks the best-scoring preset for a file, or undefined when none fits (the caller falls back to generic). */
export function detectPreset(
  presets: Iterable<Preset>,
  rows: readonly (readonly string[])[],
  firstLines: readonly string[],
  fileName: string,
): Preset | undefined {
  let best: Preset | undefined;
  let bestScore = 0;
  // The same for every preset: normalised once rather than once per preset (a thousand cells each time).
  const keyRows = headerKeyRows(rows);
  for (const preset of presets) {
    let score = 0;
    try {
      score = scorePreset(preset, rows, firstLines, fileName, keyRows);
    } catch {
      score = 0;
    }
    if (score > bestScore) {
      best = preset;
      bestScore = score;
    }
  }
  return best;
}
