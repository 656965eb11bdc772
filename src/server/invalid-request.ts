import { z } from 'zod';
import { closestKey } from '../plans/yaml-tree.js';
import type { Bilingual } from './http-error.js';

/** The parts of a request a route schema validates, as Fastify names them. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

/** One refused field: where it is (`in` and the dotted `path`, '' for the part itself) and what it expected. */
export interface RequestProblem extends Bilingual {
  in: RequestPart;
  path: string;
}

/**
 * A request part its zod route schema refused (400 invalid_request): every problem names the field and what it
 * expects, in both languages; the error handler answers in the request's language. `message` is the English.
 */
export class InvalidRequest extends Error {
  readonly problems: readonly RequestProblem[];
  readonly text: Bilingual;
  constructor(problems: readonly RequestProblem[]) {
    const text = {
      zh: problems.map((p) => p.zh).join('；'),
      en: problems.map((p) => p.en).join('; '),
    };
    super(text.en);
    this.name = 'InvalidRequest';
    this.problems = problems;
    this.text = text;
  }
}

const PART: Record<RequestPart, { field: Bilingual; whole: Bilingual; noun: Bilingual }> = {
  body: {
    field: { zh: '请求体字段', en: 'body field' },
    whole: { zh: '请求体', en: 'the body' },
    noun: { zh: '字段', en: 'field' },
  },
  querystring: {
    field: { zh: '查询参数', en: 'query parameter' },
    whole: { zh: '查询参数', en: 'the query string' },
    noun: { zh: '参数', en: 'parameter' },
  },
  params: {
    field: { zh: '路径参数', en: 'path parameter' },
    whole: { zh: '路径参数', en: 'the path parameters' },
    noun: { zh: '参数', en: 'parameter' },
  },
  headers: {
    field: { zh: '请求头', en: 'header' },
    whole: { zh: '请求头', en: 'the headers' },
    noun: { zh: '请求头', en: 'header' },
  },
};

const formats = new Map<string, Bilingual>();

/**
 * Words what a `.regex()` pattern of a route schema expects, so a refusal says "expected a YYYY-MM-DD date"
 * rather than quoting the pattern; returns the pattern, e.g. `z.string().regex(describeFormat(re, text))`.
 */
export function describeFormat(pattern: RegExp, text: Bilingual): RegExp {
  formats.set(String(pattern), text);
  return pattern;
}

const TYPES: Record<string, Bilingual> = {
  string: { zh: '应为文本', en: 'expected text' },
  number: { zh: '应为数字', en: 'expected a number' },
  int: { zh: '应为整数', en: 'expected a whole number' },
  boolean: { zh: '应为 true 或 false', en: 'expected true or false' },
  object: { zh: '应为 JSON 对象', en: 'expected an object' },
  array: { zh: '应为列表（数组）', en: 'expected a list (array)' },
};

/** The same kinds as TYPES, as nouns, for "expected text or an object" (a union's alternatives). */
const TYPE_NOUNS: Record<string, Bilingual> = {
  string: { zh: '文本', en: 'text' },
  number: { zh: '数字', en: 'a number' },
  int: { zh: '整数', en: 'a whole number' },
  boolean: { zh: 'true 或 false', en: 'true or false' },
  object: { zh: 'JSON 对象', en: 'an object' },
  record: { zh: 'JSON 对象', en: 'an object' },
  array: { zh: '列表（数组）', en: 'a list (array)' },
};

const one = (values: readonly unknown[], zhJoin: string, enJoin: string): Bilingual => {
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return shown.length === 1
    ? { zh: `应为 ${shown[0]}`, en: `expected ${shown[0]}` }
    : { zh: `应为 ${shown.join(zhJoin)} 之一`, en: `expected one of ${shown.join(enJoin)}` };
};

/** A size limit: characters of text, items of a list, or the value of a number. */
function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, side: 'min' | 'max'): Bilingual {
  const n = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') {
    if (side === 'min' && n === '1') return { zh: '不能为空', en: 'must not be empty' };
    return side === 'min'
      ? { zh: `至少 ${n} 个字符`, en: `must be at least ${n} characters` }
      : { zh: `最多 ${n} 个字符`, en: `must be at most ${n} characters` };
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    return side === 'min'
      ? { zh: `至少 ${n} 项`, en: `must have at least ${n} items` }
      : { zh: `最多 ${n} 项`, en: `must have at most ${n} items` };
  }
  if (issue.inclusive === false) {
    return side === 'min'
      ? { zh: `应大于 ${n}`, en: `must be greater than ${n}` }
      : { zh: `应小于 ${n}`, en: `must be less than ${n}` };
  }
  return side === 'min'
    ? { zh: `应不小于 ${n}`, en: `must be at least ${n}` }
    : { zh: `应不大于 ${n}`, en: `must be at most ${n}` };
}

/** What one issue says about its field, without the field's name. A custom issue carries its Chinese in `params.zh`. */
function issueText(issue: z.core.$ZodIssue): Bilingual {
  switch (issue.code) {
    case 'invalid_type':
      // Parsed with reportInput: an absent field is the one issue without an input.
      if (issue.input === undefined) return { zh: '必填，未提供', en: 'required but missing' };
      return TYPES[issue.expected] ?? { zh: `应为 ${issue.expected}`, en: `expected ${issue.expected}` };
    case 'too_small':
      return bound(issue, 'min');
    case 'too_big':
      return bound(issue, 'max');
    case 'invalid_value':
      return one(issue.values, '、', ', ');
    case 'invalid_format':
      if (issue.format === 'email') return { zh: '应为邮箱地址', en: 'expected an email address' };
      return (
        (issue.pattern === undefined ? undefined : formats.get(issue.pattern)) ?? {
          zh: `格式不对（${issue.message}）`,
          en: issue.message,
        }
      );
    case 'not_multiple_of':
      return { zh: `应为 ${issue.divisor} 的倍数`, en: `must be a multiple of ${issue.divisor}` };
    case 'invalid_union':
      return unionText(issue);
    case 'custom': {
      const zh = (issue.params as { zh?: unknown } | undefined)?.zh;
      return { zh: typeof zh === 'string' ? zh : issue.message, en: issue.message };
    }
    default:
      return { zh: `取值无效（${issue.message}）`, en: issue.message };
  }
}

const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * What the alternatives of a union say when each refused the value outright (wrong type or not the literal):
 * "expected text or an object", "expected a number or auto"; undefined when an alternative looked deeper.
 */
function alternatives(issue: z.core.$ZodIssueInvalidUnion): Bilingual | undefined {
  if (issue.errors.length === 0) return undefined;
  const zh: string[] = [];
  const en: string[] = [];
  for (const branch of issue.errors) {
    const [only, ...more] = branch;
    if (only === undefined || more.length > 0 || only.path.length > 0) return undefined;
    const words: Bilingual[] =
      only.code === 'invalid_type'
        ? [TYPE_NOUNS[only.expected] ?? { zh: only.expected, en: only.expected }]
        : only.code === 'invalid_value'
          ? only.values.map((v) => ({ zh: shown(v), en: shown(v) }))
          : [];
    if (words.length === 0) return undefined;
    for (const w of words) {
      if (!zh.includes(w.zh)) zh.push(w.zh);
      if (!en.includes(w.en)) en.push(w.en);
    }
  }
  return { zh: `应为 ${zh.join(' 或 ')}`, en: `expected ${en.join(' or ')}` };
}

/**
 * A value no alternative of a union took. A discriminated union names the values its key takes (a missing key is
 * required, with the same list); a union whose alternatives each refused the value's type lists those types.
 */
function unionText(issue: z.core.$ZodIssueInvalidUnion): Bilingual {
  if (issue.inclusive === false) {
    return { zh: '同时符合多种写法，无法确定是哪一种', en: 'matches more than one accepted form' };
  }
  if (issue.discriminator !== undefined && issue.options !== undefined && issue.options.length > 0) {
    // The issue's input is the object that holds the key (its path ends with the key).
    const holder = issue.input;
    const given =
      holder !== null && typeof holder === 'object'
        ? (holder as Record<string, unknown>)[issue.discriminator]
        : undefined;
    const values = issue.options.map(shown);
    if (given === undefined) {
      return {
        zh: `必填，未提供；可选值：${values.join('、')}`,
        en: `required but missing; accepted: ${values.join(', ')}`,
      };
    }
    return one(issue.options, '、', ', ');
  }
  if (!('input' in issue) || issue.input === undefined)
    return { zh: '必填，未提供', en: 'required but missing' };
  return (
    alternatives(issue) ?? {
      zh: '格式不对，不符合任何一种可接受的写法',
      en: 'does not match any accepted form',
    }
  );
}

/**
 * The issues to report for one zod issue: a union that the value's type matched in exactly one alternative
 * reports that alternative's own issues (the field inside it that is wrong), not just "no accepted form".
 */
function reportedIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.discriminator !== undefined || issue.errors.length === 0)
    return [issue];
  if (!('input' in issue) || issue.input === undefined || alternatives(issue) !== undefined) return [issue];
  const outright = (branch: readonly z.core.$ZodIssue[]): boolean =>
    branch.length === 1 &&
    branch[0]?.path.length === 0 &&
    (branch[0].code === 'invalid_type' || branch[0].code === 'invalid_value');
  const closer = issue.errors.filter((branch) => !outright(branch));
  const [branch, ...others] = closer;
  if (branch === undefined || others.length > 0) return [issue];
  return branch.flatMap((inner) => reportedIssues({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** The keys an object schema takes at `path` (through optional, default and list wrappers), if it is one. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  const unwrap = (s: unknown): unknown => {
    let at = s;
    for (;;) {
      const inner = (at as { _zod?: { def?: { innerType?: unknown } } } | undefined)?._zod?.def?.innerType;
      if (inner === undefined) return at;
      at = inner;
    }
  };
  let at = unwrap(schema);
  for (const step of path) {
    if (at instanceof z.ZodObject && typeof step === 'string') at = unwrap(at.shape[step]);
    else if (at instanceof z.ZodArray) at = unwrap(at.element);
    else return undefined;
  }
  return at instanceof z.ZodObject ? Object.keys(at.shape) : undefined;
}

function problem(part: RequestPart, path: readonly PropertyKey[], what: Bilingual): RequestProblem {
  const dotted = path.map(String).join('.');
  const label = PART[part];
  return {
    in: part,
    path: dotted,
    zh: dotted === '' ? `${label.whole.zh}：${what.zh}` : `${label.field.zh} ${dotted}：${what.zh}`,
    en: dotted === '' ? `${label.whole.en}: ${what.en}` : `${label.field.en} ${dotted}: ${what.en}`,
  };
}

/** The problems of a request part as zod reported them (parsed with `reportInput: true`), one per field. */
export function requestProblems(
  part: RequestPart,
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
): RequestProblem[] {
  return issues.flatMap(reportedIssues).flatMap((issue): RequestProblem[] => {
    // Fastify hands an absent body to the validator as null.
    if (issue.code === 'invalid_union' && issue.path.length === 0 && (issue.input ?? null) === null) {
      const expected = alternatives(issue);
      if (expected !== undefined)
        return [problem(part, [], { zh: `为空，${expected.zh}`, en: `empty; ${expected.en}` })];
    }
    if (issue.code === 'invalid_type' && issue.path.length === 0 && (issue.input ?? null) === null) {
      const expected = TYPES[issue.expected] ?? {
        zh: `应为 ${issue.expected}`,
        en: `expected ${issue.expected}`,
      };
      return [problem(part, [], { zh: `为空，${expected.zh}`, en: `empty; ${expected.en}` })];
    }
    if (issue.code !== 'unrecognized_keys') return [problem(part, issue.path, issueText(issue))];
    const allowed = keysAt(schema, issue.path) ?? [];
    const noun = PART[part].noun;
    return issue.keys.map((key) => {
      const hint = closestKey(key, allowed);
      return problem(part, [...issue.path, key], {
        zh: `没有这个${noun.zh}${hint === undefined ? '' : `（是否想写 ${hint}？）`}${allowed.length === 0 ? '' : `；可用的有 ${allowed.join('、')}`}`,
        en: `unknown ${noun.en}${hint === undefined ? '' : ` (did you mean ${hint}?)`}${allowed.length === 0 ? '' : `; accepted: ${allowed.join(', ')}`}`,
      });
    });
  });
}
