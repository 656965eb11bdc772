import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordSchema } from '../../src/records/index.js';
import { ImportFileError, importFiles } from '../../src/statements/import.js';
import { fixtureFiles } from '../fixtures/make-fixtures.js';
import { FIXTURES } from './import-fixture.js';

// Byte edits: overwrite a byte, delete a run, or truncate — the damage a broken download or editor does.
const edit = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

type Edit =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'cut'; at: number; length: number }
  | { kind: 'truncate'; at: number };

function mutate(bytes: Buffer, edits: readonly Edit[]): Buffer {
  let out = Buffer.from(bytes);
  for (const e of edits) {
    if (out.length === 0) break;
    const at = e.at % out.length;
    if (e.kind === 'set') out[at] = e.byte;
    else if (e.kind === 'cut') out = Buffer.concat([out.subarray(0, at), out.subarray(at + e.length)]);
    else out = out.subarray(0, at);
  }
  return out;
}

describe('provider fixtures under byte damage', () => {
  it.each(fixtureFiles().map((f) => [f.path] as const))(
    '%s ends in records, rejected rows or one file error',
    async (path) => {
      const original = readFileSync(join(FIXTURES, path));
      const name = path.split('/').pop()!;
      await fc.assert(
        fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
          const bytes = mutate(original, edits);
          try {
            const result = await importFiles([{ name, bytes }]);
            for (const r of result.records) expect(RecordSchema.safeParse(r).success).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(ImportFileError);
            expect((error as Error).message.split('\n')).toHaveLength(1);
          }
        }),
        { numRuns: 40, seed: 20261010 },
      );
    },
  );
});
