import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { decodedText, maskFullCardNumbers } from '../explain/evidence-pack.js';
import type { PosRecord } from '../records/index.js';

/** The biggest upload kept: the file is held in memory and stored as base64 text. */
export const MAX_KEPT_BYTES = 20 * 1024 * 1024;

/** What became of the uploaded file when the merchant keeps uploads (part of the POST …/statements answer). */
export interface KeptUploadOutcome {
  kept: boolean;
  /** True when full card numbers were masked: the kept copy differs from the upload. */
  masked: boolean;
  size: number;
  sha256: string;
  maskedSize?: number;
  maskedSha256?: string;
  warning?: { code: string; zh: string; en: string };
}

/** The bytes to keep (absent when the file cannot be kept) and the outcome to report. */
export interface KeptCopy {
  bytes?: Uint8Array;
  outcome: KeptUploadOutcome;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// Identifiers the importer read as keys are not card numbers even when they pass the Luhn check.
const KEY_FIELDS = [
  'merchantId',
  'terminalId',
  'refNo',
  'voucherNo',
  'batchNo',
  'orderNo',
  'providerOrderNo',
  'originalRefNo',
  'originalVoucherNo',
  'originalOrderNo',
] as const;

/** Adds a record's key fields to the set of digit runs that are known not to be card numbers. */
export function collectNotCards(record: PosRecord, into: Set<string>): void {
  for (const field of KEY_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value !== '') into.add(value);
  }
}

function tooLargeToKeep(base: { size: number; sha256: string }): KeptCopy {
  return {
    outcome: {
      kept: false,
      masked: false,
      ...base,
      warning: {
        code: 'upload_too_large_to_keep',
        zh: `文件超过 ${MAX_KEPT_BYTES} 字节，未保存原始文件`,
        en: `the file is larger than ${MAX_KEPT_BYTES} bytes and was not kept`,
      },
    },
  };
}

/**
 * keptCopyOf for a file on disk, read only when it may be kept: a bigger one is refused by its size, with the
 * SHA-256 the importer computed (`sha256`), never held in memory.
 */
export async function keptCopyOfFile(
  path: string,
  notCards: ReadonlySet<string>,
  sha256: string,
): Promise<KeptCopy> {
  const { size } = await stat(path);
  if (size > MAX_KEPT_BYTES) return tooLargeToKeep({ size, sha256 });
  return keptCopyOf(await readFile(path), notCards);
}

/**
 * The copy of an upload that may be kept: the file byte for byte when it holds no full card number, a masked copy
 * (each such number masked 6 + 4 where it stands, whatever its spelling) when it does, nothing for a file that cannot be checked (xlsx, zip).
 */
export function keptCopyOf(bytes: Uint8Array, notCards: ReadonlySet<string>): KeptCopy {
  const base = { size: bytes.length, sha256: sha256(bytes) };
  const refuse = (code: string, zh: string, en: string): KeptCopy => ({
    outcome: { kept: false, masked: false, ...base, warning: { code, zh, en } },
  });
  if (bytes.length > MAX_KEPT_BYTES) return tooLargeToKeep(base);
  let decoded: ReturnType<typeof decodedText>;
  try {
    // A GZIP is masked as the text it holds, which may be far bigger than the file: unpacked no further than
    // what may be kept (a few megabytes of GZIP can hold gigabytes of CSV).
    const plain =
      bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: MAX_KEPT_BYTES }) : bytes;
    decoded = decodedText(plain);
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      return tooLargeToKeep(base);
    decoded = undefined; // a broken gzip: as unreadable as a binary file
  }
  if (decoded === undefined) {
    return refuse(
      'upload_not_checkable',
      '表格/压缩文件无法检查是否含完整卡号，未保存原始文件',
      'a spreadsheet or archive cannot be checked for full card numbers and was not kept',
    );
  }
  // Masked where each number stands, whatever its spelling (spaces, dashes, full-width digits).
  const { text: maskedText, count } = maskFullCardNumbers(decoded.text, notCards);
  if (count === 0) return { bytes, outcome: { kept: true, masked: false, ...base } };
  const masked = iconv.encode(maskedText, decoded.encoding === 'gbk' ? 'gb18030' : decoded.encoding, {
    addBOM: decoded.bom,
  });
  return {
    bytes: masked,
    outcome: { kept: true, masked: true, ...base, maskedSize: masked.length, maskedSha256: sha256(masked) },
  };
}
