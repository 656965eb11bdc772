import { type ErrorCode, Parser, type YAMLError } from 'yaml';

/** A YAML syntax error as a merchant reads it: where (1-based line and column) and what was expected, zh and en. */
export interface YamlSyntaxProblem {
  readonly code: ErrorCode;
  readonly line: number;
  readonly column: number;
  /** `第 3 行第 5 列：YAML 格式错误（缩进不一致）：…` */
  readonly zh: string;
  /** `YAML syntax error at line 3, column 5 (inconsistent indentation): …` */
  readonly en: string;
}

type Kind =
  | 'tab'
  | 'indent'
  | 'quote'
  | 'bracket'
  | 'colon'
  | 'colon-in-value'
  | 'comma'
  | 'space'
  | 'comment'
  | 'escape'
  | 'start'
  | 'duplicate'
  | 'documents'
  | 'directive'
  | 'anchor'
  | 'tag'
  | 'key'
  | 'too-deep'
  | 'other';

const KINDS: Record<Kind, { zh: string; en: string }> = {
  tab: { zh: '缩进用了 Tab', en: 'a tab used for indentation' },
  indent: { zh: '缩进不一致', en: 'inconsistent indentation' },
  quote: { zh: '引号没有闭合', en: 'unclosed quote' },
  bracket: { zh: '括号没有闭合', en: 'unclosed bracket' },
  colon: { zh: '缺少冒号', en: 'missing colon' },
  'colon-in-value': { zh: '值中含有冒号', en: 'a colon inside a value' },
  comma: { zh: '缺少逗号', en: 'missing comma' },
  space: { zh: '冒号后缺少空格', en: 'no space after a colon' },
  comment: { zh: '注释前缺少空格', en: 'no space before a comment' },
  escape: { zh: '反斜杠转义无效', en: 'invalid backslash escape' },
  start: { zh: '值以特殊符号开头', en: 'a value starting with a special character' },
  duplicate: { zh: '键重复', en: 'duplicate key' },
  documents: { zh: '多个文档', en: 'more than one document' },
  directive: { zh: '以 % 开头的行', en: 'a line starting with %' },
  anchor: { zh: '锚点或别名有误', en: 'bad anchor or alias' },
  tag: { zh: '无法识别的标签', en: 'unknown tag' },
  key: { zh: '键无效', en: 'invalid key' },
  'too-deep': { zh: '嵌套过深', en: 'nested too deep' },
  other: { zh: '无法识别的内容', en: 'unexpected content' },
};

// The kind of each error code; MISSING_CHAR, BAD_INDENT, BLOCK_AS_IMPLICIT_KEY and MULTILINE_IMPLICIT_KEY are told
// apart further by their message and the text around them (see describe).
const BY_CODE: Record<ErrorCode, Kind> = {
  ALIAS_PROPS: 'anchor',
  BAD_ALIAS: 'anchor',
  BAD_COLLECTION_TYPE: 'tag',
  BAD_DIRECTIVE: 'directive',
  BAD_DQ_ESCAPE: 'escape',
  BAD_INDENT: 'indent',
  BAD_PROP_ORDER: 'anchor',
  BAD_SCALAR_START: 'start',
  BLOCK_AS_IMPLICIT_KEY: 'indent',
  BLOCK_IN_FLOW: 'comma',
  DUPLICATE_KEY: 'duplicate',
  IMPOSSIBLE: 'other',
  KEY_OVER_1024_CHARS: 'key',
  MISSING_CHAR: 'other',
  MULTILINE_IMPLICIT_KEY: 'indent',
  MULTIPLE_ANCHORS: 'anchor',
  MULTIPLE_DOCS: 'documents',
  MULTIPLE_TAGS: 'tag',
  NON_STRING_KEY: 'key',
  RESOURCE_EXHAUSTION: 'too-deep',
  TAB_AS_INDENT: 'tab',
  TAG_RESOLVE_FAILED: 'tag',
  UNEXPECTED_TOKEN: 'other',
};

/**
 * The YAML errors of a plan or catalogue file as zh-CN and English messages that name the line and column and say
 * what was expected. After the first syntax error the parser's further errors mostly follow from it, so only the
 * first is described, with how many more there are; duplicate keys, each a mistake of its own, are all listed.
 * @example describeYamlErrors('a:\n\t- 1\n', parseDocument('a:\n\t- 1\n').errors)[0]?.zh
 *   === '第 2 行第 1 列：YAML 格式错误（缩进用了 Tab）：这一行用 Tab 缩进；YAML 只能用空格缩进，请把 Tab 换成空格'
 */
export function describeYamlErrors(text: string, errors: readonly YAMLError[]): YamlSyntaxProblem[] {
  const source = new Source(text.replace(/^\uFEFF/, ''));
  // A nested mapping on one implicit key is reported twice (BLOCK_AS_IMPLICIT_KEY, then MULTILINE_IMPLICIT_KEY at
  // the same offset): one mistake, described once from both.
  const nested = new Set(errors.filter((e) => e.code === 'BLOCK_AS_IMPLICIT_KEY').map((e) => e.pos[0]));
  const described = errors
    .filter((e) => e.code !== 'MULTILINE_IMPLICIT_KEY' || !nested.has(e.pos[0]))
    .map((e) => describe(e, errors, source))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const syntax = described.filter((p) => p.code !== 'DUPLICATE_KEY');
  const first = syntax[0];
  if (first === undefined) return described;
  const more = syntax.length - 1;
  if (more === 0) return [first];
  return [
    {
      ...first,
      zh: `${first.zh}（其后另有 ${more} 处 YAML 错误，多半由此引起；改正后请再检查）`,
      en: `${first.en} (${more} more YAML error${more === 1 ? '' : 's'} after it, most likely caused by this one; check again once it is fixed)`,
    },
  ];
}

/**
 * A file's YAML errors as one refusal naming the file, for loaders that answer `{ ok: false, zh, en }`.
 * @example yamlSyntaxFailure('providers.yaml', text, doc.errors).zh
 *   === 'providers.yaml 第 19 行第 11 列：YAML 格式错误（引号没有闭合）：…'
 */
export function yamlSyntaxFailure(
  fileName: string,
  text: string,
  errors: readonly YAMLError[],
): { ok: false; zh: string; en: string } {
  const problems = describeYamlErrors(text, errors);
  return {
    ok: false,
    zh: problems.map((p) => `${fileName} ${p.zh}`).join('\n'),
    en: problems.map((p) => `${fileName}: ${p.en}`).join('\n'),
  };
}

/** The text of a file with its line starts, and the parser's tokens when a message needs them. */
class Source {
  readonly lines: string[];
  private readonly starts: number[] = [0];
  private cst: Token[] | undefined;

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  }

  /** 1-based line and column of an offset. */
  at(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }

  lineText(line: number): string {
    return this.lines[line - 1] ?? '';
  }

  /** The column of the first character that is not a space on a line. */
  firstColumn(line: number): number {
    return (/^[ \t]*/.exec(this.lineText(line))?.[0].length ?? 0) + 1;
  }

  /** Quoted scalars and flow collections (`[`, `{`) that were opened before an offset and never closed. */
  unclosedBefore(offset: number, types: readonly string[]): Token | undefined {
    this.cst ??= tokensOf([...new Parser().parse(this.text)]);
    let found: Token | undefined;
    for (const token of this.cst)
      if (types.includes(token.type) && token.offset <= offset && !closed(token))
        if (found === undefined || token.offset > found.offset) found = token;
    return found;
  }
}

interface Token {
  type: string;
  offset: number;
  source?: string;
  start?: { source?: string };
  end?: readonly { type: string }[];
}

const UNCLOSABLE = new Set(['double-quoted-scalar', 'single-quoted-scalar', 'flow-collection']);

/** Every quoted scalar and flow collection in a parsed token tree (walked without recursion: files can nest deep). */
function tokensOf(roots: readonly unknown[]): Token[] {
  const out: Token[] = [];
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    const token = node as Partial<Token>;
    if (typeof token.type === 'string' && UNCLOSABLE.has(token.type) && typeof token.offset === 'number')
      out.push(token as Token);
    for (const value of Object.values(node))
      if (value !== null && typeof value === 'object') stack.push(value);
  }
  return out;
}

function closed(token: Token): boolean {
  const source = token.source ?? '';
  if (token.type === 'double-quoted-scalar') {
    if (source.length < 2 || !source.endsWith('"')) return false;
    const backslashes = /\\*$/.exec(source.slice(1, -1))?.[0].length ?? 0;
    return backslashes % 2 === 0;
  }
  if (token.type === 'single-quoted-scalar') {
    // '' inside single quotes is one quote: the string is closed when it ends in an odd number of them.
    const quotes = /'*$/.exec(source.slice(1))?.[0].length ?? 0;
    return quotes % 2 === 1;
  }
  return (token.end ?? []).some((t) => t.type === 'flow-seq-end' || t.type === 'flow-map-end');
}

/** The columns where the keys (or `- ` items) of the levels enclosing a line start, in ascending order. */
function levelColumns(source: Source, line: number, items: boolean): number[] {
  const own = source.firstColumn(line);
  const out: number[] = [];
  let limit = Number.POSITIVE_INFINITY;
  for (let l = line - 1; l >= 1 && out.length < 4; l -= 1) {
    const text = source.lineText(l);
    if (/^\s*(?:#|$)/.test(text)) continue;
    const indent = /^ */.exec(text)?.[0].length ?? 0;
    const dashes = /^(?:-[ ]+)*/.exec(text.slice(indent))?.[0].length ?? 0;
    const column = (items ? indent : indent + dashes) + 1;
    const counts = items
      ? dashes > 0
      : /^(?:"[^"]*"|'[^']*'|[^\s#'"[\]{},][^#]*?)\s*:(?:\s|$)/.test(text.slice(indent + dashes));
    if (counts && column < limit && (items || column !== own)) out.push(column);
    limit = Math.min(limit, column, indent + 1);
  }
  return out.sort((a, b) => a - b);
}

/** `第 1 列或第 5 列` / `column 1 or 5`. */
function columnList(columns: readonly number[], lang: 'zh' | 'en'): string {
  const last = columns[columns.length - 1] ?? 1;
  const rest = columns.slice(0, -1);
  if (lang === 'zh') {
    const each = (c: number) => `第 ${c} 列`;
    return rest.length === 0 ? each(last) : `${rest.map(each).join('、')}或${each(last)}`;
  }
  return rest.length === 0 ? `column ${last}` : `column ${rest.join(', ')} or ${last}`;
}

/** The key a line gives before the column of its value (`  - from: 2026-09-01` → from). */
function keyBefore(text: string, column: number): string | undefined {
  return /([^\s:\-[{,][^:]*?)\s*:\s*$/.exec(text.slice(0, column - 1))?.[1];
}

/** A key that lines up with no level above it: where it could start, and a “- ” it may lack. */
function misalignedKey(source: Source, line: number, listItem = false): { zh: string; en: string } {
  const column = source.firstColumn(line);
  const columns = levelColumns(source, line, false);
  const where = columns.length > 0 ? columns : [1];
  const dash = listItem || levelColumns(source, line, true).includes(column);
  return {
    zh: `这一行的键从第 ${column} 列开始，与上面同一层的键没有对齐；应从${columnList(where, 'zh')}开始（与同一层的键对齐）${dash ? '；若它是新的列表项，请在前面加 “- ”' : ''}`,
    en: `this key starts in column ${column}, in line with no key above it; start it in ${columnList(where, 'en')}, like the other keys of its level${dash ? ', or put “- ” before it if it starts a new list item' : ''}`,
  };
}

function describe(error: YAMLError, all: readonly YAMLError[], source: Source): YamlSyntaxProblem {
  const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  let { line, column } = source.at(error.pos[0]);
  let kind: Kind = BY_CODE[error.code] ?? 'other';
  let zh: string;
  let en: string;
  const lineText = source.lineText(line);
  switch (error.code) {
    case 'TAB_AS_INDENT':
      zh = '这一行用 Tab 缩进；YAML 只能用空格缩进，请把 Tab 换成空格';
      en = 'this line is indented with a tab; YAML indents with spaces only — replace the tab with spaces';
      break;
    case 'BAD_INDENT': {
      const flow = /^Flow (sequence|map)/.exec(message);
      if (flow !== null) {
        const open = flow[1] === 'sequence' ? '[' : '{';
        const close = open === '[' ? ']' : '}';
        const token = source.unclosedBefore(error.pos[0], ['flow-collection']);
        if (token !== undefined) ({ line, column } = source.at(token.offset));
        kind = 'bracket';
        zh = `这里的 ${open} 没有对应的 ${close}：请在${open === '[' ? '列表' : '花括号'}的末尾补上 ${close}`;
        en = `the ${open} here has no matching ${close}: add ${close} at the end of the ${open === '[' ? 'list' : 'mapping'}`;
        break;
      }
      const items = message.includes('sequence items');
      if (!items && !message.startsWith('All mapping items')) {
        zh = message.startsWith('Block scalar')
          ? '多行文本（| 或 >）的各行应比它的键缩进得多，且缩进一致'
          : `这一行的缩进不对，请与同一层对齐（解析器提示：${message}）`;
        en = message.startsWith('Block scalar')
          ? 'the lines of a block text (| or >) are indented further than its key, all alike'
          : `this line is indented wrongly; line it up with its level (${message})`;
        break;
      }
      column = source.firstColumn(line);
      if (!items) {
        ({ zh, en } = misalignedKey(source, line));
        break;
      }
      const where = levelColumns(source, line, true);
      const dashes = where.length > 0 ? where : [1];
      zh = `这一行的 “-” 从第 ${column} 列开始，与上面同一列表的 “-” 没有对齐；应从${columnList(dashes, 'zh')}开始`;
      en = `this “-” starts in column ${column}, out of line with the “-” of its list above; start it in ${columnList(dashes, 'en')}`;
      break;
    }
    case 'BLOCK_AS_IMPLICIT_KEY': {
      if (message.startsWith('A block sequence')) {
        zh =
          '列表（“-” 开头的行）之后接着一个“键:”，缩进不一致；列表项应比它所属的键缩进得多，同一层的键应对齐';
        en =
          'a “key:” follows a list (lines starting with “-”) out of line; list items are indented further than their key, and keys of one level line up';
        break;
      }
      const multiline = all.find((e) => e.code === 'MULTILINE_IMPLICIT_KEY' && e.pos[0] === error.pos[0]);
      const endLine = multiline === undefined ? line : source.at(multiline.pos[1]).line;
      if (endLine === line) {
        kind = 'colon-in-value';
        zh = '一行只能写一个“键: 值”，这个值里又有“: ”；请给整个值加引号，如 name: "a: b"';
        en =
          'one line holds one “key: value”, and this value contains “: ” — put the whole value in quotes, e.g. name: "a: b"';
        break;
      }
      // The value of `key:` on this line ran on into a later line that reads as `other:`: that line is indented
      // further than its own level.
      const key = keyBefore(lineText, column);
      const columns = levelColumns(source, endLine, false);
      line = endLine;
      column = source.firstColumn(endLine);
      zh = `这一行比上面的键${key === undefined ? '' : `“${key}”`}缩进得多，但上面的键已经有值，不能再有下级；请让它与同一层的键对齐${columns.length > 0 ? `（${columnList(columns, 'zh')}）` : ''}`;
      en = `this line is indented further than the key${key === undefined ? '' : ` “${key}”`} above it, which already has a value and so cannot hold it; line it up with the keys of its level${columns.length > 0 ? ` (${columnList(columns, 'en')})` : ''}`;
      break;
    }
    case 'MULTILINE_IMPLICIT_KEY': {
      const endLine = source.at(error.pos[1]).line;
      if (endLine > line && source.firstColumn(endLine) <= column) {
        // `abc` then `b: 2` below it, no deeper: the line above the key is a key without its colon.
        kind = 'colon';
        zh = '这一行缺少冒号：应写成“键: 值”（冒号后加一个空格）';
        en = 'this line has no colon: write “key: value” (a space after the colon)';
      } else if (endLine > line) {
        // `- a` then `   b: 1` indented further: a value cannot hold keys.
        const columns = levelColumns(source, endLine, false);
        line = endLine;
        column = source.firstColumn(endLine);
        zh = `这一行比上一行的值缩进得多，但值不能有下级；请让它与同一层的键对齐${columns.length > 0 ? `（${columnList(columns, 'zh')}）` : ''}，或给上一行补上冒号`;
        en = `this line is indented further than the value above it, which cannot hold keys; line it up with the keys of its level${columns.length > 0 ? ` (${columnList(columns, 'en')})` : ''}, or give the line above its colon`;
      } else if (/^\s*-(?:\s|$)/.test(lineText)) {
        zh =
          '这里应为“键: 值”，却是列表项（“-” 开头）；列表应写在它的键下面并多缩进，如 periods: 的下一行写 “  - …”';
        en =
          'a “key: value” was expected here, not a list item (“-”); a list goes under its key, indented further, e.g. “  - …” on the line after periods:';
      } else {
        zh = '键必须写在一行内，这一行的缩进或冒号有误';
        en = 'a key is written on one line; the indentation or the colon of this line is wrong';
      }
      break;
    }
    case 'MISSING_CHAR': {
      const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
      if (quote !== undefined) {
        const token = source.unclosedBefore(error.pos[0], [
          quote === '"' ? 'double-quoted-scalar' : 'single-quoted-scalar',
        ]);
        if (token !== undefined) ({ line, column } = source.at(token.offset));
        kind = 'quote';
        const name = quote === '"' ? '双引号' : '单引号';
        zh = `这里开始的${name} ${quote} 没有闭合：请在这个值的末尾（同一行内）补上 ${quote}`;
        en = `the ${quote} opened here is never closed: add ${quote} at the end of the value, on the same line`;
      } else if (/^Flow (?:sequence|map) must end with/.test(message)) {
        const token = source.unclosedBefore(error.pos[0], ['flow-collection']);
        if (token !== undefined) ({ line, column } = source.at(token.offset));
        const open = token?.start?.source === '{' || /^Flow map/.test(message) ? '{' : '[';
        const close = open === '[' ? ']' : '}';
        kind = 'bracket';
        zh = `这里的 ${open} 没有对应的 ${close}：请在${open === '[' ? '列表' : '花括号'}的末尾补上 ${close}`;
        en = `the ${open} here has no matching ${close}: add ${close} at the end of the ${open === '[' ? 'list' : 'mapping'}`;
      } else if (message.startsWith('Implicit map keys need to be followed')) {
        kind = 'colon';
        zh = '这里缺少冒号：应写成“键: 值”（冒号后加一个空格）';
        en = 'a colon is missing here: write “key: value” (a space after the colon)';
      } else if (/^Missing , (?:or : )?between/.test(message)) {
        kind = 'comma';
        zh = '方括号或花括号里的各项之间要用逗号隔开，如 [a, b] 或 { rate: 0.6%, cap: 20 }';
        en = 'items in brackets or braces are separated by commas, e.g. [a, b] or { rate: 0.6%, cap: 20 }';
      } else if (message.startsWith('Missing space after :')) {
        kind = 'space';
        zh = '冒号后要有一个空格，如 { rate: 0.6% }';
        en = 'a colon is followed by a space, e.g. { rate: 0.6% }';
      } else if (message.startsWith('Comments must be separated')) {
        kind = 'comment';
        zh = '# 注释前要有空格；若 # 是值的一部分，请给整个值加引号';
        en =
          'a # comment needs a space before it; if the # is part of the value, put the whole value in quotes';
      } else if (message.startsWith('Sequence item without')) {
        kind = 'indent';
        column = source.firstColumn(line);
        ({ zh, en } = misalignedKey(source, line, true));
      } else if (/directives-end/.test(message)) {
        kind = 'directive';
        zh = '以 % 开头的行被当作 YAML 指令；若它是内容，请给它加引号';
        en = 'a line starting with % is read as a YAML directive; if it is content, put it in quotes';
      } else {
        zh = `解析器提示：${message}`;
        en = message;
      }
      break;
    }
    case 'BAD_DQ_ESCAPE':
      zh = '双引号里的反斜杠 \\ 是转义符，这里的写法无效；写路径等请改用单引号，或把 \\ 写成 \\\\';
      en =
        'a backslash inside double quotes starts an escape, and this one is invalid; use single quotes for paths, or write \\ as \\\\';
      break;
    case 'BAD_SCALAR_START': {
      const char = source.text[error.pos[0]] ?? '';
      zh = `值不能以 ${char} 开头；请给整个值加引号，如 '${char}…'`;
      en = `a value cannot start with ${char}; put the whole value in quotes, e.g. '${char}…'`;
      break;
    }
    case 'BLOCK_IN_FLOW':
      zh = '方括号或花括号里的各项要用逗号隔开，且不能再换行写“键:”或“- ”块，如 { rate: 0.6%, cap: 20 }';
      en =
        'items in brackets or braces are separated by commas and cannot hold “key:” or “- ” blocks, e.g. { rate: 0.6%, cap: 20 }';
      break;
    case 'DUPLICATE_KEY': {
      const key = /^(.*?)\s*:(?:\s|$)/.exec(lineText.slice(column - 1))?.[1];
      const named = key === undefined || key === '' ? undefined : key;
      zh = `同一层级出现了重复的键${named === undefined ? '' : `“${named}”`}：请删除或合并其中一个`;
      en = `${named === undefined ? 'a key' : `the key “${named}”`} appears twice in the same mapping: delete or merge one of them`;
      break;
    }
    case 'MULTIPLE_DOCS':
      zh = '文件只能包含一个 YAML 文档，这里的 “---” 开始了第二个；请删除多余的 “---”';
      en = 'a file holds one YAML document, and the “---” here starts a second; delete the extra “---”';
      break;
    case 'BAD_DIRECTIVE':
      zh = '以 % 开头的行被当作 YAML 指令；若它是内容，请给它加引号';
      en = 'a line starting with % is read as a YAML directive; if it is content, put it in quotes';
      break;
    case 'ALIAS_PROPS':
    case 'BAD_ALIAS':
    case 'BAD_PROP_ORDER':
    case 'MULTIPLE_ANCHORS':
      zh = '锚点（&）或别名（*）的写法有误；若 & 或 * 是值的一部分，请给整个值加引号';
      en =
        'an anchor (&) or alias (*) is written wrongly; if the & or * is part of the value, put the whole value in quotes';
      break;
    case 'BAD_COLLECTION_TYPE':
    case 'MULTIPLE_TAGS':
    case 'TAG_RESOLVE_FAILED':
      zh = '以 ! 开头的标签无法识别；若 ! 是值的一部分，请给整个值加引号';
      en =
        'a tag starting with ! is not understood; if the ! is part of the value, put the whole value in quotes';
      break;
    case 'KEY_OVER_1024_CHARS':
    case 'NON_STRING_KEY':
      zh = '键应为一行内的简短文本（不超过 1024 个字符）';
      en = 'a key is short text on one line (at most 1024 characters)';
      break;
    case 'RESOURCE_EXHAUSTION':
      // The parser ran out of stack: brackets or levels nested thousands deep.
      zh = '括号或缩进的层级嵌套太深，无法读取；费率方案只需要几层';
      en = 'brackets or indentation levels nest too deep to be read; a fee plan needs only a few levels';
      break;
    default:
      // IMPOSSIBLE, UNEXPECTED_TOKEN, and any code a later yaml release adds.
      zh = `这里的内容无法识别，请检查缩进、冒号和括号（解析器提示：${message}）`;
      en = `unexpected content here — check the indentation, colons and brackets (${message})`;
      break;
  }
  const label = KINDS[kind];
  return {
    code: error.code,
    line,
    column,
    zh: `第 ${line} 行第 ${column} 列：YAML 格式错误（${label.zh}）：${zh}`,
    en: `YAML syntax error at line ${line}, column ${column} (${label.en}): ${en}`,
  };
}
