// A download cut exactly at a line end (or inside the last cell, with every cell there) leaves whole rows only: the
// mid-row check (statements/truncated-export.ts) cannot see it. What such a file lacks is its ending — the 合计 row
// its siblings of the same layout end with. A file with data rows that lacks it, while the run's other files of its
// layout have one, is taken as possibly cut off: a warning names it, and its last day is not counted as covered
// (coverage.ts markTruncated), as a file cut mid-row's is.
import type { FileImportSummary } from '../statements/import-types.js';
import type { CoverageCollector } from './coverage.js';

/**
 * How many other files of the layout must have a totals row before one without is suspected. With a single
 * sibling, one file of each kind says nothing about which is usual (a provider may write 合计 only on busy days, or
 * a user may have trimmed one file); two that agree make the layout's ending known.
 */
const MIN_SIBLINGS_WITH_TOTALS = 2;

/**
 * The layout a statement table is read with: its preset and the columns it was read from. Files of one export
 * share it; the generic preset's files from different providers do not, and so are not held against each other.
 */
function layoutOf(s: FileImportSummary): string {
  const columns = Object.entries(s.columns).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${s.preset}\u0000${JSON.stringify(columns)}`;
}

/**
 * Marks the statement files that may be cut off at a line end: a file with at least one data row, not already
 * found cut off mid-row, without a totals row, where at least MIN_SIBLINGS_WITH_TOTALS other files of its layout
 * have one and most of the layout's files (this one included) do — so two files cut the same day are both still
 * found, while a layout that only sometimes writes 合计 is left alone. Each gets a warning on its summary and its
 * last day is marked not covered in `coverage`. Archives' tables are not looked at (their names in the records
 * are not the summary's). Returns the files marked.
 */
export function markMissingTotals(
  summaries: readonly FileImportSummary[],
  coverage: CoverageCollector,
): string[] {
  const byLayout = new Map<string, FileImportSummary[]>();
  for (const s of summaries) {
    if (s.kind !== 'settlement' || s.parts !== undefined) continue;
    const key = layoutOf(s);
    const group = byLayout.get(key);
    if (group === undefined) byLayout.set(key, [s]);
    else group.push(s);
  }
  const marked: string[] = [];
  for (const group of byLayout.values()) {
    const withTotals = group.filter((s) => s.totalsRow === true).length;
    if (withTotals < MIN_SIBLINGS_WITH_TOTALS || withTotals * 2 <= group.length) continue;
    const others = group.length - 1;
    for (const s of group) {
      if (s.totalsRow === true || s.truncated === true || s.rows === 0) continue;
      const all = withTotals === others;
      s.warnings.push({
        code: 'file.no-totals-row',
        file: s.file,
        message: `${s.file} 没有合计行，而同类的其他 ${all ? `${withTotals} 个文件都有` : `${others} 个文件中有 ${withTotals} 个有`}：可能下载不完整，请核对或重新下载`,
        messageEn: `${s.file} has no totals (合计) row, while ${all ? `the other ${withTotals} files of its layout all have one` : `${withTotals} of the other ${others} files of its layout have one`}: the download may be incomplete — check it or download it again`,
      });
      coverage.markTruncated(s.file);
      marked.push(s.file);
    }
  }
  return marked;
}
