import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { RecordKind } from '../../records/index.js';
import type { CliContext } from '../context.js';
import { pick } from '../lang.js';

// A portal's "download all" is a ZIP holding the statement, the journal and the bank export together. Given as one
// input it would be read as one kind (the flag's, or its first table's in a directory), and a journal read as a
// statement is settled money that never was: the audit reports wrong sums. So an archive whose tables are of more
// than one kind is read table by table, each as what it is. An archive of one kind stays one input, read as the
// flag says (the flag outranks a guess, as for any file).

const KIND_NAMES: Record<RecordKind, [zh: string, en: string]> = {
  settlement: ['结算单', 'statement'],
  terminal: ['终端流水', 'terminal journal'],
  bank: ['银行流水', 'bank export'],
};

export type DataFiles = Record<RecordKind, string[]>;

export interface ArchiveReading {
  /** The data files by kind, each archive of mixed tables replaced by its tables in the lists of their kinds. */
  files: DataFiles;
  /** Where each table taken out of an archive was written (its name is `<archive>/<table>`). */
  located: ReadonlyMap<string, string>;
  /** One line per archive read table by table (which table was read as what), then one per member not read. */
  notes: string[];
  /** Removes the tables taken out of the archives; call once the run has read them. */
  cleanup: () => Promise<void>;
}

/** The data files with each archive of mixed tables replaced by its tables, each with the files of its kind. */
export async function readArchivesByTable(ctx: CliContext, given: DataFiles): Promise<ArchiveReading> {
  const kinds: RecordKind[] = ['settlement', 'terminal', 'bank'];
  const archives: { kind: RecordKind; file: string; abs: string }[] = [];
  for (const kind of kinds)
    for (const file of given[kind]) {
      const abs = resolve(ctx.cwd, file);
      if (await startsLikeZip(abs)) archives.push({ kind, file, abs });
    }
  const files: DataFiles = {
    settlement: [...given.settlement],
    terminal: [...given.terminal],
    bank: [...given.bank],
  };
  const located = new Map<string, string>();
  if (archives.length === 0) return { files, located, notes: [], cleanup: async () => {} };

  const { extractTableMembers } = await import('../../statements/zip-entries.js');
  const { tableKind } = await import('./directory-inputs.js');
  const tmp = ctx.env.TMPDIR;
  const dir = await mkdtemp(join(tmp === undefined || tmp === '' ? tmpdir() : tmp, 'posguard-archive-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const notes: string[] = [];
    for (const [i, archive] of archives.entries()) {
      const extracted = await extractTableMembers(archive.abs, join(dir, String(i)));
      if (extracted === undefined || extracted.members.length < 2) continue;
      const { members, leftOut } = extracted;
      const memberKinds: RecordKind[] = [];
      for (const m of members) memberKinds.push((await tableKind(m.path, basename(m.name))) ?? archive.kind);
      if (new Set(memberKinds).size < 2) continue;
      files[archive.kind] = files[archive.kind].filter((f) => f !== archive.file);
      const read: string[] = [];
      for (const [j, m] of members.entries()) {
        const kind = memberKinds[j] ?? archive.kind;
        // Named as the importer names an archive's tables, so the report reads the same either way.
        const typed = `${archive.file}/${m.name}`;
        files[kind].push(typed);
        located.set(typed, m.path);
        const [zh, en] = KIND_NAMES[kind];
        read.push(pick(ctx.lang, `${m.name}（${zh}）`, `${m.name} as a ${en}`));
      }
      notes.push(
        pick(
          ctx.lang,
          `${archive.file} 中有多种文件，已逐个读取：${read.join('、')}`,
          `${archive.file} holds more than one kind of file, read one by one: ${read.join(', ')}`,
        ),
      );
      // What the importer would warn of when reading the archive whole, said as the audit says an import warning.
      for (const m of leftOut) notes.push(`${archive.file}: ${pick(ctx.lang, m.message, m.messageEn)}`);
    }
    return { files, located, notes, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** A ZIP's local file header; an XLSX starts so too, and is told apart by its entries. */
async function startsLikeZip(abs: string): Promise<boolean> {
  try {
    const fh = await open(abs, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await fh.read(head, 0, 4, 0);
      return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50;
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}
