import { describe, expect, it } from 'vitest';
import { parseDevicesFile } from './parse-devices-file.js';

// A devices file with a YAML mistake is refused as a plan is: the line and column, what is wrong and what to
// change, in zh-CN and in English — not the yaml library's own English.

const refusal = (text: string) => {
  const r = parseDevicesFile(text);
  if (r.ok) throw new Error('expected a refusal');
  return r;
};

describe('parseDevicesFile on a file that is not valid YAML', () => {
  it('names the line and column of a tab indent and says to use spaces, in both languages', () => {
    const r = refusal('terminals:\n\t- terminalId: "10000001"\n');
    expect(r.zh).toBe(
      '设备文件第 2 行第 1 列：YAML 格式错误（缩进用了 Tab）：这一行用 Tab 缩进；YAML 只能用空格缩进，请把 Tab 换成空格',
    );
    expect(r.en).toBe(
      'the devices file: YAML syntax error at line 2, column 1 (a tab used for indentation): this line is indented with a tab; YAML indents with spaces only — replace the tab with spaces',
    );
  });

  it('points an unclosed bracket at the bracket, not at the end of the file', () => {
    const r = refusal('merchantId: "822000000000009"\nterminals: [\n  { terminalId: "10000001" }\n');
    expect(r.zh).toMatch(/^设备文件第 2 行第 12 列：YAML 格式错误（括号没有闭合）：这里的 \[ 没有对应的 \]/);
    expect(r.en).toMatch(
      /^the devices file: YAML syntax error at line 2, column 12 \(unclosed bracket\): the \[ here has no matching \]/,
    );
    expect(r.en).not.toMatch(/Flow sequence|must be sufficiently indented/);
  });

  it('names every key given twice, with its line', () => {
    const r = refusal(
      'terminals:\n  - terminalId: "10000001"\n    sn: A\n    sn: B\n    model: X\n    model: Y\n',
    );
    expect(r.zh).toBe(
      '设备文件第 4 行第 5 列：YAML 格式错误（键重复）：同一层级出现了重复的键“sn”：请删除或合并其中一个；' +
        '设备文件第 6 行第 5 列：YAML 格式错误（键重复）：同一层级出现了重复的键“model”：请删除或合并其中一个',
    );
    expect(r.en).toBe(
      'the devices file: YAML syntax error at line 4, column 5 (duplicate key): the key “sn” appears twice in the same mapping: delete or merge one of them; ' +
        'the devices file: YAML syntax error at line 6, column 5 (duplicate key): the key “model” appears twice in the same mapping: delete or merge one of them',
    );
  });

  it('counts lines after a byte-order mark as the file has them', () => {
    const r = refusal('\uFEFFterminals:\n  - terminalId: "10000001"\n\tsn: A\n');
    expect(r.en).toMatch(
      /^the devices file: YAML syntax error at line 3, column 1 \(a tab used for indentation\)/,
    );
  });

  it('still reads a good file', () => {
    const r = parseDevicesFile('terminals:\n  - terminalId: "10000001"\n    sn: N1\n');
    expect(r).toEqual({
      ok: true,
      file: { terminals: [{ terminalId: '10000001', sn: 'N1', versions: [] }] },
    });
  });
});
