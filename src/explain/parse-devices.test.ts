import { describe, expect, it } from 'vitest';
import { parseDevices } from './parse-devices.js';

describe('parseDevices on a file that is not YAML', () => {
  it('names the line and column and what is wrong in Chinese, with English beside it', () => {
    const r = parseDevices('terminals:\n\t- terminalId: "10000001"\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.zh).toMatch(/^设备文件第 2 行第 1 列：YAML 格式错误（缩进用了 Tab）/);
    expect(r.en).toMatch(/^the devices file: YAML syntax error at line 2, column 1/);
  });

  it('still reads a good file', () => {
    const r = parseDevices('terminals:\n  - terminalId: "10000001"\n    versions: []\n');
    expect(r.ok).toBe(true);
  });
});
