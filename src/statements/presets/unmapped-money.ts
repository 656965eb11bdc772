import { type AmountUnit, fenFromSpreadsheetNumber, formatFen } from '../../money/index.js';
import { cleanCell, fastAmount } from '../fast-parse.js';
import { normaliseHeader } from '../header-match.js';

/**
 * A statement may carry money in a column no field reads (优惠金额, 服务费, 流量费, 其他扣款): money taken there is
 * missed by every check. This watches the unused columns whose header names money for amounts that are not zero,
 * so the import can name the column it did not read.
 *
 * To keep false warnings rare a column is left alone when its header names something else than an amount (an
 * order or refund number, a bank, a time, a rate, a count), a balance (余额, informational), or an alias of any
 * field of the preset (订单金额 beside 交易金额: another name for a field already read); when a cell of it is not
 * an amount; and on a line where it only repeats the amount, the fee or the settled amount read.
 */

/** Words in which 费 is not a charge: the sale (消费), a customer's bill payment (缴费), a rate (费率), free (免费). */
const NOT_A_CHARGE = /消费|缴费|交费|付费|费率|免费/g;
/**
 * A header that names money: a fee, an amount, a deduction, a payment (款), a deposit (押金, taken on the first
 * swipe: DOMAIN.md §1.4), or an amount in English.
 */
const MONEY_WORDS = /费|金额|扣款|款|押金|保证金|^(?:fee|amount|charge|deduction)s?$/;
/**
 * Headers that name no amount however they mention one (退款单号, 付款银行, 扣款时间, 手续费率, 交易笔数), and
 * balances (余额, 账户余额), which are informational: they say what is left, not what was taken.
 */
const NOT_AN_AMOUNT =
  /号|编码|代码|流水|时间|日期|状态|类型|方式|方向|标志|标识|名称|银行$|卡种|卡别|备注|说明|原因|摘要|币种|率|笔数|次数|余额/;

/** Whether a normalised header key (header-match.ts) names an amount of money. */
export function namesMoney(key: string, unit: string | undefined): boolean {
  if (NOT_AN_AMOUNT.test(key.replace(NOT_A_CHARGE, ''))) return false;
  // A unit in the header (（元）, (分)) is money whatever it is called: 商家优惠（元）.
  if (unit === 'yuan' || unit === 'fen') return true;
  return MONEY_WORDS.test(key.replace(NOT_A_CHARGE, ''));
}

interface Candidate {
  readonly index: number;
  readonly header: string;
  readonly unit: AmountUnit;
  /** Lines with a non-zero amount of its own; -1 once a cell shows the column holds no amounts. */
  lines: number;
  totalFen: number;
  firstRow: number;
}

/** An unread money column that held amounts other than zero. */
export interface UnreadMoneyColumn {
  readonly header: string;
  readonly lines: number;
  readonly totalFen: number;
  readonly firstRow: number;
}

/** The amount, fee and settled amount a line was read with (fen, as in the file), to tell a copy of them. */
export interface ReadMoney {
  readonly amount: number;
  readonly fee: number;
  readonly settled: number;
}

/** Watches the unused money columns of a statement for amounts other than zero. */
export class UnmappedMoneyWatch {
  private candidates: Candidate[] = [];

  /**
   * `header` is the header row; `used` the indexes the reader maps to a field or reads otherwise; `known` the
   * normalised keys of headers that are no column to warn about (every alias of the preset, the columns its
   * override reads); `unit` the unit of the file's amounts, for headers that name none.
   */
  constructor(
    header: readonly string[],
    used: ReadonlySet<number>,
    known: ReadonlySet<string>,
    unit: AmountUnit,
  ) {
    header.forEach((text, index) => {
      if (used.has(index)) return;
      const { key, unit: named } = normaliseHeader(text);
      if (key === '' || known.has(key) || !namesMoney(key, named)) return;
      const shown = text.replace(/^[\s\u00a0\ufeff`'"=]+|[\s\u00a0"]+$/g, '');
      this.candidates.push({
        index,
        header: shown,
        unit: named === 'fen' || named === 'yuan' ? named : unit,
        lines: 0,
        totalFen: 0,
        firstRow: 0,
      });
    });
  }

  /** Whether any column is still watched (the reader stops calling `row` when none is). */
  get active(): boolean {
    return this.candidates.length > 0;
  }

  /** Looks at one line the import kept, its cells by column index and the money it was read with. */
  row(cellAt: (index: number) => unknown, read: ReadMoney, rowNo: number): void {
    let dropped = false;
    for (const c of this.candidates) {
      const fen = amountOf(cellAt(c.index), c.unit);
      if (fen === undefined || fen === 0) continue;
      if (fen === null) {
        c.lines = -1;
        dropped = true;
        continue;
      }
      const abs = Math.abs(fen);
      if (abs === Math.abs(read.amount) || abs === Math.abs(read.fee) || abs === Math.abs(read.settled))
        continue;
      if (c.lines === 0) c.firstRow = rowNo;
      c.lines += 1;
      c.totalFen += abs;
    }
    if (dropped) this.candidates = this.candidates.filter((c) => c.lines >= 0);
  }

  /** The columns that held amounts other than zero on some line. */
  found(): UnreadMoneyColumn[] {
    return this.candidates
      .filter((c) => c.lines > 0)
      .map(({ header, lines, totalFen, firstRow }) => ({ header, lines, totalFen, firstRow }));
  }
}

/** A cell's amount in fen: undefined when empty or a none marker, null when it is no amount. */
function amountOf(cell: unknown, unit: AmountUnit): number | undefined | null {
  if (cell === undefined || cell === null || cell === '') return undefined;
  if (typeof cell === 'number') {
    const r = fenFromSpreadsheetNumber(cell, unit);
    return r.ok ? r.value : null;
  }
  if (typeof cell !== 'string') return null;
  const text = cleanCell(cell);
  if (text === '' || /^(?:[*\-—/]+|无|n\/?a|null|none)$/i.test(text)) return undefined;
  // A long run of digits without a decimal point is a number of something (an order), not an amount.
  if (/^\d{13,}$/.test(text)) return null;
  const r = fastAmount(text, unit);
  return r.ok ? r.value : null;
}

/** The warning for a money column the import did not read, in both languages. */
export function unmappedMoneyWarning(file: string, c: UnreadMoneyColumn): { zh: string; en: string } {
  const lines = c.lines === 1 ? 'line holds' : 'lines hold';
  return {
    zh: `${file} 中的“${c.header}”列未被读取，但有 ${c.lines} 行金额不为 0（合计 ${formatFen(c.totalFen)}，首见第 ${c.firstRow} 行）：若这是从结算款中扣除的钱（优惠、服务费、流量费、其他扣款等），核对会漏掉它。请用 --mapping 映射该列，或向服务商确认其含义`,
    en: `${file}: column "${c.header}" was not read, yet ${c.lines} ${lines} a non-zero amount in it (${formatFen(c.totalFen)} in all, first on row ${c.firstRow}): if it is money taken from the payout (a discount, service fee, SIM fee or other deduction), the audit misses it. Map the column with --mapping, or ask the provider what it means`,
  };
}
