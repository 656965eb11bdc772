import type { PosRecord, RecordKind } from '../../records/index.js';
import { alipayOverride } from './alipay.js';
import { lcswOverride } from './lcsw.js';
import { leshuaOverride } from './leshua.js';
import { unionpayZmOverride } from './unionpay-zm.js';
import { wechatOverride } from './wechat.js';

/** What an override hook sees about the file being read. */
export interface OverrideContext {
  /** The file name as reported in summaries (for a ZIP entry: `archive.zip/entry.csv`). */
  readonly file: string;
  /** The decoded encoding (`utf-8`, `gb18030`, `utf-16le` …). */
  readonly encoding: string;
  /** The kind records of this file get. */
  readonly kind: RecordKind;
  /** 1-based row number as a spreadsheet shows it (title and header rows counted). */
  readonly row: number;
  /** The header cells as found in the file (empty when `header: none`). */
  readonly header: readonly string[];
  /** Settlement date of the file when known (from a column or the file name), `YYYY-MM-DD`. */
  fileDate?: string;
  /** Scratch space an override may use across rows of one file (e.g. totals it collected). */
  readonly state: Record<string, unknown>;
  /** Adds a warning to the file's summary. */
  warn(code: string, zh: string, en: string): void;
}

/** A row an override wants rejected: a reason in both languages, optionally naming the column. */
export interface RejectedReason {
  readonly rejected: true;
  readonly column?: string;
  readonly reason: string;
  readonly reasonEn: string;
}

/** Totals found in a file's summary rows, to cross-check the rows read. */
export interface SummaryTotals {
  count?: number;
  amountFen?: number;
  feeFen?: number;
  settledFen?: number;
  refundFen?: number;
}

/**
 * Code hooks for a layout the YAML preset format cannot express on its own. Every hook is optional and works a
 * row at a time so files stream in bounded memory.
 */
export interface PresetOverride {
  /**
   * Scores how likely the file is this layout from its first decoded lines (up to 30) and its name; 0 = not it.
   * Added to the YAML detect score.
   */
  detect?(firstLines: readonly string[], fileName: string): number;
  /**
   * Called for each raw line before it is split into cells (before header detection too). Return the line to
   * use, or null to skip it (e.g. WeChat's summary pair, Alipay's `#` block — collect their totals in ctx.state).
   */
  transformLine?(line: string, ctx: OverrideContext): string | null;
  /**
   * Called for each data row's cells after splitting and before mapping. Return the cells to map, or null to
   * skip the row (not a record, not rejected), e.g. to strip backticks or cut fixed-width fields.
   */
  transformRow?(cells: string[], ctx: OverrideContext): string[] | null;
  /**
   * Called with each mapped record (already validated field by field) and its raw cells; return the record to
   * keep (possibly adjusted: signs, year inference), null to skip it, or a RejectedReason.
   */
  finishRecord?(
    record: PosRecord,
    cells: readonly string[],
    ctx: OverrideContext,
  ): PosRecord | RejectedReason | null;
  /**
   * Called once at the end of the file: return totals the file itself stated (collected in ctx.state) so the
   * engine compares them with the rows read and warns on a difference.
   */
  summaryCheck?(ctx: OverrideContext): SummaryTotals | undefined;
  /**
   * Money columns the override reads itself, or knows to take nothing from the merchant (the platform's coupons,
   * amounts the settled one already nets): the import does not warn that they were not read (unmapped-money.ts).
   */
  readonly knownColumns?: readonly string[];
}

/** Builds a RejectedReason. */
export function rejectRow(reason: string, reasonEn: string, column?: string): RejectedReason {
  return column === undefined
    ? { rejected: true, reason, reasonEn }
    : { rejected: true, column, reason, reasonEn };
}

/** The code overrides presets name with `override:`; provider presets register theirs here. */
export const presetOverrides: Record<string, PresetOverride> = {
  alipay: alipayOverride,
  lcsw: lcswOverride,
  leshua: leshuaOverride,
  'unionpay-zm': unionpayZmOverride,
  wechat: wechatOverride,
};
