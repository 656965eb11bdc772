import iconv from 'iconv-lite';

/** Encodings a statement may come in; `gbk` files are decoded as GB18030, its superset. */
export type TextEncoding = 'utf-8' | 'gbk' | 'gb18030' | 'utf-16le' | 'utf-16be';

/**
 * Detects a text file's encoding from its first bytes: a BOM, the NUL pattern of UTF-16 without a BOM, valid
 * UTF-8, else GBK (what Chinese Excel and most provider portals write).
 */
export function detectEncoding(sample: Uint8Array): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  const n = Math.min(sample.length, 4096);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    }
  }
  if (n >= 4 && oddNul > n / 8 && oddNul > evenNul * 4) return 'utf-16le';
  if (n >= 4 && evenNul > n / 8 && evenNul > oddNul * 4) return 'utf-16be';
  return isUtf8(sample) ? 'utf-8' : 'gbk';
}

/** True when the bytes are valid UTF-8, allowing a multi-byte sequence cut off at the end of the sample. */
function isUtf8(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return false;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return true;
      const c = bytes[i + k] ?? 0;
      if ((c & 0xc0) !== 0x80) return false;
    }
    i += need + 1;
  }
  return true;
}

/** A stateful decoder: bytes in, text out, a character split across chunks kept for the next write. */
export interface StreamDecoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

/** Creates a streaming decoder for an encoding; a UTF-8 or UTF-16 BOM is dropped. */
export function createDecoder(encoding: TextEncoding): StreamDecoder {
  if (encoding === 'gbk' || encoding === 'gb18030') {
    const d = iconv.getDecoder('gb18030');
    return {
      write: (b) => d.write(Buffer.from(b.buffer, b.byteOffset, b.byteLength)),
      end: () => d.end() ?? '',
    };
  }
  const d = new TextDecoder(encoding, { ignoreBOM: false });
  return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
}
