import {
  type AmountUnit,
  fenFromSpreadsheetNumber,
  formatFen,
  type Parsed,
  parseAmount,
  parseRateCell,
  type RateUnit,
  rateCellFormula,
  stripCellDecoration,
} from '../money/index.js';
import {
  type CardType,
  type Channel,
  maskCardField,
  maskCardNumbersIn,
  type PosRecord,
  type RecordKind,
  RecordSchema,
  showsTooManyDigits,
  type RecordStatus,
  type RecordType,
  TYPE_NAMES_ZH,
} from '../records/index.js';
import { cleanCell, fastAmount, zeroPaddedFen } from './fast-parse.js';
import { normaliseHeader } from './header-match.js';
import type { FileImportSummary, ImportWarning, RejectedRow } from './import-types.js';
import {
  type Clock,
  hasNoYear,
  joinDateClock,
  parseClock,
  parseDateTime,
  parseLocalDate,
  parseLocalDateAfter,
  wallTimeFromExcelDate,
} from './parse-date-time.js';
import {
  MONEY_FIELDS,
  type MoneyField,
  type Preset,
  type PresetField,
  VALUE_FIELDS,
  type ValueField,
} from './preset.js';
import type { OverrideContext, PresetOverride } from './presets/index.js';
import { UnmappedMoneyWatch, unmappedMoneyWarning } from './presets/unmapped-money.js';
import { SideColumnWatch, sideColumnWarning } from './side-columns.js';
import { dayOfText, type RunningSums, type SubtotalDayOf, SubtotalLedger } from './subtotal-ledger.js';
import { referenceDateOfTitle } from './title-lines.js';
import {
  type Direction,
  isCancelledStatus,
  isAdjustmentType,
  isInquiryType,
  isVagueType,
  namesOnlyChannel,
  normaliseValue,
  typeFromMemo,
  ValueMap,
} from './value-map.js';

/** The fields warnRepeatedNames names, in Chinese. */
const FIELD_ZH: Partial<Record<PresetField, string>> = {
  time: '交易时间',
  amount: '交易金额',
  refundAmount: '退款金额',
  fee: '手续费',
  settled: '结算金额',
  credit: '收入金额',
  debit: '支出金额',
  rate: '费率',
};

/** Why a row is not imported, as reject takes it. */
interface Rejection {
  column?: string;
  reason: string;
  reasonEn: string;
}

/** The figures of a summary block below the table, in fen (count in rows), and the block's first row. */
interface SummaryFigures {
  amount?: number | undefined;
  fee?: number | undefined;
  settled?: number | undefined;
  count?: number | undefined;
  row: number;
}

/** A cell as a reader yields it: text from CSV, typed values from XLSX. */
export type Cell = string | number | Date | boolean | null | undefined;

/** The ID fields, read as keys (text kept as is, E-notation refused); mapRow stores them in this order. */
type KeyField =
  | 'merchantId'
  | 'terminalId'
  | 'refNo'
  | 'voucherNo'
  | 'batchNo'
  | 'orderNo'
  | 'providerOrderNo'
  | 'originalRefNo'
  | 'originalVoucherNo'
  | 'originalOrderNo';

/** Dates a row keeps without when they cannot be read: the sale's own time still dates it. */
type UnreadDateField = 'settleDate' | 'completedAt';

const TIME_FIELDS: readonly PresetField[] = ['time', 'date', 'settleDate', 'completedAt'];

/** A column index per field, -1 for a field the table does not have. */
type ColumnIndexes = Record<PresetField, number>;

/** Written out so every reader's index object has one fixed shape (fast property reads per cell). */
function noColumns(): ColumnIndexes {
  return {
    time: -1,
    date: -1,
    clock: -1,
    completedAt: -1,
    settleDate: -1,
    merchantId: -1,
    terminalId: -1,
    refNo: -1,
    voucherNo: -1,
    batchNo: -1,
    orderNo: -1,
    providerOrderNo: -1,
    originalRefNo: -1,
    originalVoucherNo: -1,
    originalOrderNo: -1,
    cardNo: -1,
    card: -1,
    payerId: -1,
    channel: -1,
    type: -1,
    status: -1,
    amount: -1,
    refundAmount: -1,
    fee: -1,
    settled: -1,
    rate: -1,
    label: -1,
    counterparty: -1,
    direction: -1,
    credit: -1,
    debit: -1,
  };
}

/** What the reader made of a row's fee sign (TableReader.feeOf), for the warnings about it. */
const FeeSignNote = {
  AsWritten: 0,
  /** A negative sale fee the settled amount shows withheld: the fee charged. */
  Withheld: 1,
  /** A negative sale fee without a settled amount, in a file whose sale fees start negative. */
  Assumed: 2,
  /** A positive sale fee without a settled amount after those. */
  PositiveAfterAssumed: 3,
  /** A fee the settled amount fits with neither sign. */
  Unclear: 4,
} as const;
type FeeSignNote = (typeof FeeSignNote)[keyof typeof FeeSignNote];

/** How one money column is read, worked out once from the preset and header instead of per cell. */
interface MoneyColumn {
  readonly field: MoneyField;
  readonly index: number;
  /** Set to fen once the column's cells show zero-padded fen (see probe). */
  unit: 'fen' | 'yuan';
  readonly dcInline: boolean;
  /** The index of the column holding this column's D/C mark, or -1. */
  readonly mark: number;
  /**
   * Whether the next cell still has to tell the unit: yuan only by the preset's default (no header, alias or title
   * line names it), and no cell has yet shown whether it is UnionPay-style zero-padded fen (000000015300).
   */
  probe: boolean;
}

// Compiled once: a regular-expression literal inside a method makes a new RegExp object on every row.
const DC_INLINE = /^([DCdc])\s*(.*)$/;
const E_NOTATION_CARD = /^[0-9.]+e\+?\d+$/i;
const E_NOTATION_KEY = /^[0-9.]+e[+-]?\d+$/i;
const MASKED_CARD = /^\d{6}\*{2,}\d{4}$/;
/** A card number as statements print it: full (13–19 digits) or masked (622588******1234, ****1234). */
const CARD_SHAPE = /^(?:\d{13,19}|\d{4,}[*xX]+\d{4}|[*xX]{4,}\d{4})$/;
const CARD_SEPARATORS = /[\s-]/g;
/** The record fields RecordSchema masks card numbers in. */
const MASKED_FIELDS = ['cardNo', 'payerId', 'label', 'counterparty'] as const;

/** The columns only a cardholder's transaction fills in: a charge or adjustment line leaves them empty. */
const CARDHOLDER_TRACES = [
  'cardNo',
  'payerId',
  'terminalId',
  'refNo',
  'voucherNo',
  'orderNo',
  'providerOrderNo',
  'originalRefNo',
  'originalVoucherNo',
  'originalOrderNo',
] as const satisfies readonly PresetField[];

/**
 * What the rows of an unrecognised value were read as, in words: a type by what each row became (消费 when
 * positive, 退货 or 扣费 when not), the others by the value each field falls back to.
 */
function unknownReadAs(
  field: string,
  types: ReadonlyMap<RecordType, number> | undefined,
): { zh: string; en: string } {
  if (field === 'type' && types !== undefined) {
    const parts = [...types].map(([type, n]) => ({
      zh: types.size === 1 ? TYPE_NAMES_ZH[type] : `${TYPE_NAMES_ZH[type]}（${n} 行）`,
      en: types.size === 1 ? type : `${type} (${n})`,
    }));
    return {
      zh: `已按${parts.map((p) => p.zh).join('、')}处理`,
      en: `read as ${parts.map((p) => p.en).join(', ')}`,
    };
  }
  switch (field) {
    case 'status':
      return { zh: '已按成功处理', en: 'read as success' };
    case 'card':
      return { zh: '已按未知卡种处理（不按借记卡或贷记卡费率核对）', en: 'read as an unknown card type' };
    case 'channel':
      return { zh: '已按其他渠道处理', en: 'read as another channel' };
    default:
      return { zh: '已按金额的正负判断收支', en: 'read by the sign of the amount' };
  }
}
const AMOUNT_FIELDS: readonly PresetField[] = ['amount', 'refundAmount', 'credit', 'debit', 'settled'];
const NONE = new Set(['', '*', '-', '--', '—', '/', 'null', 'n/a', '无']);
/** How many rows and texts the warning about unread rate cells quotes. */
const UNREAD_RATES_SHOWN = 5;

interface Column {
  readonly index: number;
  readonly header: string;
  readonly unit: AmountUnit | RateUnit | undefined;
  /** Whether the header, the preset's alias or a title line names the unit (rather than the preset's default). */
  readonly unitNamed: boolean;
}

type Outcome =
  | { record: PosRecord }
  | { rejected: { column?: string; reason: string; reasonEn: string } }
  | { skip: true };
const SKIP: Outcome = { skip: true };

/** What the reader was told about the file it reads. */
export interface TableReaderOptions {
  file: string;
  encoding: string;
  kind?: RecordKind;
  override?: PresetOverride;
  /** A date from the file name (…_20261001.txt), used to place MMDDhhmmss times without a year. */
  fileDate?: string;
  /**
   * The cells come from delimited text (CSV/TSV), where every data row should have the header's cells: a row
   * with more or fewer (an unquoted `1,000.00`, a lost cell) would read shifted values, so it is lined up with the
   * header where that can be decided (TableReader.alignRow) and rejected where not.
   * XLSX rows leave trailing empty cells out and are not checked.
   */
  textCells?: boolean;
  /**
   * The delimiter of those cells: a row with more cells than the header puts the cells of a free-text column's
   * unquoted delimiter back together with it (see TableReader.alignRow). Not told (cells of a web page's table,
   * which no delimiter split), nothing is folded.
   */
  delimiter?: string;
}

/** The Excel serial of 1970-01-01, and the serials taken for dates (1954-01-01 to 2119-12-31). */
const EXCEL_SERIAL_UNIX_EPOCH = 25_569;
const EXCEL_SERIAL_MIN = 19_725;
const EXCEL_SERIAL_MAX = 80_354;

/** A day's subtotal row names itself in its first cells: `2026-10-13 小计`, `本日合计`, `日计`. */
const SUBTOTAL = /小计|日计|[本当每]日合计|日合计/;
/** What a stated figure is called in the totals check's words: the file's 合计, or a subtotal's 小计. */
const TOTAL_WORDS = { zh: '合计', en: 'total' };
const SUBTOTAL_WORDS = { zh: '小计', en: 'subtotal' };
/** Subtotals that disagree described in the warning; the rest are counted. */
const SUBTOTAL_MISMATCHES_SHOWN = 3;
/** The rows stated figures are checked against: as the file writes them, and as the records carry them. */
interface CoveredFigures {
  raw: { amount: number; fee: number; settled: number };
  view: { amountFen: number; feeFen?: number | undefined; settledFen?: number | undefined };
}
const PAGE_PREFIX = /^(?:本页|当页|此页|每页|本頁|第\d+页)/;
/** A cell that only labels a totals row, maybe after its date: 小计, 当日合计, 2026-11-03 小计, 总计：. */
const TOTAL_LABEL_CELL =
  /^(?:\d{4}[-/.年]?\d{1,2}[-/.月]?\d{1,2}日?\s*)?(?:本日|当日|每日|日|本页|当页|本月|当月)?(?:小计|合计|总计|汇总|日计)\s*[:：]?$/;
/** A summary block's header names its figures with these words (总笔数, 总交易金额, 手续费合计). */
const SUMMARY_WORD = /总|合计|汇总|笔数|单数/;
/** What a summary name adds to a column's name: 总交易金额 and 交易总金额 sum 交易金额, 手续费合计 手续费. */
const SUMMARY_AFFIX = /合计|总计|汇总|累计|总/g;
/** A summary count's name: 总笔数, 交易笔数, 总交易单数. */
const SUMMARY_COUNT = /笔数|单数|总数|数量/;
/** A figure of a summary block's row of figures: 2, 1,500.00, 1500.00元, 2笔. */
const SUMMARY_FIGURE = /^-?[\d,]*\.?\d+(?:元|分|笔)?$/;
/** One `名称：值` pair of a summary line: 交易笔数：2笔, 交易总金额：1500.00元. */
const SUMMARY_PAIR = /^([^:：\d]*[\u4e00-\u9fff][^:：\d]*)[:：]\s*(-?[\d,]*\.?\d+)\s*(元|分|笔)?$/;
const SERIAL_TEXT = /^\d{5}(?:\.\d+)?$/;
/** A header cell's key that names a column (a letter in it), not a value: 金额, 交易时间, amount. */
const HEADER_WORD = /\p{L}/u;

/**
 * What a header column holds, for lining a row of the wrong width up with it (TableReader.alignRow): free text
 * that an unquoted delimiter may have split, or values of a kind a cell can be checked against.
 */
const ColumnKind = { Other: 0, Free: 1, Time: 2, Money: 3, Rate: 4, Value: 5 } as const;
// Header keys (normaliseHeader) of columns never mapped, by their names. Free text first: 费率备注 is a note.
const FREE_TEXT_NAME =
  /名称|备注|数据包|附言|摘要|用途|说明|描述|附加|留言|户名|remark|memo|note|description|attach/;
const RATE_NAME = /费率$/;
const MONEY_NAME = /(?:金额|手续费|余额|服务费|实收|发生额|分润)$/;
const TIME_NAME = /(?:时间|日期)$/;
const HAS_DIGIT = /\d/;
/** A percentage below 100 % as most rate cells hold it: 0.6%, 0.60%, 2.99%. */
const PLAIN_PERCENT = /^\d{1,2}(?:\.\d+)?%$/;
/** The alignments alignRow tries for one row at most; a row needing more is rejected as undecidable. */
const MAX_ALIGNMENTS = 4096;
/** How many trailing empty cells past the fewest a fold may also take in (a text ending in its delimiter). */
const MAX_TRAILING_FOLDED = 2;

/** The columns of a header by kind, for alignRow: built once per header, on the first row of the wrong width. */
interface ColumnKinds {
  /** ColumnKind per named header column. */
  readonly kind: Uint8Array;
  /** The field read from a checked column, if any (a value column's vocabulary, the rate's unit). */
  readonly field: (PresetField | undefined)[];
  /** The free-text columns, where extra cells may be folded back. */
  readonly free: number[];
  /** The last column whose cells are checked, -1 for none. */
  readonly lastChecked: number;
}

/** How a row reads under one way of folding its extra cells back (TableReader.scoreAlignment). */
type AlignmentScore =
  /** Every checked cell fits or cannot tell; `fits` of them fit. */
  | { fits: number }
  /** The cell read for column `misfit` is not what it holds; `split` when it is an amount cut at its comma. */
  | { misfit: number; text: string; split: boolean }
  /** A fold took in an empty piece, or nothing after it shows the row lines up again. */
  | { none: true };
/** The head and tail of an amount cut at an unquoted thousands comma: 1 | 000.00, 12 | 345.60. */
const SPLIT_HEAD = /^[-+]?\d{1,3}$/;
const SPLIT_TAIL = /^\d{3}\.\d+$/;

/**
 * A cell holding a bare Excel date serial, as a Date: a spreadsheet number cell, or the same number written out
 * as text (a CSV or web page saved from a sheet whose date column had lost its format: `46237.42`).
 */
function excelSerialOf(cell: Cell): Date | undefined {
  let n: number | undefined;
  if (typeof cell === 'number') n = cell;
  else if (typeof cell === 'string' && cell.length <= 24) {
    const t = cell.trim();
    if (SERIAL_TEXT.test(t)) n = Number(t);
  }
  if (n === undefined || !(n >= EXCEL_SERIAL_MIN && n < EXCEL_SERIAL_MAX)) return undefined;
  return new Date((n - EXCEL_SERIAL_UNIX_EPOCH) * 86_400_000);
}

const DAY_FRACTION_TEXT = /^0?\.\d+$/;

/** `商户号：822028254119399` (编号, 代码, full- or half-width colon) in an export's title lines. */
/** A title line naming the money unit: 单位：分, 金额单位：元, (单位:人民币元). */
const TITLE_UNIT = /(?:^|[\s(（,，;；])(?:金额)?单位\s*[:：]\s*(?:人民币)?(元|分)(?![\p{L}\p{N}])/u;
const TITLE_MERCHANT = /(?:商户号|商户编号|商户代码|商户ID)\s*[：:]\s*([0-9A-Za-z][0-9A-Za-z_-]{3,31})/i;

const CJK = /[\u4e00-\u9fff]/;

/** The text of a row that holds one non-empty cell and nothing else (a title line), else undefined. */
function titleLineText(cells: Cell[]): string | undefined {
  let text: string | undefined;
  for (const c of cells) {
    const t = cellText(c).trim();
    if (t === '') continue;
    if (text !== undefined) return undefined;
    text = t;
  }
  return text;
}

/**
 * A time-of-day cell that lost its time format: the fraction of a day Excel keeps (0.5 is 12:00:00), as a number
 * cell or written out as text (`0.4375`). Whole seconds, as Excel stores them.
 */
function excelClockOf(cell: Cell): Clock | undefined {
  let n: number | undefined;
  if (typeof cell === 'number') n = cell;
  else if (typeof cell === 'string' && cell.length <= 24 && DAY_FRACTION_TEXT.test(cell.trim()))
    n = Number(cell);
  if (n === undefined || !(n >= 0 && n < 1)) return undefined;
  const seconds = Math.min(Math.round(n * 86_400), 86_399);
  return {
    hour: Math.floor(seconds / 3600),
    minute: Math.floor((seconds % 3600) / 60),
    second: seconds % 60,
  };
}

/**
 * A date column's cell as a Date when the sheet gave one: a date cell, or a bare serial of a date cell that lost its
 * format (a number cell, or that number written out as text).
 */
function dateCellOf(cell: Cell): Date | undefined {
  return cell instanceof Date ? cell : excelSerialOf(cell);
}

/** Whether a row's cells are a header's, by their keys (the first cell compared as written). */
function sameKeys(cells: Cell[], texts: readonly string[], keys: readonly string[]): boolean {
  if (cells.length !== texts.length) return false;
  if (cellText(cells[0]) !== texts[0]) return false;
  for (let i = 0; i < cells.length; i++)
    if (normaliseHeader(cellText(cells[i])).key !== keys[i]) return false;
  return true;
}

function cellText(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return wallTimeFromExcelDate(cell);
  return String(cell);
}

const flattenSink = { value: 0 };
/**
 * Reading a character makes V8 flatten a concatenated string in place, so the record keeps one 25-character
 * string instead of a tree of pieces (about 40 bytes instead of 120 per time); the sink keeps the read alive.
 */
function flatten(text: string): void {
  flattenSink.value ^= text.charCodeAt(text.length - 1);
}

function clean(text: string): string {
  return cleanCell(text);
}

/** Free text (labels, names): trimmed, Excel's leading backtick or apostrophe dropped, inner quotes kept. */
function cleanText(text: string): string {
  return text.replace(/^[\s\u00a0`']+|[\s\u00a0]+$/g, '');
}

/** Whether a cell holds nothing but spaces (or Excel's leading backtick or apostrophe). */
function isBlankCell(cell: Cell): boolean {
  return clean(cellText(cell)) === '';
}

function isNone(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  if (n > 4) return false;
  const c = text.charCodeAt(0);
  // Only `*`, `-`, `—`, `/`, `n…`, `N…` and 无 can start a "none" marker.
  if (c !== 42 && c !== 45 && c !== 0x2014 && c !== 47 && c !== 110 && c !== 78 && c !== 0x65e0) return false;
  return NONE.has(text.toLowerCase());
}

/**
 * Reads one table row by row: finds the header, maps each row through a preset into a record or a rejected row,
 * skips totals rows (cross-checking them), and keeps a running summary. Holds no rows, so memory stays bounded.
 */
/**
 * Whether a line's money, as the file writes it, leaves the merchant: its settled amount, else its amount, else its
 * fee (a fee written positive is charged, negative given back).
 */
function writtenAsTaken(amount: number, fee: number | undefined, settled: number | undefined): boolean {
  const money = settled !== undefined && settled !== 0 ? settled : amount !== 0 ? amount : -(fee ?? 0);
  return money < 0;
}

export class TableReader {
  readonly summary: FileImportSummary;
  private header: string[] | undefined;
  private headerKeys: string[] = [];
  private cols = new Map<PresetField, Column>();
  private dcMarks = new Map<MoneyField, number>();
  /** Set when a header was found by its names: the next row may be the second row of a grouped header. */
  private subHeaderNext = false;
  /** The two rows of a grouped header with their keys, to skip them where printed pages repeat them. */
  private headerRows: [string[], string[]][] = [];
  private filterIndex = -1;
  private readonly filterValues: Set<string> | undefined;
  private readonly maps: Record<'type' | 'channel' | 'card' | 'status' | 'direction', ValueMap>;
  private readonly unknown = new Map<string, number>();
  /** Per unrecognised type value, how many of its rows were read as which type. */
  private readonly unknownTypeReadAs = new Map<string, Map<RecordType, number>>();
  private readonly warnCodes = new Map<string, ImportWarning>();
  private readonly totalsKeys: string[];
  /** Whether a totals key could match a cell whose normalised key starts with a digit (one is empty or a digit). */
  private readonly totalsFromDigit: boolean;
  private readonly rawSums = { amount: 0, fee: 0, settled: 0 };
  private readonly pendingRaw = { amount: 0, fee: 0, settled: 0 };
  private stated: { amount?: number; fee?: number; settled?: number; row: number } | undefined;
  /** Every totals row's figures added up (undefined where one row lacks the figure). */
  private statedSum:
    | { amount?: number | undefined; fee?: number | undefined; settled?: number | undefined; row: number }
    | undefined;
  private readonly ctx: OverrideContext & { row: number };
  private preambleRows = 0;
  /**
   * The merchant number a title line above the table gives (`商户号：822028254119399`), for a table without a
   * merchant column; a later export pasted below brings its own.
   */
  private titleMerchant: string | undefined;
  private kind: RecordKind;
  private readonly kindForced: boolean;
  private debitsSkipped = 0;
  /**
   * The dates of the first and last debit line skipped: the file covers those days too, so a payout due by the
   * last of them and absent from the file is missing (FileImportSummary.skippedDebitDates).
   */
  private debitDates: { first: string; last: string } | undefined;
  /** The reversing debits imported (negative, fen): a totals row sums the credit column, which they are not in. */
  private reversingDebitsFen = 0;
  /** Bank lines that move no money either way (查询, 余额调整: 0.00 or `-` on both sides), skipped. */
  private noMoneyRows = 0;
  /** Subtotal rows skipped (2026-10-13 小计), and the first of them for the notice. */
  private subtotals: { count: number; row: number; text: string } | undefined;
  /** What the rows each subtotal covers add up to, to check the figures it states (subtotal-ledger.ts). */
  private readonly subtotalLedger = new SubtotalLedger();
  /** Subtotals whose figures differ from the rows they cover: how many, and the first few described. */
  private subtotalMismatches: { count: number; shown: { zh: string; en: string }[] } | undefined;
  /** The reversing bank debit mapRow added to reversingDebitsFen for the row it last read (0 for none). */
  private pendingReversing = 0;
  /** Rows short only of trailing free-text cells (alignRow), read with them empty, and the first of them. */
  private shortRows: { count: number; row: number; column: string } | undefined;
  /** Sales written with a negative amount, read as refunds: how many, the first row and its type text. */
  private negativeSales: { count: number; row: number; text: string } | undefined;
  /**
   * Rows with amounts and a date but nothing that names a transaction (no time of day, terminal, reference, card,
   * type or memo): an unlabelled subtotal as likely as a sale, so rejected rather than booked.
   */
  private static readonly BARE_ROW_FIELDS = [
    ...CARDHOLDER_TRACES,
    'card',
    'channel',
    'type',
    'label',
    'counterparty',
  ] as const satisfies readonly PresetField[];
  /**
   * A summary block's header row (总笔数,总交易金额,…) waiting for its row of figures, with why the row would be
   * rejected were none to follow (undefined where it was skipped as a totals row).
   */
  private summaryHead: { row: number; texts: string[]; rejected: Rejection | undefined } | undefined;
  /** Summary block rows skipped (header, figures, 名称：值 lines), and the first of them for the notice. */
  private summaryRows: { count: number; row: number; text: string } | undefined;
  /** What each summary block states: its header's row of figures and its 名称：值 lines, row by row. */
  private readonly summaryBlocks: SummaryFigures[][] = [];
  /** The rows read when the last summary row was seen: a row read since starts another block. */
  private summaryRowsRead = -1;
  /** A bank table of one amount column and no direction column: its unused columns that may say 收/支. */
  private sides: SideColumnWatch | undefined;
  /** A statement's unused money columns, watched for amounts (unmapped-money.ts). */
  private unmappedMoney: UnmappedMoneyWatch | undefined;
  /** The lines above the header, for the date their title names. */
  private readonly titleTexts: string[] = [];
  /** What gives a date without a year its year when the row has no settlement date: the title's, the file's. */
  private yearRef: string | undefined;
  /** Words of a bank line that takes back an earlier credit (冲正 / 冲账 / 退回 / 抹账 / 撤销 …). */
  private static readonly REVERSAL = /冲正|充正|冲账|冲销|冲回|红冲|冲红|退回|退汇|退票|抹账|撤销|错账/;
  /**
   * Words of a charge a POS provider takes straight from the merchant's account (流量费代扣, 服务费, 年费, 押金). A
   * bare 代扣 is not among them: the power company's 电费代扣 is no provider's.
   */
  private static readonly PROVIDER_CHARGE =
    /流量费|流量卡|通讯费|sim卡|服务费|年费|会员费|押金|机具|手续费|短信费/i;
  /** Rows skipped for their type (预授权 holds…), by the type's text. */
  private readonly typeSkips = new Map<string, number>();
  /** The channel mapRow inferred for the row it last read, undefined when the row named its channel. */
  private channelGuess: Channel | undefined;
  private channelsInferred = 0;
  /** Card numbers stored as spreadsheet numbers too long for a double: their last digits are lost. */
  private cardsTooLong = 0;
  /** Lines of text with no delimiter inside the table (titles of exports pasted one after another). */
  private textLines = 0;
  private headerDone = false;
  private moneyPresent: MoneyField[] = [];
  /** cols as plain indexes, for the per-row reads; set with cols in adoptHeader. */
  private at: ColumnIndexes = noColumns();
  private memoIndexes: number[] = [];
  /** The row above the one findHeader reads: the upper row of a grouped header. */
  private rowAbove: { row: number; texts: string[] } | undefined;
  private bestGuess:
    | { row: number; texts: string[]; found: string[]; hasTime: boolean; hasMoney: boolean }
    | undefined;
  /** The money unit a title line names (单位：元, 金额单位：分), if any. */
  private titleUnit: AmountUnit | undefined;
  private readonly lostIds = new Map<KeyField, number>();
  /** The header's columns by kind, for rows of another width than the header (alignRow); reset with the header. */
  private kinds: ColumnKinds | undefined;
  /** The fields a mapping's column number placed (amount: 7): a repeated header name leaves them unambiguous. */
  private readonly numbered = new Set<PresetField>();
  /** The highest column index the reader reads (mapped fields, the row filter, D/C marks), -1 for none. */
  private lastUsedIndex = -1;
  /** The header's cells up to its last non-empty one. */
  private namedWidth = 0;
  /** The money columns present, in MONEY_FIELDS order. */
  private moneyColumns: MoneyColumn[] = [];
  /** Whether amount, fee and settled take the merchant-view sign (negative on money going back). */
  private merchantView = { amount: false, fee: false, settled: false };
  /** The money fields whose unit a cell has told (see probeUnit), whichever reader of the column saw it. */
  private readonly unitsTold = new Set<MoneyField>();
  /**
   * How the file writes a sale's fee where no settled amount tells the sign: 1 as charged (positive), -1 as a
   * deduction written negative, 0 not known yet. The first non-zero sale fee decides, a negative one the settled
   * amount showed withheld included.
   */
  private saleFeeSign: -1 | 0 | 1 = 0;
  /** What mapRow made of the fee's sign on the row it last read, noted once the row is kept. */
  private pendingFeeSign: FeeSignNote = FeeSignNote.AsWritten;
  /** Rows whose fee sign was read from the settled amount or the file's way of writing it, for the warnings. */
  private readonly feeSigns = {
    withheld: 0,
    assumed: 0,
    positiveAfterAssumed: 0,
    unclear: 0,
    unclearRows: [] as number[],
  };
  /** Whether the rate column's header names its unit (费率(万分之一)), rather than the preset assuming one. */
  private rateUnitNamed = false;
  /** The rate cell mapRow could not read on the row it last read, noted once the row is kept. */
  private pendingUnreadRate: { text: string; code: string } | undefined;
  /** The row's rate cell when it is a formula (0.55%+3, 0.55%封顶20), of which only the percentage is kept. */
  private pendingRateFormula: string | undefined;
  /** Rate cells read as formulas, and the first of them for the warning. */
  private rateFormulas: { count: number; row: number; text: string } | undefined;
  /** Rate cells kept out of their records, for one warning: how many, the first rows and texts. */
  private readonly unreadRates = {
    count: 0,
    rows: [] as number[],
    texts: [] as string[],
    unitUnknown: false,
  };
  /** The settlement and completion dates mapRow could not read on the row it last read, noted once it is kept. */
  private readonly pendingUnreadDates: { field: UnreadDateField; text: string }[] = [];
  /** Those dates kept out of their records, per column, for one warning each: how many, the first rows and texts. */
  private readonly unreadDates = new Map<
    UnreadDateField,
    { count: number; rows: number[]; texts: string[] }
  >();

  constructor(
    private readonly preset: Preset,
    private readonly options: TableReaderOptions,
    private readonly onRecord: (record: PosRecord) => void,
  ) {
    this.kindForced = options.kind !== undefined;
    this.yearRef = options.fileDate;
    this.kind = options.kind ?? preset.kind ?? 'settlement';
    this.summary = {
      file: options.file,
      sha256: '',
      bytes: 0,
      preset: preset.name,
      encoding: options.encoding,
      kind: this.kind,
      rows: 0,
      columns: {},
      rejected: [],
      warnings: [],
      totals: { amountFen: 0 },
      skipped: 0,
    };
    this.maps = {
      type: new ValueMap('type', preset.values.type),
      channel: new ValueMap('channel', preset.values.channel),
      card: new ValueMap('card', preset.values.card),
      status: new ValueMap('status', preset.values.status),
      direction: new ValueMap('direction', preset.values.direction),
    };
    this.totalsKeys = preset.totals.firstCell.map((t) => normaliseHeader(t).key);
    this.totalsFromDigit = this.totalsKeys.some((t) => t === '' || isDigit(t.charCodeAt(0)));
    const eq = preset.rowFilter?.equals;
    this.filterValues = eq === undefined ? undefined : new Set((Array.isArray(eq) ? eq : [eq]).map(clean));
    this.ctx = {
      file: options.file,
      encoding: options.encoding,
      kind: this.kind,
      row: 0,
      header: [],
      state: {},
      warn: (code, zh, en) => this.warn(code, zh, en),
      ...(options.fileDate === undefined ? {} : { fileDate: options.fileDate }),
    };
    if (preset.header === 'none' || preset.delimiter === 'fixed') this.adoptHeader(undefined);
  }

  /** True once the header row is known (or the preset has none). */
  get started(): boolean {
    return this.headerDone;
  }

  /** How many cells the header row has (undefined without one): a shorter last row may be cut off. */
  get headerWidth(): number | undefined {
    return this.header?.length;
  }

  /** The override context, for readers that call line-level hooks. */
  get context(): OverrideContext & { row: number } {
    return this.ctx;
  }

  /** Adds a warning once per code. */
  warn(code: string, zh: string, en: string): void {
    if (this.warnCodes.has(code)) return;
    const w: ImportWarning = { code, file: this.options.file, message: zh, messageEn: en };
    this.warnCodes.set(code, w);
    this.summary.warnings.push(w);
  }

  /** Feeds one row with its spreadsheet row number. */
  row(input: Cell[], rowNo: number): void {
    let cells = input;
    this.ctx.row = rowNo;
    if (!this.started) {
      this.findHeader(cells, rowNo);
      return;
    }
    const first = cells.length > 0 ? cellText(cells[0]) : '';
    if (cells.length <= 1 && clean(first) === '') return;
    if (this.subHeaderNext) {
      this.subHeaderNext = false;
      if (this.adoptSubHeader(cells)) return;
    }
    for (const prefix of this.preset.skipLinesStartingWith) if (first.trimStart().startsWith(prefix)) return;
    let allEmpty = true;
    let firstText = '';
    for (const c of cells) {
      const t = cellText(c);
      if (t !== '' && (t.charCodeAt(0) > 32 || clean(t) !== '')) {
        allEmpty = false;
        firstText = t;
        break;
      }
    }
    if (allEmpty) return;
    if (this.summaryHead !== undefined && this.readSummaryFigures(cells)) return;
    if (this.isTotalsRow(firstText, cells)) {
      // A 小计 covers its day or group, not the file: skipped, never checked against every row read.
      if (SUBTOTAL.test(firstText) && !PAGE_PREFIX.test(clean(firstText))) {
        this.noteSubtotal(rowNo, clean(firstText), cells);
        return;
      }
      // 合计笔数,合计金额 over a row of figures heads a summary block rather than totalling the columns.
      if (!this.readTotals(cells, rowNo) && this.isSummaryHead(cells))
        this.summaryHead = { row: rowNo, texts: cells.map(cellText), rejected: undefined };
      return;
    }
    if (this.isSubtotalRow(cells)) {
      this.noteSubtotal(rowNo, clean(cellText(cells[0])) || clean(cellText(cells[1])), cells);
      return;
    }
    const labelled = this.labelledTotal(cells);
    if (labelled !== undefined) {
      if (SUBTOTAL.test(labelled) || !this.readTotals(cells, rowNo))
        this.noteSubtotal(rowNo, labelled, cells);
      return;
    }
    if (this.header !== undefined && this.isRepeatedHeader(cells)) return;
    const title = this.header !== undefined ? titleLineText(cells) : undefined;
    if (
      title !== undefined &&
      ((this.options.textCells && cells.length === 1 && (this.header?.length ?? 0) >= 3) ||
        (cellText(cells[0]).trim() === title && CJK.test(title)))
    ) {
      // A line of text alone under a table of many columns (in its first cell, the others empty, as a sheet saves
      // it): the title or 商户号 line of another export pasted below this one, not a transaction.
      this.noteTitleMerchant(title);
      this.skip();
      this.textLines++;
      return;
    }
    // Only a text row of another width than the header takes the slow path of lining it up.
    if (this.header !== undefined && this.options.textCells && cells.length !== this.header.length) {
      const aligned = this.alignRow(cells, this.header);
      if (!Array.isArray(aligned)) {
        this.rejectUnlessSummary(cells, rowNo, aligned);
        return;
      }
      cells = aligned;
    }
    if (this.filterValues !== undefined && this.filterIndex >= 0) {
      if (!this.filterValues.has(clean(cellText(cells[this.filterIndex])))) {
        this.skip();
        return;
      }
    }
    let row = cells;
    const override = this.options.override;
    if (override?.transformRow) {
      const out = override.transformRow(cells.map(cellText), this.ctx);
      if (out === null) {
        this.skip();
        return;
      }
      row = out;
    }
    const outcome = this.mapRow(row, rowNo);
    if ('skip' in outcome) {
      this.skip();
      return;
    }
    if ('rejected' in outcome) {
      this.rejectUnlessSummary(cells, rowNo, outcome.rejected);
      return;
    }
    if (this.isBareRow(outcome.record, row)) {
      this.reject(rowNo, {
        reason:
          '该行只有日期和金额，没有交易时刻、终端号、参考号、卡、交易类型或备注，可能是未标注的小计行，未导入',
        reasonEn:
          'the row has only a date and amounts, with no time of day, terminal, reference, card, type or memo: it may be an unlabelled subtotal; not imported',
      });
      return;
    }
    let record = outcome.record;
    if (override?.finishRecord) {
      const out = override.finishRecord(record, row.map(cellText), this.ctx);
      if (out === null) {
        // A line the override drops as another line's repeat (Leshua's 进账 line after its 冻结 line) is still one
        // of the lines the file's 合计 row adds up.
        this.rawSums.amount += this.pendingRaw.amount;
        this.rawSums.fee += this.pendingRaw.fee;
        this.rawSums.settled += this.pendingRaw.settled;
        this.skip();
        return;
      }
      if ('rejected' in out) {
        this.reject(rowNo, out);
        return;
      }
      const check = RecordSchema.safeParse(out);
      if (!check.success) {
        const issue = check.error.issues[0];
        this.reject(rowNo, {
          column: String(issue?.path[0] ?? ''),
          reason: `记录无效：${issue?.message ?? ''}`,
          reasonEn: `invalid record: ${issue?.message ?? ''}`,
        });
        return;
      }
      // The schema masks a card number the override put in a field: those fields as parsed, every key in place.
      record = out;
      for (const field of MASKED_FIELDS) {
        const value = check.data[field];
        if (value !== record[field]) record = { ...record, [field]: value };
      }
    }
    // Counted on the final record: an override may set the channel itself (the WeChat and Alipay bills do).
    if (this.channelGuess !== undefined && record.channel === this.channelGuess) this.channelsInferred++;
    this.summary.rows++;
    if (this.unmappedMoney?.active) this.unmappedMoney.row((i) => row[i], this.pendingRaw, rowNo);
    if (this.pendingUnreadRate !== undefined) this.noteUnreadRate(rowNo, this.pendingUnreadRate);
    if (this.pendingRateFormula !== undefined) {
      this.rateFormulas ??= { count: 0, row: rowNo, text: this.pendingRateFormula };
      this.rateFormulas.count++;
    }
    if (this.pendingFeeSign !== FeeSignNote.AsWritten) this.noteFeeSign(rowNo);
    for (const { field, text } of this.pendingUnreadDates) this.noteUnreadDate(field, rowNo, text);
    // A subtotal may cover a day's rows: a record of another day than the last closes that day's run, before the
    // record is summed. Same day, nothing more is done.
    if (!this.subtotalLedger.sameDays(record.time, record.settleDate))
      this.subtotalLedger.newDays(record.time, record.settleDate, this.runningSums(this.pendingReversing));
    this.rawSums.amount += this.pendingRaw.amount;
    this.rawSums.fee += this.pendingRaw.fee;
    this.rawSums.settled += this.pendingRaw.settled;
    const totals = this.summary.totals ?? { amountFen: 0 };
    totals.amountFen += record.amountFen;
    if (record.feeFen !== undefined) totals.feeFen = (totals.feeFen ?? 0) + record.feeFen;
    if (record.settledFen !== undefined) totals.settledFen = (totals.settledFen ?? 0) + record.settledFen;
    this.summary.totals = totals;
    this.onRecord(record);
  }

  /** Ends the table: turns collected counts into warnings and checks stated totals. Returns false if no header was found. */
  finish(): boolean {
    if (!this.started) return false;
    for (const [key, count] of this.unknown) {
      const [field, raw] = key.split('\u0000') as [string, string];
      // A card number in the wrong column (卡类型 holding the number) is quoted masked.
      const value = maskCardNumbersIn(raw);
      const header = this.summary.columns[field] ?? field;
      const readAs = unknownReadAs(field, this.unknownTypeReadAs.get(raw));
      this.summary.warnings.push({
        code: 'value.unknown',
        file: this.options.file,
        message: `“${header}”列有未识别的值“${value}”（${count} 行），${readAs.zh}`,
        messageEn: `column "${header}" has an unknown value "${value}" (${count} ${count === 1 ? 'row' : 'rows'}), ${readAs.en}`,
      });
    }
    if (this.unreadRates.count > 0) this.warnUnreadRates();
    if (this.rateFormulas !== undefined) {
      const { count, row, text } = this.rateFormulas;
      const header = this.columnOf('rate');
      const quoted = maskCardNumbersIn(text).slice(0, 24);
      this.summary.warnings.push({
        code: 'rate.formula',
        file: this.options.file,
        message: `“${header}”列有 ${count} 行写的是带固定费用或封顶的公式（如第 ${row} 行“${quoted}”），只记录了其中的百分比费率，固定部分和封顶未记录；这些行的手续费照常按手续费列核对`,
        messageEn: `column "${header}": ${count} ${count === 1 ? 'row holds' : 'rows hold'} a fee formula with a fixed part or a cap (such as row ${row}, "${quoted}"); only its percentage was kept as the rate, not the fixed part or the cap; the fees of those rows are checked from the fee column as usual`,
      });
    }
    for (const [field, unread] of this.unreadDates) this.warnUnreadDates(field, unread);
    this.warnFeeSigns();
    if (this.textLines > 0) {
      this.summary.warnings.push({
        code: 'rows.text-lines',
        file: this.options.file,
        message: `跳过表格中 ${this.textLines} 行无分隔符的文字（如拼接在一起的另一份导出的标题行）`,
        messageEn: `skipped ${this.textLines} lines of text without delimiters inside the table (such as the title of another export pasted below)`,
      });
    }
    if (this.cardsTooLong > 0) {
      this.summary.warnings.push({
        code: 'card.number-cell',
        file: this.options.file,
        message: `${this.cardsTooLong} 行的卡号是数字单元格，Excel 已丢失末几位，这些卡号未导入（请把卡号列设为文本后重新导出）`,
        messageEn: `${this.cardsTooLong} rows have the card number in a number cell, whose last digits Excel lost; those card numbers were not imported (export the column as text)`,
      });
    }
    const inquiries = [...this.typeSkips].filter(([v]) => isInquiryType(v));
    if (inquiries.length > 0) {
      const header = this.summary.columns.type ?? 'type';
      let n = 0;
      for (const [v, count] of inquiries) {
        n += count;
        this.typeSkips.delete(v);
      }
      const list = inquiries.slice(0, 10);
      this.summary.warnings.push({
        code: 'rows.inquiries',
        file: this.options.file,
        message: `跳过 ${n} 行查询（“${header}”为 ${list.map(([v, c]) => `${v}：${c} 行`).join('、')}），查询没有资金变动，不是交易`,
        messageEn: `skipped ${n} inquiry ${n === 1 ? 'row' : 'rows'} ("${header}" is ${list.map(([v, c]) => `${v}: ${c} rows`).join(', ')}); an inquiry moves no money and is no transaction`,
      });
    }
    if (this.typeSkips.size > 0) {
      const header = this.summary.columns.type ?? 'type';
      let n = 0;
      for (const count of this.typeSkips.values()) n += count;
      const list = [...this.typeSkips].slice(0, 10);
      this.summary.warnings.push({
        code: 'rows.type-skipped',
        file: this.options.file,
        message: `跳过 ${n} 行不结算的交易（“${header}”为 ${list.map(([v, c]) => `${v}：${c} 行`).join('、')}），如预授权冻结及其撤销，只有预授权完成才结算`,
        messageEn: `skipped ${n} rows that do not settle ("${header}" is ${list.map(([v, c]) => `${v}: ${c} rows`).join(', ')}), such as pre-authorisation holds and their cancellation; only a completion settles`,
      });
    }
    if (this.channelsInferred > 0) {
      const header = this.summary.columns.channel;
      const n = this.channelsInferred;
      this.summary.warnings.push({
        code: 'channel.inferred',
        file: this.options.file,
        message: `${header === undefined ? '文件没有支付方式列' : `“${header}”列为空`}：${n} 行按卡号或卡类型推定为刷卡（card）。闪付、银联二维码无法与刷卡区分；若费率方案对它们另有费率，请导出含支付方式的文件或用 --mapping 指定该列`,
        messageEn: `${header === undefined ? 'the file has no payment-method column' : `column "${header}" is empty`}: ${n} rows were read as card payments (card) from their card number or card type. NFC and UnionPay QR payments cannot be told apart from them; if the plan prices those differently, export the file with its payment-method column or map it with --mapping`,
      });
    }
    if (this.debitDates !== undefined) this.summary.skippedDebitDates = { ...this.debitDates };
    this.rawSums.amount -= this.reversingDebitsFen;
    for (const [field, n] of this.lostIds) {
      const header = this.columnOf(field);
      this.summary.warnings.push({
        code: 'ids.e-notation',
        file: this.options.file,
        message: `“${header}”列有 ${n} 个编号被 Excel 改成了科学计数法（如 1.23457E+11），原编号已无法还原：这些行照常核对手续费和金额，但不能按该编号配对；请把该列设为文本后重新导出`,
        messageEn: `${n} values of column "${header}" were turned into E-notation by Excel (like 1.23457E+11) and cannot be restored: their rows are still checked for fees and amounts but cannot be matched by that number; export the column as text`,
      });
    }
    for (const column of this.unmappedMoney?.found() ?? []) {
      const { zh, en } = unmappedMoneyWarning(this.options.file, column);
      this.summary.warnings.push({
        code: 'column.unmapped-money',
        file: this.options.file,
        message: zh,
        messageEn: en,
      });
    }
    for (const side of this.sides?.found() ?? []) {
      const { zh, en } = sideColumnWarning(side);
      this.summary.warnings.push({
        code: 'bank.side-column',
        file: this.options.file,
        message: zh,
        messageEn: en,
      });
    }
    if (this.subtotals !== undefined) {
      const { count, row, text } = this.subtotals;
      this.summary.warnings.push({
        code: 'rows.subtotals',
        file: this.options.file,
        message: `跳过 ${count} 行小计（如第 ${row} 行“${text}”），未作为交易导入`,
        messageEn: `skipped ${count} subtotal ${count === 1 ? 'row' : 'rows'} (such as row ${row}, "${text}"); not imported as transactions`,
      });
    }
    if (this.subtotalMismatches !== undefined) {
      const { count, shown } = this.subtotalMismatches;
      const more = count > shown.length ? { zh: '等', en: ', …' } : { zh: '', en: '' };
      this.summary.warnings.push({
        code: 'subtotals.mismatch',
        file: this.options.file,
        message: `${this.options.file} 有 ${count} 行小计与其所计的明细不符：${shown.map((s) => s.zh).join('；')}${more.zh}。可能有行缺失、被拒绝或被改动`,
        messageEn: `${this.options.file}: ${count} subtotal ${count === 1 ? 'row does' : 'rows do'} not match the rows ${count === 1 ? 'it covers' : 'they cover'}: ${shown.map((s) => s.en).join('; ')}${more.en}. Rows may be missing, rejected or altered`,
      });
    }
    if (this.negativeSales !== undefined) {
      const { count, row, text } = this.negativeSales;
      const what = text === '' ? '消费' : text;
      this.summary.warnings.push({
        code: 'type.negative-sale',
        file: this.options.file,
        message: `${this.options.file} 有 ${count} 行交易类型为“${what}”但金额为负（如第 ${row} 行），已按退货处理`,
        messageEn: `${this.options.file}: ${count} ${count === 1 ? 'row is' : 'rows are'} of type "${what}" with a negative amount (such as row ${row}); read as refunds`,
      });
    }
    if (this.shortRows !== undefined) {
      const { count, row, column } = this.shortRows;
      this.summary.warnings.push({
        code: 'rows.short',
        file: this.options.file,
        message: `${this.options.file} 有 ${count} 行缺少行尾的空单元格（如第 ${row} 行没有“${column}”列），这些列按空值导入`,
        messageEn: `${this.options.file}: ${count} ${count === 1 ? 'row lacks' : 'rows lack'} trailing empty cells (such as row ${row}, without column "${column}"); those columns were read as empty`,
      });
    }
    if (this.noMoneyRows > 0) {
      this.summary.warnings.push({
        code: 'bank.no-money-skipped',
        file: this.options.file,
        message: `跳过 ${this.noMoneyRows} 行没有收支金额的流水（收入、支出均为空或 0，如查询、余额调整）`,
        messageEn: `skipped ${this.noMoneyRows} ${this.noMoneyRows === 1 ? 'line' : 'lines'} that move no money (nothing or 0 both in and out, such as a balance enquiry)`,
      });
    }
    if (this.debitsSkipped > 0) {
      this.summary.warnings.push({
        code: 'bank.debits-skipped',
        file: this.options.file,
        message: `跳过 ${this.debitsSkipped} 笔支出（借方）流水，只导入入账`,
        messageEn: `skipped ${this.debitsSkipped} outgoing (debit) lines; only credits are imported`,
      });
    }
    this.warnRepeatedNames();
    // A summary header on the last line, with no figures under it, is rejected as it would have been.
    if (this.summaryHead?.rejected !== undefined)
      this.reject(this.summaryHead.row, this.summaryHead.rejected);
    this.summaryHead = undefined;
    if (this.summaryRows !== undefined) this.checkSummaryBlocks(this.summaryRows);
    const fromOverride = this.options.override?.summaryCheck?.(this.ctx);
    const stated = fromOverride
      ? { amount: fromOverride.amountFen, fee: fromOverride.feeFen, settled: fromOverride.settledFen }
      : this.stated;
    if (stated) {
      this.checkTotals(stated, fromOverride?.count);
      this.summary.totalsRow = true;
    }
    this.summary.kind = this.kind;
    return true;
  }

  private noteUnreadDate(field: UnreadDateField, rowNo: number, text: string): void {
    let unread = this.unreadDates.get(field);
    if (unread === undefined) {
      unread = { count: 0, rows: [], texts: [] };
      this.unreadDates.set(field, unread);
    }
    unread.count++;
    if (unread.rows.length < UNREAD_RATES_SHOWN) unread.rows.push(rowNo);
    if (unread.texts.length < UNREAD_RATES_SHOWN && !unread.texts.includes(text)) unread.texts.push(text);
  }

  private warnUnreadDates(
    field: UnreadDateField,
    { count, rows, texts }: { count: number; rows: number[]; texts: string[] },
  ): void {
    const header = this.columnOf(field);
    const more = count > rows.length ? '…' : '';
    const quoted = texts.map((t) => {
      const masked = maskCardNumbersIn(t);
      return masked.length > 24 ? `${masked.slice(0, 24)}…` : masked;
    });
    const without =
      field === 'settleDate'
        ? {
            zh: '只是不记录结算日期（不用于核对到账和覆盖日期）',
            en: 'without a settlement date (not used for payouts or coverage)',
          }
        : { zh: '只是不记录完成时间', en: 'without a completion time' };
    this.summary.warnings.push({
      code: 'date.unread',
      file: this.options.file,
      message: `“${header}”列有 ${count} 行读不出日期（第 ${rows.join('、')}${more} 行：${quoted.map((t) => `“${t}”`).join('、')}），这些行照常导入并核对手续费，${without.zh}`,
      messageEn: `column "${header}": ${count} ${count === 1 ? 'row holds' : 'rows hold'} no readable date (${rows.length === 1 ? 'row' : 'rows'} ${rows.join(', ')}${more}: ${quoted.map((t) => `"${t}"`).join(', ')}); they are imported and their fees checked, ${without.en}`,
    });
  }

  private warnUnreadRates(): void {
    const { count, rows, texts, unitUnknown } = this.unreadRates;
    const header = this.columnOf('rate');
    const more = count > rows.length ? '…' : '';
    // A cell may hold a card number or a whole shifted row: quoted masked, and cut short.
    const quoted = texts.map((t) => {
      const masked = maskCardNumbersIn(t);
      return masked.length > 24 ? `${masked.slice(0, 24)}…` : masked;
    });
    const unitHint = unitUnknown
      ? {
          zh: `；不带单位的数字请在表头注明单位（如“${header}（万分之一）”）或用 --mapping 的 units.rate 指定`,
          en: `; for bare numbers name the unit in the header (e.g. ${header}（万分之一）) or set units.rate in a --mapping`,
        }
      : { zh: '', en: '' };
    this.summary.warnings.push({
      code: 'rate.unread',
      file: this.options.file,
      message: `“${header}”列有 ${count} 行读不出费率（第 ${rows.join('、')}${more} 行：${quoted.map((t) => `“${t}”`).join('、')}），这些行照常导入，按金额和手续费核对，只是不记录费率${unitHint.zh}`,
      messageEn: `column "${header}": ${count} ${count === 1 ? 'row holds' : 'rows hold'} no readable rate (${rows.length === 1 ? 'row' : 'rows'} ${rows.join(', ')}${more}: ${quoted.map((t) => `"${t}"`).join(', ')}); they are imported and checked on their amount and fee, without a rate${unitHint.en}`,
    });
  }

  private defaultType(): RecordType {
    return this.kind === 'bank' ? 'payout' : 'sale';
  }

  private noteTitleMerchant(text: string): void {
    const m = TITLE_MERCHANT.exec(text);
    if (m?.[1] !== undefined) this.titleMerchant = m[1];
    const unit = TITLE_UNIT.exec(text);
    if (unit?.[1] !== undefined) this.titleUnit = unit[1] === '分' ? 'fen' : 'yuan';
  }

  /** The merchant number of the table's title lines, when it has no merchant column (see titleMerchant). */
  get merchantOfTitle(): string | undefined {
    return this.at.merchantId < 0 ? this.titleMerchant : undefined;
  }

  private skip(): void {
    this.summary.skipped = (this.summary.skipped ?? 0) + 1;
  }

  /**
   * Rejects a row unless it belongs to a summary block below the table: a header of 总/合计/笔数 words, held until
   * the next row shows whether figures follow it, or a line of 名称：值 pairs (交易笔数：2笔,交易总金额：1500.00元).
   * Only rows that would be rejected come here, so the rows read pay nothing for it.
   */
  private rejectUnlessSummary(cells: Cell[], rowNo: number, r: Rejection): void {
    if (this.isSummaryHead(cells)) {
      this.summaryHead = { row: rowNo, texts: cells.map(cellText), rejected: r };
      return;
    }
    if (this.readSummaryPairs(cells, rowNo)) return;
    this.reject(rowNo, r);
  }

  /** Whether a row names a summary block's figures: two or more cells of 总/合计/笔数 words, none with a digit. */
  private isSummaryHead(cells: Cell[]): boolean {
    let named = 0;
    let texts = 0;
    for (const c of cells) {
      if (c === null || c === undefined) continue;
      if (typeof c !== 'string') return false;
      const t = c.trim();
      if (t === '') continue;
      if (/\d/.test(t)) return false;
      texts++;
      if (SUMMARY_WORD.test(t)) named++;
    }
    return named >= 2 && named * 2 >= texts;
  }

  /**
   * Takes the row under a summary header as its figures when every cell it has is a number (2, 1500.00, `9.00);
   * otherwise the header was not one, and is rejected as it would have been.
   */
  private readSummaryFigures(cells: Cell[]): boolean {
    const head = this.summaryHead;
    if (head === undefined) return false;
    this.summaryHead = undefined;
    const figures: SummaryFigures = { row: head.row };
    let seen = 0;
    for (let i = 0; i < cells.length && seen >= 0; i++) {
      const c = cells[i];
      if (c === null || c === undefined) continue;
      const text = typeof c === 'number' ? String(c) : typeof c === 'string' ? clean(c) : '-';
      if (text === '') continue;
      if (!SUMMARY_FIGURE.test(text)) seen = -1;
      else {
        seen++;
        this.noteSummaryFigure(figures, head.texts[i] ?? '', text, undefined);
      }
    }
    if (seen <= 0) {
      if (head.rejected !== undefined) this.reject(head.row, head.rejected);
      return false;
    }
    const shown = head.texts.filter((t) => t.trim() !== '').join(',');
    this.addSummary(figures, head.row, shown.length > 40 ? `${shown.slice(0, 40)}…` : shown, 2);
    return true;
  }

  /** Reads a line of 名称：值 pairs naming a summary's figures (交易笔数：2笔,交易总金额：1500.00元). */
  private readSummaryPairs(cells: Cell[], rowNo: number): boolean {
    const figures: SummaryFigures = { row: rowNo };
    let first = '';
    for (const c of cells) {
      if (c === null || c === undefined) continue;
      if (typeof c !== 'string') return false;
      const t = clean(c);
      if (t === '') continue;
      const m = SUMMARY_PAIR.exec(t);
      if (m === null) return false;
      if (first === '') first = t;
      this.noteSummaryFigure(figures, m[1] ?? '', m[2] ?? '', m[3]);
    }
    const { amount, fee, settled, count } = figures;
    if (amount === undefined && fee === undefined && settled === undefined && count === undefined)
      return false;
    this.addSummary(figures, rowNo, first, 1);
    return true;
  }

  /** Reads one figure of a summary into the field its name sums (总交易金额 → amount), if it names one. */
  private noteSummaryFigure(
    figures: SummaryFigures,
    name: string,
    value: string,
    unit: string | undefined,
  ): void {
    const key = normaliseHeader(name).key;
    if (SUMMARY_COUNT.test(key)) {
      const n = Number(value.replace(/[,笔]/g, ''));
      if (Number.isSafeInteger(n)) figures.count = n;
      return;
    }
    const field = this.summaryFieldOf(key.replace(SUMMARY_AFFIX, ''));
    if (field === undefined) return;
    const stated = unit ?? (value.endsWith('元') ? '元' : value.endsWith('分') ? '分' : undefined);
    const read =
      stated === '分' || (stated === undefined && this.cols.get(field)?.unit === 'fen') ? 'fen' : 'yuan';
    const r = parseAmount(value.replace(/[元分]$/, ''), read);
    if (r.ok) figures[field === 'credit' ? 'amount' : field] = r.value;
  }

  /** The money column a summary name sums once 总/合计 is taken off it: its header's name or another of the preset's. */
  private summaryFieldOf(bare: string): 'amount' | 'fee' | 'settled' | 'credit' | undefined {
    if (bare === '') return undefined;
    for (const field of ['amount', 'fee', 'settled', 'credit'] as const) {
      const index = this.at[field];
      if (index >= 0 && this.headerKeys[index] === bare) return field;
      const refs = this.preset.columns[field];
      for (const ref of Array.isArray(refs) ? refs : [refs])
        if (typeof ref === 'string' && normaliseHeader(ref).key === bare) return field;
    }
    return undefined;
  }

  /**
   * Notes summary rows skipped and their figures: summary rows one after another restate one block (a row of
   * figures and then the same totals as 名称：值); a block after more detail rows is another export's.
   */
  private addSummary(figures: SummaryFigures, row: number, text: string, rows: number): void {
    this.summaryRows ??= { count: 0, row, text };
    this.summaryRows.count += rows;
    const block = this.summaryRowsRead === this.summary.rows ? this.summaryBlocks.at(-1) : undefined;
    this.summaryRowsRead = this.summary.rows;
    if (block === undefined) this.summaryBlocks.push([figures]);
    else block.push(figures);
  }

  private reject(row: number, r: Rejection): void {
    // A reason may quote a cell that holds a card number (in any column): it is stored and shown masked.
    const rejected: RejectedRow = {
      file: this.options.file,
      row,
      reason: maskCardNumbersIn(r.reason),
      reasonEn: maskCardNumbersIn(r.reasonEn),
    };
    if (r.column !== undefined && r.column !== '') rejected.column = r.column;
    this.summary.rejected.push(rejected);
  }

  private isTotalsRow(firstText: string, cells: Cell[]): boolean {
    const c = firstText.charCodeAt(0);
    // Totals rows start with a CJK word (合计…); skip the normalisation for rows that start with a digit.
    if (isDigit(c)) return false;
    // Nor for a ticked digit (`2026-10-10 … in WeChat and Alipay bills): normaliseHeader drops the tick and keeps
    // the digit first, so the key starts with a digit, which no totals key does (unless one is empty or a digit).
    if ((c === 96 || c === 39) && isDigit(firstText.charCodeAt(1)) && !this.totalsFromDigit) return false;
    // Printed exports close every page with 本页合计 / 本页小计 (and the last with 总计): page totals too.
    const key = normaliseHeader(firstText).key.replace(PAGE_PREFIX, '');
    const word = this.totalsKeys.find((t) => key.startsWith(t));
    if (word === undefined) return false;
    // A cell that merely starts with the word (a store 合计便利店, a bank 摘要 汇总清算款) is a totals row only
    // when the row has no transaction time; the bare word (合计, 总计：) only when it lacks a time or a reference.
    const rest = key.slice(word.length).replace(/^[:：]+$/, '');
    const hasTime = this.hasTransactionTime(cells);
    return rest === '' ? !(hasTime && this.hasReference(cells)) : !hasTime;
  }

  /**
   * A subtotal of a day or a group (`2026-10-13 小计` in the first cell, 本日合计 in the second): not a transaction
   * when the row has neither a reference nor a transaction time the import can read.
   */
  private isSubtotalRow(cells: Cell[]): boolean {
    const a = cellText(cells[0]);
    const b = cellText(cells[1]);
    if (!a.includes('计') && !b.includes('计')) return false;
    if (!SUBTOTAL.test(a) && !SUBTOTAL.test(b)) return false;
    return !this.hasReference(cells) && !this.hasTransactionTime(cells);
  }

  /**
   * Whether a statement row names no transaction (see BARE_ROW_FIELDS) in a table whose columns could: the record
   * is checked first, so rows with a reference or terminal pay nothing for it.
   */
  private isBareRow(record: PosRecord, cells: Cell[]): boolean {
    if (this.kind === 'bank') return false;
    if (record.refNo !== undefined || record.terminalId !== undefined || record.label !== undefined)
      return false;
    if (!TableReader.BARE_ROW_FIELDS.some((f) => this.at[f] >= 0)) return false;
    for (const f of TableReader.BARE_ROW_FIELDS) if (this.text(f, cells) !== undefined) return false;
    return this.memoOf(cells) === undefined && !this.hasTimeOfDay(cells);
  }

  /** Notes a subtotal row skipped, and checks the figures it states against the rows it covers. */
  private noteSubtotal(rowNo: number, text: string, cells: Cell[]): void {
    this.subtotals ??= { count: 0, row: rowNo, text };
    this.subtotals.count++;
    const now = this.runningSums(0);
    const stated = this.statedFigures(cells, rowNo);
    if (stated !== undefined) this.checkSubtotal(stated, text, this.subtotalDay(text, cells), now);
    this.subtotalLedger.mark(now);
  }

  /**
   * Checks a subtotal's figures as the totals check does, against what it may cover (SubtotalLedger.candidates):
   * any that agrees clears it; otherwise the likeliest is described, and where rows among them were rejected the
   * check could not be completed.
   */
  private checkSubtotal(
    stated: { amount?: number; fee?: number; settled?: number; row: number },
    text: string,
    day: { day: string; of: SubtotalDayOf } | undefined,
    now: RunningSums,
  ): void {
    const candidates = this.subtotalLedger.candidates(day, now);
    let first: { zh: string; en: string }[] | undefined;
    for (const sums of candidates) {
      const diffs = this.totalsDiffs(stated, undefined, sums, SUBTOTAL_WORDS);
      if (diffs.length === 0) return;
      first ??= diffs;
    }
    const rejected = candidates[0]?.rejected ?? 0;
    if (first === undefined) return;
    this.subtotalMismatches ??= { count: 0, shown: [] };
    this.subtotalMismatches.count++;
    if (this.subtotalMismatches.shown.length >= SUBTOTAL_MISMATCHES_SHOWN) return;
    const quoted = maskCardNumbersIn(text).slice(0, 24);
    const incomplete =
      rejected > 0
        ? {
            zh: `，其间有 ${rejected} 行被拒绝，无法完成核对`,
            en: `; ${rejected} ${rejected === 1 ? 'row' : 'rows'} among them rejected, so the check could not be completed`,
          }
        : { zh: '', en: '' };
    this.subtotalMismatches.shown.push({
      zh: `第 ${stated.row} 行“${quoted}”（${first.map((d) => d.zh).join('；')}${incomplete.zh}）`,
      en: `row ${stated.row} ("${quoted}": ${first.map((d) => d.en).join('; ')}${incomplete.en})`,
    });
  }

  /** The day a subtotal names: in its label (2026-10-13 小计), else in its row's trade or settlement date cell. */
  private subtotalDay(text: string, cells: Cell[]): { day: string; of: SubtotalDayOf } | undefined {
    const named = dayOfText(text);
    if (named !== undefined) return { day: named, of: 'either' };
    for (const [field, of] of [
      ['date', 'trade'],
      ['time', 'trade'],
      ['settleDate', 'settle'],
    ] as const) {
      const cell = this.cell(field, cells);
      if (cell === undefined || cell === null) continue;
      const date = dateCellOf(cell);
      const day = dayOfText(date === undefined ? clean(cellText(cell)) : wallTimeFromExcelDate(date));
      if (day !== undefined) return { day, of };
    }
    return undefined;
  }

  /**
   * The running sums the subtotal checks take differences of, less a reversing debit of the row being read that
   * mapRow already counted and the row's amounts are not yet summed with.
   */
  private runningSums(pendingReversing: number): RunningSums {
    const totals = this.summary.totals ?? { amountFen: 0 };
    return {
      amount: this.rawSums.amount,
      fee: this.rawSums.fee,
      settled: this.rawSums.settled,
      amountFen: totals.amountFen,
      feeFen: totals.feeFen ?? 0,
      settledFen: totals.settledFen ?? 0,
      rejected: this.summary.rejected.length,
      reversing: this.reversingDebitsFen - pendingReversing,
    };
  }

  /**
   * The label of a totals row that names itself in any cell (`,,,,,当日小计,100.00,…`, `,,,,合计,,…`): a cell that
   * is only the word, maybe after a date, on a row with neither a reference nor a time of day. Undefined otherwise.
   */
  private labelledTotal(cells: Cell[]): string | undefined {
    if (this.kind === 'bank') return undefined;
    let label: string | undefined;
    for (const c of cells) {
      if (typeof c !== 'string' || !(c.includes('计') || c.includes('汇总'))) continue;
      const t = clean(c);
      if (TOTAL_LABEL_CELL.test(t)) {
        label = t;
        break;
      }
    }
    if (label === undefined || this.hasReference(cells) || this.hasTimeOfDay(cells)) return undefined;
    return label;
  }

  /** Whether the row says when in the day it was made: a clock cell, or a time cell with hours and minutes. */
  private hasTimeOfDay(cells: Cell[]): boolean {
    for (const field of ['clock', 'time'] as const) {
      const c = this.cell(field, cells);
      if (c === undefined || c === null) continue;
      if (typeof c !== 'string') return true;
      const t = clean(c);
      if (isNone(t)) continue;
      if (field === 'clock' || /\d{1,2}[:：时]\d{1,2}|\d{12}/.test(t)) return true;
    }
    return false;
  }

  /** Whether the row has a transaction time the import can read (its time column, or date and clock). */
  private hasTransactionTime(cells: Cell[]): boolean {
    const sd = this.text('settleDate', cells);
    // As mapRow reads it: a settlement date without a year follows the trade time and does not anchor it.
    const settleDate = sd === undefined || hasNoYear(sd) ? undefined : this.settleDateOf(sd);
    const ref = typeof settleDate === 'string' ? settleDate : this.yearRef;
    return typeof this.readTime(cells, ref) === 'string';
  }

  /** Whether the row has a reference (参考号, 凭证号, 订单号) in a column the table has. */
  private hasReference(cells: Cell[]): boolean {
    for (const field of ['refNo', 'voucherNo', 'orderNo', 'providerOrderNo'] as const) {
      const index = this.at[field];
      if (index >= 0 && !isNone(clean(cellText(cells[index])))) return true;
    }
    return false;
  }

  /**
   * Lines a text row of another width than its header up with it, or says why it cannot be. A shorter row is taken
   * as it is when no column the reader uses is among those it lacks (an export that drops trailing unused columns).
   * A longer one is tried every way its extra cells can be read: as empty cells past the header's last named column
   * (a row ending in extra delimiters), or folded back into the free-text column an unquoted delimiter split
   * (商品名称 美式咖啡,大杯 written without quotes: WeChat's bills re-saved without their backticks, DOMAIN.md §2.6).
   * Each reading is checked where the header says what a cell holds (times, money, rates, known values): a reading
   * with a cell that is not what its column holds is out, and so is a fold with no checked cell after it to show
   * the row lines up again. Of those left, the one with the most cells that fit, then the fewest empty pieces
   * folded, is taken; two that tie yet read differently reject the row rather than read shifted money.
   */
  private alignRow(cells: Cell[], header: readonly string[]): Cell[] | Rejection {
    const n = cells.length;
    const m = header.length;
    if (n < m) {
      if (n > this.lastUsedIndex) return cells;
      // Exporters drop a row's trailing empty fields: a row short only of free-text columns (备注, 摘要) is read
      // with them empty, when every cell it has fits its column (so nothing before them was dropped).
      if (this.lacksOnlyFreeText(cells)) {
        this.shortRows ??= { count: 0, row: this.ctx.row, column: this.usedColumnFrom(n) ?? '' };
        this.shortRows.count++;
        return cells;
      }
      const lost = this.usedColumnFrom(n);
      return {
        ...(lost === undefined ? {} : { column: lost }),
        reason: `该行有 ${n} 个单元格，表头有 ${m} 列，各列会错位（金额中未加引号的千位逗号或缺少单元格？）${lost === undefined ? '' : `，缺少“${lost}”列`}，未导入`,
        reasonEn: `the row has ${n} cells where the header has ${m}, so its values would shift columns (an unquoted thousands comma, or a missing cell?)${lost === undefined ? '' : `; it has no "${lost}" cell`}; not imported`,
      };
    }
    const width = this.namedWidth;
    let last = n - 1;
    while (last >= width && isBlankCell(cells[last])) last--;
    // The fewest cells a fold must take in: those up to the last non-empty one past the named header.
    const least = Math.max(0, last + 1 - width);
    const kinds = this.columnKinds();
    const free = this.options.delimiter === undefined ? [] : kinds.free;
    const most = free.length === 0 ? 0 : Math.min(n - width, least + MAX_TRAILING_FOLDED);
    let best: { fits: number; extras: number[][] } | undefined;
    let budget = MAX_ALIGNMENTS;
    const extra = new Array<number>(free.length).fill(0);
    const consider = () => {
      const score = this.scoreAlignment(cells, kinds, extra, width);
      if (!('fits' in score)) return;
      if (best === undefined || score.fits > best.fits) best = { fits: score.fits, extras: [[...extra]] };
      else if (score.fits === best.fits) best.extras.push([...extra]);
    };
    // Every way of sharing `left` extra cells among the free columns from the k-th on.
    const share = (k: number, left: number): void => {
      if (budget <= 0) return;
      if (k === free.length - 1 || left === 0) {
        extra[k] = left;
        budget--;
        consider();
        extra[k] = 0;
        return;
      }
      for (let e = left; e >= 0 && budget > 0; e--) {
        extra[k] = e;
        share(k + 1, left - e);
      }
      extra[k] = 0;
    };
    if (least === 0) consider();
    for (let k = Math.max(1, least); k <= most && budget > 0; k++) share(0, k);
    const found = best as { fits: number; extras: number[][] } | undefined;
    if (budget > 0 && found !== undefined) {
      if (found.extras.length === 1) return this.foldCells(cells, free, found.extras[0] as number[]);
      const rows = found.extras.map((e) => this.foldCells(cells, free, e));
      const first = rows[0] as Cell[];
      const text = (row: Cell[]) => row.map(cellText).join('\u0000');
      const shown = text(first);
      const other = rows.findIndex((row) => text(row) !== shown);
      if (other < 0) return first;
      return this.ambiguousRow(n, m, free, [found.extras[0] as number[], found.extras[other] as number[]]);
    }
    return this.unalignedRow(cells, n, m, kinds, budget <= 0);
  }

  /**
   * How a row reads with extra[k] cells folded into the k-th free column: how many checked cells fit their column,
   * or the first that does not. A fold is no reading when a piece it takes in is empty (text does not begin or end
   * with its delimiter, nor double it: the empty cell is a column's, and the row was split elsewhere), nor when no
   * checked cell after it fits, so nothing shows the row lines up again after it; a fold into a text column after
   * the last checked one (a final 备注) needs a checked cell before it that fits. An amount cell of one to three
   * digits followed by one like 000.00 is an amount cut at its thousands comma, and does not fit; nor is a fold
   * whose last piece is such a head right before an amount cell holding the tail (赵记烟酒 | 2 | 000.00).
   */
  private scoreAlignment(
    cells: Cell[],
    kinds: ColumnKinds,
    extra: readonly number[],
    width: number,
  ): AlignmentScore {
    const { kind, field, free } = kinds;
    let offset = 0;
    let k = 0;
    let fits = 0;
    let folded = false;
    /** Whether a fold waits for a checked cell after it to fit. */
    let needFit = false;
    /** The cell index of the last piece the latest fold took in. */
    let foldEnd = -1;
    for (let i = 0; i < width; i++) {
      if (k < free.length && free[k] === i) {
        const e = extra[k++] ?? 0;
        if (e > 0) {
          for (let j = i + offset; j <= i + offset + e; j++) if (isBlankCell(cells[j])) return { none: true };
          offset += e;
          folded = true;
          if (i < kinds.lastChecked) needFit = true;
          foldEnd = i + offset;
        }
        continue;
      }
      const what = kind[i] ?? ColumnKind.Other;
      if (what === ColumnKind.Other || what === ColumnKind.Free) continue;
      const cell = cells[i + offset];
      const fit = this.fitOf(what, field[i], cell);
      if (fit < 0) return { misfit: i, text: cellText(cell), split: false };
      if (fit === 0) continue;
      if (what === ColumnKind.Money) {
        const text = clean(cellText(cell));
        const next = cells[i + offset + 1];
        if (SPLIT_HEAD.test(text) && next !== undefined && SPLIT_TAIL.test(clean(cellText(next))))
          return {
            misfit: i,
            text: `${text}${this.options.delimiter ?? ','}${clean(cellText(next))}`,
            split: true,
          };
        if (
          foldEnd === i + offset - 1 &&
          SPLIT_TAIL.test(text) &&
          SPLIT_HEAD.test(clean(cellText(cells[foldEnd])))
        )
          return { none: true };
      }
      fits++;
      needFit = false;
    }
    if (folded && (fits === 0 || needFit)) return { none: true };
    return { fits };
  }

  /** Whether a cell holds what its column does: 1 it does, -1 it holds something else, 0 empty or cannot tell. */
  private fitOf(kind: number, field: PresetField | undefined, cell: Cell): -1 | 0 | 1 {
    const t = clean(cellText(cell));
    if (isNone(t)) return 0;
    switch (kind) {
      case ColumnKind.Money: {
        if (fastAmount(t, 'yuan').ok) return 1;
        // D 100.00: a dc-inline column's mark before the amount.
        const dc = DC_INLINE.exec(t);
        if (dc !== null && fastAmount(dc[2] ?? '', 'yuan').ok) return 1;
        break;
      }
      case ColumnKind.Rate: {
        const col = field === 'rate' ? this.cols.get('rate') : undefined;
        const unit = (col?.unit ?? 'percent') as RateUnit;
        // 0.60% as most files write it, without the full parser's regular expressions.
        if (PLAIN_PERCENT.test(t)) return 1;
        if (parseRateCell(t, { unit, named: col !== undefined && this.rateUnitNamed }).ok) return 1;
        // A bare number no unit makes a rate of (0.0060) is imported without its rate (rate.unread): it tells
        // nothing, where a date or an ID in the rate column does.
        if (fastAmount(t, 'yuan').ok) return 0;
        break;
      }
      case ColumnKind.Time: {
        const ref = this.yearRef;
        if (
          parseDateTime(t, ref).ok ||
          SERIAL_TEXT.test(t) ||
          DAY_FRACTION_TEXT.test(t) ||
          parseLocalDate(t, ref).ok ||
          parseClock(t).ok
        )
          return 1;
        break;
      }
      case ColumnKind.Value:
        // A value the vocabulary lacks may still be the column's (it is warned of): only a known one tells.
        return this.maps[field as ValueField].lookup(t) === undefined ? 0 : 1;
      default:
        return 0;
    }
    // Words are no evidence either way (a note in a money column); a number or date of the wrong kind is.
    return HAS_DIGIT.test(t) ? -1 : 0;
  }

  /** The row with extra[k] cells joined back into the k-th free column by the delimiter that split them. */
  private foldCells(cells: Cell[], free: readonly number[], extra: readonly number[]): Cell[] {
    if (extra.every((e) => e === 0)) return cells;
    const delimiter = this.options.delimiter ?? ',';
    const out: Cell[] = [];
    let j = 0;
    let k = 0;
    for (let i = 0; j < cells.length; i++) {
      const e = k < free.length && free[k] === i ? (extra[k++] ?? 0) : 0;
      if (e > 0) {
        out.push(
          cells
            .slice(j, j + e + 1)
            .map(cellText)
            .join(delimiter),
        );
        j += e + 1;
      } else out.push(cells[j++]);
    }
    return out;
  }

  /** The kinds of the header's columns, by the fields read from them and, for the others, by their names. */
  private columnKinds(): ColumnKinds {
    if (this.kinds !== undefined) return this.kinds;
    const width = this.namedWidth;
    const header = this.header ?? [];
    const kind = new Uint8Array(width);
    const field = new Array<PresetField | undefined>(width).fill(undefined);
    for (let i = 0; i < width; i++) {
      const { key, unit } = normaliseHeader(header[i] ?? '');
      if (key === '') continue;
      if (FREE_TEXT_NAME.test(key)) kind[i] = ColumnKind.Free;
      else if (RATE_NAME.test(key) || (unit !== undefined && unit !== 'yuan' && unit !== 'fen'))
        kind[i] = ColumnKind.Rate;
      else if (MONEY_NAME.test(key) || unit !== undefined) kind[i] = ColumnKind.Money;
      else if (TIME_NAME.test(key)) kind[i] = ColumnKind.Time;
    }
    const used = (f: PresetField) => {
      const i = this.at[f];
      return i >= 0 && i < width ? i : -1;
    };
    for (const f of ['label', 'counterparty'] as const) if (used(f) >= 0) kind[used(f)] = ColumnKind.Free;
    for (const i of this.memoIndexes) if (i < width) kind[i] = ColumnKind.Free;
    for (const [f] of this.cols) {
      const i = used(f);
      if (i < 0) continue;
      let k: number = ColumnKind.Other;
      if (TIME_FIELDS.includes(f) || f === 'clock') k = ColumnKind.Time;
      else if ((MONEY_FIELDS as readonly string[]).includes(f)) k = ColumnKind.Money;
      else if (f === 'rate') k = ColumnKind.Rate;
      // A free-text column a value is also read from (摘要 as the type) stays free text.
      else if ((VALUE_FIELDS as readonly string[]).includes(f) && kind[i] !== ColumnKind.Free)
        k = ColumnKind.Value;
      if (k === ColumnKind.Other) continue;
      kind[i] = k;
      field[i] = f;
    }
    const free: number[] = [];
    let lastChecked = -1;
    for (let i = 0; i < width; i++) {
      const k = kind[i];
      if (k === ColumnKind.Free) free.push(i);
      else if (k !== ColumnKind.Other) lastChecked = i;
    }
    this.kinds = { kind, field, free, lastChecked };
    return this.kinds;
  }

  /** Whether every column the reader uses past a short row's last cell is free text, and its cells fit theirs. */
  private lacksOnlyFreeText(cells: Cell[]): boolean {
    const kinds = this.columnKinds();
    for (const i of [
      this.filterIndex,
      ...this.dcMarks.values(),
      ...Object.values(this.at),
      ...this.memoIndexes,
    ])
      if (i >= cells.length && kinds.kind[i] !== ColumnKind.Free) return false;
    const score = this.scoreAlignment(
      cells,
      kinds,
      new Array<number>(kinds.free.length).fill(0),
      this.namedWidth,
    );
    return 'fits' in score;
  }

  /** The header's name of the first column the reader uses at or after index `from`. */
  private usedColumnFrom(from: number): string | undefined {
    let first = -1;
    for (const i of [
      this.filterIndex,
      ...this.dcMarks.values(),
      ...Object.values(this.at),
      ...this.memoIndexes,
    ])
      if (i >= from && (first < 0 || i < first)) first = i;
    if (first < 0) return undefined;
    return stripCellDecoration(this.header?.[first] ?? '') || `#${first + 1}`;
  }

  private headerName(index: number): string {
    return stripCellDecoration(this.header?.[index] ?? '') || `#${index + 1}`;
  }

  /** Why a row two readings of which fit the header equally well is not imported, naming both. */
  private ambiguousRow(n: number, m: number, free: readonly number[], extras: number[][]): Rejection {
    const readings = extras.map((extra) => {
      const cols = free.filter((_, k) => (extra[k] ?? 0) > 0).map((i) => this.headerName(i));
      if (cols.length === 0)
        return { column: undefined, zh: '行尾多了分隔符', en: 'the row ends in extra delimiters' };
      return {
        column: cols[0],
        zh: `${cols.map((c) => `“${c}”`).join('和')}中有未加引号的逗号`,
        en: `${cols.map((c) => `"${c}"`).join(' and ')} ${cols.length === 1 ? 'holds an unquoted comma' : 'hold unquoted commas'}`,
      };
    });
    const [a, b] = readings as [(typeof readings)[number], (typeof readings)[number]];
    const column = a.column ?? b.column;
    return {
      ...(column === undefined ? {} : { column }),
      reason: `该行有 ${n} 个单元格，表头有 ${m} 列：可能是${a.zh}，也可能是${b.zh}，两种读法各列的值不同，无法确定，为免读错金额未导入`,
      reasonEn: `the row has ${n} cells where the header has ${m}: either ${a.en}, or ${b.en}; the two readings give different values and neither can be told right, so the row is not imported rather than read shifted`,
    };
  }

  /** Why a longer row no reading lines up with the header is not imported, naming the column it goes wrong at. */
  private unalignedRow(cells: Cell[], n: number, m: number, kinds: ColumnKinds, tooMany: boolean): Rejection {
    const width = this.namedWidth;
    const natural = this.scoreAlignment(cells, kinds, new Array<number>(kinds.free.length).fill(0), width);
    const names = kinds.free.slice(0, 3).map((i) => this.headerName(i));
    const into = {
      zh: names.length === 0 ? '任何文字列' : `${names.map((c) => `“${c}”`).join('或')}`,
      en: names.length === 0 ? 'any text column' : names.map((c) => `"${c}"`).join(' or '),
    };
    const tried = tooMany
      ? {
          zh: '归入文字列的读法太多，无法逐一核对',
          en: 'could be folded back into text columns in too many ways to check',
        }
      : {
          zh: `无法归入${into.zh}使各列对齐`,
          en: `cannot be folded back into ${into.en} so that the columns line up`,
        };
    if ('misfit' in natural) {
      const column = this.headerName(natural.misfit);
      const masked = maskCardNumbersIn(clean(natural.text));
      const value = masked.length > 24 ? `${masked.slice(0, 24)}…` : masked;
      if (natural.split)
        return {
          column,
          reason: `该行有 ${n} 个单元格，表头有 ${m} 列，各列会错位：“${column}”列的“${value}”未加引号，千位逗号把它拆成了两个单元格，未导入`,
          reasonEn: `the row has ${n} cells where the header has ${m}, so its values would shift columns: "${value}" in column "${column}" is not quoted, and its thousands comma split it in two cells; not imported`,
        };
      return {
        column,
        reason: `该行有 ${n} 个单元格，表头有 ${m} 列，各列会错位（按表头“${column}”列是“${value}”；金额中未加引号的千位逗号？），多出的单元格${tried.zh}，未导入`,
        reasonEn: `the row has ${n} cells where the header has ${m}, so its values would shift columns ("${column}" would read "${value}"; an unquoted thousands comma?), and the extra cells ${tried.en}; not imported`,
      };
    }
    const column = this.headerName(width - 1);
    return {
      column,
      reason: `该行有 ${n} 个单元格，表头有 ${m} 列，各列会错位（金额中未加引号的千位逗号或缺少单元格？），“${column}”列之后多出的单元格${tried.zh}，未导入`,
      reasonEn: `the row has ${n} cells where the header has ${m}, so its values would shift columns (an unquoted thousands comma, or a missing cell?); the cells past "${column}" ${tried.en}; not imported`,
    };
  }

  private isRepeatedHeader(cells: Cell[]): boolean {
    const header = this.header;
    if (!header) return false;
    if (sameKeys(cells, header, this.headerKeys)) return true;
    // A header of two rows repeats both on every printed page.
    for (const [texts, keys] of this.headerRows) if (sameKeys(cells, texts, keys)) return true;
    return false;
  }

  /**
   * Reads the row under a header found by its names as the second row of a grouped header, when it is one: a
   * web page or sheet that groups 交易金额 / 手续费 / 结算金额 under a spanning 金额 names the columns on the
   * second row, and taking the first alone would read 金额 as the amount and lose the fee and settlement columns
   * (and the file's kind with them). The rows are merged cell by cell, the second row's name winning; it counts
   * only when it names two columns itself and the merge names more than the first row did.
   */
  private adoptSubHeader(cells: Cell[]): boolean {
    const header = this.header;
    if (header === undefined) return false;
    const texts = cells.map(cellText);
    const keys = texts.map((t) => normaliseHeader(t).key);
    if (resolveColumns(this.preset, keys).size < 2) return false;
    const width = Math.max(header.length, texts.length);
    const merged = Array.from({ length: width }, (_, i) => {
      const t = texts[i] ?? '';
      return t.trim() !== '' ? t : (header[i] ?? '');
    });
    const mergedKeys = merged.map((t) => normaliseHeader(t).key);
    if (resolveColumns(this.preset, mergedKeys).size <= resolveColumns(this.preset, this.headerKeys).size)
      return false;
    this.headerRows = [
      [header, this.headerKeys],
      [texts, keys],
    ];
    this.cols.clear();
    this.dcMarks.clear();
    this.at = noColumns();
    this.summary.columns = {};
    this.adoptHeader(merged);
    return true;
  }

  /** Whether columns found make a header: a time and an amount column, and two columns at least. */
  private headerTraits(found: Map<PresetField, number>): {
    hasTime: boolean;
    hasMoney: boolean;
    isHeader: boolean;
  } {
    let hasTime = false;
    let hasMoney = false;
    for (const f of found.keys()) {
      if (TIME_FIELDS.includes(f)) hasTime = true;
      if (AMOUNT_FIELDS.includes(f)) hasMoney = true;
    }
    return { hasTime, hasMoney, isHeader: hasTime && hasMoney && found.size >= 2 };
  }

  /**
   * Adopts a header of two rows where the upper one groups columns under a merged cell (退款 over 单号 | 金额,
   * 交易 over 单号 | 金额): the lower row's repeated names take their group's name (退款金额, 交易金额), and a
   * column merged down both rows its upper name. Taken when the lower row repeats a name that way, or when only
   * the two rows together make a header (a streamed sheet leaves the merged cells after the first empty).
   */
  private adoptGroupedHeader(
    upper: string[],
    lower: string[],
    lowerKeys: string[],
    lowerFound: Map<PresetField, number>,
  ): boolean {
    const lowerIsHeader = this.headerTraits(lowerFound).isHeader;
    const repeated = new Set<string>();
    const seen = new Set<string>();
    for (const k of lowerKeys) {
      if (k === '') continue;
      if (seen.has(k)) repeated.add(k);
      seen.add(k);
    }
    if (lowerIsHeader && repeated.size === 0) return false;
    let named = 0;
    for (const t of upper) if (t.trim() !== '') named++;
    if (named < 2) return false;
    const texts: string[] = [];
    // The group a column is under: its upper cell, or the one to its left when a merge left the upper cell empty.
    let group = '';
    for (let i = 0; i < Math.max(upper.length, lower.length); i++) {
      const up = (upper[i] ?? '').trim();
      const low = (lower[i] ?? '').trim();
      if (up !== '') group = low === '' ? '' : up;
      else if (low === '') group = '';
      const key = lowerKeys[i] ?? '';
      if (low === '') texts.push(up);
      else if (group !== '' && repeated.has(key) && normaliseHeader(group).key !== key)
        texts.push(`${group}${low}`);
      else texts.push(low);
    }
    const keys = texts.map((t) => normaliseHeader(t).key);
    const found = resolveColumns(this.preset, keys, 'named');
    if (!this.headerTraits(found).isHeader) return false;
    // Still two columns of one name a field reads: the groups do not tell them apart, and the lower row stands.
    // A field a mapping gives by column number is told apart already.
    const numbered = new Set<PresetField>();
    resolveColumns(this.preset, keys, 'all', numbered);
    if (
      lowerIsHeader &&
      [...found].some(
        ([f, i]) => !numbered.has(f) && keys.indexOf(keys[i] ?? '') !== keys.lastIndexOf(keys[i] ?? ''),
      )
    )
      return false;
    this.adoptHeader(texts);
    // Printed pages repeat both rows.
    this.headerRows = [
      [upper, upper.map((t) => normaliseHeader(t).key)],
      [lower, lowerKeys],
    ];
    return true;
  }

  private findHeader(cells: Cell[], rowNo: number): void {
    this.preambleRows++;
    const texts = cells.map(cellText);
    for (const t of texts) this.noteTitleMerchant(t);
    if (this.titleTexts.length < 20) this.titleTexts.push(texts.filter((t) => t.trim() !== '').join('  '));
    const first = texts[0] ?? '';
    for (const prefix of this.preset.skipLinesStartingWith) if (first.trimStart().startsWith(prefix)) return;
    if (typeof this.preset.header === 'number') {
      if (rowNo === this.preset.header) this.adoptHeader(texts);
      return;
    }
    const keys = texts.map((t) => normaliseHeader(t).key);
    const found = resolveColumns(this.preset, keys, 'named');
    const { hasTime, hasMoney } = this.headerTraits(found);
    const above = this.rowAbove;
    this.rowAbove = { row: rowNo, texts };
    if (
      above !== undefined &&
      above.row === rowNo - 1 &&
      this.adoptGroupedHeader(above.texts, texts, keys, found)
    )
      return;
    if (hasTime && hasMoney && found.size >= 2) {
      this.adoptHeader(texts);
      this.subHeaderNext = true;
    } else if (found.size > (this.bestGuess?.found.length ?? 0)) {
      const names = [...new Set(found.values())].map((i) => (texts[i] ?? '').trim());
      this.bestGuess = { row: rowNo, texts, found: names, hasTime, hasMoney };
    }
  }

  /**
   * Why no header was found, naming the row that came closest and what it lacked: a bank or provider whose column
   * names no preset knows gets told which of its columns were understood.
   */
  get headerHint(): { zh: string; en: string } | undefined {
    const guess = this.bestGuess;
    if (guess === undefined) return undefined;
    const shown = guess.texts
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .slice(0, 12)
      .join(' | ');
    const found = guess.found.map((name) => `“${name}”`).join('、');
    const lacks = [
      ...(guess.hasTime ? [] : [{ zh: '交易时间（或日期）列', en: 'a time (or date) column' }]),
      ...(guess.hasMoney
        ? []
        : [
            {
              zh: '金额列（交易金额，或银行的收入/贷方金额）',
              en: "an amount column (or a bank's credit column)",
            },
          ]),
    ];
    return {
      zh: `最像表头的是第 ${guess.row} 行（${shown}），只认出了 ${found}，没有认出${lacks.map((l) => l.zh).join('和') || '足够的列'}`,
      en: `the row most like a header is row ${guess.row} (${shown}); only ${guess.found.map((name) => `"${name}"`).join(', ')} were recognised, not ${lacks.map((l) => l.en).join(' or ') || 'enough columns'}`,
    };
  }

  /** True when the reader has looked at many rows without finding a header: the file is not this table. */
  get hopeless(): boolean {
    return !this.started && this.preambleRows > 200;
  }

  private adoptHeader(texts: string[] | undefined): void {
    const preset = this.preset;
    this.headerDone = true;
    // A subtotal after a header (another export pasted below) covers the rows under it.
    this.subtotalLedger.mark(this.runningSums(0));
    this.yearRef = referenceDateOfTitle(this.titleTexts) ?? this.options.fileDate;
    if (texts === undefined) {
      this.header = undefined;
      // Headerless: columns are 1-based numbers, or the order of fixedWidth fields.
      if (preset.delimiter === 'fixed' && preset.fixedWidth) {
        preset.fixedWidth.forEach(([field], i) => {
          this.setColumn(field, i, `${field}`, undefined);
        });
      }
      for (const [field, refs] of Object.entries(preset.columns) as [
        PresetField,
        (string | number)[] | string | number,
      ][]) {
        const list = Array.isArray(refs) ? refs : [refs];
        const n = list.find((r): r is number => typeof r === 'number');
        if (n !== undefined) this.setColumn(field, n - 1, `#${n}`, undefined);
      }
    } else {
      this.header = texts;
      this.headerKeys = texts.map((t) => normaliseHeader(t).key);
      this.namedWidth = texts.length;
      while (this.namedWidth > 0 && (texts[this.namedWidth - 1] ?? '').trim() === '') this.namedWidth--;
      (this.ctx as { header: readonly string[] }).header = texts;
      this.numbered.clear();
      this.kinds = undefined;
      const found = resolveColumns(preset, this.headerKeys, 'all', this.numbered);
      for (const [field, index] of found) {
        const text = texts[index] ?? '';
        const unit = normaliseHeader(text).unit ?? aliasUnitOf(preset, field, this.headerKeys[index] ?? '');
        const shown = stripCellDecoration(text);
        this.setColumn(field, index, shown === '' ? `#${index + 1}` : shown, unit);
      }
    }
    if (this.cols.has('clock') && !this.cols.has('date')) {
      // A clock column only counts next to a date column.
      this.cols.delete('clock');
      delete this.summary.columns.clock;
    }
    this.moneyPresent = MONEY_FIELDS.filter((f) => this.cols.has(f));
    if (preset.rowFilter) this.filterIndex = this.refIndex(preset.rowFilter.column);
    for (const [field, rule] of Object.entries(preset.signs) as [MoneyField, string][]) {
      if (rule.startsWith('dc-marked:')) {
        const ref = rule.slice('dc-marked:'.length);
        const index = this.refIndex(/^\d+$/.test(ref) ? Number(ref) : ref);
        if (index >= 0) this.dcMarks.set(field, index);
      }
    }
    for (const [field, col] of this.cols) this.at[field] = col.index;
    this.lastUsedIndex = Math.max(-1, this.filterIndex, ...this.dcMarks.values(), ...Object.values(this.at));
    this.moneyColumns = [];
    for (const field of this.moneyPresent) {
      const col = this.moneyColumn(field);
      if (col !== undefined) this.moneyColumns.push(col);
    }
    const isMerchantView = (f: MoneyField): boolean =>
      (preset.signs[f] ?? 'merchant-view') === 'merchant-view' && !this.dcMarks.has(f);
    this.merchantView = {
      amount: isMerchantView('amount'),
      fee: isMerchantView('fee'),
      settled: isMerchantView('settled'),
    };
    if (!this.kindForced && preset.kind === undefined) {
      if (this.cols.has('credit') || this.cols.has('debit')) this.kind = 'bank';
      else if (this.cols.has('fee') || this.cols.has('settled') || this.cols.has('settleDate'))
        this.kind = 'settlement';
      else this.kind = 'terminal';
      this.summary.kind = this.kind;
      (this.ctx as { kind: RecordKind }).kind = this.kind;
    }
    // A bank spreads a credit's purpose over several memo columns (摘要 代发, 用途 汇通支付T1结算款2026-10-09,
    // 交易备注): a payout is known by, and names its settlement date in, any of them.
    this.memoIndexes = [];
    const labelRefs = preset.columns.label;
    if (this.kind === 'bank' && this.at.label >= 0 && labelRefs !== undefined) {
      for (const ref of Array.isArray(labelRefs) ? labelRefs : [labelRefs]) {
        if (typeof ref !== 'string') continue;
        const index = this.headerKeys.indexOf(normaliseHeader(ref).key);
        if (index >= 0 && index !== this.at.label && !this.memoIndexes.includes(index))
          this.memoIndexes.push(index);
      }
      this.memoIndexes.sort((a, b) => a - b);
      this.lastUsedIndex = Math.max(this.lastUsedIndex, ...this.memoIndexes);
    }
    if (this.kind === 'settlement' && this.header !== undefined) {
      const used = new Set([...Object.values(this.at), ...this.memoIndexes, ...this.dcMarks.values()]);
      used.add(this.filterIndex);
      // Known: the override's columns, every alias of the preset, and the names of the columns read (a header
      // naming two columns 金额, of which the mapping picked one by number).
      const known = new Set(this.options.override?.knownColumns?.map((h) => normaliseHeader(h).key));
      for (const i of used) if (this.headerKeys[i] !== undefined) known.add(this.headerKeys[i]);
      for (const refs of Object.values(preset.columns))
        for (const ref of Array.isArray(refs) ? refs : [refs])
          if (typeof ref === 'string') known.add(normaliseHeader(ref).key);
      const unit = this.cols.get('amount')?.unit;
      this.unmappedMoney = new UnmappedMoneyWatch(this.header, used, known, unit === 'fen' ? 'fen' : 'yuan');
    }
    const c = this.cols;
    if (this.kind === 'bank' && this.header !== undefined && c.has('amount') && !c.has('direction')) {
      if (!c.has('credit') && !c.has('debit')) {
        this.sides = new SideColumnWatch(
          this.header,
          new Set([...Object.values(this.at), ...this.memoIndexes]),
        );
      }
    }
  }

  private refIndex(ref: string | number): number {
    if (typeof ref === 'number') return ref - 1;
    const key = normaliseHeader(ref).key;
    const fieldCol = this.cols.get(ref as PresetField);
    if (fieldCol) return fieldCol.index;
    return this.headerKeys.indexOf(key);
  }

  private setColumn(
    field: PresetField,
    index: number,
    header: string,
    headerUnit: AmountUnit | RateUnit | undefined,
  ): void {
    const presetUnit = (this.preset.units as Record<string, AmountUnit | RateUnit | undefined>)[field];
    const isMoney = (MONEY_FIELDS as readonly string[]).includes(field);
    // A title line's 单位：分 speaks for the money columns whose header names no unit of its own.
    const namedUnit = headerUnit ?? (isMoney ? this.titleUnit : undefined);
    let unit: AmountUnit | RateUnit | undefined = namedUnit ?? presetUnit;
    if (isMoney && unit !== 'fen') unit = 'yuan';
    if (field === 'rate') {
      this.rateUnitNamed = headerUnit !== undefined && headerUnit !== 'yuan' && headerUnit !== 'fen';
      if (unit === undefined || unit === 'yuan' || unit === 'fen') unit = presetUnit ?? 'percent';
    }
    this.cols.set(field, { index, header, unit, unitNamed: namedUnit !== undefined });
    this.summary.columns[field] = header;
  }

  private cell(field: PresetField, cells: Cell[]): Cell {
    const index = this.at[field];
    return index < 0 ? undefined : cells[index];
  }

  private columnOf(field: PresetField): string {
    return this.summary.columns[field] ?? FIELD_ZH[field] ?? field;
  }

  private readonly fail = (column: string | undefined, p: { zh: string; en: string }): Outcome => ({
    rejected:
      column === undefined ? { reason: p.zh, reasonEn: p.en } : { column, reason: p.zh, reasonEn: p.en },
  });

  /** How a money field is read, or undefined when the table has no such column. */
  private moneyColumn(field: MoneyField): MoneyColumn | undefined {
    const col = this.cols.get(field);
    if (col === undefined || col.index < 0) return undefined;
    const unit = col.unit === 'fen' ? 'fen' : 'yuan';
    return {
      field,
      index: col.index,
      unit,
      dcInline: this.preset.signs[field] === 'dc-inline',
      mark: this.dcMarks.get(field) ?? -1,
      probe: unit === 'yuan' && !col.unitNamed && !this.unitsTold.has(field),
    };
  }

  /**
   * Lets a money column's cell tell its unit when only the preset's default said yuan: a whole number zero-padded
   * to ten digits or more (000000015300) is UnionPay's n12 layout in fen (DOMAIN.md §2.3), which read as yuan
   * would make ¥153.00 ¥15,300.00. The first cell that is not all zeros decides, once per column, so the per-cell
   * cost afterwards is the one `probe` test.
   */
  private probeUnit(col: MoneyColumn, text: string): void {
    const padded = zeroPaddedFen(text);
    if (padded === 0) return;
    this.unitsTold.add(col.field);
    for (const c of this.moneyColumns) if (c.field === col.field) c.probe = false;
    col.probe = false;
    if (padded < 0) return;
    const column = this.cols.get(col.field);
    if (column !== undefined) this.cols.set(col.field, { ...column, unit: 'fen' });
    for (const c of this.moneyColumns) if (c.field === col.field) c.unit = 'fen';
    col.unit = 'fen';
    const header = this.columnOf(col.field);
    const yuan = formatFen(Number(text));
    this.summary.warnings.push({
      code: 'amount.padded-fen',
      file: this.options.file,
      message: `“${header}”列是补零的定长整数（如 ${text}），没有小数点，已按分读取（${text} = ${yuan}）；如果该列以元为单位，请在表头注明（如“${header}（元）”）或在 --mapping 的列名中注明单位（如 ${header}(元)）`,
      messageEn: `column "${header}" holds zero-padded fixed-width whole numbers (like ${text}) without a decimal point, read as fen (${text} = ${yuan}); if it is in yuan, name the unit in the header (e.g. ${header}（元）) or in the --mapping column name (e.g. ${header}(元))`,
    });
  }

  private money(field: MoneyField, cells: Cell[]): Parsed<number> | undefined {
    const col = this.moneyColumn(field);
    return col === undefined ? undefined : this.readMoney(col, cells);
  }

  private readMoney(col: MoneyColumn, cells: Cell[]): Parsed<number> | undefined {
    const raw = cells[col.index];
    let sign = 1;
    let value: Parsed<number>;
    if (typeof raw === 'number') value = fenFromSpreadsheetNumber(raw, col.unit);
    else {
      let text = clean(cellText(raw));
      if (isNone(text)) return undefined;
      if (col.dcInline) {
        const m = DC_INLINE.exec(text);
        if (m) {
          sign = dcSign(col.field, m[1] ?? '');
          text = m[2] ?? '';
        }
      }
      if (col.probe) this.probeUnit(col, text);
      value = fastAmount(text, col.unit);
    }
    if (col.mark >= 0) {
      const mark = clean(cellText(cells[col.mark])).toUpperCase();
      if (mark === 'D' || mark === 'C') sign = dcSign(col.field, mark);
    }
    if (value.ok && sign < 0) return { ok: true, value: value.value === 0 ? 0 : -value.value };
    return value;
  }

  /** The label, with a bank's other memo columns after it. */
  private memoOf(cells: Cell[]): string | undefined {
    const label = this.text('label', cells, true);
    if (this.memoIndexes.length === 0) return label;
    const parts = label === undefined ? [] : [label];
    for (const index of this.memoIndexes) {
      const raw = cells[index];
      if (raw === undefined || raw === null) continue;
      const t = cleanText(cellText(raw));
      if (!isNone(t) && !parts.includes(t)) parts.push(t);
    }
    return parts.length === 0 ? undefined : parts.join(' ');
  }

  private text(field: PresetField, cells: Cell[], free = false): string | undefined {
    const raw = this.cell(field, cells);
    if (raw === undefined || raw === null) return undefined;
    const t = free ? cleanText(cellText(raw)) : clean(cellText(raw));
    return isNone(t) ? undefined : t;
  }

  /** An unrecognised type, with what its row was read as (a sale when positive, a refund or charge when not). */
  private noteType(value: string, readAs: RecordType): void {
    this.note('type', value);
    const counts = this.unknownTypeReadAs.get(value) ?? new Map<RecordType, number>();
    counts.set(readAs, (counts.get(readAs) ?? 0) + 1);
    this.unknownTypeReadAs.set(value, counts);
  }

  /** Whether a row carries what only a cardholder's transaction has: a card, a reference, an order, a terminal. */
  private tracesCardholder(cells: Cell[]): boolean {
    for (const field of CARDHOLDER_TRACES) if (this.text(field, cells) !== undefined) return true;
    return false;
  }

  private note(field: string, value: string): void {
    const key = `${field}\u0000${value}`;
    this.unknown.set(key, (this.unknown.get(key) ?? 0) + 1);
  }

  /** A money value with the merchant-view sign when the field takes it (see the comment in mapRow). */
  private signed(
    field: 'amount' | 'fee' | 'settled',
    v: number | undefined,
    back: boolean,
  ): number | undefined {
    if (v === undefined) return undefined;
    if (!this.merchantView[field]) return v;
    return back ? -Math.abs(v) || 0 : v;
  }

  /**
   * The merchant-view fee of a row whose file gives no D/C mark: charged positive, returned negative
   * (RecordSchema). Files write the sign both ways — many portals show a sale's fee as a deduction (−6.00), and a
   * refund line may carry a fee charged on the refund as well as one returned — so the settled amount decides
   * where it can: settled = amount − |fee| is a fee withheld, settled = amount + |fee| one paid back (on a refund
   * the same in magnitudes: |settled| = |amount| + |fee| charged, |amount| − |fee| returned). Without a settled
   * amount a refund's fee is returned, and a sale's follows the file's first non-zero sale fee: negative first means
   * deductions written negative. A few integer comparisons a row; what it made of the sign is left in
   * pendingFeeSign for the warnings.
   */
  private feeOf(
    fee: number,
    back: boolean,
    type: RecordType,
    amountFen: number,
    settledFen: number | undefined,
  ): number {
    if (fee === 0) return 0;
    const magnitude = fee < 0 ? -fee : fee;
    if (back) {
      if (settledFen === undefined) return -magnitude;
      const gross = amountFen < 0 ? -amountFen : amountFen;
      const net = settledFen < 0 ? -settledFen : settledFen;
      if (net === gross + magnitude) return magnitude;
      if (net !== gross - magnitude) this.pendingFeeSign = FeeSignNote.Unclear;
      return -magnitude;
    }
    if (type !== 'sale' && type !== 'preauth-complete') return fee;
    if (settledFen !== undefined) {
      if (fee > 0) {
        if (this.saleFeeSign === 0) this.saleFeeSign = 1;
        return fee;
      }
      if (settledFen === amountFen + fee) {
        if (this.saleFeeSign === 0) this.saleFeeSign = -1;
        this.pendingFeeSign = FeeSignNote.Withheld;
        return magnitude;
      }
      // settled = amount + |fee|: a fee paid back on a sale (a rebate), as written.
      if (settledFen === amountFen - fee) return fee;
      this.pendingFeeSign = FeeSignNote.Unclear;
      return magnitude;
    }
    if (this.saleFeeSign === 0) this.saleFeeSign = fee < 0 ? -1 : 1;
    if (this.saleFeeSign > 0) return fee;
    if (fee < 0) {
      this.pendingFeeSign = FeeSignNote.Assumed;
      return magnitude;
    }
    this.pendingFeeSign = FeeSignNote.PositiveAfterAssumed;
    return fee;
  }

  private noteFeeSign(rowNo: number): void {
    const signs = this.feeSigns;
    switch (this.pendingFeeSign) {
      case FeeSignNote.Withheld:
        signs.withheld++;
        break;
      case FeeSignNote.Assumed:
        signs.assumed++;
        break;
      case FeeSignNote.PositiveAfterAssumed:
        signs.positiveAfterAssumed++;
        break;
      case FeeSignNote.Unclear:
        signs.unclear++;
        if (signs.unclearRows.length < UNREAD_RATES_SHOWN) signs.unclearRows.push(rowNo);
        break;
    }
  }

  /** One warning for each way the fee's sign was read other than as written (see feeOf). */
  private warnFeeSigns(): void {
    const { withheld, assumed, positiveAfterAssumed, unclear, unclearRows } = this.feeSigns;
    const header = this.columnOf('fee');
    const push = (code: string, message: string, messageEn: string) =>
      this.summary.warnings.push({ code, file: this.options.file, message, messageEn });
    if (withheld > 0) {
      push(
        'fee.negative-withheld',
        `“${header}”列有 ${withheld} 笔消费的手续费写成负数，结算金额 = 交易金额 − |手续费|：已按收取的手续费（取绝对值）读取`,
        `column "${header}" writes the fee of ${withheld} ${withheld === 1 ? 'sale' : 'sales'} as a negative number and the settled amount is the amount − |fee|: read as the fee charged (its absolute value)`,
      );
    }
    if (assumed > 0 && positiveAfterAssumed === 0) {
      push(
        'fee.negative-assumed',
        `“${header}”列的消费手续费都是负数或零，没有结算金额可核对：按扣款写成负数理解，${assumed} 笔已按收取的手续费（取绝对值）读取`,
        `column "${header}" shows the fees of sales as negative numbers or zero with no settled amount to check them against: taken as deductions written negative, ${assumed} ${assumed === 1 ? 'fee' : 'fees'} read as charged (their absolute value)`,
      );
    } else if (assumed > 0) {
      push(
        'fee.negative-assumed',
        `“${header}”列的消费手续费有正有负，没有结算金额可核对：最先出现的是负数，按扣款写成负数理解，${assumed} 笔负数已按收取的手续费（取绝对值）读取，${positiveAfterAssumed} 笔正数照常读取；请核对该列的含义`,
        `column "${header}" shows the fees of sales both negative and positive with no settled amount to check them against: the first were negative, so they were taken as deductions written negative, ${assumed} negative ${assumed === 1 ? 'fee' : 'fees'} read as charged (their absolute value) and ${positiveAfterAssumed} positive as written; check what the column means`,
      );
    }
    if (unclear > 0) {
      const more = unclear > unclearRows.length ? '…' : '';
      push(
        'fee.sign-unclear',
        `“${header}”列有 ${unclear} 行的手续费符号无法判断：结算金额既不是 交易金额 − 手续费 也不是 交易金额 + 手续费（第 ${unclearRows.join('、')}${more} 行），已按消费收取、退货退还手续费读取，请核对这些行`,
        `column "${header}": the sign of the fee on ${unclear} ${unclear === 1 ? 'row' : 'rows'} cannot be told, as the settled amount is neither the amount − fee nor the amount + fee (${unclearRows.length === 1 ? 'row' : 'rows'} ${unclearRows.join(', ')}${more}); read as charged on a sale and returned on a refund, check those rows`,
      );
    }
  }

  /** Counts a bank debit line skipped and widens the dates the skipped lines span; its outcome. */
  private skipDebit(time: string): Outcome {
    this.debitsSkipped++;
    const date = time.slice(0, 10);
    const span = this.debitDates;
    if (span === undefined) this.debitDates = { first: date, last: date };
    else if (date < span.first) span.first = date;
    else if (date > span.last) span.last = date;
    return SKIP;
  }

  /**
   * What a bank line of money out is imported as: a reversal of a credit (冲正) a negative payout, for the audit to
   * cancel the credit it takes back; a charge a POS provider's words name (流量费代扣) a negative deduction, for
   * the audit to show the merchant when the provider took it; undefined for any other (rent, wages), which is
   * skipped and counted.
   */
  private bankDebit(cells: Cell[], time: string): 'payout' | 'deduction' | undefined {
    if (this.reversesCredit(cells)) return 'payout';
    const memo = this.memoOf(cells);
    if (memo !== undefined && TableReader.PROVIDER_CHARGE.test(memo)) return 'deduction';
    this.skipDebit(time);
    return undefined;
  }

  /** Whether a bank line's memo says it takes back an earlier credit (a reversal, not spending). */
  private reversesCredit(cells: Cell[]): boolean {
    const memo = this.memoOf(cells);
    return memo !== undefined && TableReader.REVERSAL.test(memo);
  }

  private mapRow(cells: Cell[], rowNo: number): Outcome {
    this.channelGuess = undefined;
    this.pendingFeeSign = FeeSignNote.AsWritten;
    this.pendingUnreadDates.length = 0;
    this.pendingReversing = 0;
    // Direction (资金流向 / 借贷标志) first: frozen lines are not records.
    let direction: Direction | undefined;
    const dirText = this.text('direction', cells);
    if (dirText !== undefined) {
      const d = this.maps.direction.lookup(dirText) as Direction | undefined;
      if (d === 'skip') return SKIP;
      if (d === undefined) {
        // A side written as a code (1/2, 0/1) means in or out as each bank numbers it: read by the amount's sign,
        // an outgoing line of a statement of positive amounts would be booked as a payout.
        if (this.kind === 'bank' && /^(?:\d+|[a-z])$/.test(normaliseValue(dirText))) {
          const header = this.columnOf('direction');
          return this.fail(header, {
            zh: `“${header}”列的值“${dirText}”是代码，无法判断是收入还是支出，该行未导入。请用 --mapping 写明各代码的含义，如 values: { direction: { "${dirText}": out } }（in 为收入，out 为支出）`,
            en: `column "${header}" holds the code "${dirText}", which does not say whether the line is money in or out; the row was not imported. Say what each code means with --mapping, e.g. values: { direction: { "${dirText}": out } } (in for money in, out for money out)`,
          });
        }
        this.note('direction', dirText);
      }
      direction = d;
    }
    if (this.sides?.active) this.sides.row((i) => clean(cellText(cells[i])));
    // Settlement date first: it anchors MMDDhhmmss times without a year. One without a year itself (清算日期
    // 0104) is dated from the trade date instead, once that is read: the title's month or the file's date
    // would put a sale of 31 December settled 0104 under a November title in the January before it.
    let settleDate: string | undefined;
    let settleNoYear: string | undefined;
    const sdCell = dateCellOf(this.cell('settleDate', cells));
    if (sdCell !== undefined) settleDate = wallTimeFromExcelDate(sdCell).slice(0, 10);
    else {
      const t = this.text('settleDate', cells);
      if (t !== undefined && hasNoYear(t)) settleNoYear = t;
      else if (t !== undefined) {
        // The settlement date dates the payout and the coverage, not the sale: a cell it cannot read costs the
        // row its settlement date (as a statement without the column), never the row and the fee it carries.
        const r = this.cachedDate(t, this.yearRef);
        if (r.ok) settleDate = r.value;
        else this.pendingUnreadDates.push({ field: 'settleDate', text: t });
      }
    }
    const ref = settleDate ?? this.yearRef;
    const time = this.readTime(cells, ref);
    if (typeof time !== 'string') return time;
    if (settleNoYear !== undefined) {
      const r = this.cachedDateAfter(settleNoYear, time);
      if (r.ok) settleDate = r.value;
      else this.pendingUnreadDates.push({ field: 'settleDate', text: settleNoYear });
    }
    flatten(time);

    // Amounts, read in MONEY_FIELDS order (the first bad one is the one reported).
    let amount: number | undefined;
    let refundAmount: number | undefined;
    let fee: number | undefined;
    let settled: number | undefined;
    let credit: number | undefined;
    let debit: number | undefined;
    for (const col of this.moneyColumns) {
      const r = this.readMoney(col, cells);
      if (r === undefined) continue;
      if (!r.ok) return this.fail(this.columnOf(col.field), r.problem);
      switch (col.field) {
        case 'amount':
          amount = r.value;
          break;
        case 'refundAmount':
          refundAmount = r.value;
          break;
        case 'fee':
          fee = r.value;
          break;
        case 'settled':
          settled = r.value;
          break;
        case 'credit':
          credit = r.value;
          break;
        case 'debit':
          debit = r.value;
          break;
      }
    }
    let impliedType: RecordType | undefined;
    if (credit !== undefined || debit !== undefined) {
      impliedType = 'payout';
      // A negative credit is written in red ink (红字冲正): it takes back an earlier credit and keeps its sign.
      if (credit !== undefined && credit !== 0) amount = credit;
      else if (debit !== undefined && debit !== 0) {
        // Money leaving a bank account is no payout, except a reversal of one (冲正 汇通支付T1结算款…) or a charge
        // a provider took (bankDebit).
        if (this.kind === 'bank') {
          const as = this.bankDebit(cells, time);
          if (as === undefined) return SKIP;
          impliedType = as;
        }
        amount = -Math.abs(debit);
        if (this.kind === 'bank') {
          this.reversingDebitsFen += amount;
          this.pendingReversing = amount;
        }
      } else amount ??= 0;
    }
    if ((amount === undefined || amount === 0) && refundAmount !== undefined && refundAmount !== 0) {
      amount = refundAmount;
      impliedType = 'refund';
    }
    // A bank line that moves no money (查询, 余额调整: 0.00 or `-` on both sides) is no payout.
    if (
      this.kind === 'bank' &&
      (amount === 0 || (amount === undefined && (this.cols.has('credit') || this.cols.has('debit'))))
    ) {
      this.noMoneyRows++;
      return SKIP;
    }
    if (amount === undefined) {
      return {
        rejected: {
          column: this.columnOf('amount'),
          reason: '缺少交易金额',
          reasonEn: 'the amount is missing',
        },
      };
    }
    if (direction === 'out' && this.kind === 'bank') {
      const as = this.bankDebit(cells, time);
      if (as === undefined) return SKIP;
      impliedType = as;
      amount = -Math.abs(amount);
    } else if (this.kind === 'bank' && direction === undefined && impliedType === undefined && amount < 0) {
      // One signed amount column and no side: a negative amount is money going out, a debit, read as one.
      const as = this.bankDebit(cells, time);
      if (as === undefined) return SKIP;
      impliedType = as;
    }

    // Vocabulary fields.
    let type: RecordType =
      impliedType ?? (amount < 0 && this.kind !== 'bank' ? 'refund' : this.defaultType());
    let statusHint: RecordStatus | undefined;
    const typeText = this.text('type', cells);
    if (typeText !== undefined) {
      const t = this.maps.type.lookup(typeText);
      if (t === 'skip') {
        if (this.typeSkips.size < 1000 || this.typeSkips.has(typeText))
          this.typeSkips.set(typeText, (this.typeSkips.get(typeText) ?? 0) + 1);
        return SKIP;
      }
      if (t !== undefined) {
        type = t as RecordType;
        // Words of money given back (撤销交易手续费, 冲正手续费) on a line that takes money name a charge: the
        // sign decides, and what it decided is said like an unknown value's reading.
        if (type === 'rebate' && (direction === 'out' || writtenAsTaken(amount, fee, settled))) {
          type = 'deduction';
          this.noteType(typeText, type);
        }
      } else if (this.kind === 'settlement' && impliedType === undefined && isVagueType(typeText)) {
        // 调账, 其他, 差错调整 say nothing of what moved: the memo's words decide, as a type's would (押金退还 and
        // 手续费返还 give back, 机具押金 takes). Without them a line that carries no cardholder's traces is money
        // moved outside a sale, given back or taken by its sign, never a sale to price; so is an adjustment (调账,
        // 差错调整) even where it names a card or reference: it corrects a sale settled on its own line. Either
        // reading is warned.
        const memo = this.memoOf(cells);
        const byMemo = memo === undefined ? undefined : typeFromMemo(memo);
        const taken = direction === 'out' || writtenAsTaken(amount, fee, settled);
        if (byMemo === 'deduction' || (byMemo === 'rebate' && !taken)) type = byMemo;
        else {
          if (byMemo === 'rebate') type = 'deduction';
          // A card line's adjustment that pays the merchant, with its fee, is a sale settled late (补账, 差错调账):
          // priced and matched as one; one that takes money is never a sale.
          else if (!this.tracesCardholder(cells) || (isAdjustmentType(typeText) && taken))
            type = taken ? 'deduction' : 'rebate';
          this.noteType(typeText, type);
        }
      } else if (!namesOnlyChannel(typeText)) {
        // (A type that is only a channel's name, 云闪付 or 微信, stays the sale or refund its sign says, unwarned: its
        // channel is read from it below.)
        // A charge or adjustment the vocabulary does not know (系统调账 −3.00) is money taken from the payout,
        // not a refund: only a line that carries a cardholder's traces (card, reference, order, terminal) is
        // read as one.
        if (
          type === 'refund' &&
          impliedType === undefined &&
          this.kind === 'settlement' &&
          !this.tracesCardholder(cells)
        )
          type = 'deduction';
        this.noteType(typeText, type);
      }
      statusHint = this.maps.type.statusHint(typeText);
    }
    let status: RecordStatus = statusHint ?? 'success';
    const statusText = this.text('status', cells);
    if (statusText !== undefined) {
      const s = this.maps.status.lookup(statusText);
      if (s === 'skip') return SKIP;
      if (s === undefined) this.note('status', statusText);
      else status = s as RecordStatus;
      // 已取消 on a sale that shows it was paid (a 参考号, a fee charged): a void, not an order never paid.
      if (
        status === 'failed' &&
        type === 'sale' &&
        ((fee !== undefined && fee !== 0) || this.text('refNo', cells) !== undefined) &&
        isCancelledStatus(statusText)
      )
        status = 'voided';
    }
    // 已撤销 on a sale: it went through and was voided later. On the void's own line (撤销成功) it is the void
    // that succeeded.
    if ((status === 'voided' || status === 'reversed') && type !== 'sale' && type !== 'preauth-complete')
      status = 'success';
    let channel: Channel = 'unknown';
    const channelText = this.text('channel', cells);
    if (channelText !== undefined) {
      const c = this.maps.channel.lookup(channelText);
      if (c === undefined) {
        this.note('channel', channelText);
        channel = 'other';
      } else channel = c as Channel;
    } else if (typeText !== undefined) {
      // A file without a payment-method column may say it in the type (闪付消费, 微信消费, 云闪付). A channel column
      // that says anything wins: the type only fills in where it is missing or empty.
      const named = this.maps.type.channelHint(typeText);
      if (named !== undefined) channel = named;
    }
    let card: CardType = 'unknown';
    const cardText = this.text('card', cells);
    if (cardText !== undefined) {
      const c = this.maps.card.lookup(cardText);
      if (c === undefined) this.note('card', cardText);
      else card = c as CardType;
    }

    // A sale written with a negative amount (a journal showing a refund as 消费 −50.00) took money back: read as a
    // refund and said, never a sale whose missing settlement would count as a negative loss.
    if (type === 'sale' && amount < 0 && this.kind !== 'bank') {
      type = 'refund';
      this.negativeSales ??= { count: 0, row: rowNo, text: typeText ?? '' };
      this.negativeSales.count++;
    }

    // Signs to the merchant's view: money going back (refund, void, reversal) is negative, with its fee.
    const back = type === 'refund' || type === 'void' || type === 'reversal' || direction === 'out';
    const amountFen = f0(this.signed('amount', amount, back) ?? amount);
    this.pendingRaw.amount = amount;
    this.pendingRaw.fee = fee ?? 0;
    this.pendingRaw.settled = settled ?? 0;

    // Properties are added in the same order for every record: it is the order JSON output shows.
    const record: PosRecord = {
      kind: this.kind,
      type,
      status,
      time,
      channel,
      card,
      amountFen,
      source: { file: this.options.file, row: rowNo },
    };
    const settledView = this.signed('settled', settled, back);
    // An override that finishes the records sets their money itself (Alipay's makes 服务费 the merchant's view
    // and 商家实收 − 服务费 the settled amount): its fee stays as the engine always read it.
    const feeView =
      fee === undefined || !this.merchantView.fee
        ? fee
        : this.options.override?.finishRecord === undefined
          ? this.feeOf(fee, back, type, amountFen, settledView)
          : this.signed('fee', fee, back);
    if (feeView !== undefined) record.feeFen = f0(feeView);
    if (settledView !== undefined) record.settledFen = f0(settledView);
    if (settleDate !== undefined) record.settleDate = settleDate;
    // A rebate is money to the merchant however the file signs it; a line that shows it only as a fee given
    // back (交易金额 0.00, 手续费 −3.00) is worth that fee.
    if (type === 'rebate') {
      const worth =
        Math.abs(record.settledFen ?? 0) || Math.abs(record.amountFen) || Math.abs(record.feeFen ?? 0);
      record.amountFen = worth;
      if (record.settledFen !== undefined) record.settledFen = worth;
    }

    const completedCell = dateCellOf(this.cell('completedAt', cells));
    if (completedCell !== undefined) record.completedAt = wallTimeFromExcelDate(completedCell);
    else {
      const t = this.text('completedAt', cells);
      if (t !== undefined) {
        // Up to the settlement date, which a settlement date without a year got from the trade date above.
        const r = parseDateTime(t, settleDate ?? ref);
        if (r.ok) record.completedAt = r.value;
        else this.pendingUnreadDates.push({ field: 'completedAt', text: t });
      }
    }
    // The key fields in KeyField order, each stored by name: a store through a field-name variable was
    // megamorphic and among the costliest lines of an import.
    let k = this.key('merchantId', cells);
    if (k !== undefined) {
      if (typeof k !== 'string') return this.fail(this.columnOf('merchantId'), k);
      record.merchantId = this.intern(k, 0);
    } else {
      const title = this.merchantOfTitle;
      if (title !== undefined) record.merchantId = title;
    }
    k = this.key('terminalId', cells);
    if (k !== undefined) {
      if (typeof k !== 'string') return this.fail(this.columnOf('terminalId'), k);
      record.terminalId = this.intern(k, 1);
    }
    k = this.key('refNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.refNo = k;
      else if (!this.dropLostId('refNo', k)) return this.fail(this.columnOf('refNo'), k);
    }
    k = this.key('voucherNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.voucherNo = k;
      else if (!this.dropLostId('voucherNo', k)) return this.fail(this.columnOf('voucherNo'), k);
    }
    k = this.key('batchNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.batchNo = k;
      else if (!this.dropLostId('batchNo', k)) return this.fail(this.columnOf('batchNo'), k);
    }
    k = this.key('orderNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.orderNo = k;
      else if (!this.dropLostId('orderNo', k)) return this.fail(this.columnOf('orderNo'), k);
    }
    k = this.key('providerOrderNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.providerOrderNo = k;
      else if (!this.dropLostId('providerOrderNo', k)) return this.fail(this.columnOf('providerOrderNo'), k);
    }
    k = this.key('originalRefNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.originalRefNo = k;
      else if (!this.dropLostId('originalRefNo', k)) return this.fail(this.columnOf('originalRefNo'), k);
    }
    k = this.key('originalVoucherNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.originalVoucherNo = k;
      else if (!this.dropLostId('originalVoucherNo', k))
        return this.fail(this.columnOf('originalVoucherNo'), k);
    }
    k = this.key('originalOrderNo', cells);
    if (k !== undefined) {
      if (typeof k === 'string') record.originalOrderNo = k;
      else if (!this.dropLostId('originalOrderNo', k)) return this.fail(this.columnOf('originalOrderNo'), k);
    }
    const cardCell = this.cell('cardNo', cells);
    let cardLost = typeof cardCell === 'number' && !Number.isSafeInteger(cardCell);
    let cardNo = cardLost ? undefined : this.text('cardNo', cells);
    // A card number Excel wrote in E-notation (6.225881234567898E+15): kept masked when every digit is there,
    // else lost like a number cell's; never quoted in a rejection, whose text would carry the digits.
    if (cardNo !== undefined && E_NOTATION_CARD.test(cardNo)) {
      cardNo = cardOfENotation(cardNo);
      cardLost = cardNo === undefined;
    }
    if (cardLost) this.cardsTooLong++;
    if (cardNo !== undefined) {
      if (MASKED_CARD.test(cardNo) && cardNo.length <= 32) record.cardNo = cardNo;
      else {
        // Spaces, dashes, full-width digits and words around the number (6225 8812 3456 7898 借记卡) are read
        // through; what would still show more than 6 + 4 digits is not kept.
        const masked = maskCardField(cardNo);
        if (masked.length <= 32 && !showsTooManyDigits(masked)) record.cardNo = masked;
      }
    }
    const payer = this.text('payerId', cells);
    if (payer !== undefined) record.payerId = maskCardField(payer).slice(0, 128);
    if (
      channel === 'unknown' &&
      channelText === undefined &&
      this.inferCard(type, card, cardLost, cardNo, payer)
    ) {
      record.channel = 'card';
      this.channelGuess = 'card';
    }
    const label = this.memoOf(cells);
    // A memo may quote the card (“退款至卡6217…”): a record never keeps a full card number.
    if (label !== undefined) record.label = maskCardNumbersIn(label).slice(0, 200);
    // Many statements name a deduction or rebate only in its type (交易类型 流量费, 备注 empty): that name is what
    // the plan's charges are matched on and what the report shows.
    else if ((type === 'deduction' || type === 'rebate') && typeText !== undefined)
      record.label = maskCardNumbersIn(typeText).slice(0, 200);
    const counterparty = this.text('counterparty', cells, true);
    if (counterparty !== undefined) record.counterparty = maskCardNumbersIn(counterparty).slice(0, 200);
    this.pendingUnreadRate = undefined;
    this.pendingRateFormula = undefined;
    const rateRaw = this.cell('rate', cells);
    if (rateRaw !== undefined && rateRaw !== null) {
      const text = clean(cellText(rateRaw));
      if (!isNone(text)) {
        // The rate column only informs (the audit prices the amount and the fee): a cell it cannot read costs the
        // row its rate, never the row.
        const r = this.cachedRate(text);
        if (r.ok) {
          record.rate = r.value;
          if (!PLAIN_PERCENT.test(text) && rateCellFormula(text) !== undefined)
            this.pendingRateFormula = text;
        } else this.pendingUnreadRate = { text, code: r.problem.code };
      }
    }
    return { record };
  }

  /**
   * Whether a row that names no channel is a card payment: it carries a card number, or a card type without a
   * payer id. A wallet payment funded by a bank card can carry the card type too, with the wallet's user id
   * (用户标识) beside it, so the type alone does not count then. Wallet ids and order numbers have no
   * documented shape that tells WeChat from Alipay, so those rows stay unknown.
   */
  private inferCard(
    type: RecordType,
    card: CardType,
    cardLost: boolean,
    cardNo: string | undefined,
    payer: string | undefined,
  ): boolean {
    if (this.kind === 'bank' || type === 'deduction' || type === 'rebate' || type === 'payout') return false;
    if (cardLost || (cardNo !== undefined && CARD_SHAPE.test(cardNo.replace(CARD_SEPARATORS, ''))))
      return true;
    return card !== 'unknown' && payer === undefined;
  }

  private readonly rateCache = new Map<string, Parsed<number>>();
  /** Rates repeat on every row of a card type: parse each distinct text once (the unit is fixed per table). */
  private cachedRate(text: string): Parsed<number> {
    let r = this.rateCache.get(text);
    if (r === undefined) {
      const unit = (this.cols.get('rate')?.unit ?? 'percent') as RateUnit;
      r = parseRateCell(text, { unit, named: this.rateUnitNamed });
      if (this.rateCache.size < 10_000) this.rateCache.set(text, r);
    }
    return r;
  }

  private noteUnreadRate(rowNo: number, { text, code }: { text: string; code: string }): void {
    const unread = this.unreadRates;
    unread.count++;
    if (unread.rows.length < UNREAD_RATES_SHOWN) unread.rows.push(rowNo);
    if (unread.texts.length < UNREAD_RATES_SHOWN && !unread.texts.includes(text)) unread.texts.push(text);
    if (code === 'rate.unit-unknown') unread.unitUnknown = true;
  }

  /**
   * A reference Excel turned into E-notation (1.23457E+11) is lost, but its row is not: the fee, amount and
   * settlement are still checked, only matching by that number is not. Counted per column for one warning.
   */
  private dropLostId(field: KeyField, problem: KeyProblem): boolean {
    if (problem.lost !== true) return false;
    this.lostIds.set(field, (this.lostIds.get(field) ?? 0) + 1);
    return true;
  }

  private key(field: KeyField, cells: Cell[]): string | KeyProblem | undefined {
    return keyOfCell(this.cell(field, cells));
  }

  /** The column a field is read from, or -1 (known once `started`). */
  columnIndex(field: PresetField): number {
    return this.at[field];
  }

  /**
   * A merchant ID cell's text as records carry it: undefined for none, null for one mapRow would refuse. Lets a
   * quick outline of the file (outline.ts) name merchants exactly as the import will.
   */
  merchantIdOf(text: string): string | undefined | null {
    const k = keyOfCell(text);
    return typeof k === 'object' ? null : k;
  }

  /** Whether text is what the header row says for this field (a repeated header row's cell, not a value). */
  isHeaderText(field: PresetField, text: string): boolean {
    const index = this.at[field];
    const header = this.header;
    return index >= 0 && header !== undefined && clean(header[index] ?? '') === text;
  }

  /**
   * A settlement date cell's text as records carry it: undefined for none, null for one mapRow would refuse.
   * One without a year (0104) is read here in the title's or the file's year, a forecast for the outline: records
   * date it from their own trade date (mapRow), and the audit checks the outline's forecast against them.
   */
  settleDateOf(text: string): string | undefined | null {
    const t = clean(text);
    if (isNone(t)) return undefined;
    const serial = excelSerialOf(t);
    if (serial !== undefined) return wallTimeFromExcelDate(serial).slice(0, 10);
    const r = this.cachedDate(t, this.yearRef);
    return r.ok ? r.value : null;
  }

  private readTime(cells: Cell[], ref: string | undefined): string | Outcome {
    let timeRaw = this.cell('time', cells);
    // A date-time cell that lost its date format is a bare Excel serial (days since 1899-12-30, wall time):
    // 46237.42 is 2026-08-03 10:04:48. Only serials of 1954–2119 are taken, so an amount or id is not.
    const serial = excelSerialOf(timeRaw);
    if (serial !== undefined) timeRaw = serial;
    if (timeRaw instanceof Date) {
      const iso = wallTimeFromExcelDate(timeRaw);
      // A time-only Excel cell sits on 1899-12-30; join it with the date column.
      if (iso.startsWith('1899-12-') || iso.startsWith('1900-01-0')) {
        const date = this.readDate(cells, ref);
        if (typeof date === 'string') return `${date}${iso.slice(10)}`;
      }
      return iso;
    }
    const dayFraction = excelClockOf(timeRaw);
    if (dayFraction !== undefined && this.cols.has('date')) {
      const date = this.readDate(cells, ref);
      return typeof date === 'string' ? joinDateClock(date, dayFraction) : date;
    }
    const timeText = timeRaw === undefined || timeRaw === null ? undefined : clean(cellText(timeRaw));
    if (timeText !== undefined && timeText.length <= 8 && this.cols.has('date')) {
      // A split date/time file: the time column holds only the clock.
      const clock = parseClock(timeText);
      if (clock.ok) {
        const date = this.readDate(cells, ref);
        if (typeof date !== 'string') return date;
        return joinDateClock(date, clock.value);
      }
    }
    if (timeText !== undefined && !isNone(timeText)) {
      const r = parseDateTime(timeText, ref);
      if (r.ok) return r.value;
      const clock = parseClock(timeText);
      if (clock.ok && (this.cols.has('date') || this.cols.has('settleDate'))) {
        const date = this.readDate(cells, ref);
        if (typeof date !== 'string') return date;
        return joinDateClock(date, clock.value);
      }
      return this.fail(this.columnOf('time'), r.problem);
    }
    if (this.cols.has('date')) {
      const date = this.readDate(cells, ref);
      if (typeof date !== 'string') return date;
      const clockRaw = this.cell('clock', cells);
      if (clockRaw instanceof Date) return `${date}${wallTimeFromExcelDate(clockRaw).slice(10)}`;
      const clockFraction = excelClockOf(clockRaw);
      if (clockFraction !== undefined) return joinDateClock(date, clockFraction);
      const clockText = this.text('clock', cells);
      if (clockText === undefined) return joinDateClock(date, { hour: 0, minute: 0, second: 0 });
      const clock = parseClock(clockText);
      if (!clock.ok) return this.fail(this.columnOf('clock'), clock.problem);
      return joinDateClock(date, clock.value);
    }
    return {
      rejected: { column: this.columnOf('time'), reason: '缺少交易时间', reasonEn: 'the time is missing' },
    };
  }

  private readDate(cells: Cell[], ref: string | undefined): string | Outcome {
    const field: PresetField = this.cols.has('date') ? 'date' : 'settleDate';
    const dateCell = dateCellOf(this.cell(field, cells));
    if (dateCell !== undefined) return wallTimeFromExcelDate(dateCell).slice(0, 10);
    const t = this.text(field, cells);
    if (t === undefined) {
      return {
        rejected: {
          column: this.summary.columns[field] ?? field,
          reason: '缺少交易日期',
          reasonEn: 'the date is missing',
        },
      };
    }
    const r = this.cachedDate(t, ref);
    return r.ok ? r.value : this.fail(this.summary.columns[field] ?? field, r.problem);
  }

  private readonly dateCache = new Map<string, Parsed<string>>();
  private readonly dateAfterCache = new Map<string, Parsed<string>>();
  private readonly interned = new Map<string, string>();
  private readonly lastInterned: [string, string] = ['', ''];
  /**
   * One shared copy of a value that repeats on many rows (merchant and terminal IDs): a cell cut from a decoded
   * chunk would otherwise keep that whole chunk alive for as long as the record lives.
   */
  private intern(text: string, slot: 0 | 1): string {
    // Most files are one merchant, often one terminal at a time: compare with the last value before hashing.
    const last = this.lastInterned[slot];
    if (text === last) return last;
    let known = this.interned.get(text);
    if (known === undefined) {
      if (this.interned.size >= 100_000) return text;
      known = Buffer.from(text, 'utf8').toString('utf8');
      this.interned.set(known, known);
    }
    this.lastInterned[slot] = known;
    return known;
  }

  /** Dates repeat on every row of a day: parse each distinct text once. */
  private cachedDate(text: string, ref: string | undefined): Parsed<string> {
    const key = ref === undefined ? text : `${text}|${ref}`;
    let r = this.dateCache.get(key);
    if (r === undefined) {
      r = parseLocalDate(text, ref);
      if (this.dateCache.size > 50_000) this.dateCache.clear();
      this.dateCache.set(key, r);
    }
    return r;
  }

  /** A settlement date without a year, dated from its row's trade time (parseLocalDateAfter), once per day. */
  private cachedDateAfter(text: string, time: string): Parsed<string> {
    const tradeDate = time.slice(0, 10);
    const key = `${text}\u0000${tradeDate}`;
    let r = this.dateAfterCache.get(key);
    if (r === undefined) {
      r = parseLocalDateAfter(text, tradeDate);
      if (this.dateAfterCache.size > 50_000) this.dateAfterCache.clear();
      this.dateAfterCache.set(key, r);
    }
    return r;
  }

  /** Reads a totals row's figures; false when it has none in the money columns. */
  private readTotals(cells: Cell[], rowNo: number): boolean {
    const stated = this.statedFigures(cells, rowNo);
    if (stated === undefined) return false;
    // Exports pasted one after another each end in their own totals row: those add up to the whole file.
    const before = this.stated;
    const add = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? undefined : a + b;
    this.statedSum =
      before === undefined
        ? stated
        : {
            amount: add(this.statedSum?.amount, stated.amount),
            fee: add(this.statedSum?.fee, stated.fee),
            settled: add(this.statedSum?.settled, stated.settled),
            row: rowNo,
          };
    this.stated = stated;
    // A subtotal after it covers the rows after it.
    this.subtotalLedger.mark(this.runningSums(0));
    return true;
  }

  /** The figures a totals or subtotal row states in the money columns, in fen; undefined when it states none. */
  private statedFigures(
    cells: Cell[],
    rowNo: number,
  ): { amount?: number; fee?: number; settled?: number; row: number } | undefined {
    const stated: { amount?: number; fee?: number; settled?: number; row: number } = { row: rowNo };
    for (const [f, key] of [
      ['amount', 'amount'],
      ['fee', 'fee'],
      ['settled', 'settled'],
    ] as const) {
      const r = this.money(f, cells);
      if (r?.ok) stated[key] = r.value;
    }
    if (stated.amount === undefined) {
      // A bank statement's totals row sums its credit column.
      const credit = this.money('credit', cells);
      if (credit?.ok) stated.amount = credit.value;
    }
    if (stated.amount !== undefined || stated.fee !== undefined || stated.settled !== undefined)
      return stated;
    return undefined;
  }

  /**
   * Warns of a money, rate or time column whose name the header repeats (two 金额 that no group above tells apart):
   * the first was read, and nothing says it is the right one. The warning says how to choose: a --mapping that
   * gives the column by number (amount: 4), which then reads that column and is not warned of.
   */
  private warnRepeatedNames(): void {
    const keys = this.headerKeys;
    for (const [field, col] of this.cols) {
      if (field !== 'rate' && field !== 'time' && !(MONEY_FIELDS as readonly string[]).includes(field))
        continue;
      if (this.numbered.has(field)) continue;
      const key = keys[col.index];
      if (key === undefined || key === '' || keys.indexOf(key) === keys.lastIndexOf(key)) continue;
      const at: number[] = [];
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) at.push(i + 1);
      // The example picks another of the columns: the one read needs no mapping.
      const other = at.find((n) => n !== col.index + 1) ?? col.index + 1;
      this.warn(
        `header.repeated:${key}`,
        `表头有 ${at.length} 列都叫“${col.header}”（第 ${at.join('、')} 列），无法确定哪一列是${FIELD_ZH[field] ?? field}，已读取第 ${col.index + 1} 列；请核对，或导出时让各列名称不同（如合并表头“交易”“退款”下的“金额”），或在 --mapping 中用列号指定，如 ${field}: ${other}（列号从 1 数起）`,
        `the header has ${at.length} columns named "${col.header}" (columns ${at.join(', ')}); which one is the ${field} cannot be told, column ${col.index + 1} was read; check it, or export the columns under different names (such as the 金额 under merged 交易 and 退款 headers), or give the column by number in a --mapping, e.g. ${field}: ${other} (columns count from 1)`,
      );
    }
  }

  /** Notes the summary rows skipped and checks what their blocks state, added up, against the rows read. */
  private checkSummaryBlocks({ count, row, text }: { count: number; row: number; text: string }): void {
    const stated = this.summaryBlocks.some((block) =>
      block.some(
        (f) =>
          f.amount !== undefined || f.fee !== undefined || f.settled !== undefined || f.count !== undefined,
      ),
    );
    this.summary.warnings.push({
      code: 'rows.summary',
      file: this.options.file,
      message: `跳过表格下方 ${count} 行汇总（第 ${row} 行起，如“${text}”），未作为交易导入${stated ? '；其中的合计与明细核对' : ''}`,
      messageEn: `skipped ${count} summary ${count === 1 ? 'row' : 'rows'} below the table (from row ${row}, such as "${text}"); not imported as transactions${stated ? ', their totals checked against the rows' : ''}`,
    });
    const [only, ...others] = this.summaryBlocks;
    if (only === undefined) return;
    // One block: each of its rows is checked as written, so a 名称：值 line that disagrees with the figures shows.
    if (others.length === 0) {
      for (const figures of only) this.checkTotals(figures, figures.count);
      return;
    }
    // Exports pasted one after another, each with its block: the blocks (each its figures, 名称：值 lines filling
    // the gaps) add up to the whole file.
    const add = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? undefined : a + b;
    let sum: SummaryFigures | undefined;
    for (const block of this.summaryBlocks) {
      const pick = (f: 'amount' | 'fee' | 'settled' | 'count') => block.find((b) => b[f] !== undefined)?.[f];
      const figures = {
        amount: pick('amount'),
        fee: pick('fee'),
        settled: pick('settled'),
        count: pick('count'),
      };
      sum =
        sum === undefined
          ? { ...figures, row: block[0]?.row ?? 0 }
          : {
              amount: add(sum.amount, figures.amount),
              fee: add(sum.fee, figures.fee),
              settled: add(sum.settled, figures.settled),
              count: add(sum.count, figures.count),
              row: sum.row,
            };
    }
    if (sum !== undefined) this.checkTotals(sum, sum.count);
  }

  private checkTotals(
    stated: {
      amount?: number | undefined;
      fee?: number | undefined;
      settled?: number | undefined;
      row?: number;
    },
    count: number | undefined,
  ): void {
    const diffs = this.totalsDiffs(stated, count);
    // Several blocks, each with its totals row: their sum is the file's.
    if (diffs.length > 0 && stated === this.stated && this.statedSum !== this.stated) {
      const sum = this.statedSum;
      if (sum !== undefined && this.totalsDiffs(sum, count).length === 0) return;
    }
    if (diffs.length > 0) {
      const where = stated.row === undefined ? '的合计' : ` 第 ${stated.row} 行的合计`;
      const whereEn = stated.row === undefined ? 'the totals' : `the totals on row ${stated.row}`;
      this.summary.warnings.push({
        code: 'totals.mismatch',
        file: this.options.file,
        message: `${this.options.file}${where}与读到的明细不符：${diffs.map((d) => d.zh).join('；')}。可能有行被拒绝或文件不完整`,
        messageEn: `${this.options.file}: ${whereEn} do not match the rows read: ${diffs.map((d) => d.en).join('; ')}. Rows may have been rejected or the file may be incomplete`,
      });
    }
  }

  /**
   * How stated figures differ from the rows they cover (the whole file's by default, or a subtotal's): each
   * figure agrees with the rows' sum as the file writes them, as the records carry them, or with the sign flipped.
   */
  private totalsDiffs(
    stated: { amount?: number | undefined; fee?: number | undefined; settled?: number | undefined },
    count: number | undefined,
    sums: CoveredFigures = { raw: this.rawSums, view: this.summary.totals ?? { amountFen: 0 } },
    word: { zh: string; en: string } = TOTAL_WORDS,
  ): { zh: string; en: string }[] {
    const totals = sums.view;
    const written = sums.raw;
    const diffs: { zh: string; en: string }[] = [];
    const check = (field: MoneyField, value: number | undefined, raw: number, view: number | undefined) => {
      if (value === undefined) return;
      if (value === raw || value === view || Math.abs(value) === Math.abs(raw)) return;
      const header = this.summary.columns[field] ?? this.summary.columns.credit ?? field;
      diffs.push({
        zh: `“${header}”${word.zh} ${formatFen(value)}，明细加总 ${formatFen(raw)}`,
        en: `${field} ("${header}") ${word.en} ${formatFen(value)} ≠ ${formatFen(raw)} summed from the rows`,
      });
    };
    check('amount', stated.amount, written.amount, totals.amountFen);
    check('fee', stated.fee, written.fee, totals.feeFen);
    check('settled', stated.settled, written.settled, totals.settledFen);
    if (count !== undefined && count !== this.summary.rows)
      diffs.push({
        zh: `合计笔数 ${count}，读到 ${this.summary.rows} 笔`,
        en: `count ${count} ≠ ${this.summary.rows} rows read`,
      });
    return diffs;
  }
}

/** A key cell (merchant, terminal, reference…) as records carry it, or why it is refused. */
/** Why a key cell is refused; `lost` when Excel rewrote the number (the row can do without it). */
interface KeyProblem {
  zh: string;
  en: string;
  lost?: true;
}

function keyOfCell(raw: Cell): string | KeyProblem | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && Math.abs(raw) < 1e15) return String(raw);
    return eNotation(String(raw));
  }
  const t = clean(cellText(raw));
  if (isNone(t)) return undefined;
  if ((t.includes('E') || t.includes('e')) && E_NOTATION_KEY.test(t)) return eNotation(t);
  if (t.length > 128) return { zh: `“${t.slice(0, 20)}…”过长`, en: `"${t.slice(0, 20)}…" is too long` };
  return t;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function f0(v: number): number {
  return v === 0 ? 0 : v;
}

/** D/C marks: for money paid to the merchant C is +, D is −; for a fee charged to the merchant D is +, C is −. */
function dcSign(field: MoneyField, mark: string): number {
  const debit = mark.toUpperCase() === 'D';
  if (field === 'fee') return debit ? 1 : -1;
  return debit ? -1 : 1;
}

/**
 * The card number an E-notation text spells out in full (6.225881234567898E+15 → 6225881234567898), or undefined
 * when Excel cut digits off (6.22588E+15: the last digits are zeros it made up).
 */
function cardOfENotation(text: string): string | undefined {
  const m = /^(\d+)(?:\.(\d*))?e\+?(\d+)$/i.exec(text);
  if (m === null) return undefined;
  const whole = m[1] ?? '';
  const fraction = m[2] ?? '';
  const exponent = Number(m[3]);
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  const length = whole.replace(/^0+/, '').length + exponent;
  if (whole.replace(/^0+/, '') === '' || length < 13 || length > 19 || digits.length !== length)
    return undefined;
  return digits;
}

function eNotation(text: string): KeyProblem {
  return {
    lost: true,
    zh: `“${text}”是科学计数法，Excel 已改写了原编号，无法匹配；请把该列设为文本后重新导出`,
    en: `"${text}" is in E-notation: Excel altered the ID, so it cannot be matched; export the column as text`,
  };
}

/**
 * The unit the preset's alias names for a column whose header names none: an API's realAmount is in fen while the
 * portal's 实付金额 of the same file type is in yuan, so a preset writes the alias as 实付金额(元).
 */
function aliasUnitOf(
  preset: Preset,
  field: PresetField,
  headerKey: string,
): AmountUnit | RateUnit | undefined {
  const refs = preset.columns[field];
  for (const ref of Array.isArray(refs) ? refs : [refs]) {
    if (typeof ref !== 'string') continue;
    const alias = normaliseHeader(ref);
    if (alias.key === headerKey) return alias.unit;
  }
  return undefined;
}

/**
 * How resolveColumns takes a mapping's column numbers (`amount: 7`, 1-based): `skip` leaves them out (the header's
 * names alone, as a row is judged before it is known to be the header), `named` takes them when the row already
 * matches a name and names the numbered column itself (a header row, not a title line that happens to be long),
 * `all` takes any number within the header (the header adopted).
 */
export type ColumnNumbers = 'skip' | 'named' | 'all';

/**
 * Resolves which header index each field reads from: for each field the first alias (in the preset's order) that
 * appears in the header wins, a column number counting as an alias that appears (see ColumnNumbers); a column
 * may serve two fields (交易时间 as time and as the clock of a split date). `byNumber` collects the fields a
 * number picked, which a repeated name does not make ambiguous.
 */
export function resolveColumns(
  preset: Preset,
  headerKeys: readonly string[],
  numbers: ColumnNumbers = 'skip',
  byNumber?: Set<PresetField>,
): Map<PresetField, number> {
  const found = new Map<PresetField, number>();
  let named = false;
  const entries = Object.entries(preset.columns) as [PresetField, (string | number)[] | string | number][];
  for (const pass of numbers === 'named' ? (['skip', 'named'] as const) : [numbers]) {
    // The second pass of `named` only when the first matched a name: numbers alone make no header.
    if (pass === 'named' && !named) break;
    found.clear();
    for (const [field, refs] of entries) {
      const list = Array.isArray(refs) ? refs : [refs];
      for (const ref of list) {
        if (typeof ref === 'number') {
          const index = ref - 1;
          const key = headerKeys[index];
          if (pass === 'skip' || key === undefined) continue;
          if (pass === 'named' && !HEADER_WORD.test(key)) continue;
          found.set(field, index);
          if (pass === 'all') byNumber?.add(field);
          break;
        }
        const index = headerKeys.indexOf(normaliseHeader(ref).key);
        if (index >= 0) {
          found.set(field, index);
          named = true;
          break;
        }
      }
    }
  }
  return found;
}
