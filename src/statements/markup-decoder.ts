import { createDecoder, detectEncoding, isUtf8, type StreamDecoder, type TextEncoding } from './decode.js';

/** Markup that portals save under a .xls name: an HTML table, or Excel's XML Spreadsheet 2003. */
export type MarkupKind = 'html' | 'spreadsheetml';

/** The first bytes as text for sniffing: UTF-16 decoded, anything else read byte for byte (ASCII is all we look at). */
function sniffText(head: Uint8Array): string {
  const sample = head.subarray(0, 8192);
  const enc = detectEncoding(sample);
  if (enc === 'utf-16le' || enc === 'utf-16be') return new TextDecoder(enc).decode(sample);
  return Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength).toString('latin1');
}

/**
 * Whether a file's first bytes are markup: an HTML page or table (the "xls" of many bank and provider portals),
 * or an XML Spreadsheet 2003 workbook.
 */
export function markupKind(head: Uint8Array): MarkupKind | undefined {
  const text = sniffText(head)
    .replace(/^(?:\ufeff|ï»¿)/, '')
    .trimStart();
  if (!text.startsWith('<')) return undefined;
  if (/urn:schemas-microsoft-com:office:spreadsheet/i.test(text) && /<(?:ss:)?Workbook[\s>]/.test(text))
    return 'spreadsheetml';
  // A page may open with tens of kilobytes of styles before its first table: the opening tag is enough.
  if (/^<(?:!doctype\s+html|html|head|meta|body|table|style|title)[\s>]/i.test(text)) return 'html';
  // An XML declaration or comment first: HTML only if a table follows soon.
  if (/^<(?:\?xml|!--)/.test(text) && /<(?:html|table|tr)[\s>]/i.test(text)) return 'html';
  return undefined;
}

const GB_CHARSET = /^(?:gb2312|gbk|gb18030|x-gbk|cp936|windows-936|euc-cn|hz-gb-2312)$/i;

/** The charset a page declares in a `<meta>` or XML declaration, lower-cased, if any. */
export function declaredCharset(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 65536)).toString('latin1');
  const m =
    /<meta[^>]*?charset\s*=\s*["']?\s*([\w-]+)/i.exec(text) ??
    /<\?xml[^>]*?encoding\s*=\s*["']([\w-]+)/i.exec(text);
  return m?.[1]?.toLowerCase();
}

/**
 * Non-ASCII bytes needed before UTF-8 validity outweighs a page's declared GBK charset: two Chinese characters.
 * GBK text is valid UTF-8 only by rare accident, and less so the longer it is (联通 famously is not).
 */
const UTF8_EVIDENCE = 6;
/** Bytes from the first non-ASCII one looked at before choosing between UTF-8 and GBK. */
const DECIDE_BYTES = 64 * 1024;

/**
 * A decoder for a page whose encoding is settled by its bytes rather than its `<meta>`: portals copy templates
 * that declare gb2312 over UTF-8 text and the reverse, and Excel's pages carry tens of kilobytes of ASCII styles
 * before the first Chinese character. ASCII reads the same in both, so text passes through until the first
 * non-ASCII byte, and the encoding is chosen from the bytes that follow: valid UTF-8 is UTF-8, else GBK; the
 * declared charset decides only when there is little to go on.
 */
class MarkupDecoder implements StreamDecoder {
  private inner: StreamDecoder | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  chosen: TextEncoding | undefined;

  constructor(private readonly declared: string | undefined) {}

  write(bytes: Uint8Array): string {
    if (this.inner !== undefined) return this.inner.write(bytes);
    if (this.pendingBytes === 0) {
      let i = 0;
      while (i < bytes.length && (bytes[i] as number) < 0x80) i++;
      const ascii = Buffer.from(bytes.buffer, bytes.byteOffset, i).toString('latin1');
      if (i === bytes.length) return ascii;
      this.pending.push(Buffer.from(bytes.subarray(i)));
      this.pendingBytes = bytes.length - i;
      return ascii + this.maybeDecide(false);
    }
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
    return this.maybeDecide(false);
  }

  end(): string {
    if (this.inner === undefined) {
      if (this.pendingBytes === 0) return '';
      return this.maybeDecide(true) + (this.inner as StreamDecoder | undefined)?.end();
    }
    return this.inner.end();
  }

  private maybeDecide(final: boolean): string {
    if (!final && this.pendingBytes < DECIDE_BYTES) return '';
    const sample = Buffer.concat(this.pending);
    let high = 0;
    for (const b of sample) if (b >= 0x80) high++;
    const gbDeclared = this.declared !== undefined && GB_CHARSET.test(this.declared);
    const utf8 = isUtf8(sample) && !(gbDeclared && high < UTF8_EVIDENCE);
    this.chosen = utf8 ? 'utf-8' : 'gbk';
    this.inner = createDecoder(this.chosen);
    this.pending = [];
    this.pendingBytes = 0;
    return this.inner.write(sample);
  }
}

/** The decoder for a markup file, and the encoding it reports (settled once the first non-ASCII byte is read). */
export function markupDecoder(head: Uint8Array): { decoder: StreamDecoder; encoding: () => TextEncoding } {
  const bom = detectEncoding(head.subarray(0, 4096));
  if (
    bom === 'utf-16le' ||
    bom === 'utf-16be' ||
    (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
  ) {
    return { decoder: createDecoder(bom), encoding: () => bom };
  }
  const declared = declaredCharset(head);
  const decoder = new MarkupDecoder(declared);
  const fallback: TextEncoding = declared !== undefined && GB_CHARSET.test(declared) ? 'gbk' : 'utf-8';
  return { decoder, encoding: () => decoder.chosen ?? fallback };
}
