import { describe, expect, it } from 'vitest';
import { cliMerchantForTests } from './merchant-harness.js';

// `posguard case --help` names the states 待处理 → 已联系 → 已承诺 → 已退款 | 被拒绝 → 已结案: a user types
// those names as readily as the codes, and reads them back in the messages.

const shop = cliMerchantForTests('posguard-case-states-');
const { cli } = shop;

/** A fresh case claiming ¥312.50, its id. */
async function openCase(title: string): Promise<string> {
  const opened = await cli('case', 'open', '--title', title, '--claimed', '312.50', '--format', 'json');
  expect(opened.exitCode, opened.stderr).toBe(0);
  return String((JSON.parse(opened.stdout) as { id: number }).id);
}

describe('posguard case states by name', () => {
  it('moves a case by its Chinese state names as by the codes', async () => {
    const id = await openCase('按名称改状态');
    const contacted = await cli('case', 'move', id, '已联系', '--note', '已致电', '--format', 'json');
    expect(contacted.exitCode, contacted.stderr).toBe(0);
    expect((JSON.parse(contacted.stdout) as { state: string }).state).toBe('contacted');
    // The longer name earlier versions printed is still understood.
    const promised = await cli('case', 'move', id, '已承诺退款', '--note', '客服承诺', '--format', 'json');
    expect((JSON.parse(promised.stdout) as { state: string }).state).toBe('promised');
    const listed = await cli('case', 'list', '--state', '已承诺', '--format', 'json');
    expect((JSON.parse(listed.stdout) as { cases: { id: number }[] }).cases.map((c) => String(c.id))).toEqual(
      [id],
    );
  });

  it('lists every valid state, code and name, for an unknown one', async () => {
    const id = await openCase('未知状态');
    const zh = await cli('case', 'move', id, '已联络', '--note', 'x');
    expect(zh.exitCode).toBe(2);
    expect(zh.stderr).toContain(
      '未知状态：已联络（可用：open（待处理）、contacted（已联系）、promised（已承诺）、refunded（已退款）、rejected（被拒绝）、closed（已结案））',
    );
    const en = await cli('case', 'move', id, 'called', '--note', 'x', '--lang', 'en');
    expect(en.stderr).toContain('unknown state: called (valid: open (待处理), contacted (已联系),');
  });

  it('names the states in a forbidden move, and says so before asking for --recovered', async () => {
    const id = await openCase('不能直接退款');
    // open → refunded without --recovered: the move itself is wrong, whatever the amount.
    const zh = await cli('case', 'move', id, '已退款', '--note', '到账');
    expect(zh.exitCode).toBe(2);
    expect(zh.stderr).toContain('案件不能从“待处理”改为“已退款”（可改为：已联系、被拒绝、已结案）');
    expect(zh.stderr).not.toContain('--recovered');
    const en = await cli('case', 'move', id, 'refunded', '--note', 'paid', '--lang', 'en');
    expect(en.stderr).toContain(
      'a case cannot move from open to refunded (allowed: contacted, rejected, closed)',
    );
    // An allowed move to refunded still needs the amount.
    await cli('case', 'move', id, 'contacted', '--note', '已致电');
    const noAmount = await cli('case', 'move', id, 'refunded', '--note', '到账');
    expect(noAmount.stderr).toContain('--recovered');
  });

  it('shows notes’ times in Asia/Shanghai and the states by name in the text output', async () => {
    const id = await openCase('备注时间');
    const before = Date.now();
    const moved = await cli('case', 'move', id, 'contacted', '--note', '已致电客服');
    const after = Date.now();
    expect(moved.exitCode, moved.stderr).toBe(0);
    const note = moved.stdout.split('\n').find((l) => l.includes('已致电客服')) ?? '';
    expect(note).toMatch(/^ {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[待处理→已联系\] 已致电客服$/);
    expect(note).not.toMatch(/Z|T\d/);
    // The wall time printed is the Shanghai clock (UTC + 8 h) of the moment the note was written.
    const printed = Date.parse(`${note.trim().slice(0, 19).replace(' ', 'T')}+08:00`);
    expect(printed).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(printed).toBeLessThanOrEqual(after);
    expect(moved.stdout).toContain('下一步可改为: 已承诺、已退款、被拒绝、已结案');
    const en = await cli('case', 'show', id, '--lang', 'en');
    expect(en.stdout).toMatch(/ {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[open→contacted\] 已致电客服/);
  });
});
