import { normaliseHeader } from '../header-match.js';
import type { OverrideContext } from './index.js';

const nameKeys = new Map<string, string>();
/** normaliseHeader(name).key, remembered: overrides ask for the same few header names on every row. */
function nameKey(name: string): string {
  let key = nameKeys.get(name);
  if (key === undefined) {
    key = normaliseHeader(name).key;
    if (nameKeys.size < 1000) nameKeys.set(name, key);
  }
  return key;
}

/**
 * Returns a reader of cells by header name for the current file, caching the header positions in ctx.state;
 * names are matched like preset aliases (case, width, brackets and unit suffix ignored), the first found wins.
 */
export function cellsByHeader(
  ctx: OverrideContext,
  cells: readonly string[],
): (...names: string[]) => string {
  let keys = ctx.state['headerKeys'] as string[] | undefined;
  if (keys === undefined || keys.length !== ctx.header.length) {
    keys = ctx.header.map((h) => normaliseHeader(h).key);
    ctx.state['headerKeys'] = keys;
  }
  const known = keys;
  return (...names: string[]): string => {
    for (const name of names) {
      const index = known.indexOf(nameKey(name));
      if (index >= 0) return (cells[index] ?? '').replace(/^[\s\u00a0`'"=]+|[\s\u00a0"]+$/g, '');
    }
    return '';
  };
}
