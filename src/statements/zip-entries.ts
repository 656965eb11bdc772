import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type yauzl from 'yauzl';
import { detectEncoding } from './decode.js';
import type { ImportInput } from './import-types.js';

// The ZIP side of the importer: opening an archive, naming its entries (GBK names too), and choosing which of
// them are tables to read. Shared by the importer, which reads an archive's tables as parts of one file, and by
// the audit, which must read an archive holding a statement, a journal and a bank export each as what it is.

let yauzlModule: Promise<typeof yauzl> | undefined;
/** yauzl is loaded on the first ZIP, not with the importer: nearly every import is a CSV. */
function loadYauzl(): Promise<typeof yauzl> {
  yauzlModule ??= import('yauzl').then((m) => m.default);
  return yauzlModule;
}

export interface ZipEntryInfo {
  entry: yauzl.Entry;
  name: string;
}

export async function openZip(input: ImportInput): Promise<yauzl.ZipFile> {
  const { fromBuffer, open: openPath } = await loadYauzl();
  const opts = { lazyEntries: true, decodeStrings: false, autoClose: false } as const;
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, zip?: yauzl.ZipFile) =>
      err || !zip ? reject(err ?? new Error('zip')) : resolve(zip);
    if ('bytes' in input) fromBuffer(Buffer.from(input.bytes), opts, cb);
    else openPath(input.path, opts, cb);
  });
}

export function listEntries(zip: yauzl.ZipFile): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    const entries: ZipEntryInfo[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      // Windows zip tools write GBK names without the UTF-8 flag (bit 11).
      const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0 || detectEncoding(raw) === 'utf-8';
      entries.push({ entry, name: utf8 ? raw.toString('utf8') : iconv.decode(raw, 'gb18030') });
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

export function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) =>
      err || !stream ? reject(err ?? new Error('zip entry')) : resolve(stream),
    );
  });
}

/** An entry the importer reads as a table: not a folder, not macOS or hidden clutter, a table's extension. */
export function isTableEntry(e: ZipEntryInfo): boolean {
  return (
    !e.name.endsWith('/') &&
    !e.name.startsWith('__MACOSX') &&
    !basename(e.name).startsWith('.') &&
    /\.(csv|txt|tsv|xlsx|xls|html?)$/i.test(e.name)
  );
}

/** The detail tables among an archive's tables: a 汇总 (summary) table beside them repeats their totals. */
export function detailTables<T extends ZipEntryInfo>(tables: readonly T[]): readonly T[] {
  const details = tables.filter((e) => !/汇总/.test(basename(e.name)));
  return details.length > 0 ? details : tables;
}

/** One table of an archive, written out as a file of its own. */
export interface ExtractedMember {
  /** Its name inside the archive (folders included), as the importer names its part: `<archive>/<name>`. */
  name: string;
  path: string;
}

/**
 * Writes the tables the importer would read from an archive into `dir`, each as a file of its own; undefined when
 * the file is not an archive of tables (not a ZIP, an XLSX workbook, corrupt, encrypted or without tables: the
 * importer reads it whole and says what is wrong). Each member keeps its base name, under a folder per member, so
 * a reader that guesses by name or extension sees what it would see in the archive.
 */
export async function extractTableMembers(
  archive: string,
  dir: string,
): Promise<ExtractedMember[] | undefined> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip({ path: archive });
  } catch {
    return undefined;
  }
  try {
    const entries = await listEntries(zip);
    if (entries.some((e) => e.name === 'xl/workbook.xml')) return undefined;
    const chosen = detailTables(entries.filter(isTableEntry));
    if (chosen.length === 0 || chosen.some((e) => e.entry.isEncrypted())) return undefined;
    const members: ExtractedMember[] = [];
    for (const [i, { entry, name }] of chosen.entries()) {
      const folder = join(dir, String(i));
      await mkdir(folder, { recursive: true });
      const path = join(folder, basename(name));
      await pipeline(await entryStream(zip, entry), createWriteStream(path));
      members.push({ name, path });
    }
    return members;
  } catch {
    return undefined;
  } finally {
    zip.close();
  }
}
