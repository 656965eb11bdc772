import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFiles, writeFixtures } from '../fixtures/make-fixtures.js';

const root = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe('provider fixtures', () => {
  if (process.env['UPDATE_FIXTURES'] === '1') writeFixtures(root);

  it.each(fixtureFiles().map((f) => [f.path, f.bytes] as const))(
    '%s equals make-fixtures.ts output',
    (path, bytes) => {
      expect(readFileSync(join(root, path)).equals(bytes)).toBe(true);
    },
  );
});
