import { describe, expect, it } from 'vitest';
import { exportDateOfTitle } from './export-date.js';

describe('the day a title says the file was exported', () => {
  it('reads 导出/下载/生成 时间 or 日期 in the usual date forms', () => {
    expect(exportDateOfTitle(['鸿运便利店终端交易流水  导出时间：2026-11-15 10:22:33'])).toBe('2026-11-15');
    expect(exportDateOfTitle(['商户号：898000000000001', '下载日期:2026/11/5'])).toBe('2026-11-05');
    expect(exportDateOfTitle(['#导出时间：[2026年11月15日 10:22]'])).toBe('2026-11-15');
    expect(exportDateOfTitle(['生成时间 2026.11.15'])).toBe('2026-11-15');
  });

  it('is none for a title without one, or with a date that does not exist', () => {
    expect(exportDateOfTitle(['交易日期：2026-11-01 至 2026-11-30'])).toBeUndefined();
    expect(exportDateOfTitle(['导出时间：2026-11-31 10:00:00'])).toBeUndefined();
    expect(exportDateOfTitle([])).toBeUndefined();
  });
});
