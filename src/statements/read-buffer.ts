import { open } from 'node:fs/promises';

// Reading a file into a fresh megabyte maps and page-faults that memory anew, file after file: over the hundred
// files of an agent's month that was a tenth of an audit's time. Buffers are lent out and taken back instead, one
// per file being read at the same moment.

/** Spare buffers by size. */
const spare = new Map<number, Buffer[]>();
/** Buffers of one size kept for reuse at most; more only while that many files are read at once. */
const MAX_SPARE = 4;

/** Lends a buffer of exactly `size` bytes (its contents are whatever was read last). */
export function borrowReadBuffer(size: number): Buffer {
  return spare.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

/** Takes a buffer back; the borrower must hold no view of it any more. */
export function returnReadBuffer(buf: Buffer): void {
  let list = spare.get(buf.length);
  if (list === undefined) {
    list = [];
    spare.set(buf.length, list);
  }
  if (list.length < MAX_SPARE && !list.includes(buf)) list.push(buf);
}

/** The first `n` bytes of a file (fewer when it is shorter): what encoding, delimiter and preset are told from. */
export async function readFileHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
