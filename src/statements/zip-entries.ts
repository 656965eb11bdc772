import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type yauzl from 'yauzl';
import { detectEncoding, UNRECOGNISED_ENCODING_ZH, unrecognisedEncoding } from './decode.js';
import { readFileHead } from './read-buffer.js';
import type { ImportFileError, ImportInput } from './import-types.js';

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
      entries.push({
        entry,
        name: entryName(entry.fileName as unknown as Buffer, entry.generalPurposeBitFlag),
      });
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An entry's name from its stored bytes. Flagged UTF-8 (general purpose bit 11) is UTF-8. Unflagged, the ZIP
 * standard says CP437, but Windows zip tools in China write the GBK of the system code page: GB18030 when the
 * bytes decode as such, UTF-8 when they are valid UTF-8 (Linux and macOS tools that set no flag), else CP437.
 */
export function entryName(raw: Buffer, generalPurposeBitFlag: number): string {
  if ((generalPurposeBitFlag & 0x800) !== 0) return regainedGbk(raw.toString('utf8'));
  try {
    return regainedGbk(strictUtf8.decode(raw));
  } catch {
    // Not UTF-8: a legacy code page.
  }
  const gbk = iconv.decode(raw, 'gb18030');
  return gbk.includes('\uFFFD') ? iconv.decode(raw, 'cp437') : gbk;
}

/**
 * A name garbled on its way: a GBK-named archive opened as CP437 (Linux unzip, older tools) and zipped again as
 * UTF-8 keeps the box-drawing text (`╜ß╦π├≈╧╕.csv`) for 结算明细.csv. CP437 shows the lead bytes of the common
 * hanzi (0xB0–0xDF) as box drawing, which no real name is written in: such a name whose CP437 bytes are clean
 * GB18030 with hanzi in it is read as that GB18030; any other name is kept as it is.
 */
function regainedGbk(name: string): string {
  if (!/[\u2500-\u259f]/.test(name)) return name;
  const bytes = iconv.encode(name, 'cp437');
  if (iconv.decode(bytes, 'cp437') !== name) return name;
  const gbk = iconv.decode(bytes, 'gb18030');
  return !gbk.includes('\uFFFD') && /[\u4e00-\u9fff]/.test(gbk) ? gbk : name;
}

export function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) =>
      err || !stream ? reject(err ?? new Error('zip entry')) : resolve(stream),
    );
  });
}

/** What an archive carries that is nobody's file: folders, macOS forks and hidden files, Windows thumbnails. */
export function isClutter(e: ZipEntryInfo): boolean {
  const base = basename(e.name);
  return (
    e.name.endsWith('/') ||
    e.name.startsWith('__MACOSX') ||
    base.startsWith('.') ||
    /^(thumbs\.db|desktop\.ini)$/i.test(base)
  );
}

/** An entry the importer reads as a table: not clutter, a table's extension. */
export function isTableEntry(e: ZipEntryInfo): boolean {
  return !isClutter(e) && /\.(csv|txt|tsv|xlsx|xls|html?)$/i.test(e.name);
}

/**
 * The importer's "no header found" (its notATable): a member of an archive so refused is passed over with a
 * warning when the archive has other tables, where any other fault of a member stops the import.
 */
export function isNoHeaderError(error: ImportFileError): boolean {
  return error.reason.zh.startsWith('找不到表头');
}

/**
 * The importer's refusal of a text in an encoding it does not read (Big5, Shift-JIS): like a member without a
 * header, such a member is passed over with a warning naming it and the reason when the archive has other tables.
 */
export function isEncodingRefusal(error: ImportFileError): boolean {
  return error.reason.zh.startsWith(UNRECOGNISED_ENCODING_ZH);
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

/** A member of an archive that was not taken out, and why, worded as the importer's warning about it. */
export interface LeftOutMember {
  name: string;
  code: 'zip.not-a-table' | 'zip.member-not-read';
  message: string;
  messageEn: string;
}

/** The warning about a member that is no table file (说明.pdf): the importer's and the audit's, in one wording. */
export function notATableMember(name: string): LeftOutMember {
  return {
    name,
    code: 'zip.not-a-table',
    message: `${name} 不是表格文件，未读取（只读取 CSV、TXT、XLSX、XLS）`,
    messageEn: `${name} is not a table file; not read (only CSV, TXT, XLSX and XLS files are read)`,
  };
}

/** The warning about a member read and refused (no header in 说明.txt), with the importer's reason. */
export function memberNotRead(name: string, error: ImportFileError): LeftOutMember {
  return {
    name,
    code: 'zip.member-not-read',
    message: `${name} 未读取：${error.reason.zh}`,
    messageEn: `${name} was not read: ${error.reason.en}`,
  };
}

export interface ExtractedTables {
  members: ExtractedMember[];
  /** Named so the audit says what it did not read, as the importer does; clutter and summaries are not named. */
  leftOut: LeftOutMember[];
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
): Promise<ExtractedTables | undefined> {
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
    const notTables = entries
      .filter((e) => !isClutter(e) && !isTableEntry(e))
      .map(({ name }) => notATableMember(name));
    const members: ExtractedMember[] = [];
    for (const [i, { entry, name }] of chosen.entries()) {
      const folder = join(dir, String(i));
      await mkdir(folder, { recursive: true });
      const path = join(folder, basename(name));
      await pipeline(await entryStream(zip, entry), createWriteStream(path));
      members.push({ name, path });
    }
    // A note beside the tables (说明.txt) would be read on its own as a table and stop the audit. Only such plain
    // prose is left out; a member laid out in columns stays, so a statement the importer cannot read is named.
    const tables: ExtractedMember[] = [];
    const prose: LeftOutMember[] = [];
    for (const m of members) {
      const refused = (await encodingNotRead(m)) ?? (await proseNoHeader(m));
      if (refused === undefined) tables.push(m);
      else prose.push(memberNotRead(m.name, refused));
    }
    // With nothing but prose, every member is kept and read, so the importer's own refusal is what is said.
    return tables.length > 0
      ? { members: tables, leftOut: [...notTables, ...prose] }
      : { members, leftOut: notTables };
  } catch {
    return undefined;
  } finally {
    zip.close();
  }
}

/**
 * The importer's refusal of a text member in an encoding it does not read (a Big5 statement beside GBK ones),
 * as the reason a memberNotRead names; undefined for any other member.
 */
async function encodingNotRead(member: ExtractedMember): Promise<ImportFileError | undefined> {
  if (!/\.(csv|txt|tsv)$/i.test(member.name)) return undefined;
  const doubt = unrecognisedEncoding(await readFileHead(member.path, 65_536));
  if (doubt === undefined) return undefined;
  // Refused only as the importer refuses it: when it finds no header in what GBK makes of it.
  return importerRefusal(member, isEncodingRefusal);
}

/** Stops a probe at the first record: a header was found. */
class HeaderFound extends Error {}

/**
 * The importer's own refusal of a member, when it is of the kind `kind` tells; undefined when the importer reads
 * a record (the probe stops there) or refuses it for another reason.
 */
async function importerRefusal(
  member: ExtractedMember,
  kind: (error: ImportFileError) => boolean,
): Promise<ImportFileError | undefined> {
  const { importFileStreaming, ImportFileError } = await import('./import.js');
  try {
    await importFileStreaming({ path: member.path }, {}, () => {
      throw new HeaderFound();
    });
    return undefined;
  } catch (error) {
    return error instanceof ImportFileError && kind(error) ? error : undefined;
  }
}

/**
 * The importer's refusal of a .txt member that is text, not a table: it finds no header in it, and no delimiter
 * lays out two of its lines alike (a statement the importer does not know still has its columns). Undefined for
 * any other member.
 */
async function proseNoHeader(member: ExtractedMember): Promise<ImportFileError | undefined> {
  if (!/\.txt$/i.test(member.name)) return undefined;
  const head = await readFileHead(member.path, 16_384);
  const text = iconv.decode(head, detectEncoding(head));
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 30);
  for (const delimiter of [',', '\t', '|', ';']) {
    const counts = lines.map((l) => l.split(delimiter).length - 1).filter((n) => n >= 2);
    if (counts.length > new Set(counts).size) return undefined;
  }
  return importerRefusal(member, isNoHeaderError);
}
