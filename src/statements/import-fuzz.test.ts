import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordSchema } from '../records/index.js';
import { ImportFileError, importFiles } from './import.js';

const ROOT = resolve(import.meta.dirname, '../../test/fixtures');
const DATA = new Set(['.csv', '.txt', '.tsv', '.xlsx', '.zip', '.gz', '.xls', '']);

function fixtures(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...fixtures(path));
    else if (DATA.has(extname(name).toLowerCase()) && !name.startsWith('.')) out.push(path);
  }
  return out.sort();
}

/** Imports mutated bytes: it must end in records and rejected rows, or one ImportFileError — never anything else. */
async function survives(name: string, bytes: Uint8Array): Promise<void> {
  try {
    const result = await importFiles([{ name, bytes }]);
    for (const r of result.records) expect(RecordSchema.safeParse(r).success).toBe(true);
    for (const r of result.rejected) expect(r.row).toBeGreaterThanOrEqual(0);
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    expect(error.zh).toContain(name);
  }
}

describe('fuzz: mutated and truncated fixtures never crash the importer', () => {
  const files = fixtures(ROOT);
  it('finds fixtures to fuzz', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const path of files) {
    const original = readFileSync(path);
    const name = path.slice(ROOT.length + 1);
    it(`survives byte mutations of ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          async (edits) => {
            const bytes = Buffer.from(original);
            for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
            await survives(name, bytes);
          },
        ),
        { numRuns: 25 },
      );
    });
    it(`survives truncations of ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: Math.max(original.length - 1, 0) }), async (cut) => {
          await survives(name, original.subarray(0, cut));
        }),
        { numRuns: 25 },
      );
    });
  }
});
