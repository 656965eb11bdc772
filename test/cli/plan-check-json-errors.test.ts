import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { describeJsonError } from '../../src/plans/json-error.js';

// `posguard plan check j1.json`, a JSON plan missing the comma between "card" and "rate" at column 85/86, was told
// “YAML 格式错误（缺少逗号）…不能再换行写“键:”或“- ”块” at 第 1 行第 79 列 (where the YAML parser noticed, the
// object's start). A .json plan's mistakes are now told in JSON's terms where JSON.parse finds them. And a missing
// plan was “无法读取 /abs/path（ENOENT）” where audit says “文件不存在或无法读取”: one wording everywhere.

// QA's file (/tmp/qa-3/bad/j1.json): JSON.parse stops at position 85, the `"rate"` after `"card" ` (column 86).
const J1 =
  '{"merchantId": "1", "periods": [ {"from": "2026-09-01", "rates": [ {"channel":"card" "rate":"0.6%"} ] } ] }\n';
const J1_ZH =
  'j1.json 第 1 行第 86 列：JSON 格式错误（缺少逗号）："rate" 前面缺少逗号：对象的各项之间要用逗号隔开，如 {"channel": "card", "rate": "0.6%"}';
const J1_EN =
  'j1.json: JSON syntax error at line 1, column 86 (missing comma): a comma is missing before "rate": the members of an object are separated by commas, as in {"channel": "card", "rate": "0.6%"}';

const SETTLEMENT = [
  '交易时间,结算日期,商户号,终端号,参考号,卡类型,支付方式,交易类型,交易金额,手续费,结算金额',
  '2026-11-04 10:00:00,2026-11-05,898440153991234,12345678,100000000003,贷记卡,刷卡,消费,1234.56,8.40,1226.16',
].join('\n');

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'posguard-plan-json-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('posguard plan check on a .json plan with a JSON mistake', () => {
  it('names the missing comma where JSON.parse finds it, in JSON’s terms, zh and en', async () => {
    const dir = folder({ 'j1.json': J1 });
    const zh = await runCli(['plan', 'check', 'j1.json'], { cwd: dir, env: {} });
    expect(zh.exitCode).toBe(2);
    expect(zh.stdout).toBe('');
    expect(zh.stderr).toBe(`${J1_ZH}\n`);
    expect(zh.stderr).not.toContain('YAML');
    const en = await runCli(['plan', 'check', 'j1.json', '--lang', 'en'], { cwd: dir, env: {} });
    expect(en.stderr).toBe(`${J1_EN}\n`);
    // JSON.parse agrees on the place: position 85 is column 86 of line 1.
    expect(() => JSON.parse(J1)).toThrow(/position 85/);
  });

  it('--format json gives the line and the message', async () => {
    const dir = folder({ 'j1.json': J1 });
    const run = await runCli(['plan', 'check', 'j1.json', '--format', 'json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      errors: [{ file: 'j1.json', line: 1, path: '', code: 'json', message: J1_ZH.replace('j1.json ', '') }],
    });
  });

  it('audit says the same of the plan it is given', async () => {
    const dir = folder({ 'j1.json': J1, 's.csv': SETTLEMENT });
    const run = await runCli(['audit', '--settlement', 's.csv', '--plan', 'j1.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(`posguard: 费率方案无效：${J1_ZH}\n`);
  });

  it('a comma missing at the end of a line of a pretty-printed plan is placed on the next line and said so', async () => {
    const text = [
      '{',
      '  "merchantId": "1",',
      '  "periods": [',
      '    {',
      '      "from": "2026-09-01"',
      '      "rates": [{ "channel": "card", "rate": "0.6%" }]',
      '    }',
      '  ]',
      '}',
      '',
    ].join('\n');
    const dir = folder({ 'plan.json': text });
    const run = await runCli(['plan', 'check', 'plan.json'], { cwd: dir, env: {} });
    expect(run.stderr).toBe(
      'plan.json 第 6 行第 7 列：JSON 格式错误（缺少逗号）：第 5 行的末尾缺少逗号：对象的各项之间要用逗号隔开，如 {"channel": "card", "rate": "0.6%"}\n',
    );
    // JSON.parse stops at the same place: the `"rates"` of line 6, column 7.
    const position = Number(/position (\d+)/.exec(String(catchError(() => JSON.parse(text))))?.[1]);
    expect(text.slice(0, position).split('\n')).toHaveLength(6);
    expect(text.slice(0, position).split('\n').pop()).toHaveLength(6);
  });

  it('a missing colon, an unclosed quote or bracket, a Chinese comma: each named where it is', async () => {
    const dir = folder({
      'colon.json': '{"periods": [{"from" "2026-09-01"}]}',
      'quote.json': '{"periods": [{"from": "2026-09-01}]}',
      'unclosed.json': '{"periods": [{"from": "2026-09-01", "rates": [{"rate": "0.6%"}]}]\n',
      'comma.json': '{"periods": [{"from": "2026-09-01"，"rates": [{"rate": "0.6%"}]}]}',
    });
    const check = async (file: string) =>
      (await runCli(['plan', 'check', file], { cwd: dir, env: {} })).stderr;
    expect(await check('colon.json')).toBe(
      'colon.json 第 1 行第 22 列：JSON 格式错误（缺少冒号）：键后面要有冒号，再写它的值，如 "rate": "0.6%"\n',
    );
    expect(await check('quote.json')).toBe(
      'quote.json 第 1 行第 23 列：JSON 格式错误（引号没有闭合）：这里的 " 在同一行内没有对应的结尾引号（JSON 的字符串不能换行）：请在字符串的末尾补上 "\n',
    );
    expect(await check('unclosed.json')).toBe(
      'unclosed.json 第 1 行第 1 列：JSON 格式错误（括号没有闭合）：这里的 { 没有对应的 }：请在对象的末尾补上 }\n',
    );
    expect(await check('comma.json')).toBe(
      'comma.json 第 1 行第 35 列：JSON 格式错误（用了中文标点）：这里的 ， 是中文标点；JSON 只认英文标点，请改成 ,\n',
    );
  });

  it('what the YAML reader takes with one meaning (a comma after the last item) is still taken', async () => {
    const dir = folder({
      'trailing.json': '{"periods": [{"from": "2026-09-01", "rates": [{"rate": "0.6%"},]}]}',
    });
    const run = await runCli(['plan', 'check', 'trailing.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('费率方案有效: trailing.json');
  });

  it('a YAML plan keeps its YAML message, and a .json plan that is valid JSON is checked as before', async () => {
    const dir = folder({
      'j1.yaml': J1,
      'ok.json':
        '{"merchantId": "1", "periods": [{"from": "2026-09-01", "rates": [{"channel": "card", "rate": "0.6%"}]}]}',
    });
    const yaml = await runCli(['plan', 'check', 'j1.yaml'], { cwd: dir, env: {} });
    expect(yaml.stderr).toMatch(/^j1\.yaml 第 1 行第 \d+ 列：YAML 格式错误（缺少逗号）/);
    const ok = await runCli(['plan', 'check', 'ok.json'], { cwd: dir, env: {} });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('费率方案有效: ok.json');
  });

  it('describeJsonError places every missing comma where JSON.parse stops', () => {
    for (const text of [
      '{"a": 1 "b": 2}',
      '[1 2]',
      '{"a": [{"b": 1}{"c": 2}]}',
      '{\n  "a": "x"\n  "b": "y"\n}',
      '{"商户": "鸿运" "费率": "0.6%"}',
    ]) {
      const position = Number(/position (\d+)/.exec(String(catchError(() => JSON.parse(text))))?.[1]);
      const before = text.slice(0, position).split('\n');
      const problem = describeJsonError(text);
      expect(problem?.line, text).toBe(before.length);
      expect(problem?.column, text).toBe((before.pop() ?? '').length + 1);
      expect(problem?.zh, text).toContain('JSON 格式错误（缺少逗号）');
    }
    expect(describeJsonError('{"a": 1}')).toBeUndefined();
  });
});

describe('a plan file that is missing or cannot be read', () => {
  it('is worded as every missing input is: the name typed, 文件不存在或无法读取, no errno, no absolute path', async () => {
    const dir = folder({ 's.csv': SETTLEMENT });
    const check = await runCli(['plan', 'check', 'nonexist.yaml'], { cwd: dir, env: {} });
    expect(check.exitCode).toBe(2);
    expect(check.stderr).toBe('nonexist.yaml：文件不存在或无法读取\n');
    const en = await runCli(['plan', 'check', 'nonexist.yaml', '--lang', 'en'], { cwd: dir, env: {} });
    expect(en.stderr).toBe('nonexist.yaml: the file does not exist or cannot be read\n');
    // A directory cannot be read as a plan either.
    const folderAsPlan = await runCli(['plan', 'check', '.'], { cwd: dir, env: {} });
    expect(folderAsPlan.stderr).toBe('.：文件不存在或无法读取\n');

    // audit: a missing plan is a missing input, as a missing statement is, not an invalid plan.
    const audit = await runCli(['audit', '--settlement', 's.csv', '--plan', 'nonexist.yaml'], {
      cwd: dir,
      env: {},
    });
    expect(audit.exitCode).toBe(2);
    expect(audit.stderr).toBe('posguard: nonexist.yaml：文件不存在或无法读取\n');
    const statement = await runCli(['audit', '--settlement', 'nonexist.csv'], { cwd: dir, env: {} });
    expect(statement.stderr).toBe('posguard: nonexist.csv：文件不存在或无法读取\n');
  });

  it('plan fee and --format json say it too', async () => {
    const dir = folder({});
    const fee = await runCli(['plan', 'fee', 'nonexist.yaml', '--amount', '100', '--date', '2026-10-01'], {
      cwd: dir,
      env: {},
    });
    expect(fee.exitCode).toBe(2);
    expect(fee.stderr).toBe('nonexist.yaml：文件不存在或无法读取\n');
    const json = await runCli(['plan', 'check', 'nonexist.yaml', '--format', 'json'], { cwd: dir, env: {} });
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      errors: [{ file: 'nonexist.yaml', path: '', code: 'unreadable', message: '文件不存在或无法读取' }],
    });
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (error) {
    return error;
  }
}
