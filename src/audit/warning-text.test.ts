import { describe, expect, it } from 'vitest';
import { warningIn } from './warning-text.js';

describe('warningIn', () => {
  it('takes the half of a bilingual warning in the reader’s language', () => {
    const w =
      "3 笔终端流水没有商户号，已按对账单中唯一的商户 822100000000001 核对 / 3 journal lines have no merchant number and were audited with the statements' only merchant, 822100000000001";
    expect(warningIn(w, 'zh')).toBe('3 笔终端流水没有商户号，已按对账单中唯一的商户 822100000000001 核对');
    expect(warningIn(w, 'en')).toBe(
      "3 journal lines have no merchant number and were audited with the statements' only merchant, 822100000000001",
    );
  });

  it('cuts where Chinese gives way to English, not at a “ / ” inside either half', () => {
    const w =
      '找不到表头；可指定预设（--terminal-preset / --settlement-preset）或 --mapping / no header row found; name a preset (--terminal-preset / --settlement-preset) or a --mapping';
    expect(warningIn(w, 'zh')).toBe(
      '找不到表头；可指定预设（--terminal-preset / --settlement-preset）或 --mapping',
    );
    expect(warningIn(w, 'en')).toBe(
      'no header row found; name a preset (--terminal-preset / --settlement-preset) or a --mapping',
    );
    // Chinese file names in the English half.
    const named = '结算明细.csv 第 3 行被跳过 / 结算明细.csv row 3 was skipped';
    expect(warningIn(named, 'en')).toBe('结算明细.csv row 3 was skipped');
    expect(warningIn(named, 'zh')).toBe('结算明细.csv 第 3 行被跳过');
  });

  it('cuts at “/ ” right after a closing full-width bracket', () => {
    const w =
      '容差内多收合计 ¥0.38（每笔高出应收不超过容差，未列为问题）/ ¥0.38 charged above the expected fees within the per-transaction tolerance (not findings)';
    expect(warningIn(w, 'zh')).toBe('容差内多收合计 ¥0.38（每笔高出应收不超过容差，未列为问题）');
    expect(warningIn(w, 'en')).toBe(
      '¥0.38 charged above the expected fees within the per-transaction tolerance (not findings)',
    );
  });

  it('returns a warning in one language whole', () => {
    for (const w of [
      'findings.csv 未使用：是 posguard 生成的问题明细（CSV）',
      'findings.csv not used: it is a findings file posguard wrote (CSV)',
      '对账单 A / B 两份都已读入',
    ])
      for (const lang of ['zh', 'en'] as const) expect(warningIn(w, lang)).toBe(w);
  });
});
