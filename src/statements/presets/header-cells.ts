import { normaliseHeader } from '../header-match.js';
import type { OverrideContext } from './index.js';

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
      const index = known.indexOf(normaliseHeader(name).key);
      if (index >= 0) return (cells[index] ?? '').replace(/^[\s\u00a0`'"=]+|[\s\u00a0"]+$/g, '');
    }
    return '';
  };
}
