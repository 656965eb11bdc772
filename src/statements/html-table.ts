import { Parser } from 'htmlparser2';
import type { MarkupKind } from './markup-decoder.js';

/** One row of a table as the scanner hands it out. */
export interface MarkupRow {
  /** The table's number in the document (1-based, in the order tables open). */
  table: number;
  /** The row's number among all rows of the document (1-based), as a spreadsheet showing the page would count. */
  row: number;
  cells: string[];
  /** The worksheet's name, in an XML Spreadsheet. */
  sheet: string | undefined;
}

interface OpenTable {
  index: number;
  name: string | undefined;
  /** Cells still owed to later rows by a rowspan, by column. */
  spans: Map<number, { text: string; rows: number }>;
  row: string[] | undefined;
  /** Cells the current row's markup opened (a title row is one cell spanning the table). */
  opened: number;
  cell: { text: string; colspan: number; rowspan: number } | undefined;
}

/**
 * Elements whose text is never a cell's: scripts, styles, the page title. Not <head>: pages that never close it
 * are common, and a parser that waits for its end would hide the whole table.
 */
const HIDDEN = new Set(['script', 'style', 'title', 'noscript', 'template']);
/** Elements that break a line inside a cell; their text is kept apart from the next by a space. */
const BREAKS = new Set(['br', 'p', 'div', 'li', 'tr', 'ss:data', 'data']);
/** Cells larger than this are cut (a runaway unclosed cell must not hold the whole file). */
const MAX_CELL = 64 * 1024;
/** A colspan or Excel's ss:Index beyond this is not a table layout but garbage. */
const MAX_SPAN = 1000;

function spanOf(value: string | undefined, base: number): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n >= base && n <= MAX_SPAN ? n : base;
}

/** Collapses a cell's markup whitespace and non-breaking spaces the way a browser shows it. */
function cellText(raw: string): string {
  return raw.replace(/\s+/g, ' ').trim();
}

const E_NOTATION = /^[0-9.]+e\+?\d+$/i;

/**
 * Turns markup into table rows as it streams: every `<tr>` (or XML Spreadsheet `<Row>`) of the innermost open
 * table becomes one row of cell texts, entities decoded, `<br>` and block breaks as spaces, colspan as empty
 * cells after the text and rowspan as the text repeated down (a merged 日期 applies to every row it spans).
 */
export class MarkupTableScanner {
  private readonly parser: Parser;
  private readonly tables: OpenTable[] = [];
  private hidden = 0;
  private tableCount = 0;
  private rowCount = 0;
  private sheetName: string | undefined;

  constructor(
    kind: MarkupKind,
    private readonly onRow: (row: MarkupRow) => void,
    private readonly onTableEnd: (table: number, name: string | undefined) => void = () => {},
  ) {
    const xml = kind === 'spreadsheetml';
    this.parser = new Parser(
      {
        onopentag: (name, attribs) => this.open(name.toLowerCase(), attribs),
        onclosetag: (name) => this.close(name.toLowerCase()),
        ontext: (text) => this.text(text),
      },
      xml
        ? { xmlMode: true, decodeEntities: true }
        : {
            decodeEntities: true,
            lowerCaseTags: true,
            lowerCaseAttributeNames: true,
            recognizeSelfClosing: true,
          },
    );
  }

  write(text: string): void {
    this.parser.write(text);
  }

  end(): void {
    this.parser.end();
    while (this.tables.length > 0) this.endTable();
  }

  private get top(): OpenTable | undefined {
    return this.tables[this.tables.length - 1];
  }

  private open(name: string, attribs: Record<string, string>): void {
    if (HIDDEN.has(name)) {
      this.hidden++;
      return;
    }
    if (this.hidden > 0) return;
    const local = name.startsWith('ss:') ? name.slice(3) : name;
    if (local === 'worksheet') {
      this.sheetName = attribs['ss:Name'] ?? attribs['ss:name'] ?? attribs.name;
      return;
    }
    if (local === 'table') {
      this.tableCount++;
      this.tables.push({
        index: this.tableCount,
        name: this.sheetName,
        spans: new Map(),
        row: undefined,
        opened: 0,
        cell: undefined,
      });
      return;
    }
    if (local === 'tr' || local === 'row') {
      if (this.top === undefined) this.open('table', {});
      const t = this.top as OpenTable;
      if (t.row !== undefined) this.endRow(t);
      // XML Spreadsheet leaves empty rows out and numbers the next one instead.
      const at = spanOf(attribs['ss:index'] ?? attribs['ss:Index'], 0);
      if (at > this.rowCount + 1 && at - this.rowCount <= MAX_SPAN) this.rowCount = at - 1;
      t.row = [];
      t.opened = 0;
      this.fillSpans(t);
      return;
    }
    if (local === 'td' || local === 'th' || local === 'cell') {
      const t = this.top;
      if (t === undefined) return;
      if (t.row === undefined) this.open('tr', {});
      if (t.cell !== undefined) this.endCell(t);
      const row = t.row as string[];
      t.opened++;
      // XML Spreadsheet skips empty cells and gives the next one's column (1-based) instead.
      const at = spanOf(attribs['ss:index'] ?? attribs['ss:Index'], 0);
      while (at > 0 && row.length < at - 1) {
        row.push('');
        this.fillSpans(t);
      }
      const across = spanOf(attribs['ss:mergeacross'] ?? attribs['ss:MergeAcross'], 0);
      const down = spanOf(attribs['ss:mergedown'] ?? attribs['ss:MergeDown'], 0);
      let text = '';
      // Excel's pages keep a number's full value in x:num when the cell shows it rounded (1.23457E+11).
      const num = attribs['x:num'];
      if (num !== undefined && num !== '') text = `\u0000${num}\u0000`;
      t.cell = {
        text,
        colspan: across > 0 ? across + 1 : spanOf(attribs.colspan, 1),
        rowspan: down > 0 ? down + 1 : spanOf(attribs.rowspan, 1),
      };
      return;
    }
    if (BREAKS.has(name)) this.text(' ');
  }

  private close(name: string): void {
    if (HIDDEN.has(name)) {
      if (this.hidden > 0) this.hidden--;
      return;
    }
    if (this.hidden > 0) return;
    const local = name.startsWith('ss:') ? name.slice(3) : name;
    const t = this.top;
    if (local === 'worksheet') {
      this.sheetName = undefined;
      return;
    }
    if (t === undefined) return;
    if (local === 'table') this.endTable();
    else if (local === 'tr' || local === 'row') {
      if (t.row !== undefined) this.endRow(t);
    } else if (local === 'td' || local === 'th' || local === 'cell') {
      if (t.cell !== undefined) this.endCell(t);
    } else if (BREAKS.has(name)) this.text(' ');
  }

  private text(data: string): void {
    if (this.hidden > 0) return;
    const cell = this.top?.cell;
    if (cell === undefined || cell.text.length > MAX_CELL) return;
    cell.text += data;
  }

  /** Fills the columns a rowspan from above still covers, at the row's current end. */
  private fillSpans(t: OpenTable): void {
    const row = t.row as string[];
    for (;;) {
      const span = t.spans.get(row.length);
      if (span === undefined) return;
      row.push(span.text);
      if (--span.rows <= 0) t.spans.delete(row.length - 1);
    }
  }

  private endCell(t: OpenTable): void {
    const cell = t.cell;
    const row = t.row;
    t.cell = undefined;
    if (cell === undefined || row === undefined) return;
    let text: string;
    if (cell.text.startsWith('\u0000')) {
      const end = cell.text.indexOf('\u0000', 1);
      const num = end < 0 ? cell.text.slice(1) : cell.text.slice(1, end);
      const shown = cellText(end < 0 ? '' : cell.text.slice(end + 1));
      // x:num sits in the attribute; the shown text follows the marker. Use the stored digits only where the
      // shown text lost them.
      text = E_NOTATION.test(shown) && /^-?\d+$/.test(num) ? num : shown;
    } else text = cellText(cell.text);
    const col = row.length;
    row.push(text);
    for (let k = 1; k < cell.colspan; k++) row.push('');
    if (cell.rowspan > 1)
      for (let k = 0; k < cell.colspan; k++)
        t.spans.set(col + k, { text: k === 0 ? text : '', rows: cell.rowspan - 1 });
    this.fillSpans(t);
  }

  private endRow(t: OpenTable): void {
    if (t.cell !== undefined) this.endCell(t);
    const row = t.row as string[];
    t.row = undefined;
    // Rowspans reaching past this row's last cell.
    let last = -1;
    for (const col of t.spans.keys()) last = Math.max(last, col);
    while (row.length <= last) {
      const span = t.spans.get(row.length);
      if (span === undefined) row.push('');
      else {
        row.push(span.text);
        if (--span.rows <= 0) t.spans.delete(row.length - 1);
      }
    }
    this.rowCount++;
    // One cell spanning the table (a title, 制表人…) is one cell, as the same line of a CSV would be.
    const only =
      row.length > 1 && t.opened === 1 && row.slice(1).every((c) => c === '') ? [row[0] as string] : row;
    this.onRow({ table: t.index, row: this.rowCount, cells: only, sheet: t.name });
  }

  private endTable(): void {
    const t = this.tables.pop();
    if (t === undefined) return;
    if (t.row !== undefined) this.endRow(t);
    this.onTableEnd(t.index, t.name);
  }
}
