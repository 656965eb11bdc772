import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/report-types.js';
import { warningIn } from '../../src/audit/warning-text.js';
import { runCli } from '../../src/cli/program.js';
import { HEADER, M1, tmpDirs, write } from './audit-fixtures.js';

// The report's warnings are “中文 / English” strings (warning-text.ts): the JSON carries both and every renderer
// shows the reader's half. The importers' warnings (a statement exported twice), the plan warnings (no plan given)
// and the files not used used to come in the --lang language alone, beside the audit's own two-language ones.

const LINES = [
  `2026-11-02 10:00:00,2026-11-03,${M1},12345678,100000000001,贷记卡,刷卡,消费,1000.00,6.80,993.20`,
  `2026-11-02 11:00:00,2026-11-03,${M1},12345678,100000000002,贷记卡,刷卡,消费,500.00,3.40,496.60`,
];
const tmp = tmpDirs('posguard-cli-warn-lang-');

async function warnings(cwd: string, ...argv: string[]): Promise<string[]> {
  const run = await runCli(['audit', '.', ...argv, '--format', 'json'], { cwd, env: {} });
  return (JSON.parse(run.stdout) as AuditReport).warnings;
}

describe('posguard audit --format json warnings', () => {
  it('gives every warning in both languages, whatever --lang; the table shows one', async () => {
    const dir = tmp();
    // The same statement downloaded twice, no plan, and a file that is no input.
    write(dir, '结算明细.csv', [HEADER, ...LINES].join('\n'));
    write(dir, '结算明细(1).csv', [HEADER, ...LINES].join('\n'));
    write(dir, 'notes.md', '# 备忘\n');
    const zh = await warnings(dir);
    expect(zh.length).toBeGreaterThanOrEqual(3);
    // Each has an English half (its only Chinese the file names) and a Chinese one.
    for (const w of zh) {
      expect(warningIn(w, 'zh'), w).not.toBe(w);
      expect(warningIn(w, 'en').replaceAll('结算明细', ''), w).not.toMatch(/[\u4e00-\u9fff]/);
    }
    expect(zh.map((w) => warningIn(w, 'en'))).toContain(
      'notes.md not used: not a table (a script, document or picture)',
    );
    expect(zh.map((w) => warningIn(w, 'zh'))).toContain(
      '结算明细.csv 与 结算明细(1).csv 有 2 条完全相同的记录（疑似重复导出），只保留一份',
    );
    expect(zh.map((w) => warningIn(w, 'en'))).toContain(
      '结算明细.csv and 结算明细(1).csv share 2 identical records (exported twice?); kept once',
    );
    expect(await warnings(dir, '--lang', 'en')).toEqual(zh);
    const table = await runCli(['audit', '.'], { cwd: dir, env: {} });
    expect(table.stdout).toContain('! 结算明细.csv 与 结算明细(1).csv 有 2 条完全相同的记录');
    expect(table.stdout).not.toContain('identical records');
  });
});
