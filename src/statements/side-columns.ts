/**
 * A bank export with one amount column says whether each line is money in or out in a column of its own (收/支,
 * 借/贷). When no alias names that column, every line would be read as a credit: a debit (支 30.00 流量卡续费)
 * then fills up a short payout. This watches the columns no field uses for values that are only such words, so the
 * import can say which column it did not understand.
 */

/** The words a side column is written in, and the side each means. */
const SIDE_WORDS: ReadonlyMap<string, 'in' | 'out'> = new Map([
  ['收', 'in'],
  ['收入', 'in'],
  ['进账', 'in'],
  ['入账', 'in'],
  ['贷', 'in'],
  ['贷方', 'in'],
  ['转入', 'in'],
  ['存入', 'in'],
  ['支', 'out'],
  ['支出', 'out'],
  ['出账', 'out'],
  ['借', 'out'],
  ['借方', 'out'],
  ['转出', 'out'],
  ['支取', 'out'],
]);

interface Candidate {
  readonly index: number;
  readonly header: string;
  /** Lines whose value means money out. */
  out: number;
  /** The first such value, as written. */
  example: string;
}

/** An unused column whose every value is a side word, with at least one line of money out. */
export interface UnreadSideColumn {
  readonly header: string;
  readonly out: number;
  readonly example: string;
}

/** Watches the unused columns of a single-amount bank table for values that are only side words. */
export class SideColumnWatch {
  private candidates: Candidate[];

  /** `header` is the header row; `used` the indexes the reader maps to a field. */
  constructor(header: readonly string[], used: ReadonlySet<number>) {
    this.candidates = [];
    header.forEach((text, index) => {
      const name = text.trim();
      if (name !== '' && !used.has(index)) this.candidates.push({ index, header: name, out: 0, example: '' });
    });
  }

  /** Whether any column is still watched (the reader stops calling `row` when none is). */
  get active(): boolean {
    return this.candidates.length > 0;
  }

  /** Looks at one data row's texts, by column index; a column with any other value stops being watched. */
  row(textAt: (index: number) => string): void {
    let dropped = false;
    for (const c of this.candidates) {
      const t = textAt(c.index).replace(/\s+/g, '');
      if (t === '') continue;
      const side = SIDE_WORDS.get(t);
      if (side === undefined) {
        c.out = -1;
        dropped = true;
      } else if (side === 'out') {
        c.out++;
        if (c.example === '') c.example = t;
      }
    }
    if (dropped) this.candidates = this.candidates.filter((c) => c.out >= 0);
  }

  /** The columns that held only side words and said money out on some line. */
  found(): UnreadSideColumn[] {
    return this.candidates
      .filter((c) => c.out > 0)
      .map(({ header, out, example }) => ({ header, out, example }));
  }
}

/** The warning for a side column the import did not understand, in both languages. */
export function sideColumnWarning(c: UnreadSideColumn): { zh: string; en: string } {
  return {
    zh: `“${c.header}”列写的是收支方向（收/支、借/贷），但未被识别为收支方向列：其中 ${c.out} 笔“${c.example}”（支出）被当作入账导入，到账核对可能不准。请用 --mapping 把该列映射为 direction（columns: { direction: "${c.header}" }）`,
    en: `column "${c.header}" gives each line's side (收/支, 借/贷) but was not recognised as a direction column: ${c.out} outgoing ${c.out === 1 ? 'line' : 'lines'} ("${c.example}") ${c.out === 1 ? 'was' : 'were'} imported as credits, so the payout check may be wrong. Map the column to direction with --mapping (columns: { direction: "${c.header}" })`,
  };
}
