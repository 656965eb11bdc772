import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { formatPlanIssue, loadPlanFile, type PlanIssue } from './parse-plan.js';
import { describeYamlErrors, yamlSyntaxFailure } from './yaml-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'posguard-yaml-error-'));
  mkdirSync(join(dir, 'plans'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a broken plan file, loads it as the CLI does and gives its errors as `plan check` prints them. */
async function planErrors(
  lines: readonly string[],
): Promise<{ zh: string[]; en: string[]; issues: PlanIssue[] }> {
  writeFileSync(join(dir, 'plans', 'm1.yaml'), lines.join('\n'));
  const result = await loadPlanFile(join(dir, 'plans', 'm1.yaml'));
  if (result.ok) throw new Error('the broken plan was accepted');
  return {
    zh: result.errors.map((e) => formatPlanIssue('plans/m1.yaml', e, 'zh')),
    en: result.errors.map((e) => formatPlanIssue('plans/m1.yaml', e, 'en')),
    issues: [...result.errors],
  };
}

describe('a broken plan file is refused in zh-CN and English, naming the file, line, column and what was expected', () => {
  it('a line indented further than its level: the line to fix and the columns it could start in', async () => {
    const { zh, en, issues } = await planErrors([
      'merchant: 鸿运便利店',
      'periods:',
      '  - from: 2026-09-01',
      '     rates: [{ rate: 0.60% }]',
    ]);
    expect(zh).toEqual([
      'plans/m1.yaml 第 4 行第 6 列：YAML 格式错误（缩进不一致）：这一行比上面的键“from”缩进得多，但上面的键已经有值，不能再有下级；请让它与同一层的键对齐（第 1 列或第 5 列）',
    ]);
    expect(en).toEqual([
      'plans/m1.yaml: YAML syntax error at line 4, column 6 (inconsistent indentation): this line is indented further than the key “from” above it, which already has a value and so cannot hold it; line it up with the keys of its level (column 1 or 5)',
    ]);
    expect(issues[0]).toMatchObject({ code: 'yaml', line: 4, column: 6 });
  });

  it('a key out of line with its level, and one at the column of a list item that may lack its “- ”', async () => {
    const { zh, en } = await planErrors([
      'periods:',
      '  - from: 2026-09-01',
      '    rates: [{ rate: 0.60% }]',
      ' notice: 30',
    ]);
    expect(zh).toEqual([
      'plans/m1.yaml 第 4 行第 2 列：YAML 格式错误（缩进不一致）：这一行的键从第 2 列开始，与上面同一层的键没有对齐；应从第 1 列或第 5 列开始（与同一层的键对齐）',
    ]);
    expect(en).toEqual([
      'plans/m1.yaml: YAML syntax error at line 4, column 2 (inconsistent indentation): this key starts in column 2, in line with no key above it; start it in column 1 or 5, like the other keys of its level',
    ]);
    const item = await planErrors(['periods:', '  - from: 2026-09-01', '  from: 2026-10-01']);
    expect(item.zh).toEqual([
      'plans/m1.yaml 第 3 行第 3 列：YAML 格式错误（缩进不一致）：这一行的键从第 3 列开始，与上面同一层的键没有对齐；应从第 1 列或第 5 列开始（与同一层的键对齐）；若它是新的列表项，请在前面加 “- ”',
    ]);
  });

  it('a tab used for indentation, and how many errors follow from it', async () => {
    const { zh, en } = await planErrors(['periods:', '\t- from: 2026-09-01', '    rates: [{ rate: 0.60% }]']);
    expect(zh).toEqual([
      'plans/m1.yaml 第 2 行第 1 列：YAML 格式错误（缩进用了 Tab）：这一行用 Tab 缩进；YAML 只能用空格缩进，请把 Tab 换成空格（其后另有 1 处 YAML 错误，多半由此引起；改正后请再检查）',
    ]);
    expect(en).toEqual([
      'plans/m1.yaml: YAML syntax error at line 2, column 1 (a tab used for indentation): this line is indented with a tab; YAML indents with spaces only — replace the tab with spaces (1 more YAML error after it, most likely caused by this one; check again once it is fixed)',
    ]);
  });

  it('an unclosed quote where it opens, not where the parser gave up (the end of the file)', async () => {
    const { zh, en } = await planErrors([
      'merchant: "鸿运便利店',
      'periods:',
      '  - from: 2026-09-01',
      '    rates: [{ rate: 0.60% }]',
      '',
    ]);
    expect(zh).toEqual([
      'plans/m1.yaml 第 1 行第 11 列：YAML 格式错误（引号没有闭合）：这里开始的双引号 " 没有闭合：请在这个值的末尾（同一行内）补上 "',
    ]);
    expect(en).toEqual([
      'plans/m1.yaml: YAML syntax error at line 1, column 11 (unclosed quote): the " opened here is never closed: add " at the end of the value, on the same line',
    ]);
    const single = await planErrors(["merchant: '鸿运", 'periods: []', '']);
    expect(single.zh[0]).toMatch(
      /^plans\/m1\.yaml 第 1 行第 11 列：YAML 格式错误（引号没有闭合）：这里开始的单引号 '/,
    );
  });

  it('an unclosed bracket where it opens', async () => {
    const { zh, en } = await planErrors([
      'periods:',
      '  - from: 2026-09-01',
      '    rates: [{ rate: 0.60% }',
      '',
    ]);
    expect(zh).toEqual([
      'plans/m1.yaml 第 3 行第 12 列：YAML 格式错误（括号没有闭合）：这里的 [ 没有对应的 ]：请在列表的末尾补上 ]',
    ]);
    expect(en).toEqual([
      'plans/m1.yaml: YAML syntax error at line 3, column 12 (unclosed bracket): the [ here has no matching ]: add ] at the end of the list',
    ]);
  });

  it('a colon inside a value, and a line without one', async () => {
    expect((await planErrors(['merchant: 鸿运: 一店', 'periods: []'])).zh).toEqual([
      'plans/m1.yaml 第 1 行第 11 列：YAML 格式错误（值中含有冒号）：一行只能写一个“键: 值”，这个值里又有“: ”；请给整个值加引号，如 name: "a: b"',
    ]);
    expect((await planErrors(['merchant: 鸿运', '鸿运便利店', 'periods: []'])).en).toEqual([
      'plans/m1.yaml: YAML syntax error at line 2, column 1 (missing colon): this line has no colon: write “key: value” (a space after the colon)',
    ]);
  });

  it('every duplicate key, each with its name', async () => {
    const { zh, en } = await planErrors([
      'rounding: up',
      'periods:',
      '  - from: 2026-09-01',
      '    rates: [{ rate: 0.60% }]',
      'rounding: down',
      'periods: []',
    ]);
    expect(zh).toEqual([
      'plans/m1.yaml 第 5 行第 1 列：YAML 格式错误（键重复）：同一层级出现了重复的键“rounding”：请删除或合并其中一个',
      'plans/m1.yaml 第 6 行第 1 列：YAML 格式错误（键重复）：同一层级出现了重复的键“periods”：请删除或合并其中一个',
    ]);
    expect(en[1]).toBe(
      'plans/m1.yaml: YAML syntax error at line 6, column 1 (duplicate key): the key “periods” appears twice in the same mapping: delete or merge one of them',
    );
  });

  it('leaves no parser message in English in the zh-CN text of the common mistakes', async () => {
    const broken = [
      ['a: 1', '  b: 2'],
      ['a:', '  - 1', ' b: 2'],
      ['a: "x'],
      ['a: [1, 2'],
      ['a: {x: 1', 'b: 2'],
      ['a:', '\tb: 1'],
      ['a: 1', '- 2'],
      ['a: b: c'],
      ['a: "C:\\new\\xq"'],
      ['a: @x'],
      ['a: 1', '---', 'b: 2'],
      ['a: 1#c', 'b: [1]#c'],
      ['%foo', 'a: 1'],
      ['periods:', '  - from: 2026-09-01', '   rates: []'],
      ['periods:', '  - a', '   b: 1'],
      ['a: 1', 'abc', 'b: 2'],
    ];
    for (const lines of broken) {
      const { zh } = await planErrors(lines);
      expect(zh[0]).toMatch(/^plans\/m1\.yaml 第 \d+ 行第 \d+ 列：YAML 格式错误（[^）]+）：/);
      expect(zh[0]).not.toContain('解析器提示');
      // What follows the place is zh-CN, apart from the words of YAML itself.
      const said = zh[0]?.slice(zh[0].indexOf('列：')).replace(/YAML|Tab|name|periods/g, '');
      expect(said).not.toMatch(/[A-Za-z]{4,}/);
    }
  });
});

describe('yamlSyntaxFailure: a provider catalogue that is not valid YAML', () => {
  const catalogue = [
    'plans:',
    '  - provider: 乐刷（示例）',
    '    aliases: [leshua, 乐刷]',
    '    plan: "电签 POS 标准费率 0.60%（示例）',
    '    settlement: T1',
    '    source: "https://example.com/rates"',
    '    periods:',
    '      - from: 2020-01-01',
    '        rates: [{ rate: 0.60% }]',
    '',
  ];

  /** Parsed as the catalogue loader does (default options: errors carry the parser's English text). */
  const refuse = (text: string) => yamlSyntaxFailure('providers.yaml', text, parseDocument(text).errors);

  it('names the file, line and column of an unclosed quote, in zh-CN and English', () => {
    // A real file, saved with a byte-order mark as Notepad does; parsed as parseCatalog does.
    const path = join(dir, 'providers.yaml');
    writeFileSync(path, `\uFEFF${catalogue.join('\n')}`);
    const text = readFileSync(path, 'utf8');
    const errors = parseDocument(text.replace(/^\uFEFF/, '')).errors;
    expect(yamlSyntaxFailure('providers.yaml', text, errors)).toEqual({
      ok: false,
      zh: 'providers.yaml 第 4 行第 11 列：YAML 格式错误（引号没有闭合）：这里开始的双引号 " 没有闭合：请在这个值的末尾（同一行内）补上 "',
      en: 'providers.yaml: YAML syntax error at line 4, column 11 (unclosed quote): the " opened here is never closed: add " at the end of the value, on the same line',
    });
  });

  it('names a tab, and the same place whether or not the file starts with a byte-order mark', () => {
    const text = catalogue
      .join('\n')
      .replace('"电签 POS 标准费率 0.60%（示例）', '电签')
      .replace('    settlement', '\tsettlement');
    const plain = refuse(text);
    expect(plain.zh).toMatch(/^providers\.yaml 第 5 行第 1 列：YAML 格式错误（缩进用了 Tab）：/);
    expect(plain.en).toMatch(
      /^providers\.yaml: YAML syntax error at line 5, column 1 \(a tab used for indentation\)/,
    );
    const withBom = `\uFEFF${text}`;
    expect(yamlSyntaxFailure('providers.yaml', withBom, parseDocument(text).errors)).toEqual(plain);
  });

  it('describes errors whichever options the document was parsed with', () => {
    const text = catalogue.join('\n');
    const pretty = describeYamlErrors(text, parseDocument(text).errors);
    const plain = describeYamlErrors(text, parseDocument(text, { prettyErrors: false }).errors);
    expect(pretty).toEqual(plain);
    expect(pretty).toHaveLength(1);
  });
});
