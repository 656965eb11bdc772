import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { describeYamlErrors } from './yaml-error.js';

/**
 * A number as YAML wrote it. Amounts are converted from `source` digit by digit, never from the float, and
 * identifiers written as numbers are refused because their digits may already be lost.
 */
export class YamlNumber {
  constructor(
    readonly source: string,
    readonly value: number,
  ) {}
}

export type PlainValue = string | boolean | null | YamlNumber | PlainValue[] | { [key: string]: PlainValue };

export type PathPart = string | number;

export interface YamlTree {
  readonly value: PlainValue;
  /** 1-based line of the value at each path (`periods[0].rates[1]`). */
  readonly lines: ReadonlyMap<string, number>;
  /** 1-based line of the key that introduces each path, for unknown-key errors. */
  readonly keyLines: ReadonlyMap<string, number>;
}

export interface YamlProblem {
  readonly line?: number;
  /** Set for a YAML syntax error, whose message then starts with its line and column (see describeYamlErrors). */
  readonly column?: number;
  readonly zh: string;
  readonly en: string;
}

/** Formats a path as users read it: `periods[1].rates[0].rate`. */
export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

// Anchors and aliases are allowed (a rate list can be reused), but an alias bomb must not exhaust memory.
const MAX_NODES = 200_000;

/**
 * Parses YAML (or JSON, which is YAML) with the 1.2 core schema so dates stay strings, and flattens it to plain
 * values while remembering the line of every node.
 */
export function readYamlTree(
  text: string,
): { ok: true; tree: YamlTree } | { ok: false; problems: YamlProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    schema: 'core',
    keepSourceTokens: true,
    prettyErrors: false,
    uniqueKeys: true,
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: describeYamlErrors(text, doc.errors).map(({ line, column, zh, en }) => ({
        line,
        column,
        zh,
        en,
      })),
    };
  }
  const lines = new Map<string, number>();
  const keyLines = new Map<string, number>();
  let budget = MAX_NODES;
  const lineOf = (node: Node | null | undefined, fallback: number): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback;

  const walk = (node: unknown, path: PathPart[], line: number): PlainValue => {
    budget -= 1;
    if (budget < 0) throw new TreeTooLarge();
    let current = node;
    if (isAlias(current)) current = current.resolve(doc);
    lines.set(formatPath(path), line);
    if (current === null || current === undefined) return null;
    if (isScalar(current)) {
      const value = current.value;
      if (typeof value === 'number') return new YamlNumber(current.source ?? String(value), value);
      if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
      return current.source ?? '';
    }
    if (isSeq(current)) {
      return current.items.map((item, index) =>
        walk(item, [...path, index], lineOf(item as Node | null, line)),
      );
    }
    if (isMap(current)) {
      const out: { [key: string]: PlainValue } = Object.create(null) as { [key: string]: PlainValue };
      for (const pair of current.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const keyLine = lineOf(keyNode, line);
        const childPath = [...path, key];
        keyLines.set(formatPath(childPath), keyLine);
        out[key] = walk(pair.value, childPath, lineOf(pair.value as Node | null, keyLine));
      }
      return out;
    }
    return null;
  };
  try {
    const value = walk(doc.contents, [], lineOf(doc.contents, 1));
    return { ok: true, tree: { value, lines, keyLines } };
  } catch (error) {
    if (!(error instanceof TreeTooLarge)) throw error;
    return {
      ok: false,
      problems: [
        { zh: '文件展开后过大（别名嵌套过多）', en: 'the file expands to too many nodes (too many aliases)' },
      ],
    };
  }
}

class TreeTooLarge extends Error {}

/** A likely intended key for a typo (edit distance ≤ 2, or the same letters ignoring case); the plan and mapping files share it. */
export function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate);
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

/** Levenshtein distance: the edits that turn one key into another. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
