import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFiles, type ImportOptions, type ImportResult } from '../../src/statements/import.js';
import type { PosRecord } from '../../src/records/index.js';

/** test/fixtures/, with a trailing slash. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Imports one fixture by path, as `posguard import` would, with file names made relative to test/fixtures. */
export async function importFixture(relative: string, options: ImportOptions = {}): Promise<ImportResult> {
  const result = await importFiles([{ path: join(FIXTURES, relative) }], options);
  return JSON.parse(JSON.stringify(result).replaceAll(FIXTURES, '')) as ImportResult;
}

/** Imports a fixture's bytes (optionally edited) from a temp file with another name; the temp dir is removed. */
export async function importCopy(
  relative: string,
  name: string,
  edit?: (bytes: Buffer) => Buffer,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-preset-'));
  try {
    const target = join(dir, name);
    if (edit) writeFileSync(target, edit(readFileSync(join(FIXTURES, relative))));
    else copyFileSync(join(FIXTURES, relative), target);
    const result = await importFiles([{ path: target }], options);
    return JSON.parse(JSON.stringify(result).replaceAll(`${dir}/`, '')) as ImportResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The snapshot text of a fixture's records. */
export function snapshotOf(records: readonly PosRecord[]): string {
  return `${JSON.stringify(records, null, 2)}\n`;
}

/** The one record whose `key` field equals `value`; throws when there is not exactly one. */
export function only(records: readonly PosRecord[], key: keyof PosRecord, value: string): PosRecord {
  const found = records.filter((r) => r[key] === value);
  if (found.length !== 1)
    throw new Error(`expected one record with ${String(key)} = ${value}, found ${found.length}`);
  return found[0]!;
}
