// A plan saved as .json is JSON to the merchant who wrote it, and its mistakes are JSON's: a missing comma, a key
// without quotes, a comma after the last item. The YAML parser reads JSON too, but explains its mistakes in YAML's
// terms ("不能再换行写“键:”或“- ”块") and places them where YAML noticed (at the object's start, not at the missing
// comma). This scanner finds the first mistake where JSON.parse does and says what JSON expected there.

/** A JSON syntax error as a merchant reads it: where (1-based line and column) and what was expected, zh and en. */
export interface JsonSyntaxProblem {
  readonly line: number;
  readonly column: number;
  /** `第 1 行第 86 列：JSON 格式错误（缺少逗号）：…` */
  readonly zh: string;
  /** `JSON syntax error at line 1, column 86 (missing comma): …` */
  readonly en: string;
}

type Kind =
  | 'comma'
  | 'extra-comma'
  | 'bracket'
  | 'mismatch'
  | 'colon'
  | 'key'
  | 'quote'
  | 'quote-style'
  | 'value'
  | 'missing-value'
  | 'control'
  | 'escape'
  | 'comment'
  | 'punctuation'
  | 'after-end'
  | 'empty'
  | 'other';

const KINDS: Record<Kind, { zh: string; en: string }> = {
  comma: { zh: '缺少逗号', en: 'missing comma' },
  'extra-comma': { zh: '多余的逗号', en: 'extra comma' },
  bracket: { zh: '括号没有闭合', en: 'unclosed bracket' },
  mismatch: { zh: '括号不匹配', en: 'mismatched bracket' },
  colon: { zh: '缺少冒号', en: 'missing colon' },
  key: { zh: '键没有加双引号', en: 'unquoted key' },
  quote: { zh: '引号没有闭合', en: 'unclosed quote' },
  'quote-style': { zh: '引号不对', en: 'wrong quotes' },
  value: { zh: '值无效', en: 'invalid value' },
  'missing-value': { zh: '缺少值', en: 'missing value' },
  control: { zh: '字符串中有控制字符', en: 'a control character in a string' },
  escape: { zh: '反斜杠转义无效', en: 'invalid backslash escape' },
  comment: { zh: '含有注释', en: 'a comment' },
  punctuation: { zh: '用了中文标点', en: 'Chinese punctuation' },
  'after-end': { zh: '多余的内容', en: 'content after the end' },
  empty: { zh: '文件是空的', en: 'empty file' },
  other: { zh: '无法识别的内容', en: 'unexpected content' },
};

interface Found {
  offset: number;
  kind: Kind;
  zh: string;
  en: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** Characters that end a bare word (`card`, `0.6%`): JSON's own punctuation and whitespace. */
const DELIMITER = /[\s,:[\]{}"]/;
const CURLY_QUOTES = new Set(['“', '”', '‘', '’', "'"]);
const FULL_WIDTH: Readonly<Record<string, string>> = {
  '，': ',',
  '：': ':',
  '｛': '{',
  '｝': '}',
  '［': '[',
  '］': ']',
};

/**
 * The first JSON syntax error of a text, or undefined when JSON.parse accepts it. The place is JSON.parse's (the
 * token where the text stops being JSON), except where the start of the mistake says more: a string never closed
 * is placed at its opening quote and an unclosed bracket at the bracket, a word that is no value (`0.6%`, `card`)
 * at its first letter, and a comma after the last item at the comma.
 * @example describeJsonError('{"a": 1 "b": 2}')?.zh.startsWith('第 1 行第 9 列：JSON 格式错误（缺少逗号）') === true
 */
export function describeJsonError(text: string): JsonSyntaxProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const found = scan(text) ?? fromParser(text, error);
    const { line, column } = place(text, found.offset);
    const label = KINDS[found.kind];
    return {
      line,
      column,
      zh: `第 ${line} 行第 ${column} 列：JSON 格式错误（${label.zh}）：${found.zh}`,
      en: `JSON syntax error at line ${line}, column ${column} (${label.en}): ${found.en}`,
    };
  }
}

/** JSON.parse's own words and position, for a mistake the scanner did not see (it should see them all). */
function fromParser(text: string, error: unknown): Found {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  return {
    offset: position === null ? text.length : Math.min(Number(position[1]), text.length),
    kind: 'other',
    zh: `这里的内容不符合 JSON 格式（解析器提示：${message}）`,
    en: `the text here is not valid JSON (${message})`,
  };
}

/** 1-based line and column of an offset (a column counts characters, as an editor's does for Chinese text). */
function place(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    start = i + 1;
  }
  return { line, column: [...text.slice(start, offset)].length + 1 };
}

type State = 'value' | 'value-or-close' | 'key-or-close' | 'key' | 'colon' | 'after-value';

/** Walks the text as JSON.parse does (iteratively: a file can nest deep) and stops at the first mistake. */
function scan(text: string): Found | undefined {
  const open: { bracket: '{' | '['; offset: number }[] = [];
  let state: State = 'value';
  let lastComma = -1;
  let lastValueEnd = -1;
  let i = 0;
  const lineOf = (offset: number) => place(text, offset).line;
  while (true) {
    while (i < text.length && WHITESPACE.has(text[i] ?? '')) i++;
    const top = open[open.length - 1];
    if (i >= text.length) {
      if (state === 'after-value' && top === undefined) return undefined;
      if (top !== undefined) return unclosed(top.bracket, top.offset);
      if (lastValueEnd < 0 && state === 'value')
        return {
          offset: 0,
          kind: 'empty',
          zh: '文件中没有内容；费率方案应为 { "periods": [ … ] } 这样的 JSON 对象',
          en: 'the file holds nothing; a fee plan is a JSON object such as { "periods": [ … ] }',
        };
      return missingValue(i);
    }
    const c = text[i] ?? '';
    const special = unusual(c, i);
    switch (state) {
      case 'value':
      case 'value-or-close': {
        if (c === ']' || c === '}') {
          if (state === 'value-or-close' && c === ']') {
            open.pop();
            i++;
            lastValueEnd = i;
            state = 'after-value';
            break;
          }
          if (lastComma >= 0 && top !== undefined && text.slice(lastComma + 1, i).trim() === '')
            return extraComma(lastComma, top.bracket);
          if (state === 'value-or-close') return mismatch(c, top, i);
          return top === undefined ? unexpected(c, i) : missingValue(i);
        }
        if (special !== undefined) return special;
        const value = readValue(text, i);
        if ('error' in value) return value.error;
        if (value.opens !== undefined) {
          open.push({ bracket: value.opens, offset: i });
          state = value.opens === '{' ? 'key-or-close' : 'value-or-close';
          i++;
          break;
        }
        i = value.end;
        lastValueEnd = i;
        state = 'after-value';
        break;
      }
      case 'key-or-close':
      case 'key': {
        if (c === '}') {
          if (state === 'key') return extraComma(lastComma, '{');
          open.pop();
          i++;
          lastValueEnd = i;
          state = 'after-value';
          break;
        }
        if (c === '"') {
          const end = stringEnd(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          state = 'colon';
          break;
        }
        if (c === ']') return mismatch(c, top, i);
        if (special !== undefined) return special;
        const word = bareWord(text, i);
        if (word !== '')
          return {
            offset: i,
            kind: 'key',
            zh: `键 ${word} 要用英文双引号括起来，写成 "${word}"`,
            en: `the key ${word} must be in double quotes: "${word}"`,
          };
        return unexpected(c, i);
      }
      case 'colon': {
        if (c === ':') {
          i++;
          state = 'value';
          lastComma = -1;
          break;
        }
        if (special !== undefined) return special;
        return {
          offset: i,
          kind: 'colon',
          zh: '键后面要有冒号，再写它的值，如 "rate": "0.6%"',
          en: 'a key is followed by a colon and then its value, as in "rate": "0.6%"',
        };
      }
      case 'after-value': {
        if (top === undefined) {
          if (special !== undefined) return special;
          return {
            offset: i,
            kind: 'after-end',
            zh: `JSON 内容到第 ${lineOf(lastValueEnd - 1)} 行已经结束，这里还有多余的内容；请删除它（或检查前面的括号是否多写了一个）`,
            en: `the JSON ended on line ${lineOf(lastValueEnd - 1)}, and more follows here; delete it (or check the brackets before for one closed too early)`,
          };
        }
        if (c === ',') {
          lastComma = i;
          i++;
          state = top.bracket === '{' ? 'key' : 'value';
          break;
        }
        const close = top.bracket === '{' ? '}' : ']';
        if (c === close) {
          open.pop();
          i++;
          lastValueEnd = i;
          break;
        }
        if (c === '}' || c === ']') return mismatch(c, top, i);
        if (special !== undefined) return special;
        // Something that could start the next item: the comma between them is what is missing.
        if (/["{[\-0-9a-zA-Z\u4e00-\u9fff“‘']/.test(c)) {
          const previousLine = lineOf(lastValueEnd - 1);
          const next = tokenAt(text, i);
          const where =
            previousLine === lineOf(i)
              ? { zh: `${next} 前面缺少逗号`, en: `a comma is missing before ${next}` }
              : {
                  zh: `第 ${previousLine} 行的末尾缺少逗号`,
                  en: `a comma is missing at the end of line ${previousLine}`,
                };
          return {
            offset: i,
            kind: 'comma',
            zh:
              top.bracket === '{'
                ? `${where.zh}：对象的各项之间要用逗号隔开，如 {"channel": "card", "rate": "0.6%"}`
                : `${where.zh}：列表的各项之间要用逗号隔开，如 [{"card": "debit"}, {"card": "credit"}]`,
            en:
              top.bracket === '{'
                ? `${where.en}: the members of an object are separated by commas, as in {"channel": "card", "rate": "0.6%"}`
                : `${where.en}: the items of a list are separated by commas, as in [{"card": "debit"}, {"card": "credit"}]`,
          };
        }
        return unexpected(c, i);
      }
    }
  }
}

/** A value at `i`: a bracket that opens, or the end of a string, number or literal; else the mistake. */
function readValue(text: string, i: number): { opens?: '{' | '['; end: number } | { error: Found } {
  const c = text[i] ?? '';
  if (c === '{' || c === '[') return { opens: c, end: i + 1 };
  if (c === '"') {
    const end = stringEnd(text, i);
    return typeof end === 'number' ? { end } : { error: end };
  }
  if (c === ',' || c === ':') return { error: missingValue(i) };
  const word = bareWord(text, i);
  if (word === 'true' || word === 'false' || word === 'null') return { end: i + word.length };
  if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(word)) return { end: i + word.length };
  if (word !== '')
    return {
      error: {
        offset: i,
        kind: 'value',
        zh: `${word} 不是 JSON 的值：文字（包括带 % 的费率和以 0 开头的编号）要用英文双引号括起来，写成 "${word}"；数字写成 0.6 这样，真假写成 true / false`,
        en: `${word} is no JSON value: text (rates with %, numbers starting with 0 included) goes in double quotes, "${word}"; numbers are written as 0.6, yes/no as true / false`,
      },
    };
  return { error: unexpected(c, i) };
}

/** The offset after the closing quote of the string opening at `i`; else the mistake in it. */
function stringEnd(text: string, i: number): number | Found {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j] ?? '';
    if (c === '"') return j + 1;
    if (c === '\\') {
      const next = text[j + 1] ?? '';
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
        j += 5;
        continue;
      }
      if ('"\\/bfnrt'.includes(next) && next !== '') {
        j += 1;
        continue;
      }
      return {
        offset: j,
        kind: 'escape',
        zh: '字符串中的反斜杠 \\ 只能写成 \\\\、\\"、\\n 或 \\uXXXX 等转义；文件路径请把 \\ 写成 \\\\ 或 /',
        en: 'a backslash \\ in a string starts an escape such as \\\\, \\", \\n or \\uXXXX; write a path’s \\ as \\\\ or /',
      };
    }
    if (c === '\n' || c === '\r') break;
    if (c.charCodeAt(0) < 0x20)
      return {
        offset: j,
        kind: 'control',
        zh: '字符串中不能直接写 Tab 等控制字符：请删除它，或写成 \\t',
        en: 'a string cannot hold a tab or another control character as it is: delete it, or write \\t',
      };
  }
  return {
    offset: i,
    kind: 'quote',
    zh: '这里的 " 在同一行内没有对应的结尾引号（JSON 的字符串不能换行）：请在字符串的末尾补上 "',
    en: 'the " here has no closing quote on its line (a JSON string cannot span lines): add " at the end of the string',
  };
}

/** The token at `i` as the message quotes it: `"rate"`, `{`, `card` (long ones cut short). */
function tokenAt(text: string, i: number): string {
  const end = stringEnd(text, i);
  const token =
    text[i] === '"' && typeof end === 'number' ? text.slice(i, end) : bareWord(text, i) || (text[i] ?? '');
  return [...token].length > 24 ? `${[...token].slice(0, 24).join('')}…` : token;
}

/** The run of characters at `i` up to JSON punctuation or whitespace (`card`, `0.6%`, `tru`). */
function bareWord(text: string, i: number): string {
  let j = i;
  const ends = (c: string) => DELIMITER.test(c) || CURLY_QUOTES.has(c) || FULL_WIDTH[c] !== undefined;
  while (j < text.length && !ends(text[j] ?? '')) j++;
  return text.slice(i, j);
}

/** Chinese punctuation, curly or single quotes and comments, wherever they stand: each is its own mistake. */
function unusual(c: string, i: number): Found | undefined {
  if (c === '\u3000' || c === '\u00a0')
    return {
      offset: i,
      kind: 'punctuation',
      zh: '这里有一个全角空格（或不间断空格）；JSON 只认普通空格，请改成空格',
      en: 'there is a full-width (or no-break) space here; JSON takes plain spaces only — replace it',
    };
  const meant = FULL_WIDTH[c];
  if (meant !== undefined)
    return {
      offset: i,
      kind: 'punctuation',
      zh: `这里的 ${c} 是中文标点；JSON 只认英文标点，请改成 ${meant}`,
      en: `the ${c} here is Chinese (full-width) punctuation; JSON takes ASCII only — write ${meant}`,
    };
  if (CURLY_QUOTES.has(c))
    return {
      offset: i,
      kind: 'quote-style',
      zh: `JSON 的键和文字要用英文双引号 " 括起来，不能用 ${c}`,
      en: `JSON keys and text are enclosed in straight double quotes ", not ${c}`,
    };
  if (c === '/') return comment(i);
  return undefined;
}

function comment(i: number): Found {
  return {
    offset: i,
    kind: 'comment',
    zh: 'JSON 不能写注释（// 或 /* */）；请删除注释，或把方案存为 .yaml（YAML 用 # 写注释）',
    en: 'JSON takes no comments (// or /* */); delete them, or save the plan as .yaml (YAML comments start with #)',
  };
}

function unclosed(bracket: '{' | '[', offset: number): Found {
  const close = bracket === '{' ? '}' : ']';
  return {
    offset,
    kind: 'bracket',
    zh: `这里的 ${bracket} 没有对应的 ${close}：请在${bracket === '[' ? '列表' : '对象'}的末尾补上 ${close}`,
    en: `the ${bracket} here has no matching ${close}: add ${close} at the end of the ${bracket === '[' ? 'list' : 'object'}`,
  };
}

function mismatch(c: string, top: { bracket: '{' | '['; offset: number } | undefined, i: number): Found {
  if (top === undefined) return unexpected(c, i);
  const close = top.bracket === '{' ? '}' : ']';
  return {
    offset: i,
    kind: 'mismatch',
    zh: `这里的 ${c} 与前面的 ${top.bracket} 不配对：${top.bracket} 要用 ${close} 结束（或前面少写了一个括号）`,
    en: `the ${c} here does not match the ${top.bracket} before it: ${top.bracket} ends with ${close} (or a bracket is missing before)`,
  };
}

function extraComma(comma: number, bracket: '{' | '['): Found {
  return {
    offset: comma,
    kind: 'extra-comma',
    zh: `${bracket === '{' ? '对象' : '列表'}的最后一项后面不能有逗号：请删除这个逗号`,
    en: `no comma may follow the last ${bracket === '{' ? 'member of an object' : 'item of a list'}: delete this comma`,
  };
}

function missingValue(i: number): Found {
  return {
    offset: i,
    kind: 'missing-value',
    zh: '这里缺少值：冒号或逗号后面要写一个值，如 "0.6%"、0.6、{ … } 或 [ … ]',
    en: 'a value is missing here: a colon or comma is followed by a value such as "0.6%", 0.6, { … } or [ … ]',
  };
}

function unexpected(c: string, i: number): Found {
  return {
    offset: i,
    kind: 'other',
    zh: `这里的 ${c} 不符合 JSON 格式；请检查它前后的引号、逗号和括号`,
    en: `the ${c} here is not valid JSON; check the quotes, commas and brackets around it`,
  };
}
