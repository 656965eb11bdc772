/** No statement row is this long; a longer one is a binary file or an unclosed quote, and memory must stay bounded. */
export const MAX_ROW_CHARS = 16 * 1024 * 1024;

/** Thrown when one row grows past MAX_ROW_CHARS. */
export class RowTooLongError extends Error {
  constructor() {
    super('a row is longer than 16 MiB');
    this.name = 'RowTooLongError';
  }
}

/**
 * A streaming RFC 4180 scanner over decoded text: quoted fields, doubled quotes, CRLF/LF/CR, any one-character
 * delimiter. Text arrives in chunks; a row cut by a chunk boundary is carried to the next push. Written by hand
 * because general CSV libraries measured 5–10× slower on million-row statements.
 */
export class CsvScanner {
  private carry = '';
  private readonly delim: number;

  constructor(
    delimiter: string,
    /** Called per row with its cells; row numbers count every line as a spreadsheet shows it. */
    private readonly onRow: (cells: string[]) => void,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  /** The file ended inside a quoted field: its last row is cut short (truncated-export.ts). */
  unclosedQuote = false;

  /** Old Mac files end lines with a lone CR; they take the general path. */
  private loneCr = false;
  private sawLineEnd = false;

  /** Feeds the next chunk of text. */
  push(chunk: string): void {
    if (!this.sawLineEnd) {
      const cr = chunk.indexOf('\r');
      const lf = chunk.indexOf('\n');
      if (cr >= 0 || lf >= 0) {
        this.sawLineEnd = true;
        this.loneCr = cr >= 0 && (lf < 0 || lf !== cr + 1) && (lf < 0 || cr < lf);
      }
    }
    const text = this.carry === '' ? chunk : this.carry + chunk;
    this.carry = '';
    const consumed = this.scan(text, false);
    if (consumed < text.length) this.carry = text.slice(consumed);
    if (this.carry.length > MAX_ROW_CHARS) throw new RowTooLongError();
  }

  /** Flushes the last row (a file need not end with a newline). */
  end(): void {
    if (this.carry !== '') {
      const text = this.carry;
      this.carry = '';
      this.scan(text, true);
    }
  }

  /** Scans complete rows from text; returns the index after the last complete row. */
  private scan(text: string, final: boolean): number {
    const n = text.length;
    const delim = this.delim;
    const delimChar = String.fromCharCode(delim);
    let nextQuote = this.loneCr ? 0 : text.indexOf('"');
    if (nextQuote < 0) nextQuote = n;
    let i = 0;
    while (i < n) {
      const rowStart = i;
      // Fast path: a row with no quote ends at the next LF; split it with indexOf.
      if (!this.loneCr) {
        if (nextQuote < i) {
          nextQuote = text.indexOf('"', i);
          if (nextQuote < 0) nextQuote = n;
        }
        const lf = text.indexOf('\n', i);
        if (lf >= 0 && lf < nextQuote) {
          const end = lf > i && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
          const cells: string[] = [];
          let start = i;
          for (;;) {
            const d = text.indexOf(delimChar, start);
            if (d < 0 || d >= end) {
              cells.push(text.slice(start, end));
              break;
            }
            cells.push(text.slice(start, d));
            start = d + 1;
          }
          i = lf + 1;
          this.onRow(cells);
          continue;
        }
      }
      const cells: string[] = [];
      let complete = false;
      for (;;) {
        if (i < n && text.charCodeAt(i) === 34) {
          // Quoted field: find the closing quote, unescaping doubled quotes.
          let value = '';
          let j = i + 1;
          let closed = false;
          for (;;) {
            const q = text.indexOf('"', j);
            if (q < 0) break;
            if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
              value += text.slice(j, q + 1);
              j = q + 2;
              continue;
            }
            if (q + 1 >= n && !final) break;
            value += text.slice(j, q);
            j = q + 1;
            closed = true;
            break;
          }
          if (!closed) {
            if (!final) return rowStart;
            // An unterminated quote at the end of the file: keep what is there as the field.
            this.unclosedQuote = true;
            cells.push(value + text.slice(j));
            i = n;
            complete = true;
            break;
          }
          // Anything between the closing quote and the delimiter belongs to the field (lenient).
          let k = j;
          while (k < n) {
            const c = text.charCodeAt(k);
            if (c === delim || c === 10 || c === 13) break;
            k++;
          }
          if (k > j) value += text.slice(j, k);
          cells.push(value);
          i = k;
        } else {
          let k = i;
          while (k < n) {
            const c = text.charCodeAt(k);
            if (c === delim || c === 10 || c === 13) break;
            k++;
          }
          cells.push(text.slice(i, k));
          i = k;
        }
        if (i >= n) {
          if (!final) return rowStart;
          complete = true;
          break;
        }
        const c = text.charCodeAt(i);
        if (c === delim) {
          i++;
          continue;
        }
        // Row end: LF, CRLF or a lone CR. A CR at the chunk's end may be half of a CRLF.
        if (c === 13) {
          if (i + 1 >= n && !final) return rowStart;
          i += i + 1 < n && text.charCodeAt(i + 1) === 10 ? 2 : 1;
        } else i++;
        complete = true;
        break;
      }
      if (complete) this.onRow(cells);
    }
    return n;
  }
}

const CANDIDATES = [',', '\t', '|', ';'] as const;

/**
 * Picks the delimiter of a table from its first lines: the candidate that splits the most lines into the same
 * number (>0) of extra cells, quoted sections ignored.
 */
export function detectDelimiter(sample: string): string {
  const lines = sample
    .split(/\r\n|\n|\r/)
    .slice(0, 60)
    .map((l) => l.replace(/"[^"]*"/g, '""'))
    .filter((l) => l.trim() !== '');
  let best: string = ',';
  let bestScore = -1;
  for (const d of CANDIDATES) {
    const counts = new Map<number, number>();
    for (const line of lines) {
      const n = line.split(d).length - 1;
      if (n > 0) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let score = 0;
    for (const [n, lineCount] of counts) score = Math.max(score, lineCount * 1000 + n);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}
