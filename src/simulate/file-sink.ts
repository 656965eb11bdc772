import { closeSync, openSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';

export type SinkEncoding = 'utf-8' | 'utf-8-bom' | 'gbk';

/**
 * Appends text to a file through a small buffer with synchronous writes: rows stream to disk, so a
 * 10-million-row file needs no more memory than one buffer.
 */
export class FileSink {
  private readonly fd: number;
  private buffer = '';
  private closed = false;
  rows = 0;

  constructor(
    readonly path: string,
    private readonly encoding: SinkEncoding,
    private readonly newline = '\r\n',
  ) {
    this.fd = openSync(path, 'w');
    if (encoding === 'utf-8-bom') writeSync(this.fd, Buffer.from([0xef, 0xbb, 0xbf]));
  }

  /** Writes one line (the newline is added). */
  line(text: string): void {
    this.buffer += text + this.newline;
    if (this.buffer.length > 1 << 16) this.flush();
  }

  /** Writes one data row and counts it. */
  row(text: string): void {
    this.rows += 1;
    this.line(text);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const bytes =
      this.encoding === 'gbk' ? iconv.encode(this.buffer, 'gbk') : Buffer.from(this.buffer, 'utf8');
    writeSync(this.fd, bytes);
    this.buffer = '';
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}

/** A CSV cell, quoted only when it must be. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Plain yuan text with two decimals for fen: 123456 → "1234.56", -50 → "-0.50". */
export function yuanText(fen: number): string {
  const negative = fen < 0;
  const magnitude = negative ? -fen : fen;
  const whole = Math.floor(magnitude / 100);
  const cents = magnitude - whole * 100;
  return `${negative ? '-' : ''}${whole}.${String(cents).padStart(2, '0')}`;
}
