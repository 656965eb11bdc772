import type { FileImportSummary } from './import-types.js';

/** How a text table ended, as its reader saw it. */
export interface TextEnding {
  /** The row number of the last row the scanner handed over, and how many cells it had. */
  lastRow: number;
  lastCells: number;
  /** The header's width (undefined for a table without a header row). */
  headerWidth: number | undefined;
  /** The decoded text ends with a line break. */
  endsWithNewline: boolean;
  /** The text ended inside a quoted field. */
  unclosedQuote: boolean;
}

/**
 * Tells a download cut off mid-row from a row that is merely malformed: the row the file ends on is incomplete
 * (fewer cells than the header, or a quote left open), that row could not be read, and the file does not end
 * with a newline — an export writes whole lines, so a last line without its line break is where the bytes stopped.
 * The rejected row then says the file looks cut off instead of blaming a thousands comma, a file warning asks for a
 * fresh download, and the summary is marked `truncated` (the audit then does not count the file's last day as
 * covered: its later rows are missing, not unsettled). A complete file that merely lacks the final newline has a
 * whole last row and is left alone; so is a short last row that was read (only trailing free-text cells missing).
 */
export function markTruncatedExport(summary: FileImportSummary, ending: TextEnding): boolean {
  const { lastRow, lastCells, headerWidth, endsWithNewline, unclosedQuote } = ending;
  if (endsWithNewline || headerWidth === undefined || lastRow <= 0) return false;
  if (!(lastCells < headerWidth || unclosedQuote)) return false;
  const rejected = summary.rejected.find((r) => r.row === lastRow && r.file === summary.file);
  if (rejected === undefined) return false;
  const what = unclosedQuote
    ? {
        zh: `最后一行的引号没有闭合（只有 ${lastCells} 个单元格，表头有 ${headerWidth} 列）`,
        en: `its last row ends inside an open quote (${lastCells} cells where the header has ${headerWidth})`,
      }
    : {
        zh: `最后一行只有 ${lastCells} 个单元格（表头有 ${headerWidth} 列）`,
        en: `its last row has only ${lastCells} cells where the header has ${headerWidth}`,
      };
  rejected.reason = `文件似乎不完整/被截断：${what.zh}且文件没有以换行结束，未导入；请重新下载`;
  rejected.reasonEn = `the file appears cut off: ${what.en} and the file does not end with a newline; not imported — download it again`;
  summary.warnings.push({
    code: 'file.truncated',
    file: summary.file,
    message: `${summary.file} 似乎不完整（被截断）：${what.zh}且文件没有以换行结束，第 ${lastRow} 行未导入，其后的交易可能缺失；请重新下载该文件`,
    messageEn: `${summary.file} appears cut off: ${what.en} and the file does not end with a newline; row ${lastRow} was not imported and the lines after it may be missing — download the file again`,
  });
  summary.truncated = true;
  return true;
}
