/** An expected failure as data: a stable code plus the explanation in both languages the UI speaks. */
export interface Problem {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: Problem };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: string, zh: string, en: string): Parsed<T> {
  return { ok: false, problem: { code, zh, en } };
}

/** Unwraps a parse result, throwing its English explanation; for callers whose input is already trusted. */
export function unwrap<T>(result: Parsed<T>): T {
  if (result.ok) return result.value;
  throw new Error(result.problem.en);
}
